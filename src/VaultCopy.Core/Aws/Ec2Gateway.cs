using System.Runtime.CompilerServices;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace VaultCopy.Core.Aws;

/// <summary>The EC2 calls VaultCopy makes, page by page, returning VaultCopy records (no AWSSDK type leaves the gateway).</summary>
internal sealed partial class Ec2Gateway : IDisposable
{
    private const int PageSize = 100;
    private readonly AmazonEC2Client _client;

    public Ec2Gateway(AwsSession session, string? region = null)
    {
        _client = ClientFactory.CreateEc2(session, region);
    }

    /// <summary>Snapshots owned by <paramref name="ownerIds"/> (or restorable by us when null), one page at a time.</summary>
    public async IAsyncEnumerable<IReadOnlyList<Ec2SnapshotRecord>> DescribeSnapshotPagesAsync(
        IReadOnlyList<string>? ownerIds, IReadOnlyList<string>? restorableBy, IReadOnlyList<Ec2Filter> filters,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeSnapshotsRequest
            {
                OwnerIds = ownerIds?.ToList(),
                RestorableByUserIds = restorableBy?.ToList(),
                Filters = filters.Count > 0 ? filters.Select(f => f.ToSdk()).ToList() : null,
                MaxResults = PageSize,
                NextToken = token,
            };
            DescribeSnapshotsResponse page = await _client.DescribeSnapshotsAsync(request, cancellationToken).ConfigureAwait(false);
            yield return Records(page.Snapshots);
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>Specific snapshots; an id that does not exist (or is not shared with us) raises InvalidSnapshot.NotFound.</summary>
    public async Task<IReadOnlyList<Ec2SnapshotRecord>> DescribeSnapshotsAsync(IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken)
    {
        DescribeSnapshotsResponse response = await _client.DescribeSnapshotsAsync(
            new DescribeSnapshotsRequest { SnapshotIds = snapshotIds.ToList() }, cancellationToken).ConfigureAwait(false);
        return Records(response.Snapshots);
    }

    public async IAsyncEnumerable<IReadOnlyList<Ec2ImageRecord>> DescribeImagePagesAsync(
        IReadOnlyList<string>? owners, IReadOnlyList<string>? executableUsers, IReadOnlyList<Ec2Filter> filters,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var request = new DescribeImagesRequest
            {
                Owners = owners?.ToList(),
                ExecutableUsers = executableUsers?.ToList(),
                Filters = filters.Count > 0 ? filters.Select(f => f.ToSdk()).ToList() : null,
                MaxResults = PageSize,
                NextToken = token,
            };
            DescribeImagesResponse page = await _client.DescribeImagesAsync(request, cancellationToken).ConfigureAwait(false);
            yield return Records(page.Images);
            token = page.NextToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    public async Task<IReadOnlyList<Ec2ImageRecord>> DescribeImagesAsync(IReadOnlyList<string> imageIds, CancellationToken cancellationToken)
    {
        DescribeImagesResponse response = await _client.DescribeImagesAsync(
            new DescribeImagesRequest { ImageIds = imageIds.ToList() }, cancellationToken).ConfigureAwait(false);
        return Records(response.Images);
    }

    /// <summary>Accounts (and "all" for public) that may create volumes from the snapshot. Owner only.</summary>
    public async Task<IReadOnlyList<string>> GetSnapshotSharesAsync(string snapshotId, CancellationToken cancellationToken)
    {
        DescribeSnapshotAttributeResponse response = await _client.DescribeSnapshotAttributeAsync(
            new DescribeSnapshotAttributeRequest { SnapshotId = snapshotId, Attribute = SnapshotAttributeName.CreateVolumePermission },
            cancellationToken).ConfigureAwait(false);
        return (response.CreateVolumePermissions ?? []).Select(p => p.UserId ?? p.Group?.Value ?? string.Empty)
            .Where(s => s.Length > 0).ToList();
    }

    /// <summary>Accounts, organizations, OUs (and "all") with launch permission on the image. Owner only.</summary>
    public async Task<IReadOnlyList<string>> GetImageSharesAsync(string imageId, CancellationToken cancellationToken)
    {
        DescribeImageAttributeResponse response = await _client.DescribeImageAttributeAsync(
            new DescribeImageAttributeRequest { ImageId = imageId, Attribute = ImageAttributeName.LaunchPermission },
            cancellationToken).ConfigureAwait(false);
        return (response.ImageAttribute?.LaunchPermissions ?? [])
            .Select(p => p.UserId ?? p.OrganizationArn ?? p.OrganizationalUnitArn ?? p.Group?.Value ?? string.Empty)
            .Where(s => s.Length > 0).ToList();
    }

    public void Dispose() => _client.Dispose();

    private static List<Ec2SnapshotRecord> Records(List<Snapshot>? snapshots) => (snapshots ?? []).Select(Ec2SnapshotRecord.From).ToList();

    private static List<Ec2ImageRecord> Records(List<Image>? images) => (images ?? []).Select(Ec2ImageRecord.From).ToList();
}
