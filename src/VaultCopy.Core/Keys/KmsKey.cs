namespace VaultCopy.Core.Keys;

/// <summary>A KMS key as VaultCopy knows it: as the user named it, and what DescribeKey said about it.</summary>
public sealed record KmsKey
{
    /// <summary>The id, alias or ARN as the user gave it.</summary>
    public required string RequestedAs { get; init; }

    public required string Arn { get; init; }

    public required string KeyId { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    /// <summary>An AWS managed key (aws/ebs, aws/rds): its policy belongs to AWS and serves its own account only.</summary>
    public bool IsAwsManaged { get; init; }

    /// <summary>Enabled, Disabled, PendingDeletion…; Unknown for a key VaultCopy was not allowed to describe.</summary>
    public string KeyState { get; init; } = "Unknown";

    public string KeySpec { get; init; } = "SYMMETRIC_DEFAULT";

    public bool Enabled { get; init; }

    public override string ToString() => RequestedAs == Arn ? Arn : $"{RequestedAs} ({Arn})";
}

/// <summary>What a key is for: each use has its own rule in <see cref="Rules.KeyRules"/>.</summary>
public enum KeyUse
{
    /// <summary>The vault key a vault copy is encrypted under (Copy-VaultSnapshot, Copy-VaultImage, the preflight).</summary>
    VaultCopy,

    /// <summary>The customer managed key a conversion re-encrypts under (Convert-VaultSnapshotKey).</summary>
    ConversionTarget,

    /// <summary>The origin key whose policy Grant/Revoke-VaultKeyAccess edit.</summary>
    PolicyEditSource,

    /// <summary>The vault key whose policy Grant/Revoke-VaultKeyAccess edit.</summary>
    PolicyEditVault,

    /// <summary>An origin key a source is encrypted under, as the preflight and the copy assess it.</summary>
    SourceKey,
}
