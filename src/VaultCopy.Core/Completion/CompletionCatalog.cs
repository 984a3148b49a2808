using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;

namespace VaultCopy.Core.Completion;

/// <summary>
/// What tab completion offers: the partition's Regions, the profiles of the shared files, and the key aliases of a
/// connected account (looked up once per account and Region, then remembered for the session).
/// </summary>
public static partial class CompletionCatalog
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<string>>>> s_aliases = new(StringComparer.Ordinal);

    /// <summary>The Regions of <paramref name="partition"/> (aws, aws-cn, aws-us-gov, …) the SDK knows, sorted.</summary>
    public static IReadOnlyList<string> Regions(string partition) =>
        SdkCatalog.RegionsOf(partition)
            .Where(region => RegionName().IsMatch(region))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The profile names in the shared credentials and config files (or <paramref name="profileLocation"/>).</summary>
    public static IReadOnlyList<string> ProfileNames(string? profileLocation)
    {
        try
        {
            return SdkCatalog.ProfileNames(profileLocation).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
        {
            return [];
        }
    }

    /// <summary>
    /// The customer managed key aliases of <paramref name="account"/> in <paramref name="region"/> (alias/aws/* are
    /// AWS managed keys, never a valid -KmsKeyId). A failed lookup is forgotten, so the next Tab asks again.
    /// </summary>
    public static async Task<IReadOnlyList<string>> KeyAliasesAsync(VaultAccount account, string? region, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        string where = region ?? account.Region;
        string cacheKey = $"{account.Arn}|{where}|{account.EndpointUrl}";
        var lookup = s_aliases.GetOrAdd(cacheKey, _ => new Lazy<Task<IReadOnlyList<string>>>(() => ListAsync(account, where)));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lookup.Value.IsFaulted || lookup.Value.IsCanceled)
        {
            s_aliases.TryRemove(new KeyValuePair<string, Lazy<Task<IReadOnlyList<string>>>>(cacheKey, lookup));
            return [];
        }
    }

    private static async Task<IReadOnlyList<string>> ListAsync(VaultAccount account, string region)
    {
        using var kms = new KmsGateway(account.Session, region);
        IReadOnlyList<string> names = await kms.ListAliasNamesAsync(CancellationToken.None).ConfigureAwait(false);
        return names.Where(name => !name.StartsWith("alias/aws/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d$")]
    private static partial Regex RegionName();
}
