using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Sharing;

/// <summary>
/// Decides what sharing a resource with one account (or withdrawing it) takes, from the resource as its owner sees
/// it. Pure: no AWS calls, so every rule is testable on its own. Only an explicit account is ever named; anything
/// that would share publicly is refused before a request exists.
/// </summary>
public static class SharePlanner
{
    /// <summary>The EC2 group and RDS attribute value that mean "everyone".</summary>
    public const string Public = "all";

    /// <summary>RDS and Aurora manual snapshots can be shared with at most this many accounts.</summary>
    public const int MaxRdsSharedAccounts = 20;

    private const string ConvertRemediation = "Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key>";

    public static SharePlan PlanGrant(VaultResource resource, string ownerAccountId, string accountId)
    {
        ArgumentNullException.ThrowIfNull(resource);
        RequireShareTarget(resource, ownerAccountId, accountId);
        var warnings = new List<string>();
        if (resource.SharedWith.Contains(Public, StringComparer.Ordinal))
        {
            warnings.Add($"{resource.Id} is already public (shared with all). VaultCopy never shares publicly and leaves that as it is; withdraw it with the AWS console or AWS Tools if it was not intended.");
        }

        var changes = new List<ShareChange>();
        switch (resource.Type)
        {
            case VaultResourceType.EbsSnapshot:
                RequireCustomerKey(resource, resource);
                RequireReady(resource, resource, "completed");
                AddIfMissing(changes, resource, accountId, new ShareChange(SharePermission.SnapshotCreateVolume, resource.Id, "createVolumePermission"));
                break;
            case VaultResourceType.Ami:
                foreach (VaultResource snapshot in resource.BackingSnapshots)
                {
                    RequireCustomerKey(resource, snapshot);
                }

                RequireReady(resource, resource, "available");
                foreach (VaultResource snapshot in resource.BackingSnapshots)
                {
                    RequireReady(resource, snapshot, "completed");
                    AddIfMissing(changes, snapshot, accountId, BackingSnapshotChange(snapshot.Id));
                }

                AddIfMissing(changes, resource, accountId, new ShareChange(SharePermission.ImageLaunch, resource.Id, "launchPermission"));
                if (resource.BillingProducts.Count > 0)
                {
                    warnings.Add($"{resource.Id} carries the billing product {string.Join(", ", resource.BillingProducts)}: account {accountId} can launch it but AWS does not let another account copy it. Launch an instance from it and create a new AMI to vault it.");
                }

                break;
            default:
                if (!string.Equals(resource.SnapshotType, "manual", StringComparison.OrdinalIgnoreCase))
                {
                    throw new VaultCopyException(
                        VaultCopyErrorKind.InvalidState, "AutomatedSnapshotCannotBeShared",
                        $"{resource.Id} is an {resource.SnapshotType ?? "unknown"} snapshot; RDS shares manual snapshots only.",
                        $"Copy it to a manual snapshot under a customer managed key, then share the copy: {ConvertRemediation} (pipe {resource.Id} into it).");
                }

                RequireCustomerKey(resource, resource);
                RequireReady(resource, resource, "available");
                int accounts = resource.SharedWith.Count(v => v != Public);
                if (!resource.SharedWith.Contains(accountId, StringComparer.Ordinal) && accounts >= MaxRdsSharedAccounts)
                {
                    throw new VaultCopyException(
                        VaultCopyErrorKind.LimitExceeded, "ShareQuotaExceeded",
                        $"{resource.Id} is already shared with {accounts} accounts, the most RDS allows for one snapshot.",
                        $"Withdraw an account that no longer needs it (Revoke-VaultSnapshotAccess -Source $origin -Destination <that account>), then run this again.");
                }

                AddIfMissing(changes, resource, accountId, new ShareChange(RestorePermission(resource), resource.Id, "restore"));
                break;
        }

        return new SharePlan
        {
            Resource = resource,
            Operation = ShareOperation.Grant,
            AccountId = accountId,
            Changes = changes,
            Warnings = warnings,
            SharedWithAfter = resource.SharedWith.Contains(accountId, StringComparer.Ordinal) ? resource.SharedWith : [.. resource.SharedWith, accountId],
        };
    }

