using System.Globalization;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace VaultCopy.Core.Aws;

/// <summary>A DescribeSnapshots/DescribeImages filter, in VaultCopy's terms (the gateway turns it into the SDK's).</summary>
internal sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    /// <summary>Resources carrying the tag; with a null value, carrying the key with any value.</summary>
    public static Ec2Filter Tag(string key, string? value) => value is null ? new("tag-key", [key]) : new($"tag:{key}", [value]);

    public static IReadOnlyList<Ec2Filter> Tags(IEnumerable<KeyValuePair<string, string?>> tags) => tags.Select(t => Tag(t.Key, t.Value)).ToList();

    internal Filter ToSdk() => new() { Name = Name, Values = Values.ToList() };
}

/// <summary>An EBS snapshot as EC2 described it.</summary>
internal sealed record Ec2SnapshotRecord
{
    public required string SnapshotId { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>pending, completed, error, recoverable, recovering; "unknown" when EC2 gave none.</summary>
    public required string State { get; init; }

    public string? StateMessage { get; init; }

    public string? Progress { get; init; }

    /// <summary>When the snapshot was started, in UTC.</summary>
    public DateTime? StartTime { get; init; }

    public int? VolumeSize { get; init; }

    public string? VolumeId { get; init; }

    public bool Encrypted { get; init; }

    public string? KmsKeyId { get; init; }

    public string? Description { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal static Ec2SnapshotRecord From(Snapshot snapshot) => new()
    {
        SnapshotId = snapshot.SnapshotId,
        OwnerId = snapshot.OwnerId,
        State = snapshot.State?.Value ?? "unknown",
        StateMessage = snapshot.StateMessage,
        Progress = snapshot.Progress,
        StartTime = snapshot.StartTime?.ToUniversalTime(),
        VolumeSize = snapshot.VolumeSize,
        VolumeId = snapshot.VolumeId,
        Encrypted = snapshot.Encrypted ?? false,
        KmsKeyId = snapshot.KmsKeyId,
        Description = snapshot.Description,
        Tags = Ec2Tags.From(snapshot.Tags),
    };
}

/// <summary>An EBS volume of an AMI's block device mappings: the snapshot behind it.</summary>
internal sealed record Ec2ImageVolume(string? SnapshotId, bool? Encrypted, int? VolumeSize);

/// <summary>An AMI as EC2 described it.</summary>
internal sealed record Ec2ImageRecord
{
    public required string ImageId { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>pending, available, failed, …; "unknown" when EC2 gave none.</summary>
    public required string State { get; init; }

    public string? StateReason { get; init; }

    /// <summary>The creation time EC2 reports, in UTC (null when it gave none that parses).</summary>
    public DateTime? CreationTime { get; init; }

    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The EBS volumes of the block device mappings (instance-store mappings are left out).</summary>
    public IReadOnlyList<Ec2ImageVolume> Volumes { get; init; } = [];

    public string? UsageOperation { get; init; }

    public IReadOnlyList<string> MarketplaceProductCodes { get; init; } = [];

    public string? DeregistrationProtection { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The snapshots behind the AMI's volumes.</summary>
    public IReadOnlyList<string> SnapshotIds => Volumes.Where(v => v.SnapshotId is not null).Select(v => v.SnapshotId!).ToList();

    internal static Ec2ImageRecord From(Image image) => new()
    {
        ImageId = image.ImageId,
        OwnerId = image.OwnerId,
        State = image.State?.Value ?? "unknown",
        StateReason = image.StateReason?.Message,
        CreationTime = DateTime.TryParse(image.CreationDate, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out DateTime created)
            ? created : null,
        Name = image.Name,
        Description = image.Description,
        Volumes = (image.BlockDeviceMappings ?? []).Where(m => m.Ebs is not null)
            .Select(m => new Ec2ImageVolume(m.Ebs.SnapshotId, m.Ebs.Encrypted, m.Ebs.VolumeSize)).ToList(),
        UsageOperation = image.UsageOperation,
        MarketplaceProductCodes = (image.ProductCodes ?? []).Where(p => p.ProductCodeType == ProductCodeValues.Marketplace).Select(p => p.ProductCodeId).ToList(),
        DeregistrationProtection = image.DeregistrationProtection,
        Tags = Ec2Tags.From(image.Tags),
    };
}

internal static class Ec2Tags
{
    /// <summary>EC2's tag list as a dictionary; a key given twice keeps its last value.</summary>
    public static Dictionary<string, string> From(List<Tag>? tags) =>
        (tags ?? []).GroupBy(t => t.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value ?? string.Empty, StringComparer.Ordinal);
}
