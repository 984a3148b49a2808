using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.SecurityToken;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Builds SDK clients for a session; the one place that knows each service's config type, and where every client
/// gets the observer that shows its calls under -Verbose.
/// </summary>
internal static class ClientFactory
{
    public static AmazonSecurityTokenServiceClient CreateSts(AwsSession session, string? region = null) =>
        SdkCallObserver.Attach(new AmazonSecurityTokenServiceClient(session.Credentials, session.Configure(new AmazonSecurityTokenServiceConfig(), region)), session, "sts", region);

    public static AmazonEC2Client CreateEc2(AwsSession session, string? region = null) =>
        SdkCallObserver.Attach(new AmazonEC2Client(session.Credentials, session.Configure(new AmazonEC2Config(), region)), session, "ec2", region);

    public static AmazonKeyManagementServiceClient CreateKms(AwsSession session, string? region = null) =>
        SdkCallObserver.Attach(new AmazonKeyManagementServiceClient(session.Credentials, session.Configure(new AmazonKeyManagementServiceConfig(), region)), session, "kms", region);
}
