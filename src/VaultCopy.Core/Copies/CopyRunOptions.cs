namespace VaultCopy.Core.Copies;

/// <summary>How a batch of copies is driven: quotas, how often to look, how long to wait at most.</summary>
public sealed class CopyRunOptions
{
    public CopyQuotas Quotas { get; init; } = CopyQuotas.Default;

    /// <summary>Time between two looks at the copies in flight (AWS's waiters use 15 s).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The shortest time between two looks: the scheduler looks sooner than <see cref="PollInterval"/> when a copy is
    /// due to finish, but never sooner than this.
    /// </summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Give up waiting after this long; null waits until every copy has finished. The copies themselves go on.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// True: return when every copy has finished (and was verified). False: return as soon as every copy has
    /// started — which still means waiting while the quotas are full.
    /// </summary>
    public bool UntilFinished { get; init; } = true;

    /// <summary>The options every copy command's wait parameters mean: -PollIntervalSeconds, -TimeoutSeconds (0: no limit).</summary>
    public static CopyRunOptions ForWait(bool untilFinished, int pollIntervalSeconds, int timeoutSeconds, CopyQuotas? quotas = null) => new()
    {
        UntilFinished = untilFinished,
        Quotas = quotas ?? CopyQuotas.Default,
        PollInterval = TimeSpan.FromSeconds(pollIntervalSeconds),
        Timeout = timeoutSeconds > 0 ? TimeSpan.FromSeconds(timeoutSeconds) : null,
    };
}

/// <summary>How a run ended.</summary>
public enum CopyRunOutcome
{
    /// <summary>Every job reached the point asked for (started, or finished).</summary>
    Done,

    /// <summary>The timeout passed first; unfinished jobs are still running (or queued) as their state says.</summary>
    TimedOut,
}
