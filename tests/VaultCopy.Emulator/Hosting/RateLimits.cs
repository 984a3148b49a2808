namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// A request-rate limit for benchmarks: a token bucket of <see cref="Burst"/> tokens refilled at
/// <see cref="RatePerSecond"/>, one per account (every account, or only <see cref="AccountId"/>), shared by every
/// service of the account or kept per <see cref="Service"/>. A call that finds the bucket empty is throttled with its
/// service's own throttling error, as AWS throttles per account and API.
/// </summary>
public sealed class RateLimitRule
{
    /// <summary>Only this account's calls; null = every account, each with its own bucket.</summary>
    public string? AccountId { get; init; }

    /// <summary>Only this service's calls (signing name); null = one bucket per account for all services.</summary>
    public string? Service { get; init; }

    /// <summary>Tokens added per second of world time (0 = never refills).</summary>
    public required double RatePerSecond { get; init; }

    /// <summary>Bucket size, and how full a new bucket starts: the calls allowed at once.</summary>
    public required int Burst { get; init; }
}

/// <summary>
/// The rate-limit rules and their buckets. Buckets refill with <b>world</b> time (<see cref="EmulatorClock"/>): a
/// benchmark at time scale 1 sees real-time refills, and a test makes outcomes exact by choosing a slow rate and
/// moving the clock (<c>POST /_emulator/clock</c>) instead of waiting. Thread-safe.
/// </summary>
public sealed class RateLimits
{
    private readonly object _lock = new();
    private readonly List<(RateLimitRule Rule, Dictionary<string, Bucket> Buckets)> _rules = [];

    public IReadOnlyList<RateLimitRule> Rules
    {
        get
        {
            lock (_lock)
            {
                return _rules.Select(r => r.Rule).ToList();
            }
        }
    }

    public void Add(RateLimitRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            _rules.Add((rule, new Dictionary<string, Bucket>(StringComparer.Ordinal)));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    /// <summary>
    /// Takes a token from every bucket the call falls under, or none when one of them is empty (then the call is
    /// throttled and, as in AWS, a throttled call does not use up capacity).
    /// </summary>
    public bool TryTake(string service, string accountId, DateTimeOffset now)
    {
        lock (_lock)
        {
            var buckets = new List<Bucket>();
            foreach (var (rule, byKey) in _rules)
            {
                if ((rule.AccountId is not null && !string.Equals(rule.AccountId, accountId, StringComparison.Ordinal))
                    || (rule.Service is not null && !string.Equals(rule.Service, service, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (!byKey.TryGetValue(accountId, out var bucket))
                {
                    bucket = new Bucket(rule.Burst, now);
                    byKey[accountId] = bucket;
                }

                bucket.Refill(rule, now);
                if (bucket.Tokens < 1)
                {
                    return false;
                }

                buckets.Add(bucket);
            }

            foreach (var bucket in buckets)
            {
                bucket.Tokens -= 1;
            }

            return true;
        }
    }

    /// <summary>Tokens left for an account under each rule, for the control API (buckets not used yet are full).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Levels(DateTimeOffset now)
    {
        lock (_lock)
        {
            return _rules.Select(r =>
            {
                foreach (var bucket in r.Buckets.Values)
                {
                    bucket.Refill(r.Rule, now);
                }

                return (IReadOnlyDictionary<string, double>)r.Buckets.ToDictionary(b => b.Key, b => b.Value.Tokens, StringComparer.Ordinal);
            }).ToList();
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset last)
    {
        public double Tokens { get; set; } = tokens;

        private DateTimeOffset Last { get; set; } = last;

        public void Refill(RateLimitRule rule, DateTimeOffset now)
        {
            // A clock set backwards (offsetSeconds) refills nothing; time only adds tokens when it moves forward.
            if (now > Last)
            {
                Tokens = Math.Min(rule.Burst, Tokens + (rule.RatePerSecond * (now - Last).TotalSeconds));
            }

            Last = now;
        }
    }
}
