using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>
/// Drives a batch of copy jobs into one destination account and Region: starts queued jobs as the concurrency
/// quotas allow (counting copies already in flight there), treats quota and throttling answers as "wait and
/// retry", polls every type with one describe call per poll, verifies each copy as it completes, and reports
/// progress after every round. Cancellation stops it promptly; copies already started go on in AWS.
/// </summary>
internal sealed class CopyScheduler
{
    private const int MaxAdoptAttempts = 5;

    private readonly IReadOnlyDictionary<VaultResourceType, ICopyBackend> _backends;
    private readonly CopyRunOptions _options;
    private readonly TimeProvider _time;

    public CopyScheduler(IEnumerable<ICopyBackend> backends, CopyRunOptions options, TimeProvider? time = null)
    {
        _backends = backends.ToDictionary(b => b.Type);
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Takes over copies earlier runs made, so they are not made again. Reads only.</summary>
    public async Task AdoptExistingAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.Queued))
        {
            // Throttling here must not make a second copy later: look again (a few times) before giving up.
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await Backend(job.Type).AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (VaultCopyException error)
                {
                    Fail(job, error);
                    break;
                }
                catch (CopyDeferredException) when (attempt < MaxAdoptAttempts)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), _time, cancellationToken).ConfigureAwait(false);
                }
                catch (CopyDeferredException deferred)
                {
                    Fail(job, new VaultCopyException(VaultCopyErrorKind.LimitExceeded, "Throttled",
                        $"AWS kept throttling the search for an earlier copy of {job.SourceId}: {deferred.Message}",
                        "Run the same command again later; it picks up copies already made."));
                    break;
                }
            }
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
            await StartQueuedAsync(jobs, cancellationToken).ConfigureAwait(false);
            progress?.Report(new CopyProgress(jobs));

            bool done = _options.UntilFinished ? jobs.All(j => j.IsFinished) : jobs.All(j => j.State != CopyJobState.Queued);
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
            try
            {
                await Backend(group.Key).RefreshAsync(group.ToList(), cancellationToken).ConfigureAwait(false);
            }
            catch (CopyDeferredException)
            {
                // Throttled: the next poll looks again.
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
        foreach (IGrouping<VaultResourceType, VaultCopyJob> queued in jobs.Where(j => j.State == CopyJobState.Queued).GroupBy(j => j.Type).ToList())
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
                    free--;
                }
                catch (CopyDeferredException)
                {
                    break;
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
                    continue;
                }

                if (CopyKeys is not null)
                {
                    await CopyVerifier.CheckKeyAsync(job, CopyKeys, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (CopyDeferredException)
            {
                // Throttled: Verified stays null and the next round verifies it.
            }
            catch (VaultCopyException error) when (error.Kind is VaultCopyErrorKind.LimitExceeded or VaultCopyErrorKind.ServiceFailure)
            {
                // The key could not be described now (throttled, 5xx): unverified until a round can look.
                job.Verified = null;
                job.VerificationMessage = null;
            }
        }
    }

    private void Fail(VaultCopyJob job, VaultCopyException error) => job.MarkFailed(CopyFailure.From(error), _time.GetUtcNow().UtcDateTime);

    private ICopyBackend Backend(VaultResourceType type) =>
        _backends.TryGetValue(type, out ICopyBackend? backend)
            ? backend
            : throw new InvalidOperationException($"No copy backend for {type}.");
}
