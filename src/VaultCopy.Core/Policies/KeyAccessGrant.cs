namespace VaultCopy.Core.Policies;

/// <summary>Who may use a key from another account, as Grant-VaultKeyAccess asks for it.</summary>
public sealed class KeyAccessGrant
{
    public KeyAccessGrant(string trustedAccountId)
    {
        ArgumentNullException.ThrowIfNull(trustedAccountId);
        TrustedAccountId = trustedAccountId;
    }

    /// <summary>The account that may use the key: 12 digits.</summary>
    public string TrustedAccountId { get; }

    /// <summary>
    /// IAM role or user ARNs of <see cref="TrustedAccountId"/>. Empty names the account root, which delegates to that
    /// account's IAM policies.
    /// </summary>
    public IReadOnlyList<string> Principals { get; init; } = [];

    public string Partition { get; init; } = "aws";

    /// <summary>
    /// When set, the use statement only applies to requests EC2 or RDS make in this Region on the caller's behalf
    /// (<c>kms:ViaService</c>), so the key cannot be used directly.
    /// </summary>
    public string? ViaServiceRegion { get; init; }

    /// <summary>The key's own account, when known: granting to it is refused, it needs no cross-account grant.</summary>
    public string? KeyOwnerAccountId { get; init; }

    /// <summary>
    /// Same-account key users: <see cref="TrustedAccountId"/> owns the key (it must equal
    /// <see cref="KeyOwnerAccountId"/>) and the named <see cref="Principals"/> of it become key users, as the vault
    /// role of its own vault key. Principals are required and never the account root, whose statement is the key
    /// administrators' business.
    /// </summary>
    public bool SameAccountKeyUsers { get; init; }
}

/// <summary>What Revoke-VaultKeyAccess takes back.</summary>
public sealed class KeyAccessRevoke
{
    public KeyAccessRevoke(string trustedAccountId)
    {
        ArgumentNullException.ThrowIfNull(trustedAccountId);
        TrustedAccountId = trustedAccountId;
    }

    public string TrustedAccountId { get; }

    /// <summary>
    /// The role or user ARNs (or the account root ARN) to remove from VaultCopy's statements for the account. Empty
    /// removes both of VaultCopy's statements for the account, whoever they name.
    /// </summary>
    public IReadOnlyList<string> Principals { get; init; } = [];
}
