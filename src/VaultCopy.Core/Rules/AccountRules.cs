using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Rules;

/// <summary>
/// The rule for the two accounts of a vault copy, asked by every command that takes both (shares, key access, copies,
/// the whole vault copy, posture): the vault is another account, in the origin's partition.
/// </summary>
internal static class AccountRules
{
    /// <summary>Why <paramref name="origin"/> and <paramref name="vault"/> cannot be the two ends of a vault copy, or null.</summary>
    public static VaultCopyException? CheckPair(VaultAccount origin, VaultAccount vault)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(vault);
        if (origin.AccountId == vault.AccountId)
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "SameAccount",
                $"-Source and -Destination are both account {origin.AccountId}: a vault copy goes from the origin to another account.",
                "Connect -Destination to the vault account (Connect-VaultAccount -SourceAccount $origin -RoleArn <vault role ARN>) and pass the origin as -Source.");
        }

        if (origin.Partition != vault.Partition)
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidConfiguration, "PartitionMismatch",
                $"The origin {origin.AccountId} is in partition {origin.Partition} and the vault {vault.AccountId} in {vault.Partition}; AWS shares backups and keys only within one partition.",
                "Use a vault account in the origin's partition.");
        }

        return null;
    }
}
