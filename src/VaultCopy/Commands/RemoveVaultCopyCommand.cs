using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Resources;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Deletes vault copies VaultCopy made, by a retention rule or as piped; never the newest verified copy of a source unless -IncludeNewest.</para>
/// <para type="description">An AMI copy is deregistered and its snapshots deleted with it; locked or protected copies are skipped with their expiry.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VaultCopy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = RuleSet)]
[OutputType(typeof(VaultCopyRemoval))]
public sealed class RemoveVaultCopyCommand : VaultCopyLifecycleCmdletBase
{
    private const string RuleSet = "Rule";

    private readonly List<VaultCopyJob> _given = [];
    private CopyRemover? _remover;

    /// <summary>Remove copies made more than this many days ago.</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public int OlderThanDays { get; set; }

    /// <summary>Per source backup, keep the newest N copies and remove the older ones.</summary>
    [Parameter]
    [ValidateRange(0, 100000)]
    public int KeepLast { get; set; }

    /// <summary>Allow removing the newest verified copy of a source (kept otherwise, whatever the rule).</summary>
    [Parameter]
    public SwitchParameter IncludeNewest { get; set; }

    /// <summary>The origin account, from Connect-VaultAccount (optional): tells which volume each EBS source was taken of,
    /// so the copies of one volume's snapshots count as one series for -KeepLast and the newest-copy rule.</summary>
    [Parameter]
    public VaultAccount? Source { get; set; }

    /// <summary>Only copies of backups of this 12-digit account (rule mode).</summary>
    [Parameter(ParameterSetName = RuleSet)]
    [ValidatePattern(@"^\d{12}$")]
    public string? SourceAccountId { get; set; }

    /// <summary>Only these types (rule mode): EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.</summary>
    [Parameter(ParameterSetName = RuleSet)]
    public VaultResourceType[] Type { get; set; } = [];

    protected override void BeginProcessing() => _remover = new CopyRemover(Destination, Region);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            _given.AddRange(InputObject);
            return;
        }

        if (ParameterSetName != IdSet)
        {
            return;
        }

        foreach (string id in Id.Select(i => i.Trim()))
        {
            try
            {
                _given.Add(RunAsync(token => _remover!.FindCopyAsync(id, token)));
            }
            catch (VaultCopyException error)
            {
                WriteError(ToErrorRecord(error, id));
            }
        }
    }

    protected override void EndProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        var rule = new RetentionRule
        {
            OlderThanDays = bound.ContainsKey(nameof(OlderThanDays)) ? OlderThanDays : null,
            KeepLast = bound.ContainsKey(nameof(KeepLast)) ? KeepLast : null,
            IncludeNewest = IncludeNewest,
        };
        bool piped = ParameterSetName != RuleSet;
        if (piped && _given.Count == 0)
        {
            return;
        }

        IReadOnlyList<RetentionDecision> plan;
        try
        {
            var foreign = _given.Where(j => _remover!.RefuseOfAnotherVault(j) is not null).ToList();
            foreach (VaultCopyJob job in foreign)
            {
                WriteError(ToErrorRecord(_remover!.RefuseOfAnotherVault(job)!, job));
            }

            var query = new VaultCopyQuery { SourceAccountId = SourceAccountId, Types = Type };
            plan = RunAsync(token => _remover!.PlanAsync(rule, piped ? _given.Except(foreign).ToList() : null, piped ? null : query, Source, token));
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
            return;
        }

        foreach (RetentionDecision decision in plan)
        {
            switch (decision.Verdict)
            {
                case RetentionVerdict.Keep:
                    WriteVerbose($"Kept {decision.Job.TargetId} ({decision.Job.Type}, copy of {decision.Job.SourceId}): {decision.Reason}.");
                    break;
                case RetentionVerdict.Skip:
                    WriteWarning($"Skipped {decision.Job.TargetId}: {decision.Reason}.");
                    break;
                default:
                    Remove(decision);
                    break;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _remover?.Dispose();
            _remover = null;
        }

        base.Dispose(disposing);
    }

    private void Remove(RetentionDecision decision)
    {
        VaultCopyJob job = decision.Job;
        WriteVerbose($"{job.TargetId} (copy of {job.SourceId}): {decision.Reason}.");
        if (!ShouldApply(CopyRemover.DescribeRemoval(decision)))
        {
            return;
        }

        try
        {
            VaultCopyRemoval removal = RunAsync(token => _remover!.RemoveAsync(decision, token));
            if (removal.KeptSnapshots.Count > 0)
            {
                WriteWarning($"{removal.TargetId} is deregistered, but its snapshots {string.Join(", ", removal.KeptSnapshots)} were kept (locked, used by another AMI, or not VaultCopy's).");
            }

            WriteObject(removal);
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, job));
        }
    }
}
