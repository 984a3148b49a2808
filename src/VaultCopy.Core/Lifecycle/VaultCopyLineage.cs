using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Lifecycle;

/// <summary>
/// The one rule for acting on a copy after the fact (lock, delete): it must be in the connected vault account and
/// Region, owned by it, and carry VaultCopy's lineage (vaultcopy:purpose = vault) as AWS reports it now. A job given
/// by the caller is never trusted for that: the copy is read again.
/// </summary>
internal static class VaultCopyLineage
{
    public static bool IsVaultCopy(VaultResource resource) =>
        resource.Tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) && purpose == VaultCopier.Purpose
        && resource.Tags.ContainsKey(CopyNaming.SourceArnTag);

    public static async Task<VaultResource> ReadOwnCopyAsync(
        ResourceInventory inventory, VaultAccount vault, string region, VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (job.TargetId is null)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidState, "CopyNotStarted",
                $"The copy of {job.SourceId} was never started, so there is no copy to act on.",
                "Run the copy (Copy-VaultSnapshot or Copy-VaultImage) and pass its output, or list the vault with Get-VaultCopy.");
        }

        if (OfAnotherVault(job, vault, region) is VaultCopyException foreign)
        {
            throw foreign;
        }

        return await ReadOwnCopyAsync(inventory, vault, job.TargetArn ?? job.TargetId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The copy named by id or ARN, as a job, when it is one of VaultCopy's in the vault.</summary>
    public static async Task<VaultCopyJob> FindOwnCopyAsync(ResourceInventory inventory, VaultAccount vault, string idOrArn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrArn);
        return VaultCopyCatalog.ToJob(await ReadOwnCopyAsync(inventory, vault, idOrArn.Trim(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<VaultResource> ReadOwnCopyAsync(ResourceInventory inventory, VaultAccount vault, string idOrArn, CancellationToken cancellationToken)
    {
        VaultResource copy = await inventory.GetAsync(idOrArn, vault.AccountId, "the vault (-Destination)", cancellationToken).ConfigureAwait(false);
        if (copy.AccountId != vault.AccountId || !IsVaultCopy(copy))
        {
            throw NotAVaultCopy(copy.Id, vault.AccountId);
        }

        return copy;
    }

    /// <summary>Why a job's copy is not the connected vault's (another account or Region); null when it is.</summary>
    public static VaultCopyException? OfAnotherVault(VaultCopyJob job, VaultAccount vault, string region) =>
        job.TargetAccountId != vault.AccountId || !string.Equals(job.TargetRegion, region, StringComparison.Ordinal)
            ? new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "CopyOfAnotherVault",
                $"{job.TargetId} is in account {job.TargetAccountId} ({job.TargetRegion}), not in the connected vault {vault.AccountId} ({region}).",
                $"Connect to account {job.TargetAccountId} (Connect-VaultAccount) and pass it as -Destination, with -Region {job.TargetRegion}.")
            : null;

    public static VaultCopyException NotAVaultCopy(string id, string accountId) => new(
        VaultCopyErrorKind.InvalidArgument, "NotAVaultCopy",
        $"{id} in account {accountId} does not carry VaultCopy's lineage tags (vaultcopy:purpose = vault), so VaultCopy leaves it alone.",
        "VaultCopy locks and deletes only the copies it made; list them with Get-VaultCopy. Manage other resources with the AWS tools.");
}
