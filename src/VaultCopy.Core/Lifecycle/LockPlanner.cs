using System.Globalization;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Lifecycle;

/// <summary>
/// What Lock-VaultCopy (or a copy run with -LockDays) asks for. <see cref="Days"/> is a lock duration as AWS counts
/// it: from when the snapshot was first locked, or completed if it was still pending; <see cref="Until"/> a fixed end.
/// </summary>
public sealed class CopyLockRequest
{
    public const int MaxDays = 36500;
    public const int MaxCoolOffHours = 72;

    public required CopyLockMode Mode { get; init; }

    public int? Days { get; init; }

    public DateTime? Until { get; init; }

    /// <summary>Compliance only: hours during which the lock can still be removed or changed (1–72); none locks at once.</summary>
    public int? CoolOffHours { get; init; }

    /// <summary>Refuses requests AWS would refuse, before anything is read.</summary>
    public void Validate()
    {
        if ((Days is null) == (Until is null))
        {
            throw Invalid("LockDurationRequired", "Give the lock either a duration (-Days) or an end (-Until), not both and not neither.",
                "For example: Lock-VaultCopy -Days 35, or Lock-VaultCopy -Until (Get-Date).AddMonths(3).");
        }

        if (Days is < 1 or > MaxDays)
        {
            throw Invalid("LockDurationOutOfRange", $"A lock lasts 1 to {MaxDays} days; {Days} was asked for.", "Pass -Days between 1 and 36500.");
        }

        if (Until is DateTime until && until.ToUniversalTime() <= DateTime.UtcNow)
        {
            // AWS refuses an expiration date that is not in the future; said here, before anything is read.
            throw Invalid("LockEndInPast", $"-Until {until.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)} has already passed: a lock must end in the future.",
                "Pass a later -Until, for example (Get-Date).AddMonths(3), or a duration with -Days.");
        }

        if (Until is DateTime end && end.ToUniversalTime() > DateTime.UtcNow.AddDays(MaxDays))
        {
            throw Invalid("LockDurationOutOfRange", $"A lock lasts at most {MaxDays} days; -Until {end.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} is further away.", "Pass an -Until within 36500 days, or -Days.");
        }

        if (CoolOffHours is not null && Mode != CopyLockMode.Compliance)
        {
            throw Invalid("CoolOffNeedsCompliance", "A cool-off period applies to compliance locks only; a governance lock can always be removed by a permitted principal.",
                "Drop -CoolOffHours, or ask for -Mode Compliance.");
        }

        if (CoolOffHours is < 1 or > MaxCoolOffHours)
        {
            throw Invalid("CoolOffOutOfRange", $"A cool-off lasts 1 to {MaxCoolOffHours} hours; {CoolOffHours} was asked for.", "Pass -CoolOffHours between 1 and 72.");
        }
    }

    /// <summary>How the request reads in a confirmation ("for 35 days", "until 2027-03-01 00:00Z").</summary>
    public string DescribeTerm() => Days is int days
        ? $"for {days} day{(days == 1 ? string.Empty : "s")}"
        : $"until {Until!.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>The request as a user wrote it ("Governance lock for 35 days"): the target of the errors about it.</summary>
    public override string ToString() =>
        $"{Mode} lock" + (Days is int days ? $" for {days} day{(days == 1 ? string.Empty : "s")}" : string.Empty)
        + (Until is DateTime until ? $" until {until.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}" : string.Empty);

    private static VaultCopyException Invalid(string id, string message, string remediation) =>
        new(VaultCopyErrorKind.InvalidArgument, id, message, remediation);
}

/// <summary>What to do with one snapshot's lock.</summary>
public enum LockStep
{
    /// <summary>No lock (or an expired one): lock it.</summary>
    Lock,

    /// <summary>Locked: change it (extend, shorten where AWS allows, change mode during a cool-off).</summary>
    Change,

    /// <summary>Already locked exactly so.</summary>
    Unchanged,

    /// <summary>AWS would refuse the change (a compliance lock after its cool-off cannot shorten or change mode).</summary>
    Refused,
}

/// <summary>One snapshot's planned lock call, with the parameters to send.</summary>
public sealed class SnapshotLockDecision
{
    public required string SnapshotId { get; init; }

    public required LockStep Step { get; init; }

    public CopyLockState Current { get; init; }

    public DateTime? CurrentExpiresOn { get; init; }

    /// <summary>The end the new lock will have, when it can be known before the call (null for a pending snapshot).</summary>
    public DateTime? NewExpiresOn { get; init; }

    internal int? DurationDays { get; init; }