    public static SharePlan PlanRevoke(VaultResource resource, string ownerAccountId, string accountId)
    {
        ArgumentNullException.ThrowIfNull(resource);
        RequireShareTarget(resource, ownerAccountId, accountId);
        var warnings = new List<string>();
        var changes = new List<ShareChange>();
        switch (resource.Type)
        {
            case VaultResourceType.EbsSnapshot:
                RemoveIfPresent(changes, resource, accountId, new ShareChange(SharePermission.SnapshotCreateVolume, resource.Id, "createVolumePermission"));
                break;
            case VaultResourceType.Ami:
                RemoveIfPresent(changes, resource, accountId, new ShareChange(SharePermission.ImageLaunch, resource.Id, "launchPermission"));
                foreach (VaultResource snapshot in resource.BackingSnapshots)
                {
                    RemoveIfPresent(changes, snapshot, accountId, BackingSnapshotChange(snapshot.Id));
                }

                var groups = resource.SharedWith.Where(v => v.StartsWith("arn:", StringComparison.Ordinal)).ToList();
                if (groups.Count > 0)
                {
                    warnings.Add($"{resource.Id} is also shared with {string.Join(", ", groups)}; if account {accountId} belongs to it, it can still launch the AMI. VaultCopy leaves organization and OU shares alone.");
                }

                break;
            default:
                RemoveIfPresent(changes, resource, accountId, new ShareChange(RestorePermission(resource), resource.Id, "restore"));
                break;
        }

        if (resource.SharedWith.Contains(Public, StringComparer.Ordinal))
        {
            warnings.Add($"{resource.Id} is public (shared with all), so account {accountId} can still use it. VaultCopy does not change public shares.");
        }

        return new SharePlan
        {
            Resource = resource,
            Operation = ShareOperation.Revoke,
            AccountId = accountId,
            Changes = changes,
            Warnings = warnings,
            SharedWithAfter = resource.SharedWith.Where(v => v != accountId).ToList(),
        };
    }

    /// <summary>True for a 12-digit AWS account id — the only thing VaultCopy ever shares with.</summary>
    public static bool IsAccountId(string? value) => value is { Length: 12 } && value.All(char.IsAsciiDigit);

    private static ShareChange BackingSnapshotChange(string snapshotId) =>
        new(SharePermission.SnapshotCreateVolume, snapshotId, $"snapshot {snapshotId} createVolumePermission");

    private static SharePermission RestorePermission(VaultResource resource) =>
        resource.Type == VaultResourceType.AuroraClusterSnapshot ? SharePermission.ClusterSnapshotRestore : SharePermission.DbSnapshotRestore;

    private static void AddIfMissing(List<ShareChange> changes, VaultResource holder, string accountId, ShareChange change)
    {
        if (!holder.SharedWith.Contains(accountId, StringComparer.Ordinal))
        {
            changes.Add(change);
        }
    }

    private static void RemoveIfPresent(List<ShareChange> changes, VaultResource holder, string accountId, ShareChange change)
    {
        if (holder.SharedWith.Contains(accountId, StringComparer.Ordinal))
        {
            changes.Add(change);
        }
    }

    private static void RequireShareTarget(VaultResource resource, string ownerAccountId, string accountId)
    {
        if (string.Equals(accountId?.Trim(), Public, StringComparison.OrdinalIgnoreCase))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "PublicShareRefused",
                $"VaultCopy never shares {resource.Id} publicly (with all); it shares with one account at a time.",
                "Name the vault account: -Destination $vault (from Connect-VaultAccount).");
        }

        if (!IsAccountId(accountId))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidAccountId",
                $"'{accountId}' is not an AWS account id (12 digits), so {resource.Id} cannot be shared with it.",
                "Pass the vault account from Connect-VaultAccount as -Destination.");
        }

        if (resource.IsSharedWithMe || resource.AccountId != ownerAccountId)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "ResourceNotOwned",
                $"{resource.Id} belongs to account {resource.AccountId}, not to the source account {ownerAccountId}; only its owner can share it.",
                "Pass the owning account as -Source (Connect-VaultAccount with its credentials).");
        }

        if (accountId == ownerAccountId)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "ShareWithOwner",
                $"{resource.Id} already belongs to account {accountId}; an account cannot share with itself.",
                "Pass the vault account as -Destination and the origin as -Source.");
        }
    }

    private static void RequireCustomerKey(VaultResource resource, VaultResource encrypted)
    {
        if (encrypted.KeyManager != KeyManager.AwsManaged)
        {
            return;
        }

        string key = resource.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot ? "aws/rds" : "aws/ebs";
        string what = ReferenceEquals(resource, encrypted)
            ? $"{resource.Id} is encrypted with the AWS managed key {key}"
            : $"{resource.Id} is backed by {encrypted.Id}, which is encrypted with the AWS managed key {key}";
        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidState, "AwsManagedKeyCannotBeShared",
            $"{what}; AWS never lets another account use that key, so it cannot be shared.",
            $"Re-encrypt it under a customer managed key and share the copy: {ConvertRemediation} (pipe {resource.Id} into it).");
    }

    private static void RequireReady(VaultResource resource, VaultResource part, string ready)
    {
        if (string.Equals(part.State, ready, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        string what = ReferenceEquals(resource, part) ? resource.Id : $"{resource.Id} (its snapshot {part.Id})";
        bool waiting = part.State is "pending" or "creating" or "copying";
        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidState, "ResourceNotReady",
            $"{what} is {part.State}, not {ready}, so it cannot be shared {(waiting ? "yet" : "in this state")}.",
            waiting
                ? $"Wait until Get-VaultResource -Account $origin -Id {resource.Id} shows it {ready}, then run this again."
                : $"Share a backup that is {ready}; list them with Get-VaultResource -Account $origin.");
    }
}
