using Amazon.EC2;
using Amazon.EC2.Model;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Sharing calls. They take one account id, checked here again, and send it only as a UserId: the permission
/// group (whose single value "all" means public) is never set.
/// </summary>
internal sealed partial class Ec2Gateway
{
    public Task AddSnapshotShareAsync(string snapshotId, string accountId, CancellationToken cancellationToken) =>
        ModifySnapshotShareAsync(snapshotId, accountId, add: true, cancellationToken);

    public Task RemoveSnapshotShareAsync(string snapshotId, string accountId, CancellationToken cancellationToken) =>
        ModifySnapshotShareAsync(snapshotId, accountId, add: false, cancellationToken);

    public Task AddImageLaunchPermissionAsync(string imageId, string accountId, CancellationToken cancellationToken) =>
        ModifyImageLaunchPermissionAsync(imageId, accountId, add: true, cancellationToken);

    public Task RemoveImageLaunchPermissionAsync(string imageId, string accountId, CancellationToken cancellationToken) =>
        ModifyImageLaunchPermissionAsync(imageId, accountId, add: false, cancellationToken);

    private async Task ModifySnapshotShareAsync(string snapshotId, string accountId, bool add, CancellationToken cancellationToken)
    {
        List<CreateVolumePermission> permissions = [new CreateVolumePermission { UserId = RequireAccountId(accountId) }];
        await _client.ModifySnapshotAttributeAsync(
            new ModifySnapshotAttributeRequest
            {
                SnapshotId = snapshotId,
                Attribute = SnapshotAttributeName.CreateVolumePermission,
                CreateVolumePermission = add
                    ? new CreateVolumePermissionModifications { Add = permissions }
                    : new CreateVolumePermissionModifications { Remove = permissions },
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task ModifyImageLaunchPermissionAsync(string imageId, string accountId, bool add, CancellationToken cancellationToken)
    {
        List<LaunchPermission> permissions = [new LaunchPermission { UserId = RequireAccountId(accountId) }];
        await _client.ModifyImageAttributeAsync(
            new ModifyImageAttributeRequest
            {
                ImageId = imageId,
                LaunchPermission = add
                    ? new LaunchPermissionModifications { Add = permissions }
                    : new LaunchPermissionModifications { Remove = permissions },
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static string RequireAccountId(string accountId) =>
        SharePlanner.IsAccountId(accountId) ? accountId : throw new ArgumentException($"'{accountId}' is not a 12-digit account id; VaultCopy shares with accounts only.", nameof(accountId));
}
