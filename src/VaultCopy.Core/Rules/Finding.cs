using VaultCopy.Core.Errors;
using VaultCopy.Core.Preflight;

namespace VaultCopy.Core.Rules;

/// <summary>
/// What one rule says about one thing: the preflight shows it as a <see cref="VaultPrereqResult"/>, the copy and the
/// conversion refuse a <see cref="PrereqStatus.Fail"/> with the same message and remediation.
/// </summary>
internal sealed record Finding(PrereqStatus Status, string Message, string? Remediation, VaultCopyErrorKind Kind, string ErrorId)
{
    public bool Failed => Status == PrereqStatus.Fail;

    public static Finding Pass(string message) => new(PrereqStatus.Pass, message, null, VaultCopyErrorKind.InvalidArgument, string.Empty);

    public static Finding Warn(string errorId, string message, string? remediation) =>
        new(PrereqStatus.Warning, message, remediation, VaultCopyErrorKind.InvalidArgument, errorId);

    public static Finding Fail(VaultCopyErrorKind kind, string errorId, string message, string? remediation) =>
        new(PrereqStatus.Fail, message, remediation, kind, errorId);

    public static Finding From(VaultCopyException refusal) =>
        new(PrereqStatus.Fail, refusal.Message, refusal.Remediation, refusal.Kind, refusal.ErrorId);

    public VaultCopyException ToException() => new(Kind, ErrorId, Message, Remediation);
}
