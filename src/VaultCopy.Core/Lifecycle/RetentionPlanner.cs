using System.Globalization;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Lifecycle;

/// <summary>Which copies a retention run removes. Both rules together remove only what both select.</summary>
public sealed class RetentionRule
{
    /// <summary>Copies made more than this many days ago.</summary>
    public int? OlderThanDays { get; init; }

    /// <summary>Per source backup, the copies beyond the newest N.</summary>
    public int? KeepLast { get; init; }

    /// <summary>Allow removing the newest verified copy of a source (never by default).</summary>
    public bool IncludeNewest { get; init; }

    public bool HasRule => OlderThanDays is not null || KeepLast is not null;

    public void Validate(bool copiesGiven)
    {
        if (!HasRule && !copiesGiven)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "RetentionRuleRequired",
                "Say which copies to remove: a rule (-OlderThanDays, -KeepLast) or the copies themselves from the pipeline.",
                "For example: Remove-VaultCopy -Destination $vault -OlderThanDays 35 -KeepLast 7 -WhatIf.");
        }

        if (OlderThanDays is < 0 || KeepLast is < 0)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "RetentionRuleOutOfRange",
                "-OlderThanDays and -KeepLast can't be negative.", "Pass 0 or more.");
        }
    }
}

public enum RetentionVerdict
{
    /// <summary>Selected and deletable now.</summary>
    Remove,

    /// <summary>Selected, but a lock or deregistration protection stops the delete: skipped, with the expiry.</summary>
    Skip,

    /// <summary>Not selected, or kept by a rule (the newest verified copy, the last N, still copying).</summary>
    Keep,
}

/// <summary>One copy's retention decision and why.</summary>
public sealed class RetentionDecision
{
    public required VaultCopyJob Job { get; init; }

    public required RetentionVerdict Verdict { get; init; }

    public required string Reason { get; init; }

    /// <summary>An AMI copy's snapshots, which go with it (empty for other types).</summary>
    public IReadOnlyList<string> BackingSnapshotIds { get; init; } = [];
}

/// <summary>
/// A vault copy as retention sees it: the job, the series it belongs to (the origin volume, DB instance or cluster
/// its source was taken of, else the source backup itself) and, for an AMI, its snapshots.
/// </summary>
public sealed record RetentionCandidate(VaultCopyJob Job, string Series, IReadOnlyList<string> BackingSnapshotIds);

/// <summary>
/// The pure retention decision. Copies are grouped by series and ordered by copy time. A rule selects copies
/// (older than N days, beyond the last N of the series; both: the intersection), piped copies are selected as given;
/// then the newest verified copy of each series is kept unless IncludeNewest, copies still in flight are kept, and
/// locked or protected ones are skipped with their expiry.
/// </summary>
public static class RetentionPlanner
{
    /// <param name="copies">Every vault copy of the series concerned, with lock state.</param>
    /// <param name="selected">Target ids of the copies given explicitly; null when only the rule selects.</param>
    /// <param name="rule">The retention rule.</param>
    /// <param name="now">The time ages are measured from.</param>
    public static IReadOnlyList<RetentionDecision> Plan(
        IReadOnlyList<RetentionCandidate> copies, IReadOnlySet<string>? selected, RetentionRule rule, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(copies);
        ArgumentNullException.ThrowIfNull(rule);
        var decisions = new List<RetentionDecision>();
        foreach (IGrouping<string, RetentionCandidate> series in copies.GroupBy(c => c.Series, StringComparer.Ordinal))
        {
            var newestFirst = series.OrderByDescending(c => c.Job.StartTime ?? DateTime.MinValue).ThenBy(c => c.Job.TargetId, StringComparer.Ordinal).ToList();
            RetentionCandidate? newestVerified = newestFirst.FirstOrDefault(c => IsVerified(c.Job));
            for (int rank = 0; rank < newestFirst.Count; rank++)
            {
                RetentionCandidate copy = newestFirst[rank];
                decisions.Add(new RetentionDecision
                {
                    Job = copy.Job,
                    BackingSnapshotIds = copy.BackingSnapshotIds,
                    Verdict = Decide(copy.Job, rank, copy == newestVerified, selected, rule, now, out string reason),
                    Reason = reason,
                });
            }
        }

        return decisions;
    }

    /// <summary>A copy stands on its own when it completed under a key of its own account (CopyVerifier's key rule).</summary>
    public static bool IsVerified(VaultCopyJob copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        return copy.Verified ?? (copy.State == CopyJobState.Completed && CopyVerifier.IsKeyOf(copy.TargetKeyArn, copy.TargetAccountId));
    }

    private static RetentionVerdict Decide(
        VaultCopyJob copy, int rank, bool isNewestVerified, IReadOnlySet<string>? selected, RetentionRule rule, DateTime now, out string reason)
    {
        double ageDays = copy.StartTime is DateTime started ? (now - started).TotalDays : 0;
        if (selected is not null && (copy.TargetId is null || !selected.Contains(copy.TargetId)))
        {
            reason = "not among the copies given";
            return RetentionVerdict.Keep;
        }

        if (rule.OlderThanDays is int days && ageDays <= days)
        {
            reason = $"made {ageDays.ToString("0.#", CultureInfo.InvariantCulture)} days ago, within the {days} days kept";
            return RetentionVerdict.Keep;
        }

        if (rule.KeepLast is int keep && rank < keep)
        {
            reason = $"one of the {keep} newest copies of its series";
            return RetentionVerdict.Keep;
        }

        if (isNewestVerified && !rule.IncludeNewest)
        {
            reason = $"the newest verified copy of its series ({copy.SourceId}) is never removed by retention (add -IncludeNewest to allow it)";
            return RetentionVerdict.Keep;
        }

        if (copy.State is CopyJobState.InProgress or CopyJobState.Queued)
        {
            reason = "still being copied";
            return RetentionVerdict.Keep;
        }

        if (copy.LockState is CopyLockState state && CopyLockStates.PreventsDeletion(state))
        {
            reason = $"locked ({Describe(state)}) until {LockPlanner.Format(copy.LockExpiresOn)}";
            return RetentionVerdict.Skip;
        }

        if (CopyLockStates.ProtectsImage(copy.DeregistrationProtection))
        {
            reason = $"deregistration protection is {copy.DeregistrationProtection}";
            return RetentionVerdict.Skip;
        }

        reason = selected is not null && !rule.HasRule
            ? "given for removal"
            : $"made {ageDays.ToString("0.#", CultureInfo.InvariantCulture)} days ago{(rule.KeepLast is int k ? $", older than the {k} newest of its series" : string.Empty)}";
        return RetentionVerdict.Remove;
    }

    private static string Describe(CopyLockState state) => state switch
    {
        CopyLockState.ComplianceCoolOff => "compliance, cool-off",
        _ => state.ToString().ToLowerInvariant(),
    };
}
