namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// What fault, latency and copy-failure rules share: which calls they match (service, operation, account, Region)
/// and how many of those calls they still apply to.
/// </summary>
public abstract class CallRule
{
    private readonly int _count;
    private int _remaining;

    /// <summary>The signing name: <c>ec2</c>, <c>rds</c>, <c>kms</c>, <c>sts</c>, <c>iam</c>, <c>ssm</c>; copy failures
    /// also take <c>*</c> (every service that copies).</summary>
    public required string Service { get; init; }

    /// <summary>The operation name, or <c>*</c> for every operation of the service.</summary>
    public required string Action { get; init; }

    public string? AccountId { get; init; }

    public string? Region { get; init; }

    /// <summary>How many calls the rule applies to; 0 or less = every matching call until cleared.</summary>
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
        (Service == "*" || string.Equals(Service, service, StringComparison.Ordinal))
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

/// <summary>
/// Added latency: the next <see cref="CallRule.Count"/> matching calls wait <see cref="Latency"/> (real time) after
/// authentication and before the service runs. The wait ends early when the client gives up.
/// </summary>
public sealed class LatencyRule : CallRule
{
    public required TimeSpan Latency { get; init; }
}

/// <summary>
/// A copy that fails part-way: the next <see cref="CallRule.Count"/> matching copy calls (EC2 <c>CopySnapshot</c>,
/// <c>CopyImage</c>; RDS <c>CopyDBSnapshot</c>, <c>CopyDBClusterSnapshot</c>) succeed, and the copy they start turns
/// to its failed state when its progress reaches <see cref="FailAtPercent"/>, in world time.
/// </summary>
public sealed class CopyFailureRule : CallRule
{
    /// <summary>The operations a copy failure can be armed for, by service.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> CopyOperations = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["ec2"] = ["CopySnapshot", "CopyImage"],
        ["rds"] = ["CopyDBSnapshot", "CopyDBClusterSnapshot"],
    };

    /// <summary>0 (fails as soon as it starts) to just under 100.</summary>
    public required double FailAtPercent { get; init; }

    /// <summary>The snapshot's StateMessage (EC2); null for the emulator's default text. RDS has no such field.</summary>
    public string? Message { get; init; }

    /// <summary>The moment a copy of <paramref name="duration"/> started at <paramref name="start"/> reaches the
    /// failure point, rounded up so that the progress reported then is exactly <see cref="FailAtPercent"/> (floored).</summary>
    public DateTimeOffset FailsAt(DateTimeOffset start, TimeSpan duration) =>
        start + TimeSpan.FromTicks((long)Math.Ceiling(duration.Ticks * FailAtPercent / 100.0));
}
