namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// Run-time knobs set through the control API. This is the place later plug-ins extend (per-service latency,
/// quotas, …); every setting must have a default that reproduces AWS.
/// </summary>
public sealed class EmulatorSettings
{
    private readonly List<FaultRule> _faults = [];

    /// <summary>
    /// How much faster than real time asynchronous work (snapshot/image/DB copies) completes: 1 = AWS-like pacing,
    /// 60 = a minute of AWS time per second. Plug-ins read it; the core does not.
    /// </summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>RDS snapshot quotas (defaults are AWS's).</summary>
    public Services.Rds.RdsQuotaSettings Rds { get; } = new();

    /// <summary>EC2 snapshot/AMI quotas (defaults are AWS's).</summary>
    public Services.Ec2.Ec2QuotaSettings Ec2 { get; } = new();

    public IReadOnlyList<FaultRule> Faults
    {
        get
        {
            lock (_faults)
            {
                return _faults.ToList();
            }
        }
    }

    public void AddFault(FaultRule rule)
    {
        lock (_faults)
        {
            _faults.Add(rule);
        }
    }

    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>The first armed fault matching the call, consuming one use of it.</summary>
    public FaultRule? TakeFault(string service, string action, string? accountId, string region)
    {
        lock (_faults)
        {
            foreach (var rule in _faults)
            {
                if (rule.Matches(service, action, accountId, region) && rule.TryConsume())
                {
                    return rule;
                }
            }

            return null;
        }
    }

    public void Reset()
    {
        TimeScale = 1;
        Rds.Reset();
        Ec2.Reset();
        ClearFaults();
    }
}

/// <summary>
/// An injected error: the next <see cref="Count"/> calls matching service/action (and optionally account and
/// Region) fail with this code, after authentication and before the service runs (so throttling and transient
/// failures can be tested through the SDK's retry logic).
/// </summary>
public sealed class FaultRule
{
    private readonly int _count;
    private int _remaining;

    public required string Service { get; init; }

    /// <summary>The operation name, or <c>*</c> for every operation of the service.</summary>
    public required string Action { get; init; }

    public string? AccountId { get; init; }

    public string? Region { get; init; }

    public required string Code { get; init; }

    public string? Message { get; init; }

    public int HttpStatus { get; init; } = 400;

    /// <summary>How many calls fail; 0 or less = every matching call until cleared.</summary>
    public int Count
    {
        get => _count;
        init
        {
            _count = value;
            _remaining = value;
        }
    }

    public int Remaining => Volatile.Read(ref _remaining);

    internal bool Matches(string service, string action, string? accountId, string region) =>
        string.Equals(Service, service, StringComparison.Ordinal)
        && (Action == "*" || string.Equals(Action, action, StringComparison.Ordinal))
        && (AccountId is null || string.Equals(AccountId, accountId, StringComparison.Ordinal))
        && (Region is null || string.Equals(Region, region, StringComparison.Ordinal));

    internal bool TryConsume()
    {
        if (_count <= 0)
        {
            return true;
        }

        while (true)
        {
            int current = Volatile.Read(ref _remaining);
            if (current <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
