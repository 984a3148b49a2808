namespace VaultCopy.Emulator.Model;

public sealed class AccessKey
{
    public required string AccessKeyId { get; init; }

    public required string SecretAccessKey { get; init; }

    /// <summary>"Active" or "Inactive"; an inactive key is refused as unknown, as IAM does.</summary>
    public string Status { get; set; } = "Active";

    public DateTimeOffset CreateDate { get; init; }

    public bool IsActive => string.Equals(Status, "Active", StringComparison.Ordinal);
}

public sealed class IamUser
{
    public required string Name { get; init; }

    public string Path { get; init; } = "/";

    public required string AccountId { get; init; }

    public required string Arn { get; init; }

    /// <summary>Unique id (<c>AIDA…</c>): GetCallerIdentity UserId and aws:userid.</summary>
    public required string UserId { get; init; }

    public DateTimeOffset CreateDate { get; init; }

    public List<AccessKey> AccessKeys { get; } = [];

    /// <summary>Inline policies: name → policy JSON, as given.</summary>
    public Dictionary<string, string> InlinePolicies { get; } = new(StringComparer.Ordinal);

    /// <summary>Attached managed policy ARNs.</summary>
    public List<string> AttachedPolicies { get; } = [];
}

public sealed class IamRole
{
    public required string Name { get; init; }

    public string Path { get; init; } = "/";

    public required string AccountId { get; init; }

    public required string Arn { get; init; }

    /// <summary>Unique id (<c>AROA…</c>); a session's UserId is <c>{RoleId}:{session name}</c>.</summary>
    public required string RoleId { get; init; }

    public DateTimeOffset CreateDate { get; init; }

    public string? Description { get; set; }

    /// <summary>The trust policy (AssumeRolePolicyDocument) JSON.</summary>
    public required string TrustPolicy { get; set; }

    public Dictionary<string, string> InlinePolicies { get; } = new(StringComparer.Ordinal);

    public List<string> AttachedPolicies { get; } = [];

    /// <summary>Seconds, 3600–43200; AssumeRole DurationSeconds may not exceed it.</summary>
    public int MaxSessionDuration { get; set; } = 3600;
}

public sealed class ManagedPolicy
{
    public required string Name { get; init; }

    public string Path { get; init; } = "/";

    public required string Arn { get; init; }

    /// <summary>Unique id (<c>ANPA…</c>).</summary>
    public required string PolicyId { get; init; }

    public required string Document { get; set; }

    public string? Description { get; init; }
}

/// <summary>The few AWS managed policies fixtures may attach by ARN.</summary>
public static class AwsManagedPolicies
{
    private const string AdministratorAccessDocument =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    public static ManagedPolicy? FindByArn(string arn, string partition) =>
        string.Equals(arn, $"arn:{partition}:iam::aws:policy/AdministratorAccess", StringComparison.Ordinal)
            ? new ManagedPolicy
            {
                Name = "AdministratorAccess",
                Arn = arn,
                PolicyId = "ANPAIWMBCKSKIEE64ZLYK",
                Document = AdministratorAccessDocument,
                Description = "Provides full access to AWS services and resources.",
            }
            : null;
}
