using System.Globalization;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// An EBS snapshot lock (aws-behaviour-lifecycle.md §1). Its state is never stored: it is computed from the world
/// clock when read, like copy progress, so advancing world time ends cool-offs and expires locks.
/// </summary>
public sealed class Ec2SnapshotLock
{
    public const string Governance = "governance";
    public const string Compliance = "compliance";
    public const string ComplianceCoolOff = "compliance-cooloff";
    public const string Expired = "expired";

    /// <summary>governance or compliance, as requested.</summary>
    public required string Mode { get; set; }

    /// <summary>When the snapshot was first locked (kept when the lock is changed).</summary>
    public required DateTimeOffset CreatedOn { get; init; }

    /// <summary>Days, when the lock was given a duration (it runs from <see cref="DurationStart"/>).</summary>
    public int? DurationDays { get; set; }

    /// <summary>The expiry, when the lock was given a date instead of a duration.</summary>
    public DateTimeOffset? ExpirationDate { get; set; }

    /// <summary>Compliance cool-off in hours; null means none (compliance binds at once).</summary>
    public int? CoolOffHours { get; set; }

    /// <summary>When the current cool-off started (the call that set it).</summary>
    public DateTimeOffset CoolOffStart { get; set; }

    public DateTimeOffset? CoolOffExpiresOn => CoolOffHours is int hours ? CoolOffStart.AddHours(hours) : null;
}

/// <summary>What a snapshot's lock reports at one moment: null <see cref="ExpiresOn"/> while the snapshot is pending.</summary>
public readonly record struct Ec2LockStatus(string State, DateTimeOffset? DurationStart, DateTimeOffset? ExpiresOn)
{
    /// <summary>Governance, compliance-cooloff and compliance all refuse DeleteSnapshot; only expired does not.</summary>
    public bool PreventsDeletion => State != Ec2SnapshotLock.Expired;
}

/// <summary>AMI deregistration protection (aws-behaviour-lifecycle.md §2), on the world clock.</summary>
public sealed class Ec2DeregistrationProtection
{
    /// <summary>How long protection with cooldown lasts after it is disabled.</summary>
    public static readonly TimeSpan Cooldown = TimeSpan.FromHours(24);

    public const string Disabled = "disabled";

    public bool WithCooldown { get; set; }

    /// <summary>Set when protection with cooldown was disabled: it holds until this time plus <see cref="Cooldown"/>.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
}

public static class Ec2LockRules
{
    /// <summary>The lock state of <paramref name="snapshot"/> at <paramref name="now"/>; null when it has no lock
    /// (never locked, unlocked, or cancelled because the snapshot's creation failed).</summary>
    public static Ec2LockStatus? Status(Ec2Snapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Lock is not { } lockInfo)
        {
            return null;
        }

        var snapshotStatus = Ec2Lifecycle.Status(snapshot, now);
        if (snapshotStatus.State == "error")
        {
            return null;
        }

        // A pending snapshot's lock duration starts when it completes; until then it has no start or expiry.
        DateTimeOffset? start = snapshotStatus.State == "completed"
            ? Later(lockInfo.CreatedOn, snapshotStatus.CompletionTime ?? lockInfo.CreatedOn)
            : null;
        DateTimeOffset? expires = start is null ? null : lockInfo.ExpirationDate ?? start.Value.AddDays(lockInfo.DurationDays ?? 0);
        string state = expires is { } end && now >= end
            ? Ec2SnapshotLock.Expired
            : lockInfo.Mode == Ec2SnapshotLock.Compliance && lockInfo.CoolOffExpiresOn is { } coolOffEnd && now < coolOffEnd
                ? Ec2SnapshotLock.ComplianceCoolOff
                : lockInfo.Mode;
        return new Ec2LockStatus(state, start, expires);
    }

    /// <summary>disabled, enabled-without-cooldown, enabled-with-cooldown, or "disabled after &lt;time&gt;" during a cooldown.</summary>
    public static string ProtectionState(Ec2Image image, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.DeregistrationProtection is not { } protection)
        {
            return Ec2DeregistrationProtection.Disabled;
        }

        if (protection.DisabledAt is { } disabledAt)
        {
            var until = disabledAt + Ec2DeregistrationProtection.Cooldown;
            return now < until
                ? "disabled after " + until.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                : Ec2DeregistrationProtection.Disabled;
        }

        return protection.WithCooldown ? "enabled-with-cooldown" : "enabled-without-cooldown";
    }

    /// <summary>True while DeregisterImage must refuse the image.</summary>
    public static bool PreventsDeregistration(Ec2Image image, DateTimeOffset now) =>
        ProtectionState(image, now) != Ec2DeregistrationProtection.Disabled;

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
