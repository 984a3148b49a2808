namespace VaultCopy.Core.Preflight;

/// <summary>The stable names of the preflight checks (<see cref="VaultPrereqResult.Check"/>), for scripts to filter on.</summary>
public static class PrereqChecks
{
    public const string AccountReachable = "AccountReachable";
    public const string DistinctAccounts = "DistinctAccounts";
    public const string SamePartition = "SamePartition";
    public const string Regions = "Regions";
    public const string DestinationKey = "DestinationKey";
    public const string DestinationKeyPolicy = "DestinationKeyPolicy";
    public const string DestinationKeyIdentityPolicy = "DestinationKeyIdentityPolicy";
    public const string ResourceState = "ResourceState";
    public const string ManualSnapshot = "ManualSnapshot";
    public const string BillingProduct = "BillingProduct";
    public const string Encryption = "Encryption";
    public const string SourceKeyState = "SourceKeyState";
    public const string SourceKeyPolicy = "SourceKeyPolicy";
    public const string DestinationIdentityPolicy = "DestinationIdentityPolicy";
    public const string SourceCanShare = "SourceCanShare";
    public const string DestinationCanCopy = "DestinationCanCopy";
    public const string SharedAccountsQuota = "SharedAccountsQuota";
    public const string ManualSnapshotQuota = "ManualSnapshotQuota";
    public const string ConcurrentCopyQuota = "ConcurrentCopyQuota";

    /// <summary>Stands for every check that could not run because an account is unreachable.</summary>
    public const string RemainingChecks = "RemainingChecks";
}

/// <summary>The AWS default quotas the preflight measures against (aws-behaviour.md §9 rules 9 and 10).</summary>
public static class PrereqQuotas
{
    /// <summary>Manual DB snapshots, and separately manual cluster snapshots, per account and Region.</summary>
    public const int RdsManualSnapshots = 100;

    /// <summary>A Warning once the manual snapshots would pass this share of the quota.</summary>
    public const double NearlyFull = 0.9;
}
