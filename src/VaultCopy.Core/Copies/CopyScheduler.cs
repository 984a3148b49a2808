using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>
/// Drives a batch of copy jobs into one destination account and Region: starts queued jobs as the concurrency
/// quotas allow (counting copies already in flight there), treats quota and throttling answers as "wait and
/// retry", polls every type with one describe call per poll, verifies each copy as it completes, and reports
/// progress after every round. Transient faults (throttling, 5xx past the SDK's retries) of lookups, polls and
/// verifications put the call back in the next round, after the <see cref="TransientFaultPolicy"/>'s backoff; a job
/// fails only when the policy's budget is spent. Cancellation stops it promptly; copies already started go on in AWS.
/// </summary>
internal sealed class CopyScheduler
{
    private readonly IReadOnlyDictionary<VaultResourceType, ICopyBackend> _backends;
    private readonly CopyRunOptions _options;
    private readonly TimeProvider _time;
    private readonly TransientFaultPolicy _faults;

    /// <summary>The most faults in a row a job met in this round: the next round waits the backoff for it.</summary>
    private int _roundFaults;

    public CopyScheduler(IEnumerable<ICopyBackend> backends, CopyRunOptions options, TimeProvider? time = null, TransientFaultPolicy? faults = null)
    {
        _backends = backends.ToDictionary(b => b.Type);
        _options = options;
        _time = time ?? TimeProvider.System;
        _faults = (faults ?? TransientFaultPolicy.Default).CappedAt(options.PollInterval);
    }

