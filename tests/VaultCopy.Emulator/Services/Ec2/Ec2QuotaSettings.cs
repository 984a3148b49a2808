namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// EC2 quotas the emulator enforces (aws-behaviour.md §1.7, §2.6, §8). The defaults are AWS's; tests and benchmarks
/// lower them to reach a limit quickly. Lives on <see cref="Hosting.EmulatorSettings.Ec2"/> and returns to the
/// defaults on reset.
/// </summary>
public sealed class Ec2QuotaSettings
{
    /// <summary>Concurrent snapshot copies per destination Region: 20, not adjustable (ebs-resource-quotas).</summary>
    public const int DefaultConcurrentSnapshotCopies = 20;

    /// <summary>Concurrent AMI copies per destination Region, time-based ones included (how-ami-copy-works).</summary>
    public const int DefaultConcurrentImageCopies = 300;

    /// <summary>Accounts, organizations and OUs one AMI can be shared with (ami-quotas).</summary>
    public const int DefaultImageSharingEntities = 1000;

    /// <summary>CopySnapshot copies in progress into one destination Region per account.</summary>
    public int ConcurrentSnapshotCopies { get; set; } = DefaultConcurrentSnapshotCopies;

    /// <summary>CopyImage copies in progress into one destination Region per account.</summary>
    public int ConcurrentImageCopies { get; set; } = DefaultConcurrentImageCopies;

    /// <summary>Sharing entities per AMI (the group all is not counted).</summary>
    public int ImageSharingEntities { get; set; } = DefaultImageSharingEntities;

    public void Reset()
    {
        ConcurrentSnapshotCopies = DefaultConcurrentSnapshotCopies;
        ConcurrentImageCopies = DefaultConcurrentImageCopies;
        ImageSharingEntities = DefaultImageSharingEntities;
    }
}
