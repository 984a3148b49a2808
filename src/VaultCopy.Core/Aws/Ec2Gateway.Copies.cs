using Amazon.EC2;
using Amazon.EC2.Model;

namespace VaultCopy.Core.Aws;

/// <summary>The EC2 calls of the copy machinery: CopySnapshot/CopyImage, batch describes, in-flight counts, deletes.</summary>
internal sealed partial class Ec2Gateway
{
    /// <summary>The volume id every snapshot copy reports (it means nothing): it tells copies from other pending snapshots.</summary>
    public const string CopyVolumeId = "vol-ffffffff";

    /// <summary>CopySnapshot, always encrypted: under <paramref name="kmsKeyArn"/> (or the account's default EBS key when null).</summary>
    public async Task<string> CopySnapshotAsync(
        string sourceSnapshotId, string sourceRegion, string? kmsKeyArn, string description, IReadOnlyDictionary<string, string> tags,
        CancellationToken cancellationToken)
    {
        CopySnapshotResponse response = await _client.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceSnapshotId = sourceSnapshotId,
            SourceRegion = sourceRegion,
            Encrypted = true,
            KmsKeyId = kmsKeyArn,
            Description = description,
            TagSpecifications = [TagSpecificationFor(ResourceType.Snapshot, tags)],
        }, cancellationToken).ConfigureAwait(false);
        return response.SnapshotId;
    }

    /// <summary>CopyImage, encrypted: every backing snapshot is re-encrypted under <paramref name="kmsKeyArn"/>; the
    /// token makes a repeated call return the first copy.</summary>
    public async Task<string> CopyImageAsync(
        string name, string sourceImageId, string sourceRegion, string? kmsKeyArn, string clientToken, string description,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        CopyImageResponse response = await _client.CopyImageAsync(new CopyImageRequest
        {
            Name = name,
            SourceImageId = sourceImageId,
            SourceRegion = sourceRegion,
            Encrypted = true,
            KmsKeyId = kmsKeyArn,
            ClientToken = clientToken,
            Description = description,
            TagSpecifications = [TagSpecificationFor(ResourceType.Image, tags), TagSpecificationFor(ResourceType.Snapshot, tags)],
        }, cancellationToken).ConfigureAwait(false);
        return response.ImageId;
    }

    /// <summary>Our own snapshots carrying every one of <paramref name="tags"/>.</summary>
    public async Task<IReadOnlyList<Ec2SnapshotRecord>> FindOwnSnapshotsAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var found = new List<Ec2SnapshotRecord>();
        await foreach (IReadOnlyList<Ec2SnapshotRecord> page in DescribeSnapshotPagesAsync(["self"], null, TagFilters(tags), cancellationToken).ConfigureAwait(false))
        {
            found.AddRange(page);
        }

        return found;
    }

    /// <summary>Our own AMIs carrying every one of <paramref name="tags"/>.</summary>
    public async Task<IReadOnlyList<Ec2ImageRecord>> FindOwnImagesAsync(IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var found = new List<Ec2ImageRecord>();
        await foreach (IReadOnlyList<Ec2ImageRecord> page in DescribeImagePagesAsync(["self"], null, TagFilters(tags), cancellationToken).ConfigureAwait(false))
        {
            found.AddRange(page);
        }

        return found;
    }

    /// <summary>
    /// The snapshots among <paramref name="snapshotIds"/> that still exist, in one call. DescribeSnapshots with ids
    /// fails whole when one is gone, so that case is asked again by filter, which just leaves the missing out.
    /// </summary>
    public async Task<IReadOnlyList<Ec2SnapshotRecord>> DescribeExistingSnapshotsAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken)
    {
        try
        {
            return await DescribeSnapshotsAsync(snapshotIds, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "InvalidSnapshot.NotFound")
        {
            DescribeSnapshotsResponse response = await _client.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
            {
                OwnerIds = ["self"],
                Filters = [new Filter { Name = "snapshot-id", Values = snapshotIds.ToList() }],
            }, cancellationToken).ConfigureAwait(false);
            return Records(response.Snapshots);
        }
    }

    /// <summary>The images among <paramref name="imageIds"/> that still exist, in one call (see <see cref="DescribeExistingSnapshotsAsync"/>).</summary>
    public async Task<IReadOnlyList<Ec2ImageRecord>> DescribeExistingImagesAsync(IReadOnlyList<string> imageIds, CancellationToken cancellationToken)
    {
        try
        {
            return await DescribeImagesAsync(imageIds, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable")
        {
            DescribeImagesResponse response = await _client.DescribeImagesAsync(new DescribeImagesRequest
            {
                Owners = ["self"],
                Filters = [new Filter { Name = "image-id", Values = imageIds.ToList() }],
            }, cancellationToken).ConfigureAwait(false);
            return Records(response.Images);
        }
    }

    /// <summary>What EC2 writes at the start of the description of every snapshot a CopyImage creates.</summary>
    public const string ImageCopySnapshotDescriptionPrefix = "Copied for DestinationAmi ";

    /// <summary>
    /// CopySnapshot copies of ours still pending in this Region: they hold a slot of the 20 concurrent snapshot copies.
    /// The snapshots CopyImage creates are not counted: AMI copies have their own quota (aws-behaviour.md §1.7, §2.6).
    /// </summary>
    public async Task<int> CountPendingSnapshotCopiesAsync(CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (IReadOnlyList<Ec2SnapshotRecord> page in DescribeSnapshotPagesAsync(
            ["self"], null, [new Ec2Filter("status", ["pending"]), new Ec2Filter("volume-id", [CopyVolumeId])], cancellationToken).ConfigureAwait(false))
        {
            count += page.Count(s => s.Description?.StartsWith(ImageCopySnapshotDescriptionPrefix, StringComparison.Ordinal) != true);
        }

        return count;
    }

    /// <summary>AMIs of ours still pending in this Region.</summary>
    public async Task<int> CountPendingImagesAsync(CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (IReadOnlyList<Ec2ImageRecord> page in DescribeImagePagesAsync(["self"], null, [new Ec2Filter("state", ["pending"])], cancellationToken).ConfigureAwait(false))
        {
            count += page.Count;
        }

        return count;
    }

    public async Task DeleteSnapshotAsync(string snapshotId, CancellationToken cancellationToken) =>
        await _client.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = snapshotId }, cancellationToken).ConfigureAwait(false);

    /// <summary>Deregisters the AMI and deletes its snapshots (those no other AMI uses).</summary>
    public async Task DeregisterImageWithSnapshotsAsync(string imageId, CancellationToken cancellationToken) =>
        await _client.DeregisterImageAsync(new DeregisterImageRequest { ImageId = imageId, DeleteAssociatedSnapshots = true }, cancellationToken).ConfigureAwait(false);

    private static List<Ec2Filter> TagFilters(IReadOnlyDictionary<string, string> tags) =>
        tags.Select(t => Ec2Filter.Tag(t.Key, t.Value)).ToList();

    private static TagSpecification TagSpecificationFor(ResourceType type, IReadOnlyDictionary<string, string> tags) => new()
    {
        ResourceType = type,
        Tags = tags.Select(t => new Tag(t.Key, t.Value)).ToList(),
    };
}
