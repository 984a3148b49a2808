using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Core.Keys;

namespace VaultCopy.Core.Aws;

/// <summary>The key policy calls behind Grant-VaultKeyAccess and Revoke-VaultKeyAccess.</summary>
internal sealed partial class KmsGateway
{
    /// <summary>The only key policy name KMS knows.</summary>
    public const string DefaultPolicyName = "default";

    /// <summary>
    /// Describes a key without the cache of <see cref="TryDescribeAsync"/>: a policy edit must see the key as it is
    /// now, and must tell "not found" from "not allowed". SDK exceptions propagate for the caller to word.
    /// </summary>
    public async Task<KmsKey> DescribeForPolicyEditAsync(string keyId, CancellationToken cancellationToken)
    {
        DescribeKeyResponse response = await _client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken)
            .ConfigureAwait(false);
        return ToKey(keyId, response.KeyMetadata);
    }

    public async Task<string> GetKeyPolicyAsync(string keyArn, CancellationToken cancellationToken)
    {
        GetKeyPolicyResponse response = await _client.GetKeyPolicyAsync(
            new GetKeyPolicyRequest { KeyId = keyArn, PolicyName = DefaultPolicyName }, cancellationToken).ConfigureAwait(false);
        return response.Policy;
    }

    /// <summary>Replaces the key policy. The lockout safety check is never bypassed: KMS must agree the caller can still edit it.</summary>
    public async Task PutKeyPolicyAsync(string keyArn, string policy, CancellationToken cancellationToken) =>
        await _client.PutKeyPolicyAsync(
            new PutKeyPolicyRequest
            {
                KeyId = keyArn,
                PolicyName = DefaultPolicyName,
                Policy = policy,
                BypassPolicyLockoutSafetyCheck = false,
            },
            cancellationToken).ConfigureAwait(false);
}
