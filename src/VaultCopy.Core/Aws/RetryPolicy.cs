namespace VaultCopy.Core.Aws;

/// <summary>
/// Capped exponential backoff with full jitter, as the AWS SDKs' standard retry mode does: the query client's own
/// retries (as the SDK's) and, above them, the engine's <see cref="TransientFaultPolicy"/> use this one formula.
/// </summary>
internal sealed record RetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <summary>The SDK-level retries of the query client (RDS, IAM), as the SDK's standard mode: 5 attempts.</summary>
    public static RetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20));

    /// <summary>The wait before attempt <paramref name="attempt"/> (2 = the first retry): a random share of min(max, base·2^(attempt−2)).</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        double ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 2)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }
}
