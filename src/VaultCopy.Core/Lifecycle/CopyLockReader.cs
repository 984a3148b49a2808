using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Lifecycle;

/// <summary>
/// Fills in a copy job's lock state from EC2. Snapshot locks show only through DescribeLockedSnapshots (a snapshot
/// has no lock field), so the vault's locks are read once per listing and looked up per copy.
/// </summary>
internal sealed class CopyLockReader
{
    private readonly Ec2Gateway _ec2;
    private IReadOnlyDictionary<string, SnapshotLockRecord>? _all;
    private bool _unreadable;

    public CopyLockReader(Ec2Gateway ec2)
    {
        _ec2 = ec2;
    }

    /// <summary>Every lock of the account in this Region, read on first use (one listing, every page).</summary>
    public async Task FillAsync(VaultCopyJob job, VaultResource copy, CancellationToken cancellationToken)
    {
        if (copy.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
        {
            Apply(job, copy, new Dictionary<string, SnapshotLockRecord>());
            return;
        }

        // A vault principal that may not read locks still lists its copies, their lock unknown (null).
        if (_unreadable)
        {
            return;
        }

        _all ??= await _ec2.TryDescribeLocksAsync(cancellationToken).ConfigureAwait(false);
        if (_all is null)
        {
            _unreadable = true;
            return;
        }

        Apply(job, copy, _all!);
    }

    /// <summary>The copy's lock from <paramref name="locks"/> (by snapshot id): the snapshot's own, or an AMI's weakest.</summary>
    public static void Apply(VaultCopyJob job, VaultResource copy, IReadOnlyDictionary<string, SnapshotLockRecord> locks)
    {
        switch (copy.Type)
        {
            case VaultResourceType.EbsSnapshot:
                (job.LockState, job.LockExpiresOn) = CopyLockStates.Weakest([copy.Id], locks);
                break;
            case VaultResourceType.Ami:
                (job.LockState, job.LockExpiresOn) = CopyLockStates.Weakest(SnapshotIdsOf(copy), locks);
                job.DeregistrationProtection = copy.DeregistrationProtection;
                break;
            default:
                job.LockState = CopyLockState.NotLockable;
                job.LockExpiresOn = null;
                break;
        }
    }

    /// <summary>The snapshots a lock applies to: the snapshot itself, or an AMI's backing snapshots.</summary>
    public static IReadOnlyList<string> SnapshotIdsOf(VaultResource copy) =>
        copy.Type == VaultResourceType.Ami ? copy.BackingSnapshots.Select(b => b.Id).ToList() : [copy.Id];
}
