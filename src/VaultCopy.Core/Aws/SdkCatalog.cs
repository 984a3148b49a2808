using Amazon;
using Amazon.Runtime.CredentialManagement;

namespace VaultCopy.Core.Aws;

/// <summary>What the SDK itself knows without calling AWS: its Region table and the shared profile files.</summary>
internal static class SdkCatalog
{
    /// <summary>Every (partition, Region) pair of the SDK's endpoint data, pseudo-Regions included.</summary>
    public static IEnumerable<(string Partition, string Region)> Regions() =>
        RegionEndpoint.EnumerableAllRegions.Select(region => (region.PartitionName, region.SystemName));

    public static IEnumerable<string> ProfileNames(string? profileLocation) =>
        new CredentialProfileStoreChain(profileLocation).ListProfiles().Select(profile => profile.Name);
}
