using System.Management.Automation;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Copies AMIs into the vault account, every backing snapshot re-encrypted under the vault key.</para>
/// <para type="description">Runs with the vault's credentials. A second run finds the copy the first one made.</para>
/// </summary>
[Cmdlet(VerbsCommon.Copy, "VaultImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(VaultCopyJob))]
public sealed class CopyVaultImageCommand : VaultCopyCommandBase
{
    protected override string ActivityName => "Copy-VaultImage";

    private protected override IReadOnlyCollection<VaultResourceType> CopiedTypes { get; } = [VaultResourceType.Ami];
}
