namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>One account's EC2 state in one Region (<c>AccountRegion.Ec2</c>). Read and write under <c>World.Sync</c>.</summary>
public sealed class Ec2RegionState
{
    public Dictionary<string, Ec2Snapshot> Snapshots { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Ec2Image> Images { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Ec2Volume> Volumes { get; } = new(StringComparer.Ordinal);

    /// <summary>EBS encryption by default: copies of unencrypted snapshots come out encrypted (aws-behaviour.md §1.3).</summary>
    public bool EncryptionByDefault { get; set; }

    /// <summary>The account's default KMS key for EBS as a key reference; null means the AWS managed key aws/ebs.</summary>
    public string? DefaultKmsKeyId { get; set; }

    /// <summary><c>unblocked</c>, <c>block-new-sharing</c> or <c>block-all-sharing</c>.</summary>
    public string SnapshotBlockPublicAccess { get; set; } = Ec2Constants.Unblocked;

    /// <summary><c>unblocked</c> or <c>block-new-sharing</c>.</summary>
    public string ImageBlockPublicAccess { get; set; } = Ec2Constants.Unblocked;

    /// <summary>CopyImage client tokens: token → the request it was first used with and the image it made.</summary>
    public Dictionary<string, Ec2ClientToken> CopyImageTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>True when block-all-sharing hides this Region's public snapshots from everyone but their owner.</summary>
    public bool HidesPublicSnapshots => SnapshotBlockPublicAccess == Ec2Constants.BlockAllSharing;
}

public static class Ec2Constants
{
    public const string Unblocked = "unblocked";
    public const string BlockNewSharing = "block-new-sharing";
    public const string BlockAllSharing = "block-all-sharing";
    public const string GroupAll = "all";
    public const string AwsEbsAlias = "aws/ebs";
}

/// <summary>Tags are kept per account: the owner's tags, and those another account put on a shared resource.</summary>
public sealed class Ec2Tags
{
    private static readonly Dictionary<string, string> s_empty = new(StringComparer.Ordinal);

    private readonly Dictionary<string, Dictionary<string, string>> _byAccount = new(StringComparer.Ordinal);

    /// <summary>AWS-generated tags (AWS Backup, CloudFormation: the aws: prefix in any case). Callers can neither write
    /// nor delete them, and they do not count against the 50 tags of a resource (EC2 User Guide, tag restrictions).</summary>
    public static bool IsAwsTag(string key) => key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase);

    /// <summary>How many of these tags count against the 50-tag limit (the caller's own, not aws: ones).</summary>
    public static int UserTagCount(IEnumerable<string> keys) => keys.Count(k => !IsAwsTag(k));

    /// <summary>The tags <paramref name="accountId"/> sees on the resource (empty when it set none).</summary>
    public IReadOnlyDictionary<string, string> For(string accountId) =>
        _byAccount.TryGetValue(accountId, out var tags) ? tags : s_empty;

    /// <summary>The tags of <paramref name="accountId"/>, created on first use, for writing.</summary>
    public Dictionary<string, string> Edit(string accountId)
    {
        if (!_byAccount.TryGetValue(accountId, out var tags))
        {
            tags = new Dictionary<string, string>(StringComparer.Ordinal);
            _byAccount[accountId] = tags;
        }

        return tags;
    }

    public IEnumerable<KeyValuePair<string, IReadOnlyDictionary<string, string>>> All =>
        _byAccount.Where(p => p.Value.Count > 0).Select(p => new KeyValuePair<string, IReadOnlyDictionary<string, string>>(p.Key, p.Value));
}

public sealed class Ec2Volume
{
    public required string Id { get; init; }

    public required string OwnerId { get; init; }

    public required string Region { get; init; }

    public int Size { get; init; }

    public bool Encrypted { get; init; }

    public string? KmsKeyId { get; init; }

    public Ec2Tags Tags { get; } = new();
}

public sealed class Ec2Snapshot
{
    public required string Id { get; init; }

    public required string OwnerId { get; init; }

    public required string Region { get; init; }

    public required string VolumeId { get; init; }

    public int VolumeSize { get; init; }

    public string? Description { get; set; }

    public DateTimeOffset StartTime { get; init; }

    public bool Encrypted { get; init; }

    /// <summary>The key ARN once known; snapshots always report their key as an ARN.</summary>
    public string? KmsKeyArn { get; set; }

    /// <summary>A fixture's key reference (id, alias, ARN) not resolved yet because KMS was not there to ask.</summary>
    public string? PendingKeyReference { get; set; }

    /// <summary>A fixture's <c>awsManagedKey: true</c>, kept so the default-key rules hold even without KMS.</summary>
    public bool AwsManagedKeyHint { get; set; }

    /// <summary>State of a snapshot that is not a copy (fixtures, registered images): pending, completed or error.</summary>
    public string FixedState { get; init; } = "completed";

