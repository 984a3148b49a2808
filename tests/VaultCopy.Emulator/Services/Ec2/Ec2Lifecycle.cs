using System.Globalization;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>What a snapshot reports at one moment of world time.</summary>
public readonly record struct Ec2SnapshotStatus(string State, string Progress, string? Message, DateTimeOffset? CompletionTime);

/// <summary>What an image reports at one moment of world time.</summary>
public readonly record struct Ec2ImageStatus(string State, string? ReasonCode, string? ReasonMessage);

/// <summary>
/// Asynchronous copies without background threads: a copy stores when it started and how long it takes, and its
/// state is computed from the world clock whenever it is read (aws-behaviour.md §9 rule 6).
/// </summary>
public static class Ec2Lifecycle
{
    /// <summary>Effective copy throughput at time scale 1. Standard copies are best effort; this gives a 500 GiB copy
    /// about 85 minutes, and time-based copies are capped at 500 MiB/s (aws-behaviour.md §1.1).</summary>
    public const double MiBPerSecond = 100;

    /// <summary>The fixed part of every copy (AWS time), before data moves.</summary>
    public static readonly TimeSpan StartUp = TimeSpan.FromSeconds(15);

    /// <summary>How long (AWS time) before a copy whose keys cannot be used turns to error: the service asks KMS first.</summary>
    public static readonly TimeSpan KeyCheck = TimeSpan.FromSeconds(5);

    public const string KeyNotAccessible = "Given key ID is not accessible";

    /// <summary>The state reason of an AMI copy whose snapshot copy failed. Message observed in AWS Backup copy jobs
    /// ("AMI snapshot copy failed with error: Given key ID is not accessible. …"); the code is UNVERIFIED.</summary>
    public const string ImageCopyFailedCode = "Client.InternalError";

    public const string ImageCopyFailedMessage =
        "AMI snapshot copy failed with error: Given key ID is not accessible. You must have DescribeKey permissions on the default CMK";

    /// <summary>The StateMessage of a snapshot copy made to fail by the control API (<c>/_emulator/copyfailures</c>)
    /// without a message of its own. Chosen: no AWS text for an internal copy failure was found.</summary>
    public const string CopyFailedMessage = "The snapshot copy failed because of an internal error. Delete the snapshot and copy it again.";

    /// <summary>The state-reason code of an AMI copy that failed for a reason other than its keys (UNVERIFIED: the
    /// code EC2 uses for internal failures of instances).</summary>
    public const string ImageInternalErrorCode = "Server.InternalError";

    /// <summary>
    /// World time a copy of <paramref name="sizeGiB"/> takes: <see cref="StartUp"/> plus the data at
    /// <see cref="MiBPerSecond"/>, or exactly the requested completion duration of a time-based copy, divided by the
    /// time scale in force when the copy starts.
    /// </summary>
    public static TimeSpan CopyDuration(int sizeGiB, int? completionDurationMinutes, double timeScale)
    {
        double seconds = completionDurationMinutes is int minutes
            ? minutes * 60.0
            : StartUp.TotalSeconds + (Math.Max(sizeGiB, 1) * 1024.0 / MiBPerSecond);
        return TimeSpan.FromSeconds(seconds / Scale(timeScale));
    }

    public static TimeSpan KeyCheckDelay(TimeSpan duration, double timeScale)
    {
        var delay = TimeSpan.FromSeconds(KeyCheck.TotalSeconds / Scale(timeScale));
        return delay < duration ? delay : duration;
    }

    public static Ec2SnapshotStatus Status(Ec2Snapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Copy is not { } copy)
        {
            string progress = snapshot.FixedProgress ?? (snapshot.FixedState == "completed" ? "100%" : "0%");
            return new Ec2SnapshotStatus(snapshot.FixedState, progress, snapshot.FixedStateMessage, null);
        }

        if (copy.FailureMessage is not null && now >= copy.FailureAt)
        {
            return new Ec2SnapshotStatus("error", Percent(copy, copy.FailureAt), copy.FailureMessage, null);
        }

        if (now >= copy.CompletesAt)
        {
            return new Ec2SnapshotStatus("completed", "100%", null, copy.CompletesAt);
        }

        return new Ec2SnapshotStatus("pending", Percent(copy, now), null, null);
    }

    /// <summary>A copied image is pending until every new backing snapshot completes, failed as soon as one fails.</summary>
    public static Ec2ImageStatus Status(Ec2Image image, Ec2RegionState home, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(home);
        if (image.Copy is null)
        {
            return new Ec2ImageStatus(image.FixedState, image.FixedStateReasonCode, image.FixedStateReasonMessage);
        }

        bool pending = false;
        foreach (var device in image.BlockDevices)
        {
            if (device.SnapshotId is null)
            {
                continue;
            }

            if (!home.Snapshots.TryGetValue(device.SnapshotId, out var snapshot))
            {
                return new Ec2ImageStatus("failed", ImageCopyFailedCode, "AMI snapshot copy failed with error: the snapshot copy was deleted");
            }

            var status = Status(snapshot, now);
            if (status.State == "error")
            {
                return status.Message == KeyNotAccessible
                    ? new Ec2ImageStatus("failed", ImageCopyFailedCode, ImageCopyFailedMessage)
                    : new Ec2ImageStatus("failed", ImageInternalErrorCode, "AMI snapshot copy failed with error: " + status.Message);
            }

            pending |= status.State == "pending";
        }

        return pending ? new Ec2ImageStatus("pending", null, null) : new Ec2ImageStatus("available", null, null);
    }

    /// <summary>Whether the copy still counts against the concurrent-copy quotas at <paramref name="now"/>.</summary>
    public static bool InProgress(Ec2Snapshot snapshot, DateTimeOffset now) =>
        snapshot.Copy is not null && Status(snapshot, now).State == "pending";

    private static double Scale(double timeScale) => timeScale > 0 ? timeScale : 1;

    private static string Percent(Ec2CopyJob copy, DateTimeOffset at)
    {
        double fraction = copy.Duration <= TimeSpan.Zero ? 1 : (at - copy.Start) / copy.Duration;
        int percent = Math.Clamp((int)Math.Floor(fraction * 100), 0, 99);
        return percent.ToString(CultureInfo.InvariantCulture) + "%";
    }
}
