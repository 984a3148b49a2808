using System.Management.Automation;
using VaultCopy.Completion;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using VaultCopy.Core.VaultCopies;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// Copy-VaultSnapshot and Copy-VaultImage: copy backups of the origin, shared with the vault, into the vault
/// with the vault's credentials, re-encrypted under the vault key; the two differ only in the types they take.
/// </summary>
public abstract class VaultCopyCommandBase : CopyJobCmdletBase
{
    private readonly List<VaultResource> _resources = [];
    private readonly List<VaultShare> _shares = [];
    private readonly List<string> _ids = [];

    /// <summary>The origin account, from Connect-VaultAccount. Optional: with it, sources are read (and their shares checked) in the origin.</summary>
    [Parameter]
    public VaultAccount? Source { get; set; }

    /// <summary>Sources from the pipeline: VaultShare (Grant-VaultSnapshotAccess), VaultResource (Get-VaultResource), VaultCopyJob (its source).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INamesBackup InputObject { get; set; } = null!;

    /// <summary>Ids or ARNs of the sources; binds the id and ARN properties of AWS Tools and AWS CLI objects.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(DBSnapshotArn, DBClusterSnapshotArn, BackupParameters.Arn, SourceArn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>The 12-digit account that owns sources given by RDS identifier, when -Source is not given.</summary>
    [Parameter]
    [ValidatePattern(@"^\d{12}$")]
    public string? SourceAccountId { get; set; }

    /// <summary>The Region of sources given by id (default: the origin's Region, else the vault's).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string? SourceRegion { get; set; }

    /// <summary>The vault key: id, ARN or alias of a key of the vault account in the destination Region.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultKeyCompleter))]
    public string? KmsKeyId { get; set; }

    /// <summary>Allow copies that still depend on a key outside the vault (no -KmsKeyId for an encrypted source, or a key of another account).</summary>
    [Parameter]
    public SwitchParameter KeepSourceKey { get; set; }

    /// <summary>Make the copies in this Region of the vault account (default: the vault's Region).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string? DestinationRegion { get; set; }

    /// <summary>At most this many copies of one type in flight in the destination Region (AWS's quotas are the default and the maximum).</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int MaxConcurrentCopies { get; set; }

    /// <summary>Wait for the copies, verify them, and return the finished jobs.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>The types this command copies.</summary>
    private protected abstract IReadOnlyCollection<VaultResourceType> CopiedTypes { get; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            _ids.AddRange(Id);
            return;
        }

        switch (InputObject)
        {
            case VaultResource resource:
                _resources.Add(resource);
                break;
            case VaultShare share:
                _shares.Add(share);
                break;
            default:
                _ids.Add(InputObject.BackupIdOrArn);
                break;
        }
    }

    protected override void EndProcessing()
    {
        VaultCopier created;
        try
        {
            created = new VaultCopier(Destination, DestinationRegion, Source, SourceRegion);
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Source));
            return;
        }

        using VaultCopier copier = created;
        RunWithKey(KmsKeyId, (id, token) => copier.ResolveKeyAsync(id, KeepSourceKey, token), (key, token) => CopyAsync(copier, key, token), Destination);
    }

    private async Task CopyAsync(VaultCopier copier, KmsKey? key, CancellationToken token)
    {
        List<VaultResource> sources = [];
        foreach (VaultResource resource in _resources.DistinctBy(r => r.Arn, StringComparer.Ordinal))
        {
            // A piped resource may be stale (read before Grant-VaultSnapshotAccess): the engine reads it again.
            try
            {
                sources.Add(await copier.FindSourceAsync(resource, token).ConfigureAwait(false));
            }
            catch (VaultCopyException error)
            {
                PostError(error, resource);
            }
        }

        foreach (VaultShare share in _shares.Where(s => s.Operation == ShareOperation.Grant))
        {
            try
            {
                sources.Add(await copier.FindSourceAsync(share, token).ConfigureAwait(false));
            }
            catch (VaultCopyException error)
            {
                PostError(error, share);
            }
        }

        foreach (string id in _ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                sources.Add(await copier.FindSourceAsync(id, SourceAccountId ?? Source?.AccountId, token).ConfigureAwait(false));
            }
            catch (VaultCopyException error)
            {
                PostError(error, id);
            }
        }

        var work = new List<(VaultCopyJob Job, VaultResource Source)>();
        foreach (VaultResource source in sources.DistinctBy(s => s.Arn, StringComparer.Ordinal))
        {
            VaultCopyPlan plan = await copier.PlanAsync(source, key, KeepSourceKey, CopiedTypes, token).ConfigureAwait(false);
            if (plan.Refusal is not null)
            {
                PostError(plan.Refusal, source);
            }
            else
            {
                work.Add((plan.Job!, plan.Source));
            }
        }

        CopyBatch batch = await CopyBatch.PrepareAsync(copier.Engine, work, CopyBatchWording.VaultCopy, token).ConfigureAwait(false);
        IReadOnlyList<CopyOutcome> outcomes = await RunBatchAsync(
            batch, item => ShouldProcess(Describe(item.Source!), CopyAction(copier, item.Job)), WaitOptions(Wait, Quotas()), acceptUnverified: KeepSourceKey, token)
            .ConfigureAwait(false);
        foreach (CopyOutcome outcome in outcomes)
        {
            await WriteOutcomeAsync(outcome).ConfigureAwait(false);
        }
    }

    private CopyQuotas Quotas()
    {
        if (MaxConcurrentCopies <= 0)
        {
            return CopyQuotas.Default;
        }

        CopyQuotas aws = CopyQuotas.Default;
        return new CopyQuotas
        {
            EbsSnapshots = Math.Min(MaxConcurrentCopies, aws.EbsSnapshots),
            Images = Math.Min(MaxConcurrentCopies, aws.Images),
            RdsSnapshots = Math.Min(MaxConcurrentCopies, aws.RdsSnapshots),
            AuroraClusterSnapshots = Math.Min(MaxConcurrentCopies, aws.AuroraClusterSnapshots),
        };
    }

    private static string Describe(VaultResource source) =>
        $"{source.Type} {source.Id} of account {source.AccountId} ({source.Region}, {(source.Encrypted ? $"key {source.KmsKeyArn}" : "unencrypted")})";

    private static string CopyAction(VaultCopier copier, VaultCopyJob job) =>
        $"Copy into vault account {copier.DestinationAccountId} ({copier.DestinationRegion}) under KMS key {job.TargetKeyArn ?? "(the vault's default EBS key)"}";
}
