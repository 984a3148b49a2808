namespace VaultCopy.Emulator.Model;

/// <summary>Temporary credentials issued by AssumeRole.</summary>
public sealed class RoleSession
{
    /// <summary><c>ASIA…</c>.</summary>
    public required string AccessKeyId { get; init; }

    public required string SecretAccessKey { get; init; }

    public required string SessionToken { get; init; }

    public required string AccountId { get; init; }

    public required string RoleArn { get; init; }

    public required string RoleName { get; init; }

    public required string RoleId { get; init; }

    public required string SessionName { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset Expiration { get; init; }

    /// <summary>The principal that called AssumeRole (user ARN, assumed-role ARN or root ARN).</summary>
    public required string AssumedBy { get; init; }

    /// <summary>True when the caller of AssumeRole was itself a role session (role chaining).</summary>
    public bool IsChained { get; init; }

    /// <summary>sts:SourceIdentity; set once and carried along a role chain.</summary>
    public string? SourceIdentity { get; init; }

    public string? ExternalId { get; init; }

    /// <summary>The inline session policy (AssumeRole Policy), which bounds the role's permissions.</summary>
    public string? SessionPolicy { get; init; }

    /// <summary>Session tags (aws:PrincipalTag/*).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public string Arn => $"arn:{Partition}:sts::{AccountId}:assumed-role/{RoleName}/{SessionName}";

    public string UserId => $"{RoleId}:{SessionName}";

    public string Partition => Model.Arn.TryParse(RoleArn, out var arn) ? arn.Partition : "aws";
}
