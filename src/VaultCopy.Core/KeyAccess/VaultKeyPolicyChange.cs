using VaultCopy.Core.Output;

namespace VaultCopy.Core.KeyAccess;

/// <summary>Which kind of policy document a change is to.</summary>
public enum VaultKeyPolicyKind
{
    /// <summary>A KMS key policy (the source key, or the vault's own key).</summary>
    KeyPolicy,

    /// <summary>An inline IAM policy of a vault role or user.</summary>
    IdentityPolicy,
}

/// <summary>
/// One policy document Grant-VaultKeyAccess or Revoke-VaultKeyAccess looked at: what it was, what it is (or would be),
/// the difference, and whether VaultCopy wrote it.
/// </summary>
public sealed class VaultKeyPolicyChange
{
    public required VaultKeyPolicyKind Kind { get; init; }

    /// <summary>The key ARN for a key policy, the role or user ARN for an identity policy.</summary>
    public required string Target { get; init; }

    /// <summary>"default" for a key policy (KMS has no other), the inline policy's name for an identity policy.</summary>
    public required string PolicyName { get; init; }

    /// <summary>The account that owns the document, and whose credentials read and write it.</summary>
    public required string AccountId { get; init; }

    /// <summary>The document as read; empty when an inline policy did not exist.</summary>
    public required string Before { get; init; }

    /// <summary>The document as written (or as it would be); empty when the inline policy is (or would be) deleted.</summary>
    public required string After { get; init; }

    /// <summary>A unified diff of <see cref="Before"/> and <see cref="After"/> as indented JSON; empty when nothing changes.</summary>
    public required string Diff { get; init; }

    /// <summary>True when the document needs (or needed) a change.</summary>
    public required bool Changed { get; init; }

    /// <summary>True only when VaultCopy wrote the change.</summary>
    public required bool Applied { get; init; }

    /// <summary>Why it was or was not applied, in plain words.</summary>
    public required string Reason { get; init; }

    /// <summary>Sids of the VaultCopy statements added, changed or removed.</summary>
    public IReadOnlyList<string> Statements { get; init => field = ValueList.Of(value); } = ValueList.Of<string>([]);

    public override string ToString() => $"{Kind} {Target} ({PolicyName}): {Reason}";
}
