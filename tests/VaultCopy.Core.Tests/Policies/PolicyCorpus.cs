using System.Text;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

/// <summary>
/// Real-shaped KMS key policies (docs/aws-behaviour.md §4) in the shapes people and AWS write them, plus
/// deterministic whitespace variations of each.
/// </summary>
internal static class PolicyCorpus
{
    public const string Owner = "111122223333";
    public const string Trusted = "444455556666";
    public const string Other = "777788889999";

    public static readonly string OwnerRoot = $"arn:aws:iam::{Owner}:root";
    public static readonly string TrustedRoot = $"arn:aws:iam::{Trusted}:root";
    public static readonly string TrustedRole = $"arn:aws:iam::{Trusted}:role/VaultCopyVault";
    public static readonly string TrustedRoleWithPath = $"arn:aws:iam::{Trusted}:role/backup/VaultCopyRestore";
    public static readonly string TrustedUser = $"arn:aws:iam::{Trusted}:user/vault-operator";
    public static readonly string TrustedExistingRole = $"arn:aws:iam::{Trusted}:role/VaultReader";
    public static readonly string OwnerAdmin = $"arn:aws:iam::{Owner}:role/KeyAdmin";

    public static readonly string ApiDefault =
        $$$$"""{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"{{{{OwnerRoot}}}}"},"Action":"kms:*","Resource":"*"}]}""";

    /// <summary>The console's policy with administrators, an in-account key user and an external account as key users.</summary>
    public static readonly string ConsoleDefault = $$$$"""
        {
          "Id": "key-consolepolicy-3",
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Enable IAM User Permissions",
              "Effect": "Allow",
              "Principal": {
                "AWS": "{{{{OwnerRoot}}}}"
              },
              "Action": "kms:*",
              "Resource": "*"
            },
            {
              "Sid": "Allow access for Key Administrators",
              "Effect": "Allow",
              "Principal": {
                "AWS": [
                  "{{{{OwnerAdmin}}}}",
                  "arn:aws:iam::{{{{Owner}}}}:user/KMSAdminUser"
                ]
              },
              "Action": [
                "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
                "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"
              ],
              "Resource": "*"
            },
            {
              "Sid": "Allow use of the key",
              "Effect": "Allow",
              "Principal": {
                "AWS": [
                  "arn:aws:iam::{{{{Owner}}}}:role/ExampleUserRole",
                  "arn:aws:iam::{{{{Other}}}}:root"
                ]
              },
              "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey"
              ],
              "Resource": "*"
            },
            {
              "Sid": "Allow attachment of persistent resources",
              "Effect": "Allow",
              "Principal": {
                "AWS": [
                  "arn:aws:iam::{{{{Owner}}}}:role/ExampleUserRole",
                  "arn:aws:iam::{{{{Other}}}}:root"
                ]
              },
              "Action": [
                "kms:CreateGrant",
                "kms:ListGrants",
                "kms:RevokeGrant"
              ],
              "Resource": "*",
              "Condition": {
                "Bool": {
                  "kms:GrantIsForAWSResource": true
                }
              }
            }
          ]
        }
        """;

    /// <summary>ViaService and CallerAccount conditions (the aws/ebs shape), encryption context, a service principal.</summary>
    public static readonly string WithConditions =
        $$$$"""{"Version":"2012-10-17","Id":"auto-ebs-2","Statement":[{"Sid":"Allow access through EBS for all principals in the account that are authorized to use EBS","Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"{{{{Owner}}}}","kms:ViaService":"ec2.eu-west-1.amazonaws.com"}}},{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"{{{{OwnerRoot}}}}"},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"},{"Sid":"AllowCloudWatchLogs","Effect":"Allow","Principal":{"Service":"logs.eu-west-1.amazonaws.com"},"Action":["kms:Encrypt*","kms:Decrypt*","kms:GenerateDataKey*"],"Resource":"*","Condition":{"ArnLike":{"kms:EncryptionContext:aws:logs:arn":"arn:aws:logs:eu-west-1:{{{{Owner}}}}:log-group:*"}}}]}""";

    /// <summary>Deny statements, including "deny deletion except the administrator".</summary>
    public static readonly string WithDeny = $$$$"""
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "{{{{OwnerRoot}}}}"}, "Action": "kms:*", "Resource": "*"},
          {"Sid": "DenyDeletionExceptAdmin", "Effect": "Deny", "Principal": "*",
           "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"], "Resource": "*",
           "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "{{{{OwnerAdmin}}}}"}}},
          {"Sid": "DenyPlaintextDataKeys", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:GenerateDataKey", "Resource": "*"}
        ]}
        """;

