using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Aws;

/// <summary>Who the credentials belong to, asked afresh (sts:GetCallerIdentity cannot be denied by any policy).</summary>
internal sealed partial class StsGateway : IDisposable
{
    private readonly Amazon.SecurityToken.AmazonSecurityTokenServiceClient _client;

    public StsGateway(AwsSession session)
    {
        _client = ClientFactory.CreateSts(session);
    }

    public async Task<(string AccountId, string Arn)> GetCallerIdentityAsync(CancellationToken cancellationToken)
    {
        GetCallerIdentityResponse response = await _client.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return (response.Account, response.Arn);
    }

    public void Dispose() => _client.Dispose();
}
