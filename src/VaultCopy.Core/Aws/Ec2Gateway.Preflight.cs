using Amazon.EC2;
using Amazon.EC2.Model;

namespace VaultCopy.Core.Aws;

/// <summary>What EC2 answered to a DryRun request.</summary>
internal enum DryRunOutcome
{
    /// <summary>412 DryRunOperation: the request would have succeeded.</summary>
    Allowed,

    /// <summary>UnauthorizedOperation: the caller's IAM policies do not allow it.</summary>
    Denied,

    /// <summary>The resource is not visible to the caller (not shared yet, or gone).</summary>
    NotFound,
}

/// <summary>DryRun probes for the preflight: they prove permissions without changing anything.</summary>
internal sealed partial class Ec2Gateway
{
    public Task<DryRunOutcome> DryRunShareSnapshotAsync(string snapshotId, string accountId, CancellationToken cancellationToken) =>
        DryRunAsync(() => _client.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = snapshotId,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [accountId],
            DryRun = true,
        }, cancellationToken));

    public Task<DryRunOutcome> DryRunShareImageAsync(string imageId, string accountId, CancellationToken cancellationToken) =>
        DryRunAsync(() => _client.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = imageId,
            Attribute = "launchPermission",
            OperationType = OperationType.Add,
            UserIds = [accountId],
            DryRun = true,
        }, cancellationToken));

    /// <summary>A copy as the vault copy makes it: encrypted, under the vault key, tagged (so tagging is proved too).</summary>
    public Task<DryRunOutcome> DryRunCopySnapshotAsync(
        string snapshotId, string sourceRegion, string? kmsKeyId, KeyValuePair<string, string> tag, CancellationToken cancellationToken) =>
        DryRunAsync(() => _client.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceSnapshotId = snapshotId,
            SourceRegion = sourceRegion,
            Encrypted = true,
            KmsKeyId = kmsKeyId,
            TagSpecifications = [TagsFor(ResourceType.Snapshot, tag)],
            DryRun = true,
        }, cancellationToken));

    public Task<DryRunOutcome> DryRunCopyImageAsync(
        string imageId, string sourceRegion, string? kmsKeyId, KeyValuePair<string, string> tag, CancellationToken cancellationToken) =>
        DryRunAsync(() => _client.CopyImageAsync(new CopyImageRequest
        {
            SourceImageId = imageId,
            SourceRegion = sourceRegion,
            Name = $"vaultcopy-preflight-{imageId}",
            Encrypted = true,
            KmsKeyId = kmsKeyId,
            TagSpecifications = [TagsFor(ResourceType.Image, tag), TagsFor(ResourceType.Snapshot, tag)],
            DryRun = true,
        }, cancellationToken));

    private static TagSpecification TagsFor(ResourceType type, KeyValuePair<string, string> tag) =>
        new() { ResourceType = type, Tags = [new Tag(tag.Key, tag.Value)] };

    private static async Task<DryRunOutcome> DryRunAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "DryRunOperation")
        {
            return DryRunOutcome.Allowed;
        }
        catch (AwsServiceException error) when (error.ErrorCode == "UnauthorizedOperation")
        {
            return DryRunOutcome.Denied;
        }
        catch (AwsServiceException error) when (error.ErrorCode is "InvalidSnapshot.NotFound" or "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable")
        {
            return DryRunOutcome.NotFound;
        }

        // EC2 answered a DryRun as if it had run it: never expected, and never to be taken for a permission.
        throw new InvalidOperationException("EC2 did not answer the DryRun request with DryRunOperation.");
    }
}
