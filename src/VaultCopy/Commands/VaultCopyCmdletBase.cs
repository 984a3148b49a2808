using System.Collections.Concurrent;
using System.Management.Automation;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Diagnostics;
using VaultCopy.Core.Errors;

namespace VaultCopy.Commands;

/// <summary>
/// The base of every VaultCopy cmdlet: async work off the pipeline thread, every Write* marshalled back onto it,
/// Ctrl+C cancelling the work promptly, and VaultCopy errors turned into well-formed ErrorRecords.
/// </summary>
public abstract class VaultCopyCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BlockingCollection<Action>? _pipelineQueue;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>PowerShell calls this when the command ends, also when the pipeline stopped before EndProcessing.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Derived cmdlets release what they opened in BeginProcessing (AWS clients) here.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
            _pipelineQueue?.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool while this (pipeline) thread performs the writes it posts.
    /// Exceptions surface here, on the pipeline thread, so callers can turn them into errors.
    /// </summary>
    protected void RunAsync(Func<CancellationToken, Task> work)
    {
        using var queue = new BlockingCollection<Action>();
        _pipelineQueue = queue;
        try
        {
            Task running;
            // The observer flows into the work (and only this work): every AWS call under -Verbose, retries under -Debug.
            using (EngineLog.Observe(new PipelineObserver(this)))
            {
                running = Task.Run(() => work(CancelToken), CancelToken);
            }
            _ = running.ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
            try
            {
                foreach (Action write in queue.GetConsumingEnumerable())
                {
                    write();
                }
            }
            catch
            {
                // A write failed or the pipeline stopped downstream (Select-Object -First): stop the work too,
                // so it does not go on calling AWS for results nobody will read.
                _stopping.Cancel();
                WaitQuietly(running);
                throw;
            }

            running.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (CancelToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            _pipelineQueue = null;
        }
    }

    private static void WaitQuietly(Task task)
    {
        try
        {
            task.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The work's own failure is secondary to the one being rethrown.
        }
    }

    /// <summary>Runs work that produces one value, with the same marshalling as <see cref="RunAsync"/>.</summary>
    protected T RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        T result = default!;
        RunAsync(async token => { result = await work(token).ConfigureAwait(false); });
        return result;
    }

    /// <summary>Writes from any thread: queued onto the pipeline thread while async work runs.</summary>
    protected void Post(Action write)
    {
        BlockingCollection<Action>? queue = _pipelineQueue;
        if (queue is null)
        {
            write();
        }
        else
        {
            queue.Add(write);
        }
    }

    /// <summary>
    /// Asks on the pipeline thread (ShouldProcess and prompts must run there) from async work, and awaits the
    /// answer; if the pipeline stops before it gets to the question, the wait ends instead of hanging.
    /// </summary>
    protected async Task<T> OnPipelineThread<T>(Func<T> ask)
    {
        var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration stopped = CancelToken.Register(() => answer.TrySetCanceled(CancelToken));
        Post(() =>
        {
            try
            {
                answer.TrySetResult(ask());
            }
            catch (Exception error)
            {
                answer.TrySetException(error);
            }
        });
        return await answer.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// AWS Tools' confirmation rule: -WhatIf wins, an explicit -Confirm still asks, otherwise -Force answers the
    /// prompt. Without -Force, <paramref name="shouldProcess"/> asks, as <see cref="AskOrStop"/> does.
    /// </summary>
    protected bool ConfirmUnlessForced(bool force, string verboseText, string what, object target, Func<bool> shouldProcess)
    {
        if (force && !WhatIfRequested() && !ConfirmRequested())
        {
            WriteVerbose(verboseText);
            return true;
        }

        return AskOrStop(shouldProcess, target, what);
    }

    protected bool WhatIfRequested() =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? value)
            ? LanguagePrimitives.IsTrue(value)
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

    private bool ConfirmRequested() =>
        MyInvocation.BoundParameters.TryGetValue("Confirm", out object? confirm) && LanguagePrimitives.IsTrue(confirm);

    /// <summary>
    /// Asks a ShouldProcess or ShouldContinue question. A host that cannot prompt (pwsh -NonInteractive, a scheduled
    /// task, SSM Automation) makes PowerShell throw a bare NonInteractive error; this stops instead with one that
    /// says what to add to run unattended.
    /// </summary>
    protected bool AskOrStop(Func<bool> ask, object target, string what)
    {
        try
        {
            return ask();
        }
        catch (Exception error) when (error is PSInvalidOperationException or System.Management.Automation.Host.HostException or NotImplementedException)
        {
            ThrowTerminatingError(ToErrorRecord(new VaultCopyException(
                VaultCopyErrorKind.InvalidConfiguration, "ConfirmationNotPossible",
                $"{what} asks for a confirmation first, and this PowerShell session cannot ask ({error.Message.TrimEnd('.')}). Nothing was changed.",
                "Add -Force (or -Confirm:$false) to run it unattended, as a runbook or a scheduled task must; run it with -WhatIf first to see what it would change."),
                target));
            return false;
        }
    }

    protected void PostObject(object item) => Post(() => WriteObject(item));

    protected void PostDebug(string message) => Post(() => WriteDebug(message));

    protected void PostVerbose(string message) => Post(() => WriteVerbose(message));

    protected void PostWarning(string message) => Post(() => WriteWarning(message));

    protected void PostProgress(ProgressRecord record) => Post(() => WriteProgress(record));

    /// <summary>Runs copy jobs with the engine, showing one progress record per job under <paramref name="activity"/>.</summary>
    private protected async Task RunCopiesAsync(CopyEngine engine, IReadOnlyList<VaultCopyJob> jobs, CopyRunOptions options, string activity, CancellationToken token)
    {
        var progress = new CopyProgressWriter(PostProgress, activity, jobs);
        try
        {
            await engine.RunAsync(jobs, options, progress, token).ConfigureAwait(false);
        }
        finally
        {
            progress.Complete();
        }
    }

    protected void PostError(VaultCopyException error, object? target) => Post(() => WriteError(ToErrorRecord(error, target)));

    internal static ErrorRecord ToErrorRecord(VaultCopyException error, object? target)
    {
        var record = new ErrorRecord(error, error.ErrorId, CategoryOf(error.Kind), error.Subject ?? target)
        {
            ErrorDetails = new ErrorDetails(ErrorText.Shorten(error.FullMessage)),
        };
        if (error.Remediation is not null)
        {
            record.ErrorDetails.RecommendedAction = ErrorText.Shorten(error.Remediation);
        }

        return record;
    }

    internal static ErrorCategory CategoryOf(VaultCopyErrorKind kind) => kind switch
    {
        VaultCopyErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        VaultCopyErrorKind.InvalidConfiguration => ErrorCategory.InvalidOperation,
        VaultCopyErrorKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        VaultCopyErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        VaultCopyErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        VaultCopyErrorKind.InvalidState => ErrorCategory.InvalidOperation,
        VaultCopyErrorKind.LimitExceeded => ErrorCategory.LimitsExceeded,
        VaultCopyErrorKind.Timeout => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.ResourceUnavailable,
    };

    private sealed class PipelineObserver(VaultCopyCmdletBase cmdlet) : IEngineObserver
    {
        public void AwsCall(AwsCallRecord call) => cmdlet.PostVerbose(call.ToString());

        public void Detail(string message) => cmdlet.PostDebug(message);
    }
}
