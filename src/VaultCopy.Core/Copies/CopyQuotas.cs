using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>
/// How many copies of each type may be in flight into one destination Region at once. The defaults are AWS's
/// (aws-behaviour.md §8): 20 EBS snapshot copies (not adjustable), 300 AMI copies, 20 RDS snapshot copies and 5
/// Aurora cluster snapshot copies. Lower them to leave room for other copy tools in the same account.
/// </summary>
public sealed class CopyQuotas
{
    public static CopyQuotas Default { get; } = new();

    public int EbsSnapshots { get; init; } = 20;

    public int Images { get; init; } = 300;

    public int RdsSnapshots { get; init; } = 20;

    public int AuroraClusterSnapshots { get; init; } = 5;

    public int For(VaultResourceType type) => type switch
    {
        VaultResourceType.EbsSnapshot => EbsSnapshots,
        VaultResourceType.Ami => Images,
        VaultResourceType.RdsSnapshot => RdsSnapshots,
        VaultResourceType.AuroraClusterSnapshot => AuroraClusterSnapshots,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
