using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Sharing;

/// <summary>The permission one change touches; each maps to exactly one AWS call.</summary>
public enum SharePermission
{
    /// <summary>EC2 ModifySnapshotAttribute createVolumePermission.</summary>
    SnapshotCreateVolume,

    /// <summary>EC2 ModifyImageAttribute launchPermission.</summary>
    ImageLaunch,

    /// <summary>RDS ModifyDBSnapshotAttribute restore.</summary>
    DbSnapshotRestore,

    /// <summary>RDS ModifyDBClusterSnapshotAttribute restore.</summary>
    ClusterSnapshotRestore,
}

/// <summary>One permission to add or remove for the account, on the resource or on one of an AMI's snapshots.</summary>
/// <param name="Permission">Which permission (and so which call).</param>
/// <param name="ResourceId">The snapshot, image or RDS identifier the call names.</param>
/// <param name="Label">How the change is reported: "createVolumePermission", "snapshot snap-… createVolumePermission"…</param>
public sealed record ShareChange(SharePermission Permission, string ResourceId, string Label);

/// <summary>
/// What granting or revoking one resource for one account would change, decided from the resource as the owner sees
/// it. Empty <see cref="Changes"/> means it is already as wanted.
/// </summary>
public sealed class SharePlan
{
    public required VaultResource Resource { get; init; }

    public required ShareOperation Operation { get; init; }

    /// <summary>The account to share with or withdraw from; always a 12-digit account id, never "all".</summary>
    public required string AccountId { get; init; }

    /// <summary>In the order they must run: for an AMI grant the snapshots come before the launch permission, so the
    /// vault never sees an AMI it cannot copy; a revoke withdraws the launch permission first.</summary>
    public IReadOnlyList<ShareChange> Changes { get; init; } = [];

    /// <summary>Things the user should know that do not stop the share (a public resource, an organization share…).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The resource's own share list once the changes are made.</summary>
    public IReadOnlyList<string> SharedWithAfter { get; init; } = [];

    public bool IsNoOp => Changes.Count == 0;

    /// <summary>What ShouldProcess names as the target.</summary>
    public string Target => $"{Resource.Type} {Resource.Id} in account {Resource.AccountId} ({Resource.Region})";

    /// <summary>What ShouldProcess names as the action, listing every change.</summary>
    public string Action => Operation == ShareOperation.Grant
        ? $"Share with account {AccountId}: add {string.Join(", ", Changes.Select(c => c.Label))}"
        : $"Withdraw the share with account {AccountId}: remove {string.Join(", ", Changes.Select(c => c.Label))}";
}
