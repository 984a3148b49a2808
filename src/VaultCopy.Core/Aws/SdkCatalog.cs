using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace VaultCopy.Core.Aws;

/// <summary>What the SDK knows without a call: the Regions of each partition and the profiles of the shared files.</summary>
internal static class SdkCatalog
{
    /// <summary>The Region codes the SDK lists for <paramref name="partition"/>.</summary>
    public static IEnumerable<string> RegionsOf(string partition) =>
        RegionEndpoint.EnumerableAllRegions.Where(region => region.PartitionName == partition).Select(region => region.SystemName);

    /// <summary>The profile names in the shared credentials and config files (or <paramref name="profileLocation"/>).</summary>
    public static IEnumerable<string> ProfileNames(string? profileLocation) =>
        new CredentialProfileStoreChain(profileLocation).ListProfiles().Select(profile => profile.Name);
}
