using VaultCopy.Core.Errors;
using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>
/// AMIs: CopyImage with a deterministic name and ClientToken, encrypted so that every backing snapshot is
/// re-encrypted under the destination key; the image and its new snapshots carry the lineage tags. The request is
/// the same for the same token (no time in its tags), so EC2 answers a repeat or an overlapping run with the first
/// copy; a failed copy of the lineage is deregistered first and the retry's token names it.
/// </summary>
internal sealed class AmiCopyBackend : ICopyBackend
{
    private readonly Ec2Gateway _ec2;
    private readonly string _partition;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (CopyObservation Copy, IReadOnlyList<string> SnapshotIds)> _observed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<FoundCopy>> _failedEarlier = new();

    // Per job about to start: the failed copies it replaced ("" for none), which its ClientToken names.
    private readonly ConcurrentDictionary<Guid, string> _retryOf = new();

    public AmiCopyBackend(Ec2Gateway ec2, string partition, string region, TimeProvider? time = null)
    {
        _ec2 = ec2;
        _partition = partition;
        _region = region;
        _time = time ?? TimeProvider.System;
    }

    public VaultResourceType Type => VaultResourceType.Ami;

    public async Task<bool> AdoptExistingAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        (LineageDecision decision, IReadOnlyList<Ec2ImageRecord> found) = await LookAsync(job, cancellationToken).ConfigureAwait(false);

        // A failed copy is no copy, but it holds the name, and its token would return it again: StartAsync removes it.
        _failedEarlier[job.JobId] = decision.FailedToRemove;
        if (decision.Winner is null)
        {
            return false;
        }

