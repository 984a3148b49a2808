using System.Collections.Concurrent;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace VaultCopy.Core.Aws;

/// <summary>What VaultCopy needs to know about a KMS key.</summary>
internal sealed record KeyFacts(string Arn, string AccountId, string Region, bool IsAwsManaged, string KeyState, string KeySpec, bool Enabled);

/// <summary>KMS calls, with DescribeKey answers remembered for the gateway's life (an inventory asks many times).</summary>
internal sealed partial class KmsGateway : IDisposable
{
    private readonly AmazonKeyManagementServiceClient _client;
    private readonly ConcurrentDictionary<string, Task<KeyFacts?>> _described = new(StringComparer.Ordinal);

    public KmsGateway(AwsSession session, string? region = null)
    {
        _client = ClientFactory.CreateKms(session, region);
    }

    /// <summary>The key's facts, or null when this principal may not describe it (another account's key, say).</summary>
    public async Task<KeyFacts?> TryDescribeAsync(string keyIdOrArn, CancellationToken cancellationToken)
    {
        // Shared lookups run without any one caller's token; a failed or cancelled one is forgotten, not cached.
        Task<KeyFacts?> lookup = _described.GetOrAdd(keyIdOrArn, id => DescribeAsync(id, CancellationToken.None));
        try
        {
            return await lookup.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lookup.IsFaulted || lookup.IsCanceled)
        {
            _described.TryRemove(new KeyValuePair<string, Task<KeyFacts?>>(keyIdOrArn, lookup));
            throw;
        }
    }

    private async Task<KeyFacts?> DescribeAsync(string keyIdOrArn, CancellationToken cancellationToken)
    {
        try
        {
            DescribeKeyResponse response = await _client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = keyIdOrArn }, cancellationToken)
                .ConfigureAwait(false);
            KeyMetadata key = response.KeyMetadata;
            string[] arn = key.Arn.Split(':');
            return new KeyFacts(
                key.Arn, key.AWSAccountId, arn.Length > 3 ? arn[3] : string.Empty, key.KeyManager == KeyManagerType.AWS,
                key.KeyState?.Value ?? "Unknown", key.KeySpec?.Value ?? "SYMMETRIC_DEFAULT", key.Enabled ?? false);
        }
        catch (Exception error) when (error is NotFoundException or AmazonKeyManagementServiceException { ErrorCode: "AccessDeniedException" })
        {
            return null;
        }
    }

    public void Dispose() => _client.Dispose();
}
