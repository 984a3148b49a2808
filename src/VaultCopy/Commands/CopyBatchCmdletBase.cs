using System.Management.Automation;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;

namespace VaultCopy.Commands;

/// <summary>
/// Cmdlets that run a copy batch (Copy-VaultSnapshot, Copy-VaultImage, Wait-VaultCopy, Convert-VaultSnapshotKey):
/// the same wait parameters, the same steps (adopted copies said, new ones confirmed, the run with one progress
/// record per job) and the same way of writing each outcome.
/// </summary>
public abstract class CopyBatchCmdletBase : VaultCopyCmdletBase
{
    /// <summary>Stop waiting after this many seconds (0: no limit). The copies go on in AWS.</summary>
    [Parameter]
    [Alias("Timeout")]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSeconds { get; set; }

    /// <summary>Seconds between two looks at the copies in flight (one describe call per type for all of them).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int PollIntervalSeconds { get; set; } = 15;

    /// <summary>The name of the command as progress shows it.</summary>
    protected abstract string ActivityName { get; }

    /// <summary>
    /// The frame of a batch command: the key is resolved first (an unusable key ends the command before anything is
    /// read or copied, with the key as target), then the work runs; an error of the whole run ends the command with
    /// <paramref name="account"/> as target.
    /// </summary>
    private protected void RunWithKey(
        string? keyId, Func<string, CancellationToken, Task<KmsKey>> resolve, Func<KmsKey?, CancellationToken, Task> run, object account)
    {
        KmsKey? key = null;
        if (keyId is not null)
        {
            try
            {
                key = RunAsync(token => resolve(keyId, token));
            }
            catch (VaultCopyException error)
            {
                ThrowTerminatingError(ToErrorRecord(error, keyId));
                return;
            }
        }

        try
        {
            RunAsync(token => run(key, token));
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, account));
        }
    }

    /// <summary>What this command's wait parameters mean for a run.</summary>
    private protected CopyRunOptions WaitOptions(bool wait, CopyQuotas? quotas = null) =>
        CopyRunOptions.ForWait(wait, PollIntervalSeconds, TimeoutSeconds, quotas);

    /// <summary>
    /// The batch's steps on the cmdlet's side: an earlier copy in error is an error, a copy found again is said
    /// (-Verbose), a new one runs only when <paramref name="approve"/> (ShouldProcess, on the pipeline thread) says
    /// so; then the run with progress. Returns one outcome per item that ran.
    /// </summary>
    private protected async Task<IReadOnlyList<CopyOutcome>> RunBatchAsync(
        CopyBatch batch, Func<CopyBatchItem, bool> approve, CopyRunOptions options, bool acceptUnverified, CancellationToken token)
    {
        foreach (CopyOutcome failed in batch.FailedBeforeRun)
        {
            PostError(failed.Error!, failed.Job);
        }

        foreach (CopyBatchItem item in batch.Items)
        {
            if (item.Job.State == CopyJobState.Failed)
            {
                continue;
            }

            if (item.Job.Reused)
            {
                PostVerbose($"{item.Source?.Id ?? item.Job.SourceId} was already {batch.Wording.Done}: {item.Job.TargetId} ({item.Job.ServiceState}) is used instead of copying again.");
            }
            else if (item.NeedsApproval && await OnPipelineThread(() => approve(item)).ConfigureAwait(false))
            {
                item.Approve();
            }
        }

        IReadOnlyList<VaultCopyJob> jobs = batch.ApprovedJobs;
        if (jobs.Count == 0)
        {
            return [];
        }

        var progress = new CopyProgressWriter(PostProgress, ActivityName, jobs);
        try
        {
            return await batch.RunAsync(options, progress, acceptUnverified, token).ConfigureAwait(false);
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <summary>
    /// Writes an outcome: an error with the job as target, the started job, or the verified job (its warning, when
    /// an unverified copy was accepted). <paramref name="verified"/> replaces the last for commands that output more.
    /// </summary>
    private protected async Task WriteOutcomeAsync(CopyOutcome outcome, Func<CopyOutcome, Task>? verified = null)
    {
        if (outcome.ReplacedFailedCopy is not null)
        {
            PostWarning(outcome.ReplacedFailedCopy);
        }

        if (outcome.Error is not null)
        {
            PostError(outcome.Error, outcome.Job);
            return;
        }

        if (outcome.Kind == CopyOutcomeKind.Started)
        {
            PostObject(outcome.Job);
            return;
        }

        if (outcome.Warning is not null)
        {
            PostWarning(outcome.Warning);
        }
        else
        {
            PostVerbose($"{outcome.Job.SourceId} -> {outcome.Job.TargetId}: {outcome.Job.VerificationMessage}");
        }

        if (verified is not null)
        {
            await verified(outcome).ConfigureAwait(false);
        }
        else
        {
            PostObject(outcome.Job);
        }
    }
}
