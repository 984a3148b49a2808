using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace VaultCopy.Core.Aws;

/// <summary>A key as Grant/Revoke-VaultKeyAccess need it: who owns it, who manages it, and whether it is usable.</summary>
internal sealed record KeyPolicyTarget(string Arn, string KeyId, string AccountId, string Region, bool IsAwsManaged, string KeyState);

/// <summary>The key policy calls behind Grant-VaultKeyAccess and Revoke-VaultKeyAccess.</summary>
internal sealed partial class KmsGateway
{
    /// <summary>The only key policy name KMS knows.</summary>
    public const string DefaultPolicyName = "default";

    /// <summary>
    /// Describes a key without the cache of <see cref="TryDescribeAsync"/>: a policy edit must see the key as it is
    /// now, and must tell "not found" from "not allowed". SDK exceptions propagate for the caller to word.
    /// </summary>
    public async Task<KeyPolicyTarget> DescribeForPolicyEditAsync(string keyId, CancellationToken cancellationToken)
    {
        DescribeKeyResponse response = await _client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyId }, cancellationToken)
            .ConfigureAwait(false);
        KeyMetadata key = response.KeyMetadata;
        string[] arn = key.Arn.Split(':');
        return new KeyPolicyTarget(
            key.Arn, key.KeyId, key.AWSAccountId, arn.Length > 3 ? arn[3] : string.Empty,
            key.KeyManager == KeyManagerType.AWS, key.KeyState?.Value ?? "Unknown");
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
