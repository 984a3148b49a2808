using Amazon.KeyManagementService.Model;

namespace VaultCopy.Core.Aws;

/// <summary>Key policy reads for the preflight.</summary>
internal sealed partial class KmsGateway
{
    /// <summary>The key's policy (PolicyName default). Only the key's own account can read it.</summary>
    public async Task<string> ReadKeyPolicyAsync(string keyId, CancellationToken cancellationToken)
    {
        GetKeyPolicyResponse response = await _client.GetKeyPolicyAsync(
            new GetKeyPolicyRequest { KeyId = keyId, PolicyName = "default" }, cancellationToken).ConfigureAwait(false);
        return response.Policy;
    }
}
