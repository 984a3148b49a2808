using VaultCopy.Core.Errors;
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
        var inFlightElsewhere = new Dictionary<VaultResourceType, int>();
        var recount = new HashSet<VaultResourceType>();

        // Copies found already complete (reused) are verified before anything else happens.
        await VerifyCompletedAsync(jobs, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await StartQueuedAsync(jobs, inFlightElsewhere, recount, cancellationToken).ConfigureAwait(false);
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

            TimeSpan wait = _options.Timeout is TimeSpan limit && limit - elapsed < _options.PollInterval ? limit - elapsed : _options.PollInterval;
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            await RefreshAsync(jobs, cancellationToken).ConfigureAwait(false);
            await VerifyCompletedAsync(jobs, cancellationToken).ConfigureAwait(false);
        }
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

    private async Task StartQueuedAsync(
        IReadOnlyList<VaultCopyJob> jobs, Dictionary<VaultResourceType, int> inFlightElsewhere, HashSet<VaultResourceType> recount,
        CancellationToken cancellationToken)
    {
        foreach (IGrouping<VaultResourceType, VaultCopyJob> queued in jobs.Where(j => j.State == CopyJobState.Queued).GroupBy(j => j.Type).ToList())
        {
            ICopyBackend backend = Backend(queued.Key);
            int ours = jobs.Count(j => j.Type == queued.Key && j.State == CopyJobState.InProgress);
            if (!inFlightElsewhere.ContainsKey(queued.Key) || recount.Remove(queued.Key))
            {
                // Others' copies are counted when first needed and again after AWS said the quota was full;
                // between those, finishing copies of ours are what frees slots.
                int all;
                try
                {
                    all = await backend.CountInFlightAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (CopyDeferredException)
                {
                    // Throttled while counting: start nothing of this type this round, count again next round.
                    recount.Add(queued.Key);
                    continue;
                }

                inFlightElsewhere[queued.Key] = Math.Max(0, all - ours);
            }

            int free = _options.Quotas.For(queued.Key) - inFlightElsewhere[queued.Key] - ours;
            foreach (VaultCopyJob job in queued)
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
                    recount.Add(queued.Key);
                    break;
                }
                catch (VaultCopyException error)
                {
                    Fail(job, error);
                }
            }
        }
    }

    internal async Task VerifyCompletedAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        foreach (VaultCopyJob job in jobs.Where(j => j.State == CopyJobState.Completed && j.Verified is null))
        {
            try
            {
                await Backend(job.Type).VerifyAsync(job, cancellationToken).ConfigureAwait(false);
            }
            catch (CopyDeferredException)
            {
                // Throttled: Verified stays null and the next round verifies it.
            }
        }
    }

    private void Fail(VaultCopyJob job, VaultCopyException error) => job.MarkFailed(CopyFailure.From(error), _time.GetUtcNow().UtcDateTime);

    private ICopyBackend Backend(VaultResourceType type) =>
        _backends.TryGetValue(type, out ICopyBackend? backend)
            ? backend
            : throw new InvalidOperationException($"No copy backend for {type}.");
}
