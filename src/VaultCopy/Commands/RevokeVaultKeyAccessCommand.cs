using System.Management.Automation;
using VaultCopy.Core.KeyAccess;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Takes back what Grant-VaultKeyAccess gave the vault account for an origin KMS key.</para>
/// <para type="description">Removes VaultCopy's statements for the vault (or only the named principals) from the
/// source key policy, the source key from the vault principals' inline policy, and (with -KmsKeyId) their
/// key-user grant on the vault key. Nothing VaultCopy did not add is touched; a document without VaultCopy's
/// statements is not written.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "VaultKeyAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(VaultKeyPolicyChange))]
public sealed class RevokeVaultKeyAccessCommand : VaultKeyAccessCmdletBase
{
    private protected override KeyAccessOperation Operation => KeyAccessOperation.Revoke;
}
