using System.Text.RegularExpressions;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Accounts;

/// <summary>
/// What a Region name looks like (eu-west-1, us-gov-west-1, cn-north-1): the one rule for -Region, -SourceRegion and
/// -DestinationRegion on every cmdlet, and for the Region a connection resolves. Only the shape is checked, so a
/// Region newer than this SDK still works.
/// </summary>
public static partial class RegionName
{
    public const string Remediation = "Use a Region code such as eu-west-1 or us-gov-west-1.";

    public static bool IsValid(string? region) => region is not null && RegionPattern().IsMatch(region);

    public static string Describe(string region) => $"'{region}' is not an AWS Region name.";

    public static VaultCopyException Refusal(string region) =>
        new(VaultCopyErrorKind.InvalidArgument, "InvalidRegion", Describe(region), Remediation);

    /// <summary>The partition a Region belongs to, by its name.</summary>
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    /// <summary>The DNS suffix of a partition's service endpoints.</summary>
    public static string DnsSuffixOf(string partition) => partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d$")]
    private static partial Regex RegionPattern();
}
