using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Orchestration;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">The whole vault copy as one planned, journaled, resumable command, for one or many origins.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VaultCopy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = SelectSet)]
[OutputType(typeof(VaultCopyOutcome), typeof(VaultCopyRunSummary), typeof(VaultCopyPlanItem))]
public sealed class InvokeVaultCopyCommand : VaultCopyPlanCmdletBase
{
    /// <summary>Leave the shares in place once the copies are verified (by default each is withdrawn at once).</summary>
    [Parameter]
    public SwitchParameter KeepShares { get; set; }

    /// <summary>Stop cleanly after this many seconds (0: no limit): unfinished backups are Pending, and the next run continues them.</summary>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSeconds { get; set; }

    /// <summary>The journal (JSON lines); default: one per origins, vault and Regions in the user's local data folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JournalPath { get; set; }

    /// <summary>Write the outcomes and the summary as JSON and CSV here (report.json and report.csv for "report").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ReportPath { get; set; }

    /// <summary>At most this many copies of one type in flight in each vault Region, all origins together (AWS's quotas are the default and the maximum).</summary>
    [Parameter]
    [ValidateRange(1, 300)]
    public int MaxConcurrentCopies { get; set; }

    /// <summary>The longest time between two looks at the copies in flight; the scheduler looks sooner when a copy is due to finish.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 15;

    /// <summary>Return the plan items and change nothing (as Get-VaultCopyPlan).</summary>
    [Parameter]
    public SwitchParameter PlanOnly { get; set; }

    /// <summary>Lock each verified EBS and AMI copy for this many days, as Lock-VaultCopy does.</summary>
    [Parameter]
    [ValidateRange(1, 36500)]
    public int LockDays { get; set; }

    /// <summary>Governance (a permitted principal may unlock) or Compliance (after the cool-off nobody can).</summary>
    [Parameter]
    [ValidateSet("Governance", "Compliance")]
    public string LockMode { get; set; } = "Governance";

    /// <summary>After the run, remove VaultCopy's own vault copies older than this many days, as Remove-VaultCopy -OlderThanDays does.</summary>
    [Parameter]
    [ValidateRange(1, 36500)]
    public int RetainDays { get; set; }

