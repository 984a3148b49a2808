namespace VaultCopy.Emulator.Model;

/// <summary>
/// The partitions an emulated account can live in and the Regions each really has. This is the one list the
/// emulator checks Region names against: SigV4 credential scopes, fixture Regions and EC2 <c>SourceRegion</c>.
/// Source: the partition Region lists AWS publishes in its SDK endpoint metadata (botocore
/// <c>data/endpoints.json</c>, checked at 1.43.11) and the "AWS Regions" page of the AWS General Reference.
/// </summary>
public static class Partitions
{
    public const string Aws = "aws";
    public const string China = "aws-cn";
    public const string GovCloud = "aws-us-gov";

    private static readonly Dictionary<string, string[]> s_regions = new(StringComparer.Ordinal)
    {
        [Aws] =
        [
            "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
            "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
            "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
            "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1",
            "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        ],
        [China] = ["cn-north-1", "cn-northwest-1"],
        [GovCloud] = ["us-gov-east-1", "us-gov-west-1"],
    };

    public static IReadOnlyCollection<string> Names => s_regions.Keys;

    public static bool IsKnown(string? partition) => partition is not null && s_regions.ContainsKey(partition);

    public static IReadOnlyList<string> RegionsOf(string partition) =>
        s_regions.TryGetValue(partition, out var regions) ? regions : [];

    /// <summary>True when <paramref name="region"/> is a Region of <paramref name="partition"/>.</summary>
    public static bool HasRegion(string partition, string? region) =>
        region is not null && s_regions.TryGetValue(partition, out var regions) && Array.IndexOf(regions, region) >= 0;

    /// <summary>True when any partition has this Region.</summary>
    public static bool IsRegion(string? region) => region is not null && s_regions.Values.Any(r => Array.IndexOf(r, region) >= 0);

    /// <summary>The Region global services (IAM, the global STS endpoint) are signed for in the partition.</summary>
    public static string GlobalRegion(string partition) => partition switch
    {
        China => "cn-north-1",
        GovCloud => "us-gov-west-1",
        _ => "us-east-1",
    };

    /// <summary>The refusal AWS gives a credential scope naming a Region the endpoint does not serve.</summary>
    public static string InvalidScopeRegionMessage(string region) => $"Credential should be scoped to a valid region, not '{region}'.";
}
