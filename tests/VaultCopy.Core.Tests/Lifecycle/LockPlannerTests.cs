using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Lifecycle;

namespace VaultCopy.Core.Tests.Lifecycle;

/// <summary>The pure lock decision against aws-behaviour-lifecycle.md §1.2 (what each lock state allows).</summary>
public sealed class LockPlannerTests
{
    private static readonly DateTime s_start = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    private static SnapshotLockRecord Lock(string state, int days, int? coolOff = null) =>
        new("snap-1", state, days, coolOff, null, s_start, s_start, s_start.AddDays(days));

    private static CopyLockRequest Request(CopyLockMode mode, int days, int? coolOff = null) => new() { Mode = mode, Days = days, CoolOffHours = coolOff };

    [Fact]
    public void An_unlocked_or_expired_snapshot_is_locked_as_asked()
    {
        var fresh = LockPlanner.Decide("snap-1", null, Request(CopyLockMode.Compliance, 30, 24));
        var expired = LockPlanner.Decide("snap-1", Lock("expired", 1), Request(CopyLockMode.Governance, 7));

        Assert.Equal(LockStep.Lock, fresh.Step);
        Assert.Equal(30, fresh.DurationDays);
        Assert.Equal(24, fresh.CoolOffHours);
        Assert.Equal(LockStep.Lock, expired.Step);
        Assert.Null(expired.CoolOffHours);
    }

    [Theory]
    [InlineData("governance")]
    [InlineData("compliance-cooloff")]
    public void Governance_and_cool_off_locks_may_be_shortened_or_change_mode(string state)
    {
        var shorter = LockPlanner.Decide("snap-1", Lock(state, 30, 24), Request(CopyLockMode.Governance, 10));

        Assert.Equal(LockStep.Change, shorter.Step);
        Assert.Contains("shortens", shorter.Reason, StringComparison.Ordinal);
        Assert.Equal(s_start.AddDays(10), shorter.NewExpiresOn);
    }

    [Fact]
    public void A_compliance_lock_after_its_cool_off_only_extends_and_never_sends_a_cool_off()
    {
        var current = Lock("compliance", 30, 24);

        var shorter = LockPlanner.Decide("snap-1", current, Request(CopyLockMode.Compliance, 10));
        var governance = LockPlanner.Decide("snap-1", current, Request(CopyLockMode.Governance, 60));
        var same = LockPlanner.Decide("snap-1", current, Request(CopyLockMode.Compliance, 30));
        var longer = LockPlanner.Decide("snap-1", current, Request(CopyLockMode.Compliance, 60, 24));

        Assert.Equal(LockStep.Refused, shorter.Step);
        Assert.Contains("never shortening", shorter.Reason, StringComparison.Ordinal);
        Assert.Equal(LockStep.Refused, governance.Step);
        Assert.Equal(LockStep.Unchanged, same.Step);
        Assert.Equal(LockStep.Change, longer.Step);
        Assert.Null(longer.CoolOffHours);
    }

    [Fact]
    public void A_pending_copy_is_compared_by_duration()
    {
        var pending = new SnapshotLockRecord("snap-1", "compliance", 30, null, null, s_start, null, null);

        Assert.Equal(LockStep.Refused, LockPlanner.Decide("snap-1", pending, Request(CopyLockMode.Compliance, 20)).Step);
        Assert.Equal(LockStep.Change, LockPlanner.Decide("snap-1", pending, Request(CopyLockMode.Compliance, 40)).Step);
    }

    [Theory]
    [InlineData(null, null, null, "LockDurationRequired")]
    [InlineData(3, "2027-01-01", null, "LockDurationRequired")]
    [InlineData(0, null, null, "LockDurationOutOfRange")]
    [InlineData(3, null, 5, "CoolOffNeedsCompliance")]
    public void Requests_AWS_would_refuse_are_refused_first(int? days, string? until, int? coolOff, string errorId)
    {
        var request = new CopyLockRequest
        {
            Mode = CopyLockMode.Governance,
            Days = days,
            Until = until is null ? null : DateTime.Parse(until, System.Globalization.CultureInfo.InvariantCulture),
            CoolOffHours = coolOff,
        };

        var error = Assert.Throws<VaultCopyException>(request.Validate);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
        Assert.NotNull(error.Remediation);
    }
}
