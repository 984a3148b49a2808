namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// Wire facts of one AWS service, taken from the model metadata in aws-models/*/service-2.json. They are known
/// for every service VaultCopy may sign for, implemented or not, so that authentication failures are rendered in
/// the right envelope before a service plug-in exists.
/// </summary>
public sealed record AwsServiceInfo(
    string SigningName,
    AwsProtocol Protocol,
    string ApiVersion,
    string? XmlNamespace,
    string? JsonTargetPrefix,
    string ServiceName);

public static class KnownServices
{
    public static AwsServiceInfo Sts { get; } =
        new("sts", AwsProtocol.Query, "2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/", null, "AWSSecurityTokenServiceV20110615");

    public static AwsServiceInfo Iam { get; } =
        new("iam", AwsProtocol.Query, "2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/", null, "AWSIdentityManagementV20100508");

    public static AwsServiceInfo Rds { get; } =
        new("rds", AwsProtocol.Query, "2014-10-31", "http://rds.amazonaws.com/doc/2014-10-31/", null, "AmazonRDSv19");

    // The model's namespace lacks the trailing slash that real responses carry (aws-behaviour.md §0).
    public static AwsServiceInfo Ec2 { get; } =
        new("ec2", AwsProtocol.Ec2, "2016-11-15", "http://ec2.amazonaws.com/doc/2016-11-15/", null, "AmazonEC2");

    public static AwsServiceInfo Kms { get; } =
        new("kms", AwsProtocol.Json, "2014-11-01", null, "TrentService", "TrentService");

    public static AwsServiceInfo Ssm { get; } =
        new("ssm", AwsProtocol.Json, "2014-11-06", null, "AmazonSSM", "AmazonSSM");

    public static IReadOnlyList<AwsServiceInfo> All { get; } = [Sts, Iam, Rds, Ec2, Kms, Ssm];

    public static AwsServiceInfo? BySigningName(string? signingName) =>
        signingName is null ? null : All.FirstOrDefault(s => string.Equals(s.SigningName, signingName, StringComparison.Ordinal));

    public static AwsServiceInfo? ByJsonTargetPrefix(string prefix) =>
        All.FirstOrDefault(s => s.JsonTargetPrefix is not null && string.Equals(s.JsonTargetPrefix, prefix, StringComparison.Ordinal));

    public static AwsServiceInfo? ByApiVersion(string version) =>
        All.FirstOrDefault(s => s.Protocol != AwsProtocol.Json && string.Equals(s.ApiVersion, version, StringComparison.Ordinal));
}
