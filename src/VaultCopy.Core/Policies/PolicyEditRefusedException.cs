namespace VaultCopy.Core.Policies;

/// <summary>Why an editor refused to produce a new policy; the cmdlets map it to an error category and id.</summary>
public enum PolicyRefusalReason
{
    /// <summary>An account id that is not exactly 12 digits.</summary>
    InvalidAccountId,

    /// <summary>A malformed principal ARN, partition, Region or policy name, or nothing to grant.</summary>
    InvalidArgument,

    /// <summary>"*", or any principal with a wildcard in it: VaultCopy never shares a key publicly.</summary>
    WildcardPrincipal,

    /// <summary>A principal that is not an IAM role or user of the trusted account.</summary>
    PrincipalOutsideTrustedAccount,

    /// <summary>The key's own account needs no cross-account grant; its IAM policies already apply.</summary>
    GrantToKeyOwner,

    /// <summary>The result would exceed the service's size limit (32,768 bytes, or IAM's inline characters).</summary>
    SizeLimitExceeded,

    /// <summary>A statement with a VaultCopy Sid no longer has the shape VaultCopy writes, so merging into it could widen access.</summary>
    VaultCopyStatementModified,

    /// <summary>A VaultCopy Sid appears more than once, so which statement to edit is ambiguous.</summary>
    DuplicateVaultCopySid,

    /// <summary>An existing grant for the account has another kms:ViaService scope than the one asked for.</summary>
    ConflictingGrant,

    /// <summary>A KMS key ARN that is not arn:partition:kms:region:account:key/id.</summary>
    InvalidKeyArn,
}

/// <summary>
/// An edit the editor will not make because the result would be unsafe, invalid or rejected by AWS. Nothing has been
/// written: editors are pure and refuse before producing a document.
/// </summary>
public sealed class PolicyEditRefusedException : InvalidOperationException
{
    public PolicyEditRefusedException(PolicyRefusalReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public PolicyRefusalReason Reason { get; }
}
