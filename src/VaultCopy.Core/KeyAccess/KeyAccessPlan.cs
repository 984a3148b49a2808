using VaultCopy.Core.Errors;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.KeyAccess;

/// <summary>Whether the vault is being given access to a key, or having it taken away.</summary>
public enum KeyAccessOperation
{
    Grant,
    Revoke,
}

/// <summary>What Grant-VaultKeyAccess or Revoke-VaultKeyAccess was asked to do for one source key.</summary>
public sealed class KeyAccessRequest
{
    /// <summary>The source key: key id, alias/name, key ARN or alias ARN, in the source account.</summary>
    public required string KeyId { get; init; }

    /// <summary>The vault's own key whose users the vault principals become; null leaves it alone.</summary>
    public string? KmsKeyId { get; init; }

    /// <summary>
    /// Roles or users of the destination account that do the copying. Empty: the source key policy names the whole
    /// destination account, and the destination's own principal gets the identity policy and the vault key.
    /// </summary>
    public IReadOnlyList<string> Principals { get; init; } = [];

    /// <summary>Limit the use of the source key to EC2 and RDS in the key's Region (kms:ViaService). Grant only.</summary>
    public bool ViaService { get; init; }

    /// <summary>Only produce the documents: skip the checks that matter only to VaultCopy writing them.</summary>
    public bool PolicyOnly { get; init; }
}

/// <summary>Every policy document one Grant or Revoke reads and would change, worked out before anything is written.</summary>
public sealed class KeyAccessPlan
{
    internal KeyAccessPlan(
        KeyAccessOperation operation, string sourceKeyArn, string? destinationKeyArn,
        IReadOnlyList<PlannedPolicyEdit> edits, IReadOnlyList<string> warnings)
    {
        Operation = operation;
        SourceKeyArn = sourceKeyArn;
        DestinationKeyArn = destinationKeyArn;
        Edits = edits;
        Warnings = warnings;
    }

    public KeyAccessOperation Operation { get; }

    public string SourceKeyArn { get; }

    public string? DestinationKeyArn { get; }

    /// <summary>In the order they are applied: source key policy, identity policies, vault key policy.</summary>
    public IReadOnlyList<PlannedPolicyEdit> Edits { get; }

    /// <summary>Things the user should know that do not stop the change (a disabled key, a root principal…).</summary>
    public IReadOnlyList<string> Warnings { get; }
}

/// <summary>One document of a <see cref="KeyAccessPlan"/>: what would change, and how to write it.</summary>
public sealed class PlannedPolicyEdit
{
    internal PlannedPolicyEdit(
        VaultKeyPolicyChange preview, string action, string documentName, IPolicyStore store,
        Func<string, PolicyEditResult> edit, Func<Exception, Exception> translateWriteError)
    {
        Preview = preview;
        Action = action;
        DocumentName = documentName;
        Store = store;
        Edit = edit;
        TranslateWriteError = translateWriteError;
    }

    public VaultKeyPolicyKind Kind => Preview.Kind;

    public string Target => Preview.Target;

    /// <summary>True when the document needs a change.</summary>
    public bool Changed => Preview.Changed;

    /// <summary>What writing it does, in words, for -WhatIf and -Confirm.</summary>
    public string Action { get; }

    /// <summary>"the key policy of arn:…" or "inline policy VaultCopyKeyAccess of arn:…".</summary>
    public string DocumentName { get; }

    /// <summary>The change as planned, never applied.</summary>
    public VaultKeyPolicyChange Preview { get; }

    internal IPolicyStore Store { get; }

    internal Func<string, PolicyEditResult> Edit { get; }

    internal Func<Exception, Exception> TranslateWriteError { get; }

    internal Func<string, VaultCopyException?>? CheckAccess { get; init; }

    /// <summary>
    /// Why a granted key policy (as written, read back, or found already granted) still keeps a vault principal from
    /// using the key: a Deny statement, named, with the advice to remove or narrow it (the preflight's words). Null
    /// when nothing is known to block it, and always for an identity policy or a revoke.
    /// </summary>
    public VaultCopyException? AccessBlockedBy(VaultKeyPolicyChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return CheckAccess?.Invoke(change.After.Length > 0 ? change.After : change.Before);
    }

    /// <summary>What the edit deliberately leaves alone (a VaultCopy statement changed by hand), in words.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The preview with another reason, for a change that is deliberately not written.</summary>
    public VaultKeyPolicyChange NotApplied(string reason) => new()
    {
        Kind = Preview.Kind,
        Target = Preview.Target,
        PolicyName = Preview.PolicyName,
        AccountId = Preview.AccountId,
        Before = Preview.Before,
        After = Preview.After,
        Diff = Preview.Diff,
        Changed = Preview.Changed,
        Applied = false,
        Reason = reason,
        Statements = Preview.Statements,
    };
}
