using System.Management.Automation;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Copies EBS snapshots, RDS DB snapshots and Aurora cluster snapshots into the vault account, re-encrypted under the vault key.</para>
/// <para type="description">Runs with the vault's credentials. A second run finds the copy the first one made.</para>
/// </summary>
[Cmdlet(VerbsCommon.Copy, "VaultSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(VaultCopyJob))]
public sealed class CopyVaultSnapshotCommand : VaultCopyCommandBase
{
    protected override string ActivityName => "Copy-VaultSnapshot";

    private protected override IReadOnlyCollection<VaultResourceType> CopiedTypes { get; } =
        [VaultResourceType.EbsSnapshot, VaultResourceType.RdsSnapshot, VaultResourceType.AuroraClusterSnapshot];
}
