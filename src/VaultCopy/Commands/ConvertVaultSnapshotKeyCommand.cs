using System.Management.Automation;
using VaultCopy.Completion;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Re-encrypts backups under a customer managed key of their own account, so that they can be shared.</para>
/// <para type="description">Copies EBS snapshots, AMIs (every backing snapshot), RDS DB snapshots (automated ones
/// become manual; one already on a customer managed key keeps it) and Aurora cluster snapshots inside the account,
/// encrypted under -KmsKeyId, tagged with their lineage. What cannot be converted (not ready, an unencrypted Aurora
/// snapshot, a source key that is disabled) is refused with the words of Test-VaultCopyPrereq. A second run finds
/// the copies it made instead of copying again. Without -Wait it returns the copy jobs as soon as they started; with
/// -Wait it follows them, verifies each copy and returns the new resources.</para>
/// </summary>
[Cmdlet(VerbsData.Convert, "VaultSnapshotKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(VaultCopyJob), typeof(VaultResource))]
public sealed class ConvertVaultSnapshotKeyCommand : CopyBatchCmdletBase
{
    private readonly List<VaultResource> _resources = [];
    private readonly List<string> _ids = [];
    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>The account that owns the resources (and the key), from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [Alias("Source")]
    [ValidateNotNull]
    public VaultAccount Account { get; set; } = null!;

    /// <summary>Backups named by VaultCopy output: VaultResource (Get-VaultResource), VaultShare, VaultCopyJob (its source).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INamesBackup InputObject { get; set; } = null!;

    /// <summary>Ids or ARNs: snap-…, ami-…, an RDS snapshot identifier (rds:… for automated ones), or an ARN.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(DBSnapshotArn, DBClusterSnapshotArn, BackupParameters.Arn, SourceArn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>The customer managed key to re-encrypt under: key id, key ARN, alias name or alias ARN.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AccountKeyCompleter))]
    public string KmsKeyId { get; set; } = null!;

    /// <summary>Wait for the copies, verify them and return the new resources.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Delete each original once its copy is verified (implies -Wait).</summary>
    [Parameter]
    public SwitchParameter RemoveSource { get; set; }

    /// <summary>Delete originals (-RemoveSource) without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override string ActivityName => "Converting snapshot keys";

    protected override void ProcessRecord()
    {
        if (ParameterSetName == IdSet)
        {
            _ids.AddRange(Id);
        }
        else
        {
            if (InputObject is VaultResource resource)
            {
                _resources.Add(resource);
            }
            else
            {
                _ids.Add(InputObject.BackupIdOrArn);
            }
        }
    }

    protected override void EndProcessing()
    {
        using var converter = new SnapshotKeyConverter(Account);
        RunWithKey(KmsKeyId, converter.ResolveKeyAsync, (key, token) => ConvertAsync(converter, key!, token), Account);
    }

    private async Task ConvertAsync(SnapshotKeyConverter converter, KmsKey key, CancellationToken token)
    {
        List<VaultResource> sources = [];
        foreach (VaultResource resource in _resources.DistinctBy(r => r.Arn, StringComparer.Ordinal))
        {
            // A piped resource may be stale or edited (its key, its state): it is read again, by its ARN only. One of
            // another account is only ever refused (NotOwnResource), so it is not looked for here.
            if (resource.AccountId != Account.AccountId)
            {
                sources.Add(resource);
                continue;
            }

            try
            {
                sources.Add(await converter.Inventory.GetAsync(resource.Arn, Account.AccountId, "the account (-Account)", token).ConfigureAwait(false));
            }
            catch (VaultCopyException error)
            {
                PostError(error, resource);
            }
        }

        foreach (string id in _ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                sources.Add(await converter.Inventory.GetAsync(id, Account.AccountId, "the account (-Account)", token).ConfigureAwait(false));
            }
            catch (VaultCopyException error)
            {
                PostError(error, id);
            }
        }

        var work = new List<(VaultCopyJob Job, VaultResource Source)>();
        foreach (VaultResource source in sources.DistinctBy(s => s.Arn, StringComparer.Ordinal))
        {
            ConversionPlan plan = await converter.PlanAsync(source, key, token).ConfigureAwait(false);
            if (plan.Refusal is not null)
            {
                PostError(plan.Refusal, source);
            }
            else if (plan.SkipReason is not null)
            {
                PostWarning(plan.SkipReason);
            }
            else
            {
                work.Add((plan.Job!, source));
            }
        }

        CopyBatch batch = await CopyBatch.PrepareAsync(converter.Engine, work, CopyBatchWording.Conversion, token).ConfigureAwait(false);
        IReadOnlyList<CopyOutcome> outcomes = await RunBatchAsync(
            batch, item => ApproveCopy(item.Source!, item.Job, key), WaitOptions(Wait.IsPresent || RemoveSource.IsPresent), acceptUnverified: false, token).ConfigureAwait(false);
        foreach (CopyOutcome outcome in outcomes)
        {
            await WriteOutcomeAsync(outcome, verified => RemoveSourceAndReportAsync(converter, verified.Job, verified.Source!, token)).ConfigureAwait(false);
        }
    }

    /// <summary>A verified conversion: the original removed when asked (and approved), then the new resource output.</summary>
    private async Task RemoveSourceAndReportAsync(SnapshotKeyConverter converter, VaultCopyJob job, VaultResource source, CancellationToken token)
    {
        if (RemoveSource && await OnPipelineThread(() => ApproveRemoval(source, job)).ConfigureAwait(false))
        {
            try
            {
                SourceRemoval removal = await converter.RemoveSourceAsync(job, token).ConfigureAwait(false);
                if (removal.Removed)
                {
                    PostVerbose(removal.Message);
                }
                else
                {
                    PostWarning(removal.Message);
                }
            }
            catch (VaultCopyException error)
            {
                PostError(error, source);
            }
        }

        try
        {
            PostObject(await converter.Inventory.GetAsync(job.TargetArn ?? job.TargetId!, token).ConfigureAwait(false));
        }
        catch (VaultCopyException error)
        {
            PostError(error, job);
        }
    }

    private bool ApproveCopy(VaultResource source, VaultCopyJob job, KmsKey key)
    {
        string target = $"{source.Type} {source.Id} ({(source.Encrypted ? $"{source.KeyManager} key {source.KmsKeyArn}" : "unencrypted")})";
        string action = job.TargetKeyArn == key.Arn
            ? $"Copy re-encrypted under KMS key {key}"
            : $"Copy to a manual snapshot under its own KMS key {job.TargetKeyArn}";
        bool approved = ShouldProcess(
            $"Performing the operation \"{action}\" on target \"{target}\".", $"Are you sure you want to perform this action?\n{action} on target \"{target}\".",
            "Confirm", out ShouldProcessReason reason);
        if (!approved && reason == ShouldProcessReason.WhatIf && RemoveSource)
        {
            // -WhatIf shows the deletion that -RemoveSource would do once the copy is verified.
            ShouldProcess(Describe(source), "Delete the original once its copy is verified");
        }

        return approved;
    }

    /// <summary>Deleting is high impact: ShouldProcess (honours -WhatIf and -Confirm), then a prompt unless -Force.</summary>
    private bool ApproveRemoval(VaultResource source, VaultCopyJob job)
    {
        string target = Describe(source);
        string action = $"Delete the original (its verified copy is {job.TargetId})";
        if (!ShouldProcess(target, action))
        {
            return false;
        }

        if (Force)
        {
            return true;
        }

        try
        {
            return ShouldContinue($"Delete {target}? Its copy {job.TargetId} is verified.", "Remove the original", ref _yesToAll, ref _noToAll);
        }
        catch (Exception error) when (error is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException)
        {
            WriteError(ToErrorRecord(new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "RemovalNeedsConfirmation",
                $"{source.Id} was kept: deleting it needs a confirmation, and this session cannot ask for one ({error.Message}).",
                "Add -Force to delete originals without asking (runbooks)."), source));
            return false;
        }
    }

    private static string Describe(VaultResource source) => $"{source.Type} {source.Id}";
}
