using System.Collections;
using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Lists the backups VaultCopy can work on in one account and Region.</para>
/// <para type="description">EBS snapshots, AMIs (with their backing snapshots), RDS DB snapshots (manual and
/// automated) and Aurora cluster snapshots, with their encryption, key manager and shares. Ids and ARNs can come
/// from the pipeline, including the objects AWS Tools for PowerShell returns.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultResource", DefaultParameterSetName = ListSet)]
[OutputType(typeof(VaultResource))]
public sealed class GetVaultResourceCommand : VaultCopyCmdletBase
{
    private const string ListSet = "List";

    private readonly List<string> _ids = [];

    /// <summary>The account to read, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [Alias("Source")]
    [ValidateNotNull]
    public VaultAccount Account { get; set; } = null!;

    /// <summary>Ids or ARNs: snap-…, ami-…, an RDS snapshot identifier, or an ARN. ARN properties bind first, so an
    /// RDS object from AWS Tools is looked up by its ARN.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(DBSnapshotArn, DBClusterSnapshotArn, BackupParameters.Arn, SourceArn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>Backups named by VaultCopy output (VaultResource, VaultShare, VaultCopyJob: its source), read again.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INamesBackup InputObject { get; set; } = null!;

    [Parameter]
    public VaultResourceType[] Type { get; set; } = [];

    /// <summary>Tags that must be present: @{ Backup = 'daily'; Owner = $null } (null: any value).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    [Parameter]
    public DateTime? CreatedAfter { get; set; }

    [Parameter]
    public DateTime? CreatedBefore { get; set; }

    /// <summary>Also list resources other accounts shared with this one.</summary>
    [Parameter]
    public SwitchParameter IncludeShared { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            _ids.AddRange(Id);
        }
        else if (ParameterSetName == InputObjectSet)
        {
            _ids.Add(InputObject.BackupIdOrArn);
        }
    }

    protected override void EndProcessing()
    {
        // A resource named explicitly is returned even when another account shared it; the other filters still apply.
        ResourceQuery query = BuildQuery(includeShared: IncludeShared.IsPresent || ParameterSetName != ListSet);
        using var inventory = new ResourceInventory(Account);
        try
        {
            RunAsync(async token =>
            {
                if (ParameterSetName != ListSet)
                {
                    foreach (string id in _ids.Distinct(StringComparer.Ordinal))
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

    private ResourceQuery BuildQuery(bool includeShared)
    {
        var tags = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Tag ?? [])
        {
            tags[entry.Key.ToString()!] = entry.Value is null ? null : LanguagePrimitives.ConvertTo<string>(entry.Value);
        }

        return new ResourceQuery
        {
            Types = Type,
            Tags = tags,
            CreatedAfter = CreatedAfter,
            CreatedBefore = CreatedBefore,
            IncludeShared = includeShared,
        };
    }
}
