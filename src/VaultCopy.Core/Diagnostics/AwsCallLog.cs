namespace VaultCopy.Core.Diagnostics;

/// <summary>One AWS call as -Verbose shows it: never its parameters or headers, which can hold secrets.</summary>
public sealed record AwsCallRecord(
    string Service, string Operation, string? AccountId, string Region, int? StatusCode, string? ErrorCode, string? RequestId,
    TimeSpan Duration)
{
    public override string ToString()
    {
        string outcome = ErrorCode is null ? $"{StatusCode?.ToString() ?? "ok"}" : $"{StatusCode?.ToString() ?? "failed"} {ErrorCode}";
        string account = AccountId is null ? string.Empty : $"account {AccountId}, ";
        string request = RequestId is null ? string.Empty : $", request {RequestId}";
        return $"AWS {Service} {Operation} ({account}{Region}): {outcome} in {Duration.TotalMilliseconds:0} ms{request}";
    }
}

/// <summary>Receives what a command's engine work does: each AWS call (Verbose) and each retry or wait (Debug).</summary>
public interface IEngineObserver
{
    void AwsCall(AwsCallRecord call);

    void Detail(string message);
}

/// <summary>
/// The observer of the command whose work is running. It flows with the async work (an AsyncLocal), so two
/// commands running at once never see each other's calls, and engine code needs no logger passed through it.
/// </summary>
public static class EngineLog
{
    private static readonly AsyncLocal<IEngineObserver?> s_current = new();

    /// <summary>Observes the work started (Task.Run) until the returned scope is disposed.</summary>
    public static IDisposable Observe(IEngineObserver observer)
    {
        IEngineObserver? previous = s_current.Value;
        s_current.Value = observer;
        return new Scope(previous);
    }

    internal static void AwsCall(AwsCallRecord call) => s_current.Value?.AwsCall(call);

    internal static void Detail(string message) => s_current.Value?.Detail(message);

    private sealed class Scope(IEngineObserver? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
