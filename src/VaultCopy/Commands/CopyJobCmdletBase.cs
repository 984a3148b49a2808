using System.Management.Automation;
using VaultCopy.Core.Accounts;

namespace VaultCopy.Commands;

/// <summary>
/// Cmdlets that follow vault copy jobs in the vault (Copy-VaultSnapshot, Copy-VaultImage, Wait-VaultCopy): the
/// vault connection; the batch, its wait parameters and its outcomes are <see cref="CopyBatchCmdletBase"/>'s.
/// </summary>
public abstract class CopyJobCmdletBase : CopyBatchCmdletBase
{
    /// <summary>The vault account, from Connect-VaultAccount: its credentials make and read the copies.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;
}
