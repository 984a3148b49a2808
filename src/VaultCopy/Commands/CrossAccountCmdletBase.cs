using System.Management.Automation;
using VaultCopy.Core.Accounts;

namespace VaultCopy.Commands;

/// <summary>Cmdlets that work between the origin (source) and the vault (destination) account.</summary>
public abstract class CrossAccountCmdletBase : VaultCopyCmdletBase
{
    /// <summary>The origin account, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Source { get; set; } = null!;

    /// <summary>The vault account, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;
}
