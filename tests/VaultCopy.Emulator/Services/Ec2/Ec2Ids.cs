using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>EC2 resource ids and ARNs: <c>snap-</c>, <c>ami-</c>, <c>vol-</c> with 17 (or the legacy 8) lower-case hex digits.</summary>
public static partial class Ec2Ids
{
    /// <summary>The meaningless source volume id every snapshot copy reports (CopySnapshot documentation).</summary>
    public const string CopyVolumeId = "vol-ffffffff";

    public static string NewSnapshotId() => "snap-" + NewSuffix();

    public static string NewImageId() => "ami-" + NewSuffix();

    public static bool IsSnapshotId(string? id) => id is not null && SnapshotPattern().IsMatch(id);

    public static bool IsImageId(string? id) => id is not null && ImagePattern().IsMatch(id);

    public static bool IsVolumeId(string? id) => id is not null && VolumePattern().IsMatch(id);

    public static bool IsAccountId(string? id) => id is not null && AccountPattern().IsMatch(id);

    /// <summary>AMI names: 3–128 of letters, digits, spaces and ()[]./-'@_ (RegisterImage/CopyImage Name documentation).</summary>
    public static bool IsImageName(string? name) => name is not null && ImageNamePattern().IsMatch(name);

    /// <summary>EC2 snapshot ARNs have an empty account field (Service Authorization Reference, Amazon EC2 resource types).</summary>
    public static string SnapshotArn(string partition, string region, string snapshotId) =>
        $"arn:{partition}:ec2:{region}::snapshot/{snapshotId}";

    public static string ImageArn(string partition, string region, string imageId) =>
        $"arn:{partition}:ec2:{region}::image/{imageId}";

    public static string VolumeArn(string partition, string region, string accountId, string volumeId) =>
        $"arn:{partition}:ec2:{region}:{accountId}:volume/{volumeId}";

    // New-format ids start with 0 followed by 16 hex digits, as current AWS ids do.
    private static string NewSuffix()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return "0" + Convert.ToHexStringLower(bytes);
    }

    [GeneratedRegex("^snap-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SnapshotPattern();

    [GeneratedRegex("^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex ImagePattern();

    [GeneratedRegex("^vol-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VolumePattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex(@"^[A-Za-z0-9 ()\[\]./\-'@_]{3,128}$")]
    private static partial Regex ImageNamePattern();
}
