using VaultCopy.Core.Errors;
using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>
/// AMIs: CopyImage with a deterministic name and ClientToken, encrypted so that every backing snapshot is
/// re-encrypted under the destination key; the image and its new snapshots carry the lineage tags.
/// </summary>
internal sealed class AmiCopyBackend : ICopyBackend
{
    private readonly Ec2Gateway _ec2;
    private readonly string _partition;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (CopyObservation Copy, IReadOnlyList<string> SnapshotIds)> _observed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _failedEarlier = new();

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
        try
        {
            IReadOnlyList<Ec2ImageRecord> found = await _ec2.FindOwnImagesAsync(EbsSnapshotCopyBackend.LineageQuery(job), cancellationToken).ConfigureAwait(false);
            if (found.FirstOrDefault(i => i.State is "failed" or "error" or "invalid") is { } failed)
            {
                // A failed copy is no copy, but it holds the name, and its token would return it again: StartAsync clears it.
                _failedEarlier[job.JobId] = failed.ImageId;
            }

            foreach (Ec2ImageRecord image in found.Where(i => i.State is "available" or "pending").OrderBy(i => i.State == "available" ? 0 : 1))
            {
                // The destination key is not in the AMI's description: its snapshots tell (those already created).
                IReadOnlyList<string> snapshotIds = image.SnapshotIds;
                IReadOnlyList<Ec2SnapshotRecord> snapshots = snapshotIds.Count == 0 || job.TargetKeyArn is null
                    ? [] : await _ec2.DescribeExistingSnapshotsAsync(snapshotIds, cancellationToken).ConfigureAwait(false);
                if (snapshots.Any(s => s.KmsKeyId != job.TargetKeyArn))
                {
                    continue;
                }

                job.Reused = true;
                job.TargetId = image.ImageId;
                job.TargetArn = Arn(image.ImageId);
                job.StartTime = image.CreationTime;
                Apply(job, image);
                return true;
            }

            return false;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Looking for an earlier copy of {job.SourceId}");
        }
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
        string id;
        try
        {
            string? retryOf = _failedEarlier.TryRemove(job.JobId, out string? failedId) ? failedId : null;
            if (retryOf is not null)
            {
                await _ec2.DeregisterImageWithSnapshotsAsync(retryOf, cancellationToken).ConfigureAwait(false);
            }

            id = await _ec2.CopyImageAsync(
                CopyNaming.ImageName(job.Purpose, source), job.SourceId, job.SourceRegion, job.TargetKeyArn,
                CopyNaming.ClientToken(job.Purpose, source, _region, retryOf is null ? job.TargetKeyArn : $"{job.TargetKeyArn}|retry-of-{retryOf}"),
                $"VaultCopy {job.Purpose} copy of {job.SourceId} from {job.SourceRegion}",
                CopyNaming.LineageTags(job.Purpose, source, now), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Ec2CopyErrors.Translate(error, job, $"Copying {job.SourceId}");
        }

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
