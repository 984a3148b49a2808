namespace VaultCopy.Core.Aws.Query;

/// <summary>What the query-protocol client needs to know about one AWS service.</summary>
internal sealed record QueryServiceDefinition(
    string ServiceId, string SigningName, string ApiVersion, string EndpointPrefix, bool IsGlobal)
{
    public static QueryServiceDefinition Rds { get; } = new("RDS", "rds", "2014-10-31", "rds", IsGlobal: false);

    public static QueryServiceDefinition Iam { get; } = new("IAM", "iam", "2010-05-08", "iam", IsGlobal: true);

    /// <summary>STS speaks the same protocol; the client's own tests use it because every emulator has it.</summary>
    public static QueryServiceDefinition Sts { get; } = new("STS", "sts", "2011-06-15", "sts", IsGlobal: false);

    /// <summary>The Region a request is signed for: global services sign for their partition's home Region.</summary>
    public string SigningRegion(string region) => !IsGlobal ? region : Accounts.RegionName.PartitionOf(region) switch
    {
        "aws-cn" => "cn-north-1",
        "aws-us-gov" => "us-gov-west-1",
        _ => "us-east-1",
    };

    public Uri DefaultEndpoint(string region)
    {
        string partition = Accounts.RegionName.PartitionOf(region);
        string suffix = Accounts.RegionName.DnsSuffixOf(partition);
        if (IsGlobal)
        {
            return partition switch
            {
                "aws-cn" => new Uri($"https://{EndpointPrefix}.cn-north-1.{suffix}/"),
                "aws-us-gov" => new Uri($"https://{EndpointPrefix}.us-gov.{suffix}/"),
                _ => new Uri($"https://{EndpointPrefix}.{suffix}/"),
            };
        }

        return new Uri($"https://{EndpointPrefix}.{region}.{suffix}/");
    }
}
