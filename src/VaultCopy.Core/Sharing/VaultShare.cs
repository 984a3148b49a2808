using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Sharing;

/// <summary>Whether a share is being granted to an account or withdrawn from it.</summary>
public enum ShareOperation
{
    Grant,
    Revoke,
}

/// <summary>
/// What sharing one resource with one account did: which permissions were added (Grant) or removed (Revoke). An empty
/// list means the resource was already in the wanted state and nothing was sent to AWS.
/// </summary>
public sealed class VaultShare : Resources.INamesBackup
{
    string Resources.INamesBackup.BackupIdOrArn => Arn;

    public required VaultResourceType Type { get; init; }

    /// <summary>The shared resource: snap-…, ami-…, or the RDS snapshot identifier.</summary>
    public required string Id { get; init; }

    public required string Arn { get; init; }

    public required string Region { get; init; }

    /// <summary>The account that owns the resource (the origin).</summary>
    public required string OwnerAccountId { get; init; }

    /// <summary>The account the resource is shared with (the vault), or withdrawn from.</summary>
    public required string AccountId { get; init; }

    public required ShareOperation Operation { get; init; }

    /// <summary>
    /// Permissions this run added: "createVolumePermission", "launchPermission",
    /// "snapshot snap-… createVolumePermission" (an AMI's backing snapshot), "restore".
    /// </summary>
    public IReadOnlyList<string> Added { get; init; } = [];

    /// <summary>Permissions this run removed, named like <see cref="Added"/>.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>True when this run created the share or completed a partial one; false when it was already there
    /// (and always false for Revoke).</summary>
    public bool New { get; init; }

    /// <summary>True when this run changed anything.</summary>
    public bool Changed => Added.Count > 0 || Removed.Count > 0;

    /// <summary>The accounts the resource itself is shared with after this run (for an AMI, its launch permission).</summary>
    public IReadOnlyList<string> SharedWith { get; init; } = [];

    public override string ToString() => $"{Type} {Id} {Operation} {AccountId}";
}
