using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.SecurityToken;

namespace VaultCopy.Core.Aws;

/// <summary>Builds SDK clients for a session; the one place that knows each service's config type.</summary>
internal static class ClientFactory
{
    public static AmazonSecurityTokenServiceClient CreateSts(AwsSession session, string? region = null) =>
        new(session.Credentials, session.Configure(new AmazonSecurityTokenServiceConfig(), region));

    public static AmazonEC2Client CreateEc2(AwsSession session, string? region = null) =>
        new(session.Credentials, session.Configure(new AmazonEC2Config(), region));

    public static AmazonKeyManagementServiceClient CreateKms(AwsSession session, string? region = null) =>
        new(session.Credentials, session.Configure(new AmazonKeyManagementServiceConfig(), region));
}
