using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Core.Keys;

namespace VaultCopy.Core.Aws;

/// <summary>KMS calls, with DescribeKey answers remembered for the gateway's life (an inventory asks many times).</summary>
internal sealed partial class KmsGateway : IDisposable
{
    private readonly AmazonKeyManagementServiceClient _client;
    private readonly ConcurrentDictionary<string, Task<KmsKey?>> _described = new(StringComparer.Ordinal);

    public KmsGateway(AwsSession session, string? region = null)
    {
        _client = ClientFactory.CreateKms(session, region);
    }

    /// <summary>The key's facts, or null when this principal may not describe it (another account's key, say).</summary>
    public async Task<KmsKey?> TryDescribeAsync(string keyIdOrArn, CancellationToken cancellationToken)
    {
        // Shared lookups run without any one caller's token; a failed or cancelled one is forgotten, not cached.
        Task<KmsKey?> lookup = _described.GetOrAdd(keyIdOrArn, id => DescribeAsync(id, CancellationToken.None));
        try
        {
            return await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lookup.IsFaulted || lookup.IsCanceled)
        {
            _described.TryRemove(new KeyValuePair<string, Task<KmsKey?>>(keyIdOrArn, lookup));
            throw;
        }
    }

    private async Task<KmsKey?> DescribeAsync(string keyIdOrArn, CancellationToken cancellationToken)
    {
        try
        {
            DescribeKeyResponse response = await _client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyIdOrArn }, cancellationToken)
                .ConfigureAwait(false);
            return ToKey(keyIdOrArn, response.KeyMetadata);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "NotFoundException" or "AccessDeniedException")
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();

    private static KmsKey ToKey(string requestedAs, KeyMetadata key) => new()
    {
        RequestedAs = requestedAs,
        Arn = key.Arn,
        KeyId = key.KeyId,
        AccountId = key.AWSAccountId,
        Region = Accounts.Arn.ParseOrNull(key.Arn)?.Region ?? string.Empty,
        IsAwsManaged = key.KeyManager == KeyManagerType.AWS,
        KeyState = key.KeyState?.Value ?? "Unknown",
        KeySpec = key.KeySpec?.Value ?? "SYMMETRIC_DEFAULT",
        Enabled = key.Enabled ?? false,
    };
}
