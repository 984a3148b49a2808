using System.Text.Json.Serialization;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Orchestration;

/// <summary>How one backup ended. Every backup of a run ends in exactly one.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OutcomeKind>))]
public enum OutcomeKind
{
    /// <summary>Copied in this run, every copy verified under the vault key.</summary>
    Vaulted,

    /// <summary>Copied before (found by its lineage) and verified again; nothing was copied.</summary>
    AlreadyVaulted,

    /// <summary>Not attempted: the plan refused it (cause and remediation say why and how to fix it).</summary>
    Refused,

    /// <summary>Attempted and failed (cause and remediation).</summary>
    Failed,

    /// <summary>Not finished when the run stopped (timeout or Ctrl+C): the next run continues it.</summary>
    Pending,
}

/// <summary>One backup's outcome, flat enough for a CSV row.</summary>
public sealed class VaultCopyOutcome
{
    public required OutcomeKind Outcome { get; init; }

    public required string OriginAccountId { get; init; }

    public required string SourceRegion { get; init; }

    public required VaultResourceType Type { get; init; }

    public required string Id { get; init; }

    public required string Arn { get; init; }

    public int? SizeGiB { get; init; }

    /// <summary>What the plan said (Convert, Copy, Reuse, Refuse).</summary>
    public required PlanAction Planned { get; init; }

    /// <summary>The vault copies, "Region:id" each, separated by "; ".</summary>
    public string VaultCopies { get; init; } = string.Empty;

    /// <summary>The vault copies as (Region, id) pairs, read back from <see cref="VaultCopies"/>.</summary>
    public IEnumerable<(string Region, string Id)> VaultCopyIds() =>
        VaultCopies.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(copy => copy.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], parts[1]));

    /// <summary>
    /// The failed earlier vault copies (VaultCopy's own) this run removed to copy again, "Region:id" each, separated by
    /// "; " (empty when none).
    /// </summary>
    public string ReplacedFailedCopies { get; init; } = string.Empty;

    /// <summary>The conversion copy in the origin that was vaulted in place of the original, if any.</summary>
    public string? ConvertedId { get; init; }

    /// <summary>Whether the share with the vault was withdrawn once the copies were verified.</summary>
    public bool ShareWithdrawn { get; init; }

    public string? ErrorId { get; init; }

    public string? Cause { get; init; }

    public string? Remediation { get; init; }

    public override string ToString() => Cause is null ? $"{Outcome} {Type} {Id} {VaultCopies}" : $"{Outcome} {Type} {Id}: {Cause}";
}

/// <summary>The counts of a run, written after the outcomes.</summary>
public sealed class VaultCopyRunSummary
{
    public int Total { get; init; }

    public int Vaulted { get; init; }

    public int AlreadyVaulted { get; init; }

    public int Refused { get; init; }

    public int Failed { get; init; }

    public int Pending { get; init; }

    /// <summary>Shares with the vault still in place at the end (Pending copies keep theirs until verified; -KeepShares keeps all).</summary>
    public int SharesLeft { get; init; }

    public double ElapsedSeconds { get; init; }

    /// <summary>True when the run stopped at -TimeoutSeconds (or was stopped) before every backup finished.</summary>
    public bool TimedOut { get; init; }

    public string? JournalPath { get; init; }

    public string? ReportPath { get; set; }

    public override string ToString() =>
        $"{Vaulted} vaulted, {AlreadyVaulted} already vaulted, {Refused} refused, {Failed} failed, {Pending} pending of {Total} in {ElapsedSeconds:0.#} s";
}

/// <summary>What a run returns: the outcomes (one per backup) and the summary.</summary>
public sealed class VaultCopyRunResult
{
    public required IReadOnlyList<VaultCopyOutcome> Outcomes { get; init; }

    public required VaultCopyRunSummary Summary { get; init; }
}