    internal DateTime? ExpirationDate { get; init; }

    internal int? CoolOffHours { get; init; }

    /// <summary>Why: the refusal, or what the change does (extends, shortens).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// The pure lock decision (aws-behaviour-lifecycle.md §1.2): governance and compliance-cooloff locks may be changed
/// in every way; a compliance lock past its cool-off may only be extended, in compliance mode, without a cool-off.
/// </summary>
internal static class LockPlanner
{
    public static SnapshotLockDecision Decide(string snapshotId, SnapshotLockRecord? current, CopyLockRequest request)
    {
        CopyLockState state = CopyLockStates.FromEc2(current?.State);
        bool compliance = request.Mode == CopyLockMode.Compliance;
        if (current is null || state is CopyLockState.None or CopyLockState.Expired)
        {
            return new SnapshotLockDecision
            {
                SnapshotId = snapshotId,
                Step = LockStep.Lock,
                Current = state,
                NewExpiresOn = request.Until,
                DurationDays = request.Days,
                ExpirationDate = request.Until,
                CoolOffHours = compliance ? request.CoolOffHours : null,
            };
        }

        // The new end, when it can be computed from what EC2 reported (a duration runs from the lock's start).
        DateTime? newEnd = request.Until ?? (current.DurationStart is DateTime start && request.Days is int days ? start.AddDays(days) : null);
        int comparison = Compare(newEnd, current.ExpiresOn, request.Days, current.DurationDays);
        bool sameMode = (state == CopyLockState.Governance) == !compliance;
        if (comparison == 0 && sameMode && (state != CopyLockState.ComplianceCoolOff || request.CoolOffHours == current.CoolOffHours))
        {
            return Decision(snapshotId, LockStep.Unchanged, current, state, newEnd, request, null, "already locked so");
        }

        if (state == CopyLockState.Compliance)
        {
            if (!compliance)
            {
                return Decision(snapshotId, LockStep.Refused, current, state, newEnd, request, null,
                    $"{snapshotId} is locked in compliance mode and its cool-off has ended: AWS lets nobody change its mode or remove its lock before {Format(current.ExpiresOn)}.");
            }

            if (comparison < 0)
            {
                return Decision(snapshotId, LockStep.Refused, current, state, newEnd, request, null,
                    $"{snapshotId} is locked in compliance mode until {Format(current.ExpiresOn)} and its cool-off has ended: AWS allows extending that lock, never shortening it.");
            }

            // Extending a compliance lock must not name a cool-off (AWS refuses it).
            return Decision(snapshotId, LockStep.Change, current, state, newEnd, request, null, $"extends the compliance lock from {Format(current.ExpiresOn)}");
        }

        string reason = comparison < 0 ? $"shortens the {Describe(state)} lock from {Format(current.ExpiresOn)}"
            : comparison > 0 ? $"extends the {Describe(state)} lock from {Format(current.ExpiresOn)}"
            : $"changes the {Describe(state)} lock";
        return Decision(snapshotId, LockStep.Change, current, state, newEnd, request, compliance ? request.CoolOffHours : null, reason);
    }

    private static SnapshotLockDecision Decision(
        string snapshotId, LockStep step, SnapshotLockRecord current, CopyLockState state, DateTime? newEnd, CopyLockRequest request, int? coolOff, string reason) => new()
    {
        SnapshotId = snapshotId,
        Step = step,
        Current = state,
        CurrentExpiresOn = current.ExpiresOn,
        NewExpiresOn = newEnd,
        DurationDays = request.Days,
        ExpirationDate = request.Until,
        CoolOffHours = coolOff,
        Reason = reason,
    };

    /// <summary>New end against current end; by days when the ends are not known yet (a pending snapshot).</summary>
    private static int Compare(DateTime? newEnd, DateTime? currentEnd, int? newDays, int? currentDays)
    {
        if (newEnd is DateTime a && currentEnd is DateTime b)
        {
            return Math.Abs((a - b).TotalSeconds) < 1 ? 0 : a.CompareTo(b);
        }

        if (newDays is int x && currentDays is int y)
        {
            return x.CompareTo(y);
        }

        // Unknown (a date against a pending snapshot's duration): treat as a change, and let AWS judge it.
        return 1;
    }

    internal static string Format(DateTime? time) =>
        time is DateTime t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture) : "its completion plus its duration";

    private static string Describe(CopyLockState state) => state switch
    {
        CopyLockState.ComplianceCoolOff => "compliance (in cool-off)",
        _ => state.ToString().ToLowerInvariant(),
    };
}
