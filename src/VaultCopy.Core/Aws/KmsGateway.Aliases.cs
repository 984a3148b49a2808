using Amazon.KeyManagementService.Model;

namespace VaultCopy.Core.Aws;

internal sealed partial class KmsGateway
{
    /// <summary>Every alias name of the account in the gateway's Region (alias/aws/* included: KMS lists them too).</summary>
    public async Task<IReadOnlyList<string>> ListAliasNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            ListAliasesResponse page = await _client.ListAliasesAsync(new ListAliasesRequest { Marker = marker, Limit = 100 }, cancellationToken)
                .ConfigureAwait(false);
            names.AddRange((page.Aliases ?? []).Select(alias => alias.AliasName));
            marker = page.Truncated == true ? page.NextMarker : null;
        }
        while (marker is not null);
        return names;
    }
}
