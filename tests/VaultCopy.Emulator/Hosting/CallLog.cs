namespace VaultCopy.Emulator.Hosting;

/// <summary>One request as the emulator saw it. Never holds a secret or a session token.</summary>
public sealed record CallRecord
{
    public required DateTimeOffset Time { get; init; }

    public required string RequestId { get; init; }

    public string? Service { get; init; }

    public string? Action { get; init; }

    public string? Region { get; init; }

    public string? AccountId { get; init; }

    public string? AccessKeyId { get; init; }

    public string? CallerArn { get; init; }

    /// <summary>Result of signature verification: valid, missing, incomplete, unknown-key, invalid-token,
    /// expired-token, expired, mismatch, wrong-scope.</summary>
    public required string Signature { get; init; }

    public bool Presigned { get; init; }

    public required int Status { get; init; }

    public string? ErrorCode { get; init; }

    public double DurationMs { get; init; }

    /// <summary>On a signature mismatch: the canonical request the emulator computed (session token redacted).</summary>
    public string? CanonicalRequest { get; init; }

    /// <summary>Parameters the operation's model does not define, which a Query or JSON service ignores as AWS does
    /// (EC2 refuses them instead); null when there were none. Tests use it to prove a client sends only model names.</summary>
    public IReadOnlyList<string>? IgnoredParameters { get; init; }
}

/// <summary>Per-operation and per-account call counts plus a bounded log of recent requests.</summary>
public sealed class CallLog
{
    public const int RecentCapacity = 500;

    private readonly object _lock = new();
    private readonly Dictionary<string, int> _operations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, int>> _byAccount = new(StringComparer.Ordinal);
    private readonly Queue<CallRecord> _recent = new();
    private long _total;

    public void Record(CallRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _total++;
            if (record.Service is not null && record.Action is not null)
            {
                // IAM-style names ("sts:AssumeRole"), the way policies and CloudTrail name operations.
                string operation = record.Service + ":" + record.Action;
                _operations[operation] = _operations.GetValueOrDefault(operation) + 1;
                if (record.ErrorCode is not null)
                {
                    _errors[operation] = _errors.GetValueOrDefault(operation) + 1;
                }

                if (record.AccountId is not null)
                {
                    if (!_byAccount.TryGetValue(record.AccountId, out var counts))
                    {
                        counts = new Dictionary<string, int>(StringComparer.Ordinal);
                        _byAccount[record.AccountId] = counts;
                    }

                    counts[operation] = counts.GetValueOrDefault(operation) + 1;
                }
            }

            _recent.Enqueue(record);
            while (_recent.Count > RecentCapacity)
            {
                _recent.Dequeue();
            }
        }
    }

    public int Count(string operation)
    {
        lock (_lock)
        {
            return _operations.GetValueOrDefault(operation);
        }
    }

    public CallLogSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new CallLogSnapshot(
                _total,
                new SortedDictionary<string, int>(_operations, StringComparer.Ordinal),
                new SortedDictionary<string, int>(_errors, StringComparer.Ordinal),
                new SortedDictionary<string, SortedDictionary<string, int>>(
                    _byAccount.ToDictionary(p => p.Key, p => new SortedDictionary<string, int>(p.Value, StringComparer.Ordinal)),
                    StringComparer.Ordinal),
                _recent.ToList());
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _total = 0;
            _operations.Clear();
            _errors.Clear();
            _byAccount.Clear();
            _recent.Clear();
        }
    }
}

public sealed record CallLogSnapshot(
    long Total,
    IReadOnlyDictionary<string, int> Operations,
    IReadOnlyDictionary<string, int> Errors,
    IReadOnlyDictionary<string, SortedDictionary<string, int>> ByAccount,
    IReadOnlyList<CallRecord> Recent);