    /// <summary>Principals as plain strings and as arrays, a Deny with NotPrincipal and NotAction.</summary>
    public static readonly string WithNotPrincipal = $$$$"""
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "{{{{OwnerRoot}}}}"}, "Action": "kms:*", "Resource": "*"},
                {"Sid": "OnlyAdminsAdminister", "Effect": "Deny", "NotPrincipal": {"AWS": ["{{{{OwnerAdmin}}}}", "{{{{OwnerRoot}}}}"]},
                 "NotAction": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                 "Resource": "*"},
                {"Sid": "BackupService", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{{{{Owner}}}}:role/service-role/AWSBackupDefaultServiceRole"},
                 "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}
            ]
        }
        """;

    /// <summary>Statement before Version, no Id, unknown fields at both levels, and values whose spelling must survive.</summary>
    public static readonly string OddOrderAndSpelling =
        $$$$"""{"Statement":[{"Effect":"Allow","Resource":"*","Action":["kms:*"],"Principal":{"AWS":["{{{{OwnerRoot}}}}"]},"Sid":"Root","x-note":{"ticket":1.50e2,"tags":[]}},{"Sid":"Escaped","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{{Owner}}}}:role\/Escaped"},"Action":"kms:Describe\u002A","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag\/team":["a\"b","c\\d"]}}}],"Version":"2012-10-17","x-owner":null}""";

    /// <summary>Id first, Version last, no Sid on statements.</summary>
    public static readonly string IdFirstNoSids =
        $$$$"""{"Id":"custom","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{{{Owner}}}}"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":["{{{{OwnerAdmin}}}}"]},"Action":["kms:Create*","kms:Describe*"],"Resource":"*"}],"Version":"2012-10-17"}""";

    /// <summary>The grammar's single statement written as an object, not an array.</summary>
    public static readonly string SingleStatementObject =
        $$$$"""{"Version":"2012-10-17","Statement":{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"{{{{OwnerRoot}}}}"},"Action":"kms:*","Resource":"*"}}""";

    /// <summary>VaultCopy already granted to another account, and to a role of the trusted account.</summary>
    public static readonly string WithVaultCopyStatements =
        $$$$"""{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"{{{{OwnerRoot}}}}"},"Action":"kms:*","Resource":"*"},{"Sid":"VaultCopyUseKey-{{{{Other}}}}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{{Other}}}}:root"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},{"Sid":"VaultCopyAttachPersistentResources-{{{{Other}}}}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{{{Other}}}}:root"},"Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}},{"Sid":"VaultCopyUseKey-{{{{Trusted}}}}","Effect":"Allow","Principal":{"AWS":"{{{{TrustedExistingRole}}}}"},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},{"Sid":"VaultCopyAttachPersistentResources-{{{{Trusted}}}}","Effect":"Allow","Principal":{"AWS":"{{{{TrustedExistingRole}}}}"},"Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}]}""";

    /// <summary>A Sid that merely starts like ours, which the editor must leave alone.</summary>
    public static readonly string LookalikeSid =
        $$$$"""{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"{{{{OwnerRoot}}}}"},"Action":"kms:*","Resource":"*"},{"Sid":"VaultCopyUseKey-{{{{Trusted}}}}-manual","Effect":"Allow","Principal":{"AWS":"{{{{TrustedRoot}}}}"},"Action":"kms:Decrypt","Resource":"*"},{"Sid":"VaultCopy","Effect":"Deny","Principal":"*","Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}""";

    /// <summary>A policy about 700 bytes under the 32 KB limit: some grants fit, larger ones must be refused.</summary>
    public static readonly string NearLimit = PadTo(ApiDefault, KeyPolicyDocument.MaxByteSize - 700);

    public static IReadOnlyList<(string Name, string Json)> Policies { get; } =
    [
        (nameof(ApiDefault), ApiDefault),
        (nameof(ConsoleDefault), ConsoleDefault),
        (nameof(WithConditions), WithConditions),
        (nameof(WithDeny), WithDeny),
        (nameof(WithNotPrincipal), WithNotPrincipal),
        (nameof(OddOrderAndSpelling), OddOrderAndSpelling),
        (nameof(IdFirstNoSids), IdFirstNoSids),
        (nameof(SingleStatementObject), SingleStatementObject),
        (nameof(WithVaultCopyStatements), WithVaultCopyStatements),
        (nameof(LookalikeSid), LookalikeSid),
        (nameof(NearLimit), NearLimit),
    ];

