using System.Management.Automation;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;

namespace VaultCopy.Commands;

/// <summary>
/// Cmdlets that follow vault copy jobs in the vault (Copy-VaultSnapshot, Copy-VaultImage, Wait-VaultCopy): the
/// vault connection, how long and how often to look, progress, and what a finished job means for the pipeline
/// (a completed and verified copy is output; a failed, unverified or unfinished one is an error about that job).
/// </summary>
public abstract class CopyJobCmdletBase : VaultCopyCmdletBase
{
    /// <summary>The vault account, from Connect-VaultAccount: its credentials make and read the copies.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;

    /// <summary>Stop waiting after this many seconds (0: no limit). The copies go on in AWS.</summary>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Seconds between two looks at the copies in flight (one describe call per type for all of them).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 15;

    /// <summary>The name of the command as progress and messages show it.</summary>
    protected abstract string ActivityName { get; }

    /// <summary>Runs the jobs (starting queued ones as the quotas allow) with progress; waits until they finish when <paramref name="wait"/>.</summary>
    protected Task RunJobsAsync(CopyEngine engine, IReadOnlyList<VaultCopyJob> jobs, bool wait, CopyQuotas quotas, CancellationToken token) =>
        RunCopiesAsync(engine, jobs, CopyRunOptions.ForWait(wait, PollIntervalSeconds, TimeoutSeconds, quotas), ActivityName, token);

    /// <summary>Writes the job's outcome: the job itself, or an error with the job as its target.</summary>
    protected void ReportJob(VaultCopyJob job, bool wait, bool foreignKeyAccepted = false)
    {
        if (job.State == CopyJobState.Failed)
        {
            PostError(JobFailure(job), job);
            return;
        }

        if (!wait)
        {
            PostObject(job);
            return;
        }

        if (!job.IsFinished)
        {
            PostError(new VaultCopyException(
                VaultCopyErrorKind.Timeout, "VaultCopyTimedOut",
                $"Stopped waiting for the copy of {job.SourceId} after {TimeoutSeconds} s: {job.TargetId ?? "it"} is {job.State} ({job.Progress}%) and goes on in AWS.",
                "Wait for it again later: pass the job to Wait-VaultCopy, or run the same copy command again, which picks the copy up instead of starting another."), job);
            return;
        }

        if (job.Verified != true)
        {
            string message = $"The copy {job.TargetId} of {job.SourceId} completed but is not verified. {job.VerificationMessage}";
            if (foreignKeyAccepted)
            {
                // -KeepSourceKey: a copy on a key outside the vault was asked for; say so, but it is no failure.
                PostWarning(message);
                PostObject(job);
                return;
            }

            PostError(new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "VaultCopyNotVerified", message,
                "Look at the copy (Get-VaultResource -Account <vault>); delete it and copy again under a key of the vault account if it is not what you want."), job);
            return;
        }

        PostVerbose($"{job.SourceId} -> {job.TargetId}: {job.VerificationMessage}");
        PostObject(job);
    }

    /// <summary>A failed job's own typed failure, as it was recorded where it happened.</summary>
    private protected static VaultCopyException JobFailure(VaultCopyJob job) =>
        job.Failure?.ToException() ?? new VaultCopyException(VaultCopyErrorKind.InvalidState, "VaultCopyFailed", $"The copy of {job.SourceId} failed.");
}