    protected override void EndProcessing()
    {
        VaultCopyRequest request;
        try
        {
            request = BuildRequest(KeepShares.IsPresent);
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, string.Join(", ", KmsKeyId)));
            return;
        }

        using VaultCopyRunPlan? plan = Plan(request);
        if (plan is null)
        {
            return;
        }

        foreach (string warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (PlanOnly)
        {
            WriteVerbose(plan.Summary);
            foreach (VaultCopyPlanItem item in plan.Items)
            {
                WriteObject(item);
            }

            return;
        }

        string lines = string.Join(Environment.NewLine, plan.Items.Select(Describe)
            .Concat(plan.KeyAccessChanges.Where(c => c.Changed).Select(c => $"Change {c.Kind} {c.Target} ({c.PolicyName}){Environment.NewLine}{c.Diff}")));
        string description = lines.Length == 0 ? plan.Summary : $"{plan.Summary}{Environment.NewLine}{lines}";
        if (LockDays > 0)
        {
            description += Environment.NewLine + (LockMode == "Compliance"
                ? $"Lock every verified EBS and AMI copy in compliance mode for {LockDays} days: nobody, the vault's administrators included, can delete or unlock them until the lock expires."
                : $"Lock every verified EBS and AMI copy in governance mode for {LockDays} days.");
        }

        if (RetainDays > 0)
        {
            description += Environment.NewLine + $"Then remove VaultCopy's own vault copies older than {RetainDays} days (never the newest of a series, never a locked one).";
        }
        if (!ShouldProcess(description, $"{plan.Summary}. Run this vault copy?", "Invoke-VaultCopy"))
        {
            return;
        }

        AfterCopy afterCopy;
        try
        {
            afterCopy = new AfterCopy(plan, new AfterCopyRequest
            {
                LockDays = LockDays > 0 ? LockDays : null,
                LockMode = LockMode == "Compliance" ? CopyLockMode.Compliance : CopyLockMode.Governance,
                RetainDays = RetainDays > 0 ? RetainDays : null,
            });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
            return;
        }

        using AfterCopy after = afterCopy;
        var options = new VaultCopyRunOptions
        {
            AfterVerified = LockDays > 0 ? after.LockAsync : null,
            Timeout = TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : null,
            Quotas = Quotas(),
            PollInterval = TimeSpan.FromSeconds(PollIntervalSeconds),
            JournalPath = JournalPath is not null ? GetUnresolvedProviderPathFromPSPath(JournalPath) : VaultCopyJournal.DefaultPath(request),
        };
        string? reportPath = ReportPath is null ? null : GetUnresolvedProviderPathFromPSPath(ReportPath);
        VaultCopyRunResult result;
        try
        {
            var progress = new Progress(PostProgress);
            result = RunAsync(async token =>
            {
                VaultCopyRunResult run = await new VaultCopyOrchestrator(plan, request, options).RunAsync(progress, token).ConfigureAwait(false);
                await after.RetainAsync(run, request.Origins, token).ConfigureAwait(false);
                return run;
            });
            WriteProgress(new ProgressRecord(1, "Invoke-VaultCopy", "Done") { RecordType = ProgressRecordType.Completed });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
            return;
        }

        if (reportPath is not null)
        {
            try
            {
                result.Summary.ReportPath = VaultCopyReport.PathsFor(reportPath).Json;
                VaultCopyReport.Write(reportPath, result);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(error, "ReportNotWritten", ErrorCategory.WriteError, reportPath)
                {
                    ErrorDetails = new ErrorDetails($"The report could not be written to {reportPath}: {error.Message}") { RecommendedAction = "Pass a -ReportPath in a folder you may write to." },
                });
            }
        }

        foreach (AfterCopyResult done in after.Results)
        {
            if (done.Refusal is not null)
            {
                WriteWarning($"{done.Step} {done.TargetId}: {ErrorText.Shorten(done.Message)}");
            }
            else if (done.Done)
            {
                WriteVerbose($"{done.Step} {done.TargetId}: {done.Message}");
            }
            else
            {
                WriteWarning($"{done.Step} {done.TargetId} skipped: {done.Message}");
            }
        }

        foreach (VaultCopyOutcome outcome in result.Outcomes)
        {
            if (outcome.ReplacedFailedCopies.Length > 0)
            {
                WriteWarning($"{outcome.Type} {outcome.Id} of {outcome.OriginAccountId}: the failed earlier copies {outcome.ReplacedFailedCopies} were removed and the backup copied again.");
            }

            if (outcome.Outcome == OutcomeKind.Failed)
            {
                WriteWarning($"{outcome.Type} {outcome.Id} of {outcome.OriginAccountId} failed: {outcome.Cause} {outcome.Remediation}".TrimEnd());
            }

            WriteObject(outcome);
        }

        WriteObject(result.Summary);
    }

    private CopyQuotas Quotas()
    {
        CopyQuotas aws = CopyQuotas.Default;
        return MaxConcurrentCopies <= 0 ? aws : new CopyQuotas
        {
            EbsSnapshots = Math.Min(MaxConcurrentCopies, aws.EbsSnapshots),
            Images = Math.Min(MaxConcurrentCopies, aws.Images),
            RdsSnapshots = Math.Min(MaxConcurrentCopies, aws.RdsSnapshots),
            AuroraClusterSnapshots = Math.Min(MaxConcurrentCopies, aws.AuroraClusterSnapshots),
        };
    }

    private sealed class Progress : IProgress<VaultCopyRunProgress>
    {
        private readonly Action<ProgressRecord> _post;

        public Progress(Action<ProgressRecord> post)
        {
            _post = post;
        }

        public void Report(VaultCopyRunProgress value) =>
            _post(new ProgressRecord(1, $"Invoke-VaultCopy: {value.Phase}", string.IsNullOrEmpty(value.Status) ? value.Phase : value.Status) { PercentComplete = Math.Clamp(value.PercentComplete, 0, 100) });
    }
}