    public string? FixedProgress { get; init; }

    public string? FixedStateMessage { get; init; }

    /// <summary>Set when this snapshot is a copy still driven by the clock.</summary>
    public Ec2CopyJob? Copy { get; init; }

    public Ec2Permissions CreateVolumePermission { get; } = new();

    public Ec2Tags Tags { get; } = new();

    /// <summary>The snapshot lock, if any (state from <see cref="Ec2LockRules.Status"/>).</summary>
    public Ec2SnapshotLock? Lock { get; set; }
}

/// <summary>A snapshot copy in flight: its state is computed from the world clock when read.</summary>
public sealed class Ec2CopyJob
{
    public required DateTimeOffset Start { get; init; }

    /// <summary>World time from start to completion, fixed when the copy starts (time scale in force then).</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Why the copy fails (the StateMessage), or null when it completes.</summary>
    public string? FailureMessage { get; set; }

    /// <summary>When a failing copy turns to error: as soon as the service first uses the keys.</summary>
    public DateTimeOffset FailureAt { get; set; }

    /// <summary>When EBS asks KMS for the copy's data keys (source decrypt, target data key). A key made unusable
    /// before then fails the copy at this moment; after it, the copy completes on the data keys it holds.</summary>
    public DateTimeOffset KeyStepAt { get; init; }

    /// <summary>The key whose DisableKey/ScheduleKeyDeletion failed this copy before its key step, and the failure it
    /// had before (restored if that key is enabled again in time); null otherwise.</summary>
    public string? FailedByKeyArn { get; set; }

    public (string? Message, DateTimeOffset At) FailureBeforeKeyChange { get; set; }

    public required string SourceSnapshotId { get; init; }

    public required string SourceRegion { get; init; }

    /// <summary>The destination AMI when this snapshot is a backing snapshot of a CopyImage; null for CopySnapshot.</summary>
    public string? ImageId { get; init; }

    /// <summary>time-based or standard.</summary>
    public string TransferType { get; init; } = "standard";

    public int? CompletionDurationMinutes { get; init; }

    public DateTimeOffset CompletesAt => Start + Duration;
}

/// <summary>createVolumePermission / launchPermission: accounts, organizations, OUs and the group <c>all</c>.</summary>
public sealed class Ec2Permissions
{
    public List<string> UserIds { get; } = [];

    public List<string> OrganizationArns { get; } = [];

    public List<string> OrganizationalUnitArns { get; } = [];

    public bool Public { get; set; }

    /// <summary>Accounts, organizations and OUs (not the group all): what the AMI sharing quota counts.</summary>
    public int EntityCount => UserIds.Count + OrganizationArns.Count + OrganizationalUnitArns.Count;

    public void Clear()
    {
        UserIds.Clear();
        OrganizationArns.Clear();
        OrganizationalUnitArns.Clear();
        Public = false;
    }
}

public sealed class Ec2BlockDevice
{
    public required string DeviceName { get; init; }

    public string? SnapshotId { get; init; }

    public int VolumeSize { get; init; }

    public string VolumeType { get; init; } = "gp3";

    public bool DeleteOnTermination { get; init; } = true;

    public bool Encrypted { get; init; }
}

public sealed class Ec2Image
{
    public required string Id { get; init; }

    public required string OwnerId { get; init; }

    public required string Region { get; init; }

    public required string Name { get; init; }

    public string? Description { get; set; }

    public DateTimeOffset CreationDate { get; init; }

    public string Architecture { get; init; } = "x86_64";

    public string RootDeviceName { get; init; } = "/dev/xvda";

    public string VirtualizationType { get; init; } = "hvm";

    public bool EnaSupport { get; init; } = true;

    public string? BootMode { get; init; }

    public string? ImdsSupport { get; set; }

    public List<Ec2BlockDevice> BlockDevices { get; } = [];

    public List<string> BillingProducts { get; } = [];

    /// <summary>available, pending, failed, … for images that are not copies.</summary>
    public string FixedState { get; init; } = "available";

    public string? FixedStateReasonCode { get; init; }

    public string? FixedStateReasonMessage { get; init; }

    /// <summary>Set for an image made by CopyImage; its state follows its backing snapshot copies.</summary>
    public Ec2ImageCopy? Copy { get; init; }

    public Ec2Permissions LaunchPermission { get; } = new();

    public Ec2Tags Tags { get; } = new();

    /// <summary>Deregistration protection, if ever enabled (state from <see cref="Ec2LockRules.ProtectionState"/>).</summary>
    public Ec2DeregistrationProtection? DeregistrationProtection { get; set; }
}

public sealed class Ec2ImageCopy
{
    public required string SourceImageId { get; init; }

    public required string SourceRegion { get; init; }
}

/// <summary>What a CopyImage ClientToken was first used for (aws-behaviour.md §2.3).</summary>
public sealed record Ec2ClientToken(string Fingerprint, string ImageId);
