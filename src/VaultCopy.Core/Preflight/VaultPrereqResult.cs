namespace VaultCopy.Core.Preflight;

public enum PrereqStatus
{
    Pass,
    Fail,
    Warning,
    Skipped,
}

/// <summary>Which account a check is about.</summary>
public enum PrereqSide
{
    Source,
    Destination,
    Both,
}

/// <summary>One preflight check: what was checked, on which side and target, the verdict, why, and the fix.</summary>
public sealed class VaultPrereqResult
{
    /// <summary>A stable name, e.g. SourceKeyPolicy, for scripts to filter on.</summary>
    public required string Check { get; init; }

    public required PrereqSide Side { get; init; }

    /// <summary>What was checked: an account id, a resource id, a key ARN…</summary>
    public required string Target { get; init; }

    public required PrereqStatus Status { get; init; }

    /// <summary>The cause in plain words.</summary>
    public required string Message { get; init; }

    /// <summary>The VaultCopy command (or the manual step) that fixes a Fail or Warning; null when nothing to do.</summary>
    public string? Remediation { get; init; }

    public override string ToString() => $"{Status} {Check} [{Side}] {Target}: {Message}";
}
