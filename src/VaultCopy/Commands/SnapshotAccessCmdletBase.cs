using System.Management.Automation;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// Grant-/Revoke-VaultSnapshotAccess: per resource, read and plan off the pipeline thread, confirm, then change.
/// ShouldProcess runs on the pipeline thread between the two, right before the only calls that change anything.
/// </summary>
public abstract class SnapshotAccessCmdletBase : CrossAccountCmdletBase
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private ShareManager? _manager;

    /// <summary>Ids or ARNs of the origin's resources. ARN properties bind first, so an RDS object from AWS Tools is
    /// found by its ARN.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias(DBSnapshotArn, DBClusterSnapshotArn, BackupParameters.Arn, SourceArn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>Backups named by VaultCopy output: VaultResource (Get-VaultResource), VaultShare, VaultCopyJob (Get-VaultCopy: its source).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INamesBackup InputObject { get; set; } = null!;

    private protected abstract ShareOperation Operation { get; }

    protected override void BeginProcessing()
    {
        try
        {
            _manager = new ShareManager(Source, Destination);
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
        }
    }

    protected override void ProcessRecord()
    {
        foreach (string id in ParameterSetName == InputObjectSet ? [InputObject.BackupIdOrArn] : Id)
        {
            if (_seen.Add(id.Trim()))
            {
                Process(id.Trim());
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _manager?.Dispose();
            _manager = null;
        }

        base.Dispose(disposing);
    }

    private void Process(string id)
    {
        SharePlan plan;
        try
        {
            plan = RunAsync(token => _manager!.PlanAsync(id, Operation, token));
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, id));
            return;
        }

        foreach (string warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (plan.IsNoOp)
        {
            WriteVerbose(Operation == ShareOperation.Grant
                ? $"{plan.Target} is already shared with account {plan.AccountId}; nothing to change."
                : $"{plan.Target} is not shared with account {plan.AccountId}; nothing to withdraw.");
            WriteObject(ShareManager.Unchanged(plan));
            return;
        }

        if (!ShouldProcess(plan.Target, plan.Action))
        {
            return;
        }

        try
        {
            VaultShare share = RunAsync(token => _manager!.ApplyAsync(plan, token));
            WriteVerbose($"{plan.Target}: {plan.Action}: done.");
            WriteObject(share);
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, id));
        }
    }
}
