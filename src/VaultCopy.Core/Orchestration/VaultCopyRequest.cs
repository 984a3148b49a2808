using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Orchestration;

/// <summary>What Invoke-VaultCopy and Get-VaultCopyPlan were asked: which backups of which origins go to which vault Regions.</summary>
public sealed class VaultCopyRequest
{
    /// <summary>A key for every Region (an alias present in each): the key of <see cref="KmsKeyIds"/> under this name.</summary>
    public const string EveryRegion = "*";

    /// <summary>The origin accounts, each read in the Region it was connected in.</summary>
    public required IReadOnlyList<VaultAccount> Origins { get; init; }

    public required VaultAccount Vault { get; init; }

    /// <summary>The vault Regions the copies go to; empty: the vault's own Region.</summary>
    public IReadOnlyList<string> DestinationRegions { get; init; } = [];

    /// <summary>The vault key per destination Region, or one under <see cref="EveryRegion"/> for all of them.</summary>
    public required IReadOnlyDictionary<string, string> KmsKeyIds { get; init; }

    /// <summary>A customer managed key of each origin (an alias present in each) for default-key and automated backups.</summary>
    public string? ConvertKeyId { get; init; }

    /// <summary>Make the key-policy and IAM changes the plan needs.</summary>
    public bool GrantKeyAccess { get; init; }

    /// <summary>Leave the shares in place once the copies are verified.</summary>
    public bool KeepShares { get; init; }

    /// <summary>Which backups (types, tags, creation dates); ignored for backups named in <see cref="Ids"/> except the type.</summary>
    public ResourceQuery Query { get; init; } = new();

    /// <summary>Backups by id or ARN; empty: every backup the query selects.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    public IReadOnlyList<string> Regions => DestinationRegions.Count > 0 ? DestinationRegions.Distinct(StringComparer.Ordinal).ToList() : [Vault.Region];

    /// <summary>The same command always names the same journal: origins, vault and Regions, whatever their order.</summary>
    public string JournalKey =>
        $"{string.Join('+', Origins.Select(o => o.AccountId).Distinct().Order(StringComparer.Ordinal))}-to-{Vault.AccountId}-{string.Join('+', Regions.Order(StringComparer.Ordinal))}";
}

/// <summary>How the run goes: deadline, quotas, polling, journal, and the hook after verification.</summary>
public sealed class VaultCopyRunOptions
{
    /// <summary>Stop cleanly after this long: what is not finished is Pending, and the next run continues it.</summary>
    public TimeSpan? Timeout { get; init; }

    public CopyQuotas Quotas { get; init; } = CopyQuotas.Default;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where the journal is written (JSON lines); null: no journal (the lineage tags still let a rerun resume).</summary>
    public string? JournalPath { get; init; }

    /// <summary>
    /// Called once per backup that ends Vaulted or AlreadyVaulted, after its copies were verified and before its
    /// outcome is returned: the place for what follows a verified vault copy (locking, retention).
    /// </summary>
    public Func<VaultCopyOutcome, CancellationToken, Task>? AfterVerified { get; init; }
}