        Follow(job, found.First(i => i.ImageId == decision.Winner.Id));
        return true;
    }

    public async Task<int> CountInFlightAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _ec2.CountPendingImagesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (Ec2CopyErrors.IsDeferral(error))
        {
            throw new CopyDeferredException($"Counting the AMI copies in flight: {error.ErrorCode}", error);
        }
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException and not CopyDeferredException)
        {
            throw AwsErrorTranslator.Translate(error, "Counting the AMI copies in flight", "the destination");
        }
    }

    public async Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        VaultResource source = job.SourceResource();

        if (!_retryOf.TryGetValue(job.JobId, out string? retryOf))
        {
            // A job nobody looked up (Invoke-VaultCopy starts what its plan did not see) is looked up now: a failed
            // copy in the way must go first, and a copy already there is followed.
            if (!_failedEarlier.TryRemove(job.JobId, out IReadOnlyList<FoundCopy>? failed))
            {
                if (await AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false))
                {
                    _failedEarlier.TryRemove(job.JobId, out _);
                    return;
                }

                _failedEarlier.TryRemove(job.JobId, out failed);
            }

            failed ??= [];
            await CopyLineage.RemoveFailedAsync(job, failed, id => DeregisterAsync(id, cancellationToken), (error, operation) => Ec2CopyErrors.Translate(error, job, operation)).ConfigureAwait(false);

            // Kept until the copy starts: a start deferred by the quota must ask with the same token again.
            retryOf = _retryOf[job.JobId] = string.Join(",", failed.Select(f => f.Id));
        }

        // The token names the copy, never the run: a repeat, a retry or an overlapping run gets the first copy back.
        // After a failed copy it names the failed copies too (overlapping runs see the same ones, so they agree).
        string token = CopyNaming.ClientToken(job.Purpose, source, _region, retryOf.Length == 0 ? job.TargetKeyArn : $"{job.TargetKeyArn}|retry-of-{retryOf}");
        string id;
        try
        {
            id = await _ec2.CopyImageAsync(
                CopyNaming.ImageName(job.Purpose, source), job.SourceId, job.SourceRegion, job.TargetKeyArn, token,
                $"VaultCopy {job.Purpose} copy of {job.SourceId} from {job.SourceRegion}",
                CopyNaming.IdentityTags(job.Purpose, source), cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "IdempotentParameterMismatch")
        {
            // The token was first used with other parameters (a copy made by an earlier VaultCopy, which tagged the
            // time): that copy is this lineage's, and it is followed.
            if (await AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false))
            {
                _failedEarlier.TryRemove(job.JobId, out _);
                _retryOf.TryRemove(job.JobId, out _);
                return;
            }

            throw Ec2CopyErrors.Translate(error, job, $"Copying {job.SourceId}");
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Copying {job.SourceId}");
        }

        _retryOf.TryRemove(job.JobId, out _);
        job.MarkStarted(id, Arn(id), now);
    }

    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2ImageRecord> images = await Ec2CopyErrors.CallAsync(() => _ec2.DescribeExistingImagesAsync(jobs.Select(j => j.TargetId!).ToList(), cancellationToken), jobs[0], "Looking at the AMI copies").ConfigureAwait(false);

        CopyStates.ApplyDescribed(jobs, images, i => i.ImageId, Apply, _time.GetUtcNow().UtcDateTime);
    }

    /// <summary>Reads the copy's backing snapshots (one call) and checks each one's key and the total size.</summary>
    public async Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (!_observed.ContainsKey(job.TargetId!))
        {
            await RefreshAsync([job], cancellationToken).ConfigureAwait(false);
        }

        if (!_observed.TryGetValue(job.TargetId!, out var observed))
        {
            return;
        }

        IReadOnlyList<Ec2SnapshotRecord> snapshots = await Ec2CopyErrors.CallAsync(async () => observed.SnapshotIds.Count == 0 ? [] : await _ec2.DescribeExistingSnapshotsAsync(observed.SnapshotIds, cancellationToken).ConfigureAwait(false), job, $"Verifying {job.TargetId}").ConfigureAwait(false);

        var backing = observed.SnapshotIds
            .Select(id => snapshots.FirstOrDefault(s => s.SnapshotId == id) is { } s
                ? new ObservedSnapshot(id, s.Encrypted, s.KmsKeyId, s.VolumeSize)
                : new ObservedSnapshot(id, false, null, null))
            .ToList();
        CopyVerifier.Verify(job, observed.Copy with { BackingSnapshots = backing });
        if (job.Verified == true)
        {
            job.TargetKeyArn ??= backing[0].KeyArn;
        }
    }

    private async Task<(LineageDecision Decision, IReadOnlyList<Ec2ImageRecord> Found)> LookAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<Ec2ImageRecord> found = await _ec2.FindOwnImagesAsync(EbsSnapshotCopyBackend.LineageQuery(job), cancellationToken).ConfigureAwait(false);
            var copies = new List<FoundCopy>();
            foreach (Ec2ImageRecord image in found)
            {
                FoundCopyStanding standing = image.State switch
                {
                    "available" or "pending" or "transient" => FoundCopyStanding.Live,
                    "failed" or "error" or "invalid" => FoundCopyStanding.Failed,
                    _ => FoundCopyStanding.Other,
                };

                // The destination key is not in the AMI's description: its snapshots tell (those already created).
                // A failed copy's key does not matter: it holds the lineage's name whatever its key.
                string? key = null;
                if (standing == FoundCopyStanding.Live)
                {
                    IReadOnlyList<Ec2SnapshotRecord> snapshots = image.SnapshotIds.Count == 0 || job.TargetKeyArn is null
                        ? [] : await _ec2.DescribeExistingSnapshotsAsync(image.SnapshotIds, cancellationToken).ConfigureAwait(false);
                    key = snapshots.FirstOrDefault(s => s.KmsKeyId != job.TargetKeyArn)?.KmsKeyId ?? job.TargetKeyArn;
                }

                copies.Add(new FoundCopy(image.ImageId, standing, image.CreationTime, key, image.Tags));
            }

            return (CopyLineage.Decide(job, copies), found);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Looking for an earlier copy of {job.SourceId}");
        }
    }

    /// <summary>Deregisters an AMI with its snapshots; one already gone (an overlapping run removed it) is done.</summary>
    private async Task DeregisterAsync(string imageId, CancellationToken cancellationToken)
    {
        try
        {
            await _ec2.DeregisterImageWithSnapshotsAsync(imageId, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable")
        {
        }
    }

    private void Follow(VaultCopyJob job, Ec2ImageRecord image)
    {
        job.Reused = true;
        job.TargetId = image.ImageId;
        job.TargetArn = Arn(image.ImageId);
        job.StartTime = image.CreationTime;
        Apply(job, image);
    }

    private void Apply(VaultCopyJob job, Ec2ImageRecord image)
    {
        IReadOnlyList<Ec2ImageVolume> volumes = image.Volumes;
        int? size = volumes.Count > 0 && volumes.All(v => v.VolumeSize is not null) ? volumes.Sum(v => v.VolumeSize!.Value) : null;

        // DescribeImages reports no copy progress: 0 % until the AMI is available.
        var copy = new CopyObservation(image.ImageId, image.State, 0,
            volumes.Count > 0 && volumes.All(v => v.Encrypted == true), null, size)
        {
            OwnerAccountId = image.OwnerId,
            Tags = image.Tags,
        };
        _observed[image.ImageId] = (copy, image.SnapshotIds);
        CopyStates.ApplyImage(job, copy, image.StateReason, _time.GetUtcNow().UtcDateTime);
    }

    private string Arn(string imageId) => $"arn:{_partition}:ec2:{_region}::image/{imageId}";
}
