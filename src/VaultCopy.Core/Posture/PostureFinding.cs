using System.Text.Json.Serialization;

namespace VaultCopy.Core.Posture;

/// <summary>How much a finding matters. High: backups can leak or be lost now. Info: worth knowing, not judged.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PostureSeverity>))]
public enum PostureSeverity
{
    Info,
    Low,
    Medium,
    High,
}

/// <summary>Which side of the vault copy a finding is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PostureSide>))]
public enum PostureSide
{
    Origin,
    Vault,
}

/// <summary>One thing Test-VaultPosture found, with the command or AWS step that fixes it.</summary>
public sealed class VaultPostureFinding
{
    public required PostureSeverity Severity { get; init; }

    /// <summary>The check's stable name (PublicShare, AwsManagedKey, NotVaulted, …), for filtering in scripts.</summary>
    public required string Check { get; init; }

    public required PostureSide Side { get; init; }

    /// <summary>The resource: a backup or copy id, a key ARN, or the account's setting (snapshot block public access…).</summary>
    public required string Resource { get; init; }

    public required string Account { get; init; }

    public required string Region { get; init; }

    public required string Message { get; init; }

    /// <summary>A VaultCopy command or AWS step, written with $origin and $vault as the README names the accounts.</summary>
    public required string Remediation { get; init; }

    public override string ToString() => $"{Severity} {Check} {Resource}: {Message}";
}

/// <summary>What Test-VaultPosture looks at and its thresholds.</summary>
public sealed class PostureRequest
{
    /// <summary>A backup older than this with no verified vault copy is a finding.</summary>
    public double MaxAgeHours { get; init; } = 24;

    /// <summary>Copies without a lock (or an AMI without deregistration protection) are findings.</summary>
    public bool RequireLock { get; init; }

    /// <summary>Locks ending within this many days are findings.</summary>
    public double WarnDays { get; init; } = 7;

    /// <summary>Vault keys to check besides those the copies use (id, alias or ARN in the vault account).</summary>
    public IReadOnlyList<string> VaultKeyIds { get; init; } = [];
}
