using VaultCopy.Core.Copies;
using VaultCopy.Core.Diagnostics;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Aws;

/// <summary>What kind of "not now" an AWS answer was, once the SDK's own retries were spent.</summary>
internal enum TransientFault
{
    /// <summary>Not transient: the answer stands.</summary>
    None,

    /// <summary>Throttling (Throttling, RequestLimitExceeded, ThrottlingException…): ask again later.</summary>
    Throttled,

    /// <summary>A failure on AWS's side (5xx: InternalError, Unavailable, InternalFailure, ServiceUnavailable…).</summary>
    ServiceSide,
}

/// <summary>
/// The engine's one retry policy above the SDK's: which failures are transient (the same for every service), how long
/// to wait after one (capped exponential backoff with full jitter), and how many in a row one call may meet before its
/// item fails, worded by <see cref="AwsErrorTranslator"/> (throttling: LimitExceeded "Throttled"; 5xx: ServiceFailure
/// "AwsServiceUnavailable"). The copy scheduler counts faults per job and puts faulted lookups and polls back in its
/// rounds; calls outside a queue (shares) go through <see cref="RunAsync{T}"/>.
/// </summary>
internal sealed class TransientFaultPolicy
{
    /// <summary>Eight faulted attempts in a row, 1 s doubling up to 30 s between them: a few minutes of an AWS outage.</summary>
    public static TransientFaultPolicy Default { get; } = new(new RetryPolicy(8, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));

    public TransientFaultPolicy(RetryPolicy backoff, TimeProvider? time = null)
    {
        Backoff = backoff;
        Time = time ?? TimeProvider.System;
    }

    public RetryPolicy Backoff { get; }

    public TimeProvider Time { get; }

    /// <summary>
    /// The same budget with no wait longer than <paramref name="longest"/>: a copy wait backs off at most to its poll
    /// interval (-PollIntervalSeconds), so a fault never makes it look later than it would have anyway.
    /// </summary>
    public TransientFaultPolicy CappedAt(TimeSpan longest) =>
        longest <= TimeSpan.Zero || longest >= Backoff.MaxDelay
            ? this
            : new(Backoff with { MaxDelay = longest, BaseDelay = Backoff.BaseDelay < longest ? Backoff.BaseDelay : longest }, Time);

    /// <summary>Whether <paramref name="faults"/> faulted attempts in a row spend the budget.</summary>
    public bool IsSpent(int faults) => faults >= Backoff.MaxAttempts;

    /// <summary>The wait after the <paramref name="faults"/>-th faulted attempt in a row.</summary>
    public TimeSpan DelayAfter(int faults) => Backoff.DelayBefore(faults + 1);

    /// <summary>Whether a failure is transient, read from the AWS answer whichever form it took on the way.</summary>
    public static TransientFault Classify(Exception error) => error switch
    {
        CopyDeferredException => TransientFault.Throttled,
        AwsServiceException aws when aws.IsThrottling => TransientFault.Throttled,
        AwsServiceException aws when AwsErrorTranslator.IsServiceSide(aws.ErrorCode, (int)aws.StatusCode) => TransientFault.ServiceSide,
        VaultCopyException { ErrorId: AwsErrorTranslator.ThrottledId } => TransientFault.Throttled,
        VaultCopyException { ErrorId: AwsErrorTranslator.ServiceUnavailableId } => TransientFault.ServiceSide,
        _ => TransientFault.None,
    };

    /// <summary>The error an item fails with once the budget is spent: the translator's words, the same for every service.</summary>
    public static VaultCopyException Explain(Exception error, string operation, string target) => error switch
    {
        VaultCopyException known => known,
        CopyDeferredException { InnerException: { } aws } => AwsErrorTranslator.Translate(aws, operation, target),
        _ => AwsErrorTranslator.Translate(error, operation, target),
    };

    /// <summary>
    /// One call that is not in a queue, tried again after each transient fault with the backoff, until it succeeds, the
    /// budget is spent (the last error is thrown as it came) or it is cancelled.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, string operation, CancellationToken cancellationToken)
    {
        for (int faults = 1; ; faults++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException && Classify(error) != TransientFault.None && !IsSpent(faults))
            {
                EngineLog.Detail($"{operation}: AWS answered {Describe(error)} (fault {faults} of at most {Backoff.MaxAttempts} in a row); trying again.");
            }

            await Task.Delay(DelayAfter(faults), Time, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string Describe(Exception error) => error switch
    {
        AwsServiceException aws => aws.ErrorCode,
        VaultCopyException { AwsErrorCode: { } code } => code,
        CopyDeferredException { InnerException: AwsServiceException aws } => aws.ErrorCode,
        _ => error.GetType().Name,
    };
}
