namespace VaultCopy.Emulator.Services.Rds;

/// <summary>
/// RDS quotas (aws-behaviour.md §3.6, §8). The defaults are AWS's; tests lower them to reach a limit quickly.
/// Lives on <see cref="Hosting.EmulatorSettings.Rds"/> and returns to the defaults on reset.
/// </summary>
public sealed class RdsQuotaSettings
{
    public const int DefaultManualSnapshots = 100;
    public const int DefaultManualClusterSnapshots = 100;
    public const int DefaultConcurrentSnapshotCopies = 20;
    public const int DefaultConcurrentClusterSnapshotCopies = 5;

    /// <summary>Manual DB snapshots per account and Region ("Manual DB instance snapshots", adjustable).</summary>
    public int ManualSnapshots { get; set; } = DefaultManualSnapshots;

    /// <summary>Manual DB cluster snapshots per account and Region (adjustable).</summary>
    public int ManualClusterSnapshots { get; set; } = DefaultManualClusterSnapshots;

    /// <summary>DB snapshot copies in progress into one destination Region per account.</summary>
    public int ConcurrentSnapshotCopies { get; set; } = DefaultConcurrentSnapshotCopies;

    /// <summary>DB cluster snapshot copies in progress into one destination Region per account.</summary>
    public int ConcurrentClusterSnapshotCopies { get; set; } = DefaultConcurrentClusterSnapshotCopies;

    public int ManualQuota(SnapshotKind kind) => kind == SnapshotKind.Db ? ManualSnapshots : ManualClusterSnapshots;

    public int CopyQuota(SnapshotKind kind) => kind == SnapshotKind.Db ? ConcurrentSnapshotCopies : ConcurrentClusterSnapshotCopies;

    public void Reset()
    {
        ManualSnapshots = DefaultManualSnapshots;
        ManualClusterSnapshots = DefaultManualClusterSnapshots;
        ConcurrentSnapshotCopies = DefaultConcurrentSnapshotCopies;
        ConcurrentClusterSnapshotCopies = DefaultConcurrentClusterSnapshotCopies;
    }
}
