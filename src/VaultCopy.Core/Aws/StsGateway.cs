using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Aws;

/// <summary>Who the credentials belong to, as sts:GetCallerIdentity answers.</summary>
internal sealed record CallerIdentity(string AccountId, string Arn, string UserId);

/// <summary>Who the credentials belong to, asked afresh (sts:GetCallerIdentity cannot be denied by any policy).</summary>
internal sealed partial class StsGateway : IDisposable
{
    private readonly AwsSession _session;
    private readonly Amazon.SecurityToken.AmazonSecurityTokenServiceClient _client;

    public StsGateway(AwsSession session)
    {
        _session = session;
        _client = ClientFactory.CreateSts(session);
    }

    /// <summary>The endpoint override this client uses, or null when the SDK's AWS endpoints apply.</summary>
    public string? Endpoint => _session.DescribeEndpoint(_client.Config as ClientConfig ?? throw new InvalidOperationException());

    public async Task<CallerIdentity> GetCallerIdentityAsync(CancellationToken cancellationToken)
    {
        GetCallerIdentityResponse response = await _client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return new CallerIdentity(response.Account, response.Arn, response.UserId);
    }

    public void Dispose() => _client.Dispose();
}
