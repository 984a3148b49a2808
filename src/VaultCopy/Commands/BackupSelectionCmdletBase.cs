using System.Collections;
using System.Management.Automation;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// Get-VaultResource, Get-VaultCopyPlan and Invoke-VaultCopy select backups the same way: by -Id or -InputObject from
/// the pipeline, or by listing, and in both cases narrowed by -Type, -Tag, -CreatedAfter and -CreatedBefore.
/// </summary>
public abstract class BackupSelectionCmdletBase : VaultCopyCmdletBase
{
    private readonly List<string> _ids = [];

    /// <summary>Backups by id or ARN: snap-…, ami-…, an RDS snapshot identifier, or an ARN. Bound by property name from
    /// VaultCopy, AWS Tools and AWS CLI objects; ARN properties bind first, so an RDS object is looked up by its ARN.</summary>
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

    /// <summary>The backups named by -Id or -InputObject, each once, in the order given; empty when listing.</summary>
    private protected IReadOnlyList<string> SelectedIds => _ids.Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether backups were named (-Id, -InputObject) rather than listed.</summary>
    private protected bool BackupsNamed => ParameterSetName is IdSet or InputObjectSet;

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

    /// <summary>The filters as the engine reads them.</summary>
    private protected ResourceQuery SelectionQuery(bool includeShared)
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