    /// <summary>Grants covering the account root, one role, two roles (one with a path), a user, and ViaService.</summary>
    public static IReadOnlyList<(string Name, KeyAccessGrant Grant)> Grants { get; } =
    [
        ("root", new KeyAccessGrant(Trusted)),
        ("one role", new KeyAccessGrant(Trusted) { Principals = [TrustedRole] }),
        ("two roles", new KeyAccessGrant(Trusted) { Principals = [TrustedRole, TrustedRoleWithPath] }),
        ("role and user, owner known", new KeyAccessGrant(Trusted) { Principals = [TrustedUser, TrustedRole], KeyOwnerAccountId = Owner }),
        ("root via EC2/RDS", new KeyAccessGrant(Trusted) { ViaServiceRegion = "eu-west-1" }),
        ("one role via EC2/RDS", new KeyAccessGrant(Trusted) { Principals = [TrustedRoleWithPath], ViaServiceRegion = "eu-west-1" }),
    ];

    /// <summary>
    /// Every corpus policy in several spellings: as written, compact, indented, CRLF, and seeded random whitespace.
    /// The 32 KB policy gets one spelling only: its size, not its whitespace, is what it is there for, and it is
    /// what makes the suite slow.
    /// </summary>
    public static IEnumerable<object[]> Cases()
    {
        foreach ((string name, _) in Policies)
        {
            foreach (string variant in name == nameof(NearLimit) ? ["random whitespace 1"] : Variants)
            {
                yield return [name, variant];
            }
        }
    }

    /// <summary>Every corpus policy as written.</summary>
    public static IEnumerable<object[]> Names() => Policies.Select(p => new object[] { p.Name });

    public static readonly string[] Variants = ["as written", "compact", "indented", "indented CRLF", "random whitespace 1", "random whitespace 2"];

    public static string Get(string name, string variant)
    {
        string json = Policies.Single(p => p.Name == name).Json;
        return variant switch
        {
            "as written" => json,
            "compact" => KeyPolicyDocument.Parse(json).ToJson(),
            "indented" => KeyPolicyDocument.Parse(json).ToIndentedJson(),
            "indented CRLF" => KeyPolicyDocument.Parse(json).ToIndentedJson().ReplaceLineEndings("\r\n"),
            _ => Rewhitespace(json, new Random(name.Length * 31 + variant[^1])),
        };
    }

    /// <summary>Every statement's role ARN or account root the grant asks for, as the editor will write them.</summary>
    public static IReadOnlyList<string> EffectivePrincipals(KeyAccessGrant grant) =>
        grant.Principals.Count == 0 ? [$"arn:{grant.Partition}:iam::{grant.TrustedAccountId}:root"] : grant.Principals;

    /// <summary>
    /// The same tokens with random insignificant whitespace between them (spaces, tabs, newlines, CRLF); string
    /// contents are copied untouched.
    /// </summary>
    public static string Rewhitespace(string json, Random random)
    {
        string[] spaces = ["", "", " ", "  ", "\n", "\t", "\r\n", "\n    ", " \t "];
        var output = new StringBuilder();
        bool inString = false, escaped = false;
        foreach (char c in json)
        {
            if (inString)
            {
                output.Append(c);
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c is ' ' or '\t' or '\r' or '\n')
            {
                continue;
            }

            if (c is '{' or '}' or '[' or ']' or ',' or ':')
            {
                output.Append(spaces[random.Next(spaces.Length)]).Append(c).Append(spaces[random.Next(spaces.Length)]);
                continue;
            }

            output.Append(c);
            inString = c == '"';
        }

        return output.ToString();
    }

    /// <summary>
    /// Adds statements for made-up reader roles (ten to a statement, as a policy grown over years looks) until the
    /// compact policy is exactly <paramref name="bytes"/> long.
    /// </summary>
    public static string PadTo(string policy, int bytes)
    {
        string compact = KeyPolicyDocument.Parse(policy).ToJson();
        string head = compact[..compact.LastIndexOf("]}", StringComparison.Ordinal)];
        var builder = new StringBuilder(head);
        int n = 0;
        string Statement(int i, string pad)
        {
            string principals = string.Join(",", Enumerable.Range(0, 10).Select(r => $"\"arn:aws:iam::{Owner}:role/team-{i:D3}/reader-{r:D2}\""));
            return $$$$""",{"Sid":"Readers{{{{i}}}}{{{{pad}}}}","Effect":"Allow","Principal":{"AWS":[{{{{principals}}}}]},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}""";
        }

        while (builder.Length + Statement(n, "").Length + 2 + Statement(n + 1, "").Length <= bytes)
        {
            builder.Append(Statement(n++, ""));
        }

        int room = bytes - builder.Length - 2 - Statement(n, "").Length;
        builder.Append(Statement(n, new string('x', room))).Append("]}");
        string result = builder.ToString();
        if (Encoding.UTF8.GetByteCount(result) != bytes)
        {
            throw new InvalidOperationException($"padding produced {result.Length} bytes, not {bytes}");
        }

        return result;
    }
}
