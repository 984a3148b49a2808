using System.Management.Automation;
using VaultCopy.Core.Accounts;

namespace VaultCopy.Commands;

/// <summary>
/// -Region, -SourceRegion and -DestinationRegion: a name that cannot be a Region is refused while binding, with the
/// parameter named, instead of being sent to AWS (where it fails as a signature or access key error, far from the cause).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class ValidateRegionNameAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        string? region = (element is PSObject wrapped ? wrapped.BaseObject : element) as string;
        if (!RegionName.IsValid(region))
        {
            throw new ValidationMetadataException($"{RegionName.Describe(region ?? string.Empty)} {RegionName.Remediation}");
        }
    }
}
