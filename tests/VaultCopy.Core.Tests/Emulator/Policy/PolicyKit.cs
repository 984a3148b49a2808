using VaultCopy.Emulator.Policy;

namespace VaultCopy.Core.Tests.Emulator.Policy;

/// <summary>Accounts, ARNs and compact request builders shared by the policy tables.</summary>
internal static class PolicyKit
{
    /// <summary>Source account: owns the backups and the source KMS key.</summary>
    public const string Owner = "111122223333";

    /// <summary>The locked-down vault account.</summary>
    public const string Vault = "444455556666";

    /// <summary>An unrelated third account.</summary>
    public const string Stranger = "999988887777";

    public const string KeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    public const string VaultRoleArn = "arn:aws:iam::444455556666:role/VaultCopyRole";
    public const string BucketObjectArn = "arn:aws:s3:::vault-bucket/backup.tar";
    public const string SnapshotArn = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";

    /// <summary>
    /// Builds a request from a caller descriptor:
    /// <c>user:ACCT:NAME</c>, <c>role:ACCT:NAME</c> (role ARN only, session unknown),
    /// <c>session:ACCT:ROLE:SESSION</c> (role ARN plus SessionArn), <c>assumed:ACCT:ROLE:SESSION</c> (the session ARN
    /// passed as PrincipalArn), <c>root:ACCT</c>, <c>service:NAME</c>, <c>cnuser:ACCT:NAME</c> (aws-cn partition).
    /// Context is <c>key=v1|v2;key2=v</c>.
    /// </summary>
    public static AuthorizationRequest Request(string caller, string action, string resource, string context = "")
    {
        string[] p = caller.Split(':');
        (string arn, string account, string? session, string? service) = p[0] switch
        {
            "user" => ($"arn:aws:iam::{p[1]}:user/{p[2]}", p[1], null, null),
            "cnuser" => ($"arn:aws-cn:iam::{p[1]}:user/{p[2]}", p[1], null, null),
            "role" => ($"arn:aws:iam::{p[1]}:role/{p[2]}", p[1], null, null),
            "session" => ($"arn:aws:iam::{p[1]}:role/{p[2]}", p[1], $"arn:aws:sts::{p[1]}:assumed-role/{p[2]}/{p[3]}", null),
            "assumed" => ($"arn:aws:sts::{p[1]}:assumed-role/{p[2]}/{p[3]}", p[1], (string?)null, (string?)null),
            "root" => ($"arn:aws:iam::{p[1]}:root", p[1], null, null),
            "service" => (p[1], string.Empty, null, p[1]),
            _ => throw new ArgumentException($"Unknown caller descriptor '{caller}'.", nameof(caller)),
        };

        return new AuthorizationRequest
        {
            Action = action,
            Resource = resource,
            PrincipalArn = arn,
            PrincipalAccount = account,
            SessionArn = session,
            ServicePrincipal = service,
            Context = Context(context),
        };
    }

    public static Dictionary<string, IReadOnlyList<string>> Context(string spec)
    {
        // Deliberately ordinal: the evaluator must not rely on the caller's comparer for case-insensitive keys.
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string pair in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            context[pair[..eq]] = pair[(eq + 1)..].Split('|');
        }

        return context;
    }

    /// <summary>An identity policy allowing <paramref name="action"/> on any resource under the given condition.</summary>
    public static PolicyDocument AllowWithCondition(string conditionJson, string action = "s3:GetObject", string version = "2012-10-17")
        => PolicyDocument.Parse($$"""
            {
              "Version": "{{version}}",
              "Statement": [{ "Effect": "Allow", "Action": "{{action}}", "Resource": "*", "Condition": {{conditionJson}} }]
            }
            """);
}
