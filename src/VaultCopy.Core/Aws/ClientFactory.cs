using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.SecurityToken;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Builds SDK clients for a session; the one place that knows each service's config type. Every client it builds
/// turns a service error into <see cref="AwsServiceException"/> as it leaves the client (after the SDK's retries), so
/// no SDK exception type reaches code outside the gateways, and reports each call to the observer that shows it
/// under -Verbose.
/// </summary>
internal static class ClientFactory
{
    private static readonly AsyncLocal<List<string>?> s_opened = new();

    /// <summary>
    /// From here on in the calling flow (and the tasks it starts), remembers each client opened, as
    /// "service account Region": what a test reads to prove a command opens one client per account and Region.
    /// </summary>
    public static IReadOnlyList<string> RecordOpenedClients() => s_opened.Value = [];

    public static AmazonSecurityTokenServiceClient CreateSts(AwsSession session, string? region = null) =>
        Track(SdkCallObserver.Attach(new StsClient(session.Credentials, session.Configure(new AmazonSecurityTokenServiceConfig(), region)), session, "sts", region), session, "sts", region);

    public static AmazonEC2Client CreateEc2(AwsSession session, string? region = null) =>
        Track(SdkCallObserver.Attach(new Ec2Client(session.Credentials, session.Configure(new AmazonEC2Config(), region)), session, "ec2", region), session, "ec2", region);

    public static AmazonKeyManagementServiceClient CreateKms(AwsSession session, string? region = null) =>
        Track(SdkCallObserver.Attach(new KmsClient(session.Credentials, session.Configure(new AmazonKeyManagementServiceConfig(), region)), session, "kms", region), session, "kms", region);

    private static T Track<T>(T client, AwsSession session, string service, string? region)
    {
        Opened(session, service, region);
        return client;
    }

    /// <summary>Every client, SDK or our Query client, is counted here as it is built.</summary>
    internal static void Opened(AwsSession session, string service, string? region)
    {
        if (s_opened.Value is List<string> opened)
        {
            lock (opened)
            {
                opened.Add($"{service} {session.AccountId} {region ?? session.Region}");
            }
        }
    }

    private sealed class StsClient(AWSCredentials credentials, AmazonSecurityTokenServiceConfig config) : AmazonSecurityTokenServiceClient(credentials, config)
    {
        // Set before the base constructor builds the pipeline.
        private readonly AWSCredentials _credentials = credentials;

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new ServiceErrorHandler("STS", _credentials));
        }
    }

    private sealed class Ec2Client(AWSCredentials credentials, AmazonEC2Config config) : AmazonEC2Client(credentials, config)
    {
        // Set before the base constructor builds the pipeline.
        private readonly AWSCredentials _credentials = credentials;

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new ServiceErrorHandler("EC2", _credentials));
        }
    }

    private sealed class KmsClient(AWSCredentials credentials, AmazonKeyManagementServiceConfig config) : AmazonKeyManagementServiceClient(credentials, config)
    {
        // Set before the base constructor builds the pipeline.
        private readonly AWSCredentials _credentials = credentials;

        protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
        {
            base.CustomizeRuntimePipeline(pipeline);
            pipeline.AddHandler(new ServiceErrorHandler("KMS", _credentials));
        }
    }

    /// <summary>
    /// The outermost handler: what the SDK finally throws for a service's answer becomes an AwsServiceException. A role
    /// session that AWS calls expired (its clock ahead of ours, a session ended early) is assumed again once and the
    /// call made again from the start (marshalled, signed and retried by the SDK as a new call).
    /// </summary>
    private sealed class ServiceErrorHandler(string serviceId, AWSCredentials credentials) : PipelineHandler
    {
        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            bool renewed = false;
            while (true)
            {
                try
                {
                    return await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
                }
                catch (AmazonServiceException error) when (!renewed && RenewRoleSession(error, executionContext))
                {
                    renewed = true;
                }
                catch (AmazonServiceException error)
                {
                    throw Convert(error, renewed);
                }
            }
        }

        public override void InvokeSync(IExecutionContext executionContext)
        {
            bool renewed = false;
            while (true)
            {
                try
                {
                    base.InvokeSync(executionContext);
                    return;
                }
                catch (AmazonServiceException error) when (!renewed && RenewRoleSession(error, executionContext))
                {
                    renewed = true;
                }
                catch (AmazonServiceException error)
                {
                    throw Convert(error, renewed);
                }
            }
        }

        private bool RenewRoleSession(AmazonServiceException error, IExecutionContext executionContext)
        {
            if (!AwsErrorTranslator.IsExpiry(error.ErrorCode) || !RoleSessionCredentials.Renew(credentials))
            {
                return false;
            }

            executionContext.RequestContext.IsSigned = false;
            return true;
        }

        private AwsServiceException Convert(AmazonServiceException error, bool renewed) =>
            new(serviceId, error.ErrorCode ?? "Unknown", error.Message, error.StatusCode, error.RequestId, error)
            {
                RoleSessionRenewed = renewed && AwsErrorTranslator.IsExpiry(error.ErrorCode),
            };
    }
}
