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
        IReadOnlyList<Ec2SnapshotRecord> found;
        try
        {
            found = await _ec2.FindOwnSnapshotsAsync(LineageQuery(job), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Looking for an earlier copy of {job.SourceId}");
        }

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
        string id;
        try
        {
            id = await _ec2.CopySnapshotAsync(
                job.SourceId, job.SourceRegion, job.TargetKeyArn, $"VaultCopy {job.Purpose} copy of {job.SourceId} from {job.SourceRegion}",
                CopyNaming.LineageTags(job.Purpose, job.SourceResource(), now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Copying {job.SourceId}");
        }

        job.MarkStarted(id, Arn(id), now);
    }

    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2SnapshotRecord> snapshots;
        try
        {
            snapshots = await _ec2.DescribeExistingSnapshotsAsync(jobs.Select(j => j.TargetId!).ToList(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, jobs[0], "Looking at the snapshot copies");
        }

        foreach (VaultCopyJob job in jobs)
        {
            Ec2SnapshotRecord? snapshot = snapshots.FirstOrDefault(s => s.SnapshotId == job.TargetId);
            if (snapshot is null)
            {
                CopyStates.ApplyMissing(job, _time.GetUtcNow().UtcDateTime);
            }
            else
            {
                Apply(job, snapshot);
            }
        }
    }

    public async Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (!_observed.TryGetValue(job.TargetId!, out CopyObservation? copy))
        {
            await RefreshAsync([job], cancellationToken).ConfigureAwait(false);
            copy = _observed.GetValueOrDefault(job.TargetId!);
        }

        if (copy is not null)
        {
            CopyVerifier.Verify(job, copy);
        }
    }

    internal static CopyObservation Observe(Ec2SnapshotRecord snapshot) => new(
        snapshot.SnapshotId, snapshot.State, CopyStates.ParsePercent(snapshot.Progress),
        snapshot.Encrypted, snapshot.KmsKeyId, snapshot.VolumeSize);

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
