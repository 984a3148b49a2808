using VaultCopy.Core.Errors;
using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>EBS snapshots: CopySnapshot, always encrypted under the destination key, tagged with the lineage.</summary>
internal sealed class EbsSnapshotCopyBackend : ICopyBackend
{
    private readonly Ec2Gateway _ec2;
    private readonly string _partition;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CopyObservation> _observed = new(StringComparer.Ordinal);

    public EbsSnapshotCopyBackend(Ec2Gateway ec2, string partition, string region, TimeProvider? time = null)
    {
        _ec2 = ec2;
        _partition = partition;
        _region = region;
        _time = time ?? TimeProvider.System;
    }

    public VaultResourceType Type => VaultResourceType.EbsSnapshot;

    public async Task<bool> AdoptExistingAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2SnapshotRecord> found = await Ec2CopyErrors.CallAsync(() => _ec2.FindOwnSnapshotsAsync(LineageQuery(job), cancellationToken), job, $"Looking for an earlier copy of {job.SourceId}").ConfigureAwait(false);

        // A copy that ended in error is no copy: a new one is made beside it.
        Ec2SnapshotRecord? existing = found
            .Where(s => s.State != "error" && (job.TargetKeyArn is null || s.KmsKeyId == job.TargetKeyArn))
            .OrderBy(s => s.State == "completed" ? 0 : 1)
            .FirstOrDefault();
        if (existing is null)
        {
            return false;
        }

        job.Reused = true;
        job.TargetId = existing.SnapshotId;
        job.TargetArn = Arn(existing.SnapshotId);
        job.StartTime = existing.StartTime;
        Apply(job, existing);
        return true;
    }

    public async Task<int> CountInFlightAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _ec2.CountPendingSnapshotCopiesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (Ec2CopyErrors.IsDeferral(error))
        {
            throw new CopyDeferredException($"Counting the snapshot copies in flight: {error.ErrorCode}", error);
        }
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException and not CopyDeferredException)
        {
            throw AwsErrorTranslator.Translate(error, "Counting the snapshot copies in flight", "the destination");
        }
    }

    public async Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        string id = await Ec2CopyErrors.CallAsync(() => _ec2.CopySnapshotAsync(
                job.SourceId, job.SourceRegion, job.TargetKeyArn, $"VaultCopy {job.Purpose} copy of {job.SourceId} from {job.SourceRegion}",
                CopyNaming.LineageTags(job.Purpose, job.SourceResource(), now), cancellationToken), job, $"Copying {job.SourceId}").ConfigureAwait(false);

        job.MarkStarted(id, Arn(id), now);
    }

    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2SnapshotRecord> snapshots = await Ec2CopyErrors.CallAsync(() => _ec2.DescribeExistingSnapshotsAsync(jobs.Select(j => j.TargetId!).ToList(), cancellationToken), jobs[0], "Looking at the snapshot copies").ConfigureAwait(false);

        CopyStates.ApplyDescribed(jobs, snapshots, s => s.SnapshotId, Apply, _time.GetUtcNow().UtcDateTime);
    }

    public Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken) =>
        CopyStates.VerifyObservedAsync(job, _observed, RefreshAsync, cancellationToken);

    internal static CopyObservation Observe(Ec2SnapshotRecord snapshot) => new(
        snapshot.SnapshotId, snapshot.State, CopyStates.ParsePercent(snapshot.Progress),
        snapshot.Encrypted, snapshot.KmsKeyId, snapshot.VolumeSize)
    {
        OwnerAccountId = snapshot.OwnerId,
        Tags = snapshot.Tags,
    };

    internal static Dictionary<string, string> LineageQuery(VaultCopyJob job) => new(StringComparer.Ordinal)
    {
        [CopyNaming.PurposeTag] = job.Purpose,
        [CopyNaming.SourceArnTag] = job.SourceArn,
    };

    private void Apply(VaultCopyJob job, Ec2SnapshotRecord snapshot)
    {
        CopyObservation copy = Observe(snapshot);
        _observed[snapshot.SnapshotId] = copy;
        CopyStates.ApplySnapshot(job, copy, snapshot.StateMessage, _time.GetUtcNow().UtcDateTime);
    }

    private string Arn(string snapshotId) => $"arn:{_partition}:ec2:{_region}::snapshot/{snapshotId}";
}
