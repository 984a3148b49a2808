using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Lists the vault copies in the vault account, with their lineage.</para>
/// <para type="description">Finds the copies Copy-VaultSnapshot and Copy-VaultImage made by their vaultcopy: tags and returns them as copy jobs.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultCopy")]
[OutputType(typeof(VaultCopyJob))]
public sealed class GetVaultCopyCommand : VaultCopyCmdletBase
{
    /// <summary>The vault account, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;

    /// <summary>The vault Region to list (default: the vault's Region).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string? Region { get; set; }

    /// <summary>Only copies of backups of this 12-digit account.</summary>
    [Parameter]
    [ValidatePattern(@"^\d{12}$")]
    public string? SourceAccountId { get; set; }

    /// <summary>Only copies of this source: its id (snap-…, ami-…, RDS identifier) or ARN. Get-VaultResource output
    /// binds by its Arn; a VaultCopyJob by its SourceId.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Arn")]
    [ValidateNotNullOrEmpty]
    public string? SourceId { get; set; }

    [Parameter]
    public VaultResourceType[] Type { get; set; } = [];

    /// <summary>Only copies made after this time.</summary>
    [Parameter]
    public DateTime? CreatedAfter { get; set; }

    /// <summary>Only copies older than this (for example (New-TimeSpan -Days 30)).</summary>
    [Parameter]
    public TimeSpan? OlderThan { get; set; }

    private readonly List<string?> _sourceIds = [];

    protected override void ProcessRecord()
    {
        if (SourceId is not null)
        {
            try
            {
                // A source id that cannot name a backup would list nothing, as if no copy existed.
                _ = ResourceReference.Parse(SourceId);
            }
            catch (VaultCopyException error)
            {
                WriteError(ToErrorRecord(error, SourceId));
                return;
            }
        }

        _sourceIds.Add(SourceId);
    }

    protected override void EndProcessing()
    {
        using var catalog = new VaultCopyCatalog(Destination, Region);
        try
        {
            RunAsync(async token =>
            {
                foreach (string? sourceId in _sourceIds.Distinct(StringComparer.Ordinal))
                {
                    var query = new VaultCopyQuery
                    {
                        Types = Type,
                        SourceAccountId = SourceAccountId,
                        SourceId = sourceId,
                        CreatedAfter = CreatedAfter,
                        CreatedBefore = OlderThan is TimeSpan age ? DateTime.UtcNow - age : null,
                    };
                    await foreach (VaultCopyJob copy in catalog.ListAsync(query, token).ConfigureAwait(false))
                    {
                        PostObject(copy);
                    }
                }
            });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
        }
    }
}
