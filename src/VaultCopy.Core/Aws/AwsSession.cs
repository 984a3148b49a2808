using Amazon;
using Amazon.Runtime;

namespace VaultCopy.Core.Aws;

/// <summary>
/// How to build SDK clients for one account: credentials, home Region and endpoint settings.
/// Endpoint precedence follows the AWS SDKs: -EndpointUrl, then AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL and
/// the profile's endpoint_url (the SDK resolves those itself once the Region is set).
/// </summary>
internal sealed class AwsSession
{
    public AwsSession(AWSCredentials credentials, string region, string? explicitEndpointUrl, string? profileName, string? profileLocation)
    {
        Credentials = credentials;
        Region = region;
        ExplicitEndpointUrl = explicitEndpointUrl;
        ProfileName = profileName;
        ProfileLocation = profileLocation;
    }

    public AWSCredentials Credentials { get; }

    public string Region { get; }

    public string? ExplicitEndpointUrl { get; }

    public string? ProfileName { get; }

    public string? ProfileLocation { get; }

    /// <summary>The account these credentials proved to belong to; known once GetCallerIdentity answered.</summary>
    public string? AccountId { get; internal set; }

    /// <summary>Points a client config at the right endpoint for <paramref name="region"/> (default: home Region).</summary>
    public TConfig Configure<TConfig>(TConfig config, string? region = null)
        where TConfig : ClientConfig
    {
        string signingRegion = region ?? Region;
        if (ExplicitEndpointUrl is not null)
        {
            // ServiceURL and AuthenticationRegion go together: with a local URL the SDK would otherwise sign for us-east-1.
            config.ServiceURL = ExplicitEndpointUrl;
            config.AuthenticationRegion = signingRegion;
            return config;
        }

        // Region first, and never read ServiceURL before it: reading it early loses the environment's endpoint.
        config.RegionEndpoint = RegionEndpoint.GetBySystemName(signingRegion);
        if (ProfileName is not null)
        {
            config.Profile = new Profile(ProfileName, ProfileLocation);
        }

        if (config.ServiceURL is not null)
        {
            config.AuthenticationRegion = signingRegion;
        }

        return config;
    }

    /// <summary>The endpoint override in force for a service, or null when the SDK's AWS endpoints apply.</summary>
    public string? DescribeEndpoint<TConfig>(TConfig configured)
        where TConfig : ClientConfig => ExplicitEndpointUrl ?? configured.ServiceURL;
}
