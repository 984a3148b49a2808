using System.Text;
using System.Text.Json;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>The key policies KMS writes itself, and the checks CreateKey and PutKeyPolicy run on a new one.</summary>
public static class KmsPolicies
{
    /// <summary>Key policy documents are limited to 32 KB whatever the model's PolicyType allows (aws-behaviour.md §4.5).</summary>
    public const int MaxPolicyBytes = 32768;

    /// <summary>The model's PolicyType maximum: longer values fail model validation before KMS looks at them.</summary>
    public const int ModelMaxPolicyLength = 131072;

    private static readonly PolicyParseOptions s_keyPolicyOptions = new() { AllowStatementsWithoutAction = true };

    /// <summary>The policy CreateKey attaches when the request has none: the account root may do everything.</summary>
    public static string Default(string partition, string accountId) =>
        $$"""
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:{{partition}}:iam::{{accountId}}:root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }
        """;

    /// <summary>
    /// The policy of an AWS managed key (aws-behaviour.md §4.4): anyone in the owning account, but only through the
    /// owning service (kms:ViaService and kms:CallerAccount), plus read-only metadata access for the account.
    /// </summary>
    /// <param name="name">The alias suffix: <c>ebs</c> (used through EC2) or <c>rds</c>.</param>
    public static string AwsManaged(string name, string partition, string accountId, string region)
    {
        bool rds = name == "rds";
        string service = rds ? "rds" : "ec2";
        string label = rds ? "RDS" : "EBS";
        string actions = rds
            ? "\"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:ListGrants\", \"kms:DescribeKey\""
            : "\"kms:Encrypt\", \"kms:Decrypt\", \"kms:ReEncrypt*\", \"kms:GenerateDataKey*\", \"kms:CreateGrant\", \"kms:DescribeKey\"";
        return $$"""
            {
              "Version" : "2012-10-17",
              "Id" : "auto-{{name}}-2",
              "Statement" : [ {
                "Sid" : "Allow access through {{label}} for all principals in the account that are authorized to use {{label}}",
                "Effect" : "Allow",
                "Principal" : {
                  "AWS" : "*"
                },
                "Action" : [ {{actions}} ],
                "Resource" : "*",
                "Condition" : {
                  "StringEquals" : {
                    "kms:CallerAccount" : "{{accountId}}",
                    "kms:ViaService" : "{{service}}.{{region}}.amazonaws.com"
                  }
                }
              }, {
                "Sid" : "Allow direct access to key metadata to the account",
                "Effect" : "Allow",
                "Principal" : {
                  "AWS" : "arn:{{partition}}:iam::{{accountId}}:root"
                },
                "Action" : [ "kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant" ],
                "Resource" : "*"
              } ]
            }
            """;
    }

    /// <summary>
    /// The checks of PutKeyPolicy/CreateKey on a policy text, except the lockout check (which needs the caller):
    /// size (LimitExceededException), characters, JSON and grammar, a principal in every statement, and principals
    /// that exist in <paramref name="world"/> (MalformedPolicyDocumentException). Returns the parsed document.
    /// </summary>
    /// <exception cref="AwsServiceException">The policy is refused, with the KMS error code.</exception>
    public static PolicyDocument Validate(string policy, World world)
    {
        var document = ParseKeyPolicy(policy);
        if (FindMissingPrincipal(document, world) is not null)
        {
            throw KmsErrors.Malformed(KmsErrors.InvalidPrincipalsMessage);
        }

        return document;
    }

    /// <summary>Every check of <see cref="Validate"/> that does not need the world (fixtures run the rest later).</summary>
    public static PolicyDocument ParseKeyPolicy(string policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (Encoding.UTF8.GetByteCount(policy) > MaxPolicyBytes)
        {
            throw new AwsServiceException("LimitExceededException",
                $"Policy document exceeds the maximum size of {MaxPolicyBytes} bytes.");
        }

        if (policy.Length == 0 || policy.Any(c => c is not ('\t' or '\n' or '\r') && (c < '\u0020' || c > '\u00FF')))
        {
            throw KmsErrors.Malformed("Policy contains characters outside tab, line feed, carriage return and U+0020-U+00FF.");
        }

        try
        {
            using var json = JsonDocument.Parse(policy);
        }
        catch (JsonException)
        {
            // KMS answers a document that is not JSON with the bare exception and no message (aws-sdk-ruby#1784).
            throw KmsErrors.Malformed(null);
        }

        if (!PolicyDocument.TryParse(policy, s_keyPolicyOptions, out var document, out string? error))
        {
            throw KmsErrors.Malformed(error.StartsWith("Invalid principal", StringComparison.Ordinal) ? KmsErrors.InvalidPrincipalsMessage : error);
        }

        if (!document.AllStatementsHavePrincipal)
        {
            throw KmsErrors.Malformed(KmsErrors.InvalidPrincipalsMessage);
        }

        return document;
    }

    /// <summary>The first AWS principal of <paramref name="document"/> that names no account, user or role of the world.</summary>
    public static string? FindMissingPrincipal(PolicyDocument document, World world)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(world);
        foreach (var statement in document.Statements)
        {
            foreach (var principal in new[] { statement.Principal, statement.NotPrincipal })
            {
                if (principal is null)
                {
                    continue;
                }

                foreach (string value in principal.Aws)
                {
                    if (!PrincipalExists(value, world))
                    {
                        return value;
                    }
                }
            }
        }

        return null;
    }

    private static bool PrincipalExists(string value, World world)
    {
        if (value == "*")
        {
            return true;
        }

        if (value.Length == 12 && value.All(char.IsAsciiDigit))
        {
            return world.FindAccount(value) is not null;
        }

        if (!Model.Arn.TryParse(value, out var arn) || world.FindAccount(arn.Account) is not { } account || account.Partition != arn.Partition)
        {
            return false;
        }

        string resource = arn.Resource;
        string lastName = resource[(resource.LastIndexOf('/') + 1)..];
        return arn.Service switch
        {
            "iam" when resource == "root" => true,
            "iam" when resource.StartsWith("user/", StringComparison.Ordinal) =>
                account.Users.TryGetValue(lastName, out var user) && user.Arn == value,
            "iam" when resource.StartsWith("role/", StringComparison.Ordinal) =>
                account.Roles.TryGetValue(lastName, out var role) && role.Arn == value,
            "sts" when resource.StartsWith("assumed-role/", StringComparison.Ordinal) =>
                resource.Split('/') is { Length: 3 } parts && account.Roles.ContainsKey(parts[1]),
            "sts" when resource.StartsWith("federated-user/", StringComparison.Ordinal) => true,
            _ => false,
        };
    }
}
