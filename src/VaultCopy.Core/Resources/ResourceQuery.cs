namespace VaultCopy.Core.Resources;

/// <summary>Which backups to list. Empty collections mean "no restriction".</summary>
public sealed class ResourceQuery
{
    public IReadOnlyCollection<VaultResourceType> Types { get; init; } = [];

    /// <summary>Tag key to required value; a null value only requires the key.</summary>
    public IReadOnlyDictionary<string, string?> Tags { get; init; } = new Dictionary<string, string?>();

    public DateTime? CreatedAfter { get; init; }

    public DateTime? CreatedBefore { get; init; }

    /// <summary>Also list resources other accounts shared with this one.</summary>
    public bool IncludeShared { get; init; }

    /// <summary>
    /// Read EC2 shares only as "shared with this account or not", with one filtered describe per type
    /// (RestorableByUserIds, ExecutableUsers) instead of one attribute call per snapshot and AMI. Null reads every
    /// share of every resource (what a caller listing all shares needs).
    /// </summary>
    public string? SharesWithAccountId { get; init; }

    /// <summary>False: read no shares at all (SharedWith stays empty) — for listings that never look at them.</summary>
    public bool ReadShares { get; init; } = true;

    public bool Wants(VaultResourceType type) => Types.Count == 0 || Types.Contains(type);

    public bool Matches(VaultResource resource)
    {
        if (!Wants(resource.Type) || (!IncludeShared && resource.IsSharedWithMe))
        {
            return false;
        }

        if (CreatedAfter is DateTime after && (resource.CreationTime is null || resource.CreationTime < after.ToUniversalTime()))
        {
            return false;
        }

        if (CreatedBefore is DateTime before && (resource.CreationTime is null || resource.CreationTime > before.ToUniversalTime()))
        {
            return false;
        }

        foreach (KeyValuePair<string, string?> tag in Tags)
        {
            if (!resource.Tags.TryGetValue(tag.Key, out string? value) || (tag.Value is not null && value != tag.Value))
            {
                return false;
            }
        }

        return true;
    }
}