    /// <summary>
    /// Takes over copies earlier runs made, so they are not made again. Reads only. A lookup that meets a transient
    /// fault stays pending: <see cref="RunAsync"/> looks again before it would start a copy.
    /// </summary>
    public async Task AdoptExistingAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.Queued && !j.Reused))
        {
            job.LookupPending = true;
            await LookUpAsync(job, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<CopyRunOutcome> RunAsync(IReadOnlyList<VaultCopyJob> jobs, IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();

        // Copies found already complete (reused) are verified before anything else happens.
        await VerifyCompletedAsync(jobs, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.Queued && j.LookupPending).ToList())
            {
                await LookUpAsync(job, cancellationToken).ConfigureAwait(false);
            }

            await StartQueuedAsync(jobs, cancellationToken).ConfigureAwait(false);
            progress?.Report(new CopyProgress(jobs));

            // A completed copy whose verification met a fault is not finished: the next round verifies it.
            bool done = _options.UntilFinished
                ? jobs.All(j => j.State == CopyJobState.Failed || (j.State == CopyJobState.Completed && j.Verified is not null))
                : jobs.All(j => j.State != CopyJobState.Queued);
            if (done)
            {
                return CopyRunOutcome.Done;
            }

            TimeSpan elapsed = _time.GetElapsedTime(started);
            if (_options.Timeout is TimeSpan timeout && elapsed >= timeout)
            {
                return CopyRunOutcome.TimedOut;
            }

            TimeSpan wait = NextPoll(jobs);
            if (_roundFaults > 0 && _faults.DelayAfter(_roundFaults) is TimeSpan backoff && backoff > wait)
            {
                wait = backoff;
            }

            _roundFaults = 0;
            if (_options.Timeout is TimeSpan limit && limit - elapsed < wait)
            {
                wait = limit - elapsed;
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(jobs, cancellationToken).ConfigureAwait(false);
            await VerifyCompletedAsync(jobs, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// When to look again: as soon as the first copy in flight is due to finish (so its slot does not sit idle), by its
    /// observed progress, or by its size at the rate finished copies showed; never sooner than the minimum interval,
    /// never later than the poll interval.
    /// </summary>
    internal TimeSpan NextPoll(IReadOnlyList<VaultCopyJob> jobs)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;
        var finished = jobs.Where(j => j.State == CopyJobState.Completed && !j.Reused && j.StartTime is not null && j.EndTime > j.StartTime && j.SizeGiB > 0).ToList();
        double? secondsPerGiB = finished.Count == 0 ? null
            : finished.Sum(j => (j.EndTime!.Value - j.StartTime!.Value).TotalSeconds) / finished.Sum(j => (double)j.SizeGiB!.Value);
        TimeSpan best = _options.PollInterval;
        foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.InProgress && j.StartTime is not null))
        {
            double elapsed = Math.Max(0, (now - job.StartTime!.Value).TotalSeconds);
            double? remaining = job.Progress is > 0 and < 100
                ? elapsed * (100 - job.Progress) / job.Progress
                : secondsPerGiB is double rate && job.SizeGiB is int size ? (size * rate) - elapsed : null;
            if (remaining is double seconds && TimeSpan.FromSeconds(Math.Max(0, seconds)) < best)
            {
                best = TimeSpan.FromSeconds(Math.Max(0, seconds));
            }
        }

        TimeSpan floor = _options.MinPollInterval < _options.PollInterval ? _options.MinPollInterval : _options.PollInterval;
        return best < floor ? floor : best;
    }

    /// <summary>One describe call per type over every job in flight.</summary>
    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (IGrouping<VaultResourceType, VaultCopyJob> group in jobs.Where(j => j.State == CopyJobState.InProgress).GroupBy(j => j.Type))
        {
            var polled = group.ToList();
            try
            {
                await Backend(group.Key).RefreshAsync(polled, cancellationToken).ConfigureAwait(false);
                Succeeded(polled);
            }
            catch (Exception error) when (IsTransient(error))
            {
                // The next poll looks again, unless these copies have met too many faults in a row.
                Faulted(polled, error, "Looking at the copies in flight");
            }
        }
    }

    /// <summary>
    /// Starts what the quotas allow, largest copies first within each type (they decide when the batch ends). Free
    /// slots are counted from AWS on every round: copies others started hold slots while they run and free them
    /// when they finish, which only AWS knows. Each type has its own quota, so no type waits behind another.
    /// </summary>
    private async Task StartQueuedAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (IGrouping<VaultResourceType, VaultCopyJob> queued in jobs.Where(j => j.State == CopyJobState.Queued && !j.LookupPending).GroupBy(j => j.Type).ToList())
        {
            ICopyBackend backend = Backend(queued.Key);
            int quota = _options.Quotas.For(queued.Key);
            int ours = jobs.Count(j => j.Type == queued.Key && j.State == CopyJobState.InProgress);
            if (ours >= quota)
            {
                continue;
            }

            int inFlight;
            try
            {
                inFlight = Math.Max(ours, await backend.CountInFlightAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (CopyDeferredException)
            {
                // Throttled while counting: start nothing of this type this round, count again next round.
                continue;
            }
            catch (Exception error) when (IsTransient(error))
            {
                Faulted(queued.ToList(), error, "Counting the copies in flight");
                continue;
            }

            int free = quota - inFlight;
            foreach (VaultCopyJob job in queued.OrderByDescending(j => j.SizeGiB ?? 0))
            {
                if (free <= 0)
                {
                    break;
                }

                try
                {
                    await backend.StartAsync(job, cancellationToken).ConfigureAwait(false);
                    Succeeded([job]);
                    free--;
                }
                catch (CopyDeferredException)
                {
                    // A full quota or throttling: the request was refused, so nothing was made. Wait and retry.
                    break;
                }
                catch (Exception error) when (IsTransient(error))
                {
                    // AWS failed on its side: the copy may have been made all the same, so it is looked up before another start.
                    job.LookupPending = true;
                    Faulted([job], error, $"Copying {job.SourceId}");
                }
                catch (VaultCopyException error)
                {
                    Fail(job, error);
                }
            }
        }
    }

    /// <summary>The vault key of each verified copy is looked at again here (null: the copy's key is not checked).</summary>
    internal KeyResolver? CopyKeys { get; init; }

    internal async Task VerifyCompletedAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.Completed && j.Verified is null))
        {
            try
            {
                await Backend(job.Type).VerifyAsync(job, cancellationToken).ConfigureAwait(false);
                if (job.State == CopyJobState.InProgress)
                {
                    // Looked at again, the copy is still running (whatever the job said): it is verified once it completes.
                    job.Verified = null;
                    job.VerificationMessage = null;
                    continue;
                }

                if (job.State != CopyJobState.Completed)
                {
                    Succeeded([job]);
                    continue;
                }

                if (CopyKeys is not null)
                {
                    await CopyVerifier.CheckKeyAsync(job, CopyKeys, cancellationToken).ConfigureAwait(false);
                }

                Succeeded([job]);
            }
            catch (Exception error) when (IsTransient(error))
            {
                // Not verified until a round can look (the copy may have been read, its key not yet described).
                job.Verified = null;
                job.VerificationMessage = null;
                Faulted([job], error, $"Verifying {job.TargetId}");
            }
        }
    }

    /// <summary>One look for the copy an earlier run made; a transient fault leaves the lookup pending.</summary>
    private async Task LookUpAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        try
        {
            await Backend(job.Type).AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false);
            job.LookupPending = false;
            Succeeded([job]);
        }
        catch (Exception error) when (IsTransient(error))
        {
            Faulted([job], error, $"Looking for an earlier copy of {job.SourceId}");
        }
        catch (VaultCopyException error)
        {
            job.LookupPending = false;
            Fail(job, error);
        }
    }

    private static bool IsTransient(Exception error) =>
        error is not OperationCanceledException && TransientFaultPolicy.Classify(error) != TransientFault.None;

    private static void Succeeded(IEnumerable<VaultCopyJob> jobs)
    {
        foreach (VaultCopyJob job in jobs)
        {
            job.TransientFaults = 0;
        }
    }

    /// <summary>Counts a transient fault against each job; a job whose budget is spent fails with the AWS error, worded once.</summary>
    private void Faulted(IReadOnlyList<VaultCopyJob> jobs, Exception error, string operation)
    {
        foreach (VaultCopyJob job in jobs)
        {
            job.TransientFaults++;
            _roundFaults = Math.Max(_roundFaults, job.TransientFaults);
            if (_faults.IsSpent(job.TransientFaults))
            {
                job.LookupPending = false;
                Fail(job, TransientFaultPolicy.Explain(error, operation, $"account {job.TargetAccountId} ({job.TargetRegion})"));
            }
            else
            {
                Diagnostics.EngineLog.Detail($"{operation}: AWS answered {TransientFaultPolicy.Describe(error)} (fault {job.TransientFaults} of at most {_faults.Backoff.MaxAttempts} in a row for {job.SourceId}); trying again.");
            }
        }
    }

    private void Fail(VaultCopyJob job, VaultCopyException error) => job.MarkFailed(CopyFailure.From(error), _time.GetUtcNow().UtcDateTime);

    private ICopyBackend Backend(VaultResourceType type) =>
        _backends.TryGetValue(type, out ICopyBackend? backend)
            ? backend
            : throw new InvalidOperationException($"No copy backend for {type}.");
}
