using System.Management.Automation;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Withdraws the vault account's access to the origin's backups.</para>
/// <para type="description">Removes the destination account from the share (for an AMI also from its backing
/// snapshots) and leaves every other account, organization and public setting as it was.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultSnapshotAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = BackupParameters.IdSet)]
[Alias("Unshare-VaultSnapshot")]
[OutputType(typeof(VaultShare))]
public sealed class RevokeVaultSnapshotAccessCommand : SnapshotAccessCmdletBase
{
    private protected override ShareOperation Operation => ShareOperation.Revoke;
}
