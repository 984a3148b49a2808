namespace VaultCopy.Core.Errors;

/// <summary>What kind of failure an error is; the cmdlet layer maps it to a PowerShell ErrorCategory.</summary>
public enum VaultCopyErrorKind
{
    InvalidArgument,
    InvalidConfiguration,
    AuthenticationFailed,
    PermissionDenied,
    NotFound,
    InvalidState,
    LimitExceeded,
    Timeout,
    ServiceFailure,
}

/// <summary>
/// A failure VaultCopy can explain: what went wrong in plain words, and what the user can do about it.
/// AWS error codes are kept for scripts that branch on them, but never as the whole message.
/// </summary>
public class VaultCopyException : Exception
{
    public VaultCopyException(
        VaultCopyErrorKind kind, string errorId, string message, string? remediation = null,
        string? awsErrorCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorId = errorId;
        Remediation = remediation;
        AwsErrorCode = awsErrorCode;
    }

    public VaultCopyErrorKind Kind { get; }

    /// <summary>A stable identifier such as <c>RegionNotSet</c>, used as the PowerShell FullyQualifiedErrorId.</summary>
    public string ErrorId { get; }

    /// <summary>What to do next, as a sentence or a command.</summary>
    public string? Remediation { get; }

    public string? AwsErrorCode { get; }

    /// <summary>
    /// What the error is about, when the engine knows it better than the command that called it (the key of one
    /// Region among several, one id among many): the ErrorRecord's target. Null: the command's own target.
    /// </summary>
    public object? Subject { get; init; }

    /// <summary>The same error, about <paramref name="subject"/>.</summary>
    public VaultCopyException About(object subject) =>
        new(Kind, ErrorId, Message, Remediation, AwsErrorCode, InnerException) { Subject = subject };

    /// <summary>The message with the remediation appended, as a user should read it.</summary>
    public string FullMessage => Remediation is null ? Message : $"{Message} {Remediation}";
}
