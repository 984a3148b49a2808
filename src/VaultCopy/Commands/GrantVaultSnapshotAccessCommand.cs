using System.Management.Automation;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Shares the origin's backups with the vault account.</para>
/// <para type="description">EBS snapshots (createVolumePermission), AMIs (launch permission and every backing
/// snapshot), RDS DB snapshots and Aurora cluster snapshots (restore attribute), with exactly one account: never
/// publicly. Already shared: nothing is sent. AWS managed keys, automated RDS snapshots and backups that are not
/// ready are refused with what to do instead.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Grant, "VaultSnapshotAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = BackupParameters.IdSet)]
[Alias("Share-VaultSnapshot")]
[OutputType(typeof(VaultShare))]
public sealed class GrantVaultSnapshotAccessCommand : SnapshotAccessCmdletBase
{
    private protected override ShareOperation Operation => ShareOperation.Grant;
}
