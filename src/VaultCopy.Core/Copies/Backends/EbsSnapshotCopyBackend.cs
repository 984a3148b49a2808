using VaultCopy.Core.Errors;
using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>
/// EBS snapshots: CopySnapshot, always encrypted under the destination key, tagged with the lineage. CopySnapshot has
/// no client token, so overlapping runs can each make a copy: right after starting, and again before verifying, a
/// run looks at the lineage's copies and converges on <see cref="CopyLineage"/>'s winner.
/// </summary>
internal sealed class EbsSnapshotCopyBackend : ICopyBackend
{
    private readonly Ec2Gateway _ec2;
    private readonly string _partition;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CopyObservation> _observed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<FoundCopy>> _failedEarlier = new();

    // The copies this backend started itself (the only ones it may delete as a race's loser), and whether the
    // lineage was looked at again before verification.
    private readonly ConcurrentDictionary<string, bool> _startedHere = new(StringComparer.Ordinal);

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
        (LineageDecision decision, IReadOnlyList<Ec2SnapshotRecord> found) = await LookAsync(job, cancellationToken).ConfigureAwait(false);

        // A copy that ended in error is no copy: StartAsync removes it and copies again.
        if (decision.FailedToRemove.Count > 0)
        {
            _failedEarlier[job.JobId] = decision.FailedToRemove;
        }

        if (decision.Winner is null)
        {
            return false;
        }

        Follow(job, found.First(s => s.SnapshotId == decision.Winner.Id));
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
        if (_failedEarlier.TryRemove(job.JobId, out IReadOnlyList<FoundCopy>? failed))
        {
            await CopyLineage.RemoveFailedAsync(job, failed, id => DeleteAsync(id, cancellationToken), (error, operation) => Ec2CopyErrors.Translate(error, job, operation)).ConfigureAwait(false);
        }

        DateTime now = _time.GetUtcNow().UtcDateTime;
        string id = await Ec2CopyErrors.CallAsync(() => _ec2.CopySnapshotAsync(
                job.SourceId, job.SourceRegion, job.TargetKeyArn, $"VaultCopy {job.Purpose} copy of {job.SourceId} from {job.SourceRegion}",
                CopyNaming.LineageTags(job.Purpose, job.SourceResource(), now), cancellationToken), job, $"Copying {job.SourceId}").ConfigureAwait(false);

        job.MarkStarted(id, Arn(id), now);
        _startedHere[id] = false;

        // CopySnapshot has no client token: a run that went on at the same time may have made the same copy.
        await ConvergeAsync(job, cancellationToken).ConfigureAwait(false);
    }

    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2SnapshotRecord> snapshots = await Ec2CopyErrors.CallAsync(() => _ec2.DescribeExistingSnapshotsAsync(jobs.Select(j => j.TargetId!).ToList(), cancellationToken), jobs[0], "Looking at the snapshot copies").ConfigureAwait(false);

        CopyStates.ApplyDescribed(jobs, snapshots, s => s.SnapshotId, Apply, _time.GetUtcNow().UtcDateTime);
    }

    /// <summary>
    /// Before a copy this run started is verified, the lineage is looked at once more: a copy of an overlapping run
    /// that EC2 did not show yet when this one started may be the winner, and then this run's copy goes.
    /// </summary>
    public async Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (_startedHere.TryGetValue(job.TargetId!, out bool lookedAgain) && !lookedAgain)
        {
            _startedHere[job.TargetId!] = true;
            await ConvergeAsync(job, cancellationToken).ConfigureAwait(false);
            if (job.State != CopyJobState.Completed)
            {
                return;
            }
        }

        await CopyStates.VerifyObservedAsync(job, _observed, RefreshAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Converges a copy this run started on the lineage's one copy (<see cref="CopyLineage"/>): when another copy wins,
    /// this run deletes its own and follows the winner. Failed copies of the lineage seen on the way are removed.
    /// Best effort: what cannot be looked at now is looked at again before verification.
    /// </summary>
    private async Task ConvergeAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        string own = job.TargetId!;
        try
        {
            (LineageDecision decision, IReadOnlyList<Ec2SnapshotRecord> found) = await LookAsync(job, cancellationToken).ConfigureAwait(false);
            await CopyLineage.RemoveFailedAsync(job, decision.FailedToRemove.Where(c => c.Id != own).ToList(), id => DeleteAsync(id, cancellationToken), (error, operation) => Ec2CopyErrors.Translate(error, job, operation)).ConfigureAwait(false);

            // Only a copy EC2 already shows can be ranked; one it does not show yet is looked at again later.
            if (decision.Winner is null || decision.Winner.Id == own || found.All(s => s.SnapshotId != own))
            {
                return;
            }

            await DeleteAsync(own, cancellationToken).ConfigureAwait(false);
            _startedHere.TryRemove(own, out _);
            Follow(job, found.First(s => s.SnapshotId == decision.Winner.Id));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The copy goes on; the next look (before verification) decides.
        }
    }

    private async Task<(LineageDecision Decision, IReadOnlyList<Ec2SnapshotRecord> Found)> LookAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2SnapshotRecord> found = await Ec2CopyErrors.CallAsync(() => _ec2.FindOwnSnapshotsAsync(LineageQuery(job), cancellationToken), job, $"Looking for an earlier copy of {job.SourceId}").ConfigureAwait(false);
        return (CopyLineage.Decide(job, found.Select(Found)), found);
    }

    private static FoundCopy Found(Ec2SnapshotRecord snapshot) => new(
        snapshot.SnapshotId,
        snapshot.State switch
        {
            "error" => FoundCopyStanding.Failed,
            _ => FoundCopyStanding.Live,
        },
        snapshot.StartTime, snapshot.KmsKeyId, snapshot.Tags);

    /// <summary>Deletes a snapshot; one already gone (an overlapping run removed it) is done.</summary>
    private async Task DeleteAsync(string snapshotId, CancellationToken cancellationToken)
    {
        try
        {
            await _ec2.DeleteSnapshotAsync(snapshotId, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "InvalidSnapshot.NotFound")
        {
        }
    }

    private void Follow(VaultCopyJob job, Ec2SnapshotRecord copy)
    {
        job.Reused = true;
        job.TargetId = copy.SnapshotId;
        job.TargetArn = Arn(copy.SnapshotId);
        job.StartTime = copy.StartTime;
        Apply(job, copy);
    }

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
