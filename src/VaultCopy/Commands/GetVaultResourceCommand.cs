using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Lists the backups VaultCopy can work on in one account and Region.</para>
/// <para type="description">EBS snapshots, AMIs (with their backing snapshots), RDS DB snapshots (manual and
/// automated) and Aurora cluster snapshots, with their encryption, key manager and shares. Ids and ARNs can come
/// from the pipeline, including the objects AWS Tools for PowerShell returns.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultResource", DefaultParameterSetName = ListSet)]
[OutputType(typeof(VaultResource))]
public sealed class GetVaultResourceCommand : BackupSelectionCmdletBase
{
    private const string ListSet = "List";

    /// <summary>The account to read, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [Alias("Source")]
    [ValidateNotNull]
    public VaultAccount Account { get; set; } = null!;

    /// <summary>Also list resources other accounts shared with this one.</summary>
    [Parameter]
    public SwitchParameter IncludeShared { get; set; }

    protected override void EndProcessing()
    {
        // A resource named explicitly is returned even when another account shared it; the other filters still apply.
        ResourceQuery query = SelectionQuery(includeShared: IncludeShared.IsPresent || BackupsNamed);
        using var inventory = new ResourceInventory(Account);
        try
        {
            RunAsync(async token =>
            {
                if (BackupsNamed)
                {
                    foreach (string id in SelectedIds)
                    {
                        try
                        {
                            VaultResource resource = await inventory.GetAsync(id, token).ConfigureAwait(false);
                            if (query.Matches(resource))
                            {
                                PostObject(resource);
                            }
                        }
                        catch (VaultCopyException error)
                        {
                            PostError(error, id);
                        }
                    }

                    return;
                }

                await foreach (VaultResource resource in inventory.ListAsync(query, token).ConfigureAwait(false))
                {
                    PostObject(resource);
                }
            });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Account));
        }
    }
}
