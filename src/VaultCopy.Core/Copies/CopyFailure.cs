using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Copies;

/// <summary>
/// Why a copy job failed, typed where it happened: the kind (which the cmdlets map to an ErrorCategory), a stable
/// error id, the message and the remediation. It travels with the job, through JSON too, to the ErrorRecord, so no
/// one ever has to read the message to know what went wrong.
/// </summary>
public sealed class CopyFailure
{
    public required VaultCopyErrorKind Kind { get; init; }

    /// <summary>A stable identifier (VaultCopyKeyNotAccessible, Throttled…), the ErrorRecord's FullyQualifiedErrorId.</summary>
    public required string ErrorId { get; init; }

    public required string Message { get; init; }

    public string? Remediation { get; init; }

    /// <summary>The AWS error code behind it, when AWS gave one.</summary>
    public string? AwsErrorCode { get; init; }

    public static CopyFailure From(VaultCopyException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CopyFailure { Kind = error.Kind, ErrorId = error.ErrorId, Message = error.Message, Remediation = error.Remediation, AwsErrorCode = error.AwsErrorCode };
    }

    public VaultCopyException ToException() => new(Kind, ErrorId, Message, Remediation, AwsErrorCode);

    /// <summary>The message with the remediation, as a user reads it.</summary>
    public override string ToString() => Remediation is null ? Message : $"{Message} {Remediation}";
}
