namespace VaultCopy.Core.Resources;

/// <summary>The kinds of backup VaultCopy works on.</summary>
public enum VaultResourceType
{
    EbsSnapshot,
    Ami,
    RdsSnapshot,
    AuroraClusterSnapshot,
}

/// <summary>Who manages the KMS key a resource is encrypted with; only customer-managed keys can be shared.</summary>
public enum KeyManager
{
    /// <summary>Not encrypted.</summary>
    None,

    /// <summary>A customer managed key: shareable once its policy lets the vault use it.</summary>
    Customer,

    /// <summary>The AWS managed default key (aws/ebs, aws/rds): never usable by another account.</summary>
    AwsManaged,

    /// <summary>Encrypted, but this account may not describe the key (typically another account's key).</summary>
    Unknown,
}

/// <summary>A backup in one account and Region, as VaultCopy sees it.</summary>
public sealed class VaultResource : INamesBackup
{
    string INamesBackup.BackupIdOrArn => Arn;

    public required VaultResourceType Type { get; init; }

    /// <summary>snap-…, ami-…, or the RDS snapshot identifier.</summary>
    public required string Id { get; init; }

    public required string Arn { get; init; }

    /// <summary>The owning account (for a resource shared with us, not our own).</summary>
    public required string AccountId { get; init; }

    public required string Region { get; init; }

    /// <summary>As the service reports it: completed/available/pending/creating/error/failed…</summary>
    public required string State { get; init; }

    public DateTime? CreationTime { get; init; }

    /// <summary>Size in GiB: volume size, allocated storage, or for an AMI the sum of its snapshots.</summary>
    public int? SizeGiB { get; init; }

    public bool Encrypted { get; init; }

    public string? KmsKeyArn { get; init; }

    public KeyManager KeyManager { get; init; }

    /// <summary>Account ids (or "all") the resource is shared with; empty when not shared or not visible to us.</summary>
    public IReadOnlyList<string> SharedWith { get; init; } = [];

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>For an AMI, its EBS snapshots (each with its own key).</summary>
    public IReadOnlyList<VaultResource> BackingSnapshots { get; init; } = [];

    /// <summary>RDS: manual, automated, shared…; EBS/AMI: null.</summary>
    public string? SnapshotType { get; init; }

    /// <summary>AMI name, or the DB instance / cluster a snapshot was taken from.</summary>
    public string? Name { get; init; }

    /// <summary>RDS engine (mysql, aurora-postgresql…).</summary>
    public string? Engine { get; init; }

    /// <summary>AMI billing product codes; such AMIs cannot be copied across accounts.</summary>
    public IReadOnlyList<string> BillingProducts { get; init; } = [];

    /// <summary>True when another account owns the resource and shared it with this one.</summary>
    public bool IsSharedWithMe { get; init; }

    public override string ToString() => $"{Type} {Id} ({Region})";
}
