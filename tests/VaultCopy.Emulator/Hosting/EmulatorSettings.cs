namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// Run-time knobs set through the control API: time scale, quotas, faults, latency, rate limits and copy failures.
/// Every setting has a default that reproduces AWS, and reset returns to it.
/// </summary>
public sealed class EmulatorSettings
{
    private readonly List<FaultRule> _faults = [];
    private readonly List<LatencyRule> _latency = [];
    private readonly List<CopyFailureRule> _copyFailures = [];

    /// <summary>
    /// How much faster than real time asynchronous work (snapshot/image/DB copies) completes: 1 = AWS-like pacing,
    /// 60 = a minute of AWS time per second. Plug-ins read it; the core does not.
    /// </summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>RDS snapshot quotas (defaults are AWS's).</summary>
    public Services.Rds.RdsQuotaSettings Rds { get; } = new();

    /// <summary>EC2 snapshot/AMI quotas (defaults are AWS's).</summary>
    public Services.Ec2.Ec2QuotaSettings Ec2 { get; } = new();

    public IReadOnlyList<FaultRule> Faults => Snapshot(_faults);

    public void AddFault(FaultRule rule) => Add(_faults, rule);

    public void ClearFaults() => Clear(_faults);

    /// <summary>The first armed fault matching the call, consuming one use of it.</summary>
    public FaultRule? TakeFault(string service, string action, string? accountId, string region) =>
        Take(_faults, service, action, accountId, region);

    /// <summary>Request-rate limits (token buckets on world time); none by default, like an idle AWS account.</summary>
    public RateLimits RateLimits { get; } = new();

    public IReadOnlyList<LatencyRule> Latency => Snapshot(_latency);

    public void AddLatency(LatencyRule rule) => Add(_latency, rule);

    public void ClearLatency() => Clear(_latency);

    /// <summary>The added latency for the call, consuming one use of the first matching rule; zero when none.</summary>
    public TimeSpan TakeLatency(string service, string action, string? accountId, string region) =>
        Take(_latency, service, action, accountId, region)?.Latency ?? TimeSpan.Zero;

    public IReadOnlyList<CopyFailureRule> CopyFailures => Snapshot(_copyFailures);

    public void AddCopyFailure(CopyFailureRule rule) => Add(_copyFailures, rule);

    public void ClearCopyFailures() => Clear(_copyFailures);

    /// <summary>The armed failure for a copy call that is about to start a copy, consuming one use of it.</summary>
    public CopyFailureRule? TakeCopyFailure(string service, string action, string? accountId, string region) =>
        Take(_copyFailures, service, action, accountId, region);

    public void Reset()
    {
        TimeScale = 1;
        Rds.Reset();
        Ec2.Reset();
        ClearFaults();
        ClearLatency();
        ClearCopyFailures();
        RateLimits.Clear();
    }

    private static List<T> Snapshot<T>(List<T> rules)
    {
        lock (rules)
        {
            return rules.ToList();
        }
    }

    private static void Add<T>(List<T> rules, T rule)
    {
        lock (rules)
        {
            rules.Add(rule);
        }
    }

    private static void Clear<T>(List<T> rules)
    {
        lock (rules)
        {
            rules.Clear();
        }
    }

    private static T? Take<T>(List<T> rules, string service, string action, string? accountId, string region)
        where T : CallRule
    {
        lock (rules)
        {
            return rules.FirstOrDefault(r => r.Matches(service, action, accountId, region) && r.TryConsume());
        }
    }
}

/// <summary>
/// An injected error: the next <see cref="CallRule.Count"/> calls matching service/action (and optionally account and
/// Region) fail with this code, after authentication and before the service runs (so throttling and transient
/// failures can be tested through the SDK's retry logic).
/// </summary>
public sealed class FaultRule : CallRule
{
    public required string Code { get; init; }

    public string? Message { get; init; }

    public int HttpStatus { get; init; } = 400;
}
