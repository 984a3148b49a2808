using Amazon.EC2;
using Amazon.EC2.Model;

namespace VaultCopy.Core.Aws;

/// <summary>A snapshot's lock as EC2 reports it (LockSnapshot, DescribeLockedSnapshots); state is EC2's word.</summary>
internal sealed record SnapshotLockRecord(
    string SnapshotId, string State, int? DurationDays, int? CoolOffHours, DateTime? CoolOffExpiresOn, DateTime? CreatedOn,
    DateTime? DurationStart, DateTime? ExpiresOn);

/// <summary>What DeregisterImage(DeleteAssociatedSnapshots) did with one snapshot: success, skipped, missing-permissions, …</summary>
internal sealed record SnapshotDeletionRecord(string SnapshotId, string ReturnCode);

/// <summary>The EC2 calls of the vault's life after the copy: snapshot locks, AMI protection, retention deletes, posture reads.</summary>
internal sealed partial class Ec2Gateway
{
    /// <summary>LockSnapshot: a new lock, or a change of the existing one. Exactly one of duration or date.</summary>
    public async Task<SnapshotLockRecord> LockSnapshotAsync(
        string snapshotId, bool compliance, int? durationDays, DateTime? expirationDate, int? coolOffHours, CancellationToken cancellationToken)
    {
        LockSnapshotResponse response = await _client.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = snapshotId,
            LockMode = compliance ? LockMode.Compliance : LockMode.Governance,
            LockDuration = durationDays,
            ExpirationDate = expirationDate,
            CoolOffPeriod = coolOffHours,
        }, cancellationToken).ConfigureAwait(false);
        return new SnapshotLockRecord(
            response.SnapshotId, response.LockState?.Value ?? "unknown", response.LockDuration, response.CoolOffPeriod,
            response.CoolOffPeriodExpiresOn, response.LockCreatedOn, response.LockDurationStartTime, response.LockExpiresOn);
    }

    public async Task UnlockSnapshotAsync(string snapshotId, CancellationToken cancellationToken) =>
        await _client.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = snapshotId }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The locks of our snapshots, by snapshot id: of <paramref name="snapshotIds"/> (those without a lock are left
    /// out), or of every locked snapshot of the account in this Region when null. The operation has no paginator, so
    /// the pages are followed here.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SnapshotLockRecord>> DescribeLocksAsync(IReadOnlyList<string>? snapshotIds, CancellationToken cancellationToken)
    {
        var locks = new Dictionary<string, SnapshotLockRecord>(StringComparer.Ordinal);
        if (snapshotIds is { Count: 0 })
        {
            return locks;
        }

        string? token = null;
        do
        {
            DescribeLockedSnapshotsResponse page = await _client.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest
            {
                SnapshotIds = snapshotIds?.ToList(),
                MaxResults = snapshotIds is null ? 1000 : null,
                NextToken = token,
            }, cancellationToken).ConfigureAwait(false);
            foreach (LockedSnapshotsInfo item in page.Snapshots ?? [])
            {
                locks[item.SnapshotId] = new SnapshotLockRecord(
                    item.SnapshotId, item.LockState?.Value ?? "unknown", item.LockDuration, item.CoolOffPeriod, item.CoolOffPeriodExpiresOn,
                    item.LockCreatedOn, item.LockDurationStartTime, item.LockExpiresOn);
            }

            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
        return locks;
    }

    /// <summary>Every lock of the account here; null when the caller may not call DescribeLockedSnapshots.</summary>
    public async Task<IReadOnlyDictionary<string, SnapshotLockRecord>?> TryDescribeLocksAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DescribeLocksAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "UnauthorizedOperation")
        {
            return null;
        }
    }

    /// <summary>Turns deregistration protection on; with cooldown it holds 24 hours after it is turned off. Returns the new state.</summary>
    public async Task<string> EnableDeregistrationProtectionAsync(string imageId, bool withCooldown, CancellationToken cancellationToken)
    {
        EnableImageDeregistrationProtectionResponse response = await _client.EnableImageDeregistrationProtectionAsync(
            new EnableImageDeregistrationProtectionRequest { ImageId = imageId, WithCooldown = withCooldown }, cancellationToken).ConfigureAwait(false);
        return response.Return;
    }

    /// <summary>The AMI's deregistration protection state (disabled, enabled-with-cooldown, …), null when the AMI is gone.</summary>
    public async Task<string?> GetDeregistrationProtectionAsync(string imageId, CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2ImageRecord> images = await DescribeExistingImagesAsync([imageId], cancellationToken).ConfigureAwait(false);
        return images.FirstOrDefault()?.DeregistrationProtection;
    }

    /// <summary>Deregisters the AMI and asks EC2 to delete its snapshots; returns what happened to each.</summary>
    public async Task<IReadOnlyList<SnapshotDeletionRecord>> DeregisterImageAsync(string imageId, CancellationToken cancellationToken)
    {
        DeregisterImageResponse response = await _client.DeregisterImageAsync(
            new DeregisterImageRequest { ImageId = imageId, DeleteAssociatedSnapshots = true }, cancellationToken).ConfigureAwait(false);
        return (response.DeleteSnapshotResults ?? [])
            .Select(r => new SnapshotDeletionRecord(r.SnapshotId, r.ReturnCode?.Value ?? "unknown")).ToList();
    }

    /// <summary>DeleteSnapshot; false when the snapshot is already gone (InvalidSnapshot.NotFound counts as done).</summary>
    public async Task<bool> DeleteSnapshotIfExistsAsync(string snapshotId, CancellationToken cancellationToken)
    {
        try
        {
            await DeleteSnapshotAsync(snapshotId, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AwsServiceException error) when (error.ErrorCode == "InvalidSnapshot.NotFound")
        {
            return false;
        }
    }

    /// <summary>
    /// The volume each of our snapshots was taken of, by snapshot id; snapshots that are gone, and copies (whose
    /// volume id is the meaningless vol-ffffffff), are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> GetSourceVolumesAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken)
    {
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string[] chunk in snapshotIds.Chunk(PageSize))
        {
            foreach (Ec2SnapshotRecord snapshot in await DescribeExistingSnapshotsAsync(chunk, cancellationToken).ConfigureAwait(false))
            {
                if (!string.IsNullOrEmpty(snapshot.VolumeId) && snapshot.VolumeId != CopyVolumeId)
                {
                    volumes[snapshot.SnapshotId] = snapshot.VolumeId;
                }
            }
        }

        return volumes;
    }

    /// <summary>Block public access for EBS snapshots in this Region: unblocked, block-new-sharing or block-all-sharing.</summary>
    public async Task<string> GetSnapshotBlockPublicAccessAsync(CancellationToken cancellationToken) =>
        (await _client.GetSnapshotBlockPublicAccessStateAsync(new GetSnapshotBlockPublicAccessStateRequest(), cancellationToken).ConfigureAwait(false))
        .State?.Value ?? "unknown";

    /// <summary>Block public access for AMIs in this Region: unblocked or block-new-sharing.</summary>
    public async Task<string> GetImageBlockPublicAccessAsync(CancellationToken cancellationToken) =>
        (await _client.GetImageBlockPublicAccessStateAsync(new GetImageBlockPublicAccessStateRequest(), cancellationToken).ConfigureAwait(false))
        .ImageBlockPublicAccessState ?? "unknown";
}
