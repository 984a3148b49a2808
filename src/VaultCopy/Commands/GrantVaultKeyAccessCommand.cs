using System.Management.Automation;
using VaultCopy.Core.KeyAccess;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Gives the vault account every permission it needs to use an origin KMS key for vault copies.</para>
/// <para type="description">Adds VaultCopy's two statements for the vault to the source key policy, an inline
/// identity policy for the source key to the vault principals, and (with -KmsKeyId) makes them users of the
/// vault key. Every existing statement is kept; what is already granted is not written again.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Grant, "VaultKeyAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VaultKeyPolicyChange))]
public sealed class GrantVaultKeyAccessCommand : VaultKeyAccessCmdletBase
{
    /// <summary>Limit the vault's use of the source key to EC2 and RDS in the key's Region (kms:ViaService).</summary>
    [Parameter]
    public SwitchParameter ViaService { get; set; }

    private protected override KeyAccessOperation Operation => KeyAccessOperation.Grant;

    private protected override bool ViaServiceRequested => ViaService.IsPresent;
}
