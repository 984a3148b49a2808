namespace VaultCopy.Core.Policies;

/// <summary>
/// A policy document that cannot be read as the IAM policy grammar. The message says what is wrong and where, so a
/// user can fix a hand-edited document; it is never a VaultCopyException because parsing has no remediation to offer
/// beyond the reason itself.
/// </summary>
public sealed class PolicyFormatException : FormatException
{
    public PolicyFormatException(string reason)
        : base($"The policy document is not valid: {reason}")
    {
        Reason = reason;
    }

    public PolicyFormatException(string reason, Exception innerException)
        : base($"The policy document is not valid: {reason}", innerException)
    {
        Reason = reason;
    }

    /// <summary>The reason alone, without the leading sentence.</summary>
    public string Reason { get; }
}
