using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;

namespace VaultCopy.Commands;

/// <summary>
/// Lock-VaultCopy and Remove-VaultCopy: act on copies already in the vault, given as jobs (Get-VaultCopy, Copy-*,
/// Wait-VaultCopy) or by id/ARN, each confirmed on the pipeline thread right before the calls that change it.
/// </summary>
public abstract class VaultCopyLifecycleCmdletBase : VaultCopyCmdletBase
{
    private protected const string InputObjectSet = "InputObject";
    private protected const string IdSet = "Id";

    /// <summary>The vault account, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;

    /// <summary>Copy jobs: from Get-VaultCopy, Copy-VaultSnapshot, Copy-VaultImage or Wait-VaultCopy.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VaultCopyJob[] InputObject { get; set; } = [];

    /// <summary>Ids or ARNs of copies in the vault (snap-…, ami-…, RDS identifiers or ARNs).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("TargetArn", "SnapshotId", "ImageId", "DBSnapshotIdentifier", "DBSnapshotArn", "DBClusterSnapshotIdentifier", "DBClusterSnapshotArn", "Arn")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>The vault Region of the copies (default: the Region of -Destination).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string? Region { get; set; }

    /// <summary>Skip the confirmation prompt (AWS Tools' rule: -WhatIf still wins, an explicit -Confirm still asks).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>ShouldProcess unless -Force answered it (<see cref="VaultCopyCmdletBase.ConfirmUnlessForced"/>).</summary>
    private protected bool ShouldApply(string target, string action) =>
        ConfirmUnlessForced(Force, $"{action}: {target}", $"{MyInvocation.MyCommand.Name} ({action} on {target})", target, () => ShouldProcess(target, action));

    /// <summary>The same rule with one line for -WhatIf and the prompt (no "Performing the operation … on target …" wrapping).</summary>
    private protected bool ShouldApply(string description) =>
        ConfirmUnlessForced(Force, description, $"{MyInvocation.MyCommand.Name} ({description})", description,
            () => ShouldProcess(description, description + "?", MyInvocation.MyCommand.Name));
}
