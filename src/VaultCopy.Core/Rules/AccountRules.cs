using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Rules;

/// <summary>
/// What the two accounts of a vault copy must be: two accounts, in one partition. The preflight shows these findings;
/// every command that takes both accounts (shares, key access, copies, the whole vault copy, posture) refuses a pair
/// that fails them, with the same words.
/// </summary>
internal static class AccountRules
{
    private const string OriginVariable = "$origin";
    private const string VaultVariable = "$vault";

    public static Finding DistinctAccounts(VaultAccount origin, VaultAccount vault) =>
        origin.AccountId == vault.AccountId
            ? Finding.Fail(VaultCopyErrorKind.InvalidArgument, "SameAccount",
                $"-Source and -Destination are the same account ({origin.AccountId}): a vault copy must leave the account it protects.",
                $"Connect -Destination to the vault account: {VaultVariable} = Connect-VaultAccount -SourceAccount {OriginVariable} -RoleArn <vault role ARN>")
            : Finding.Pass($"The origin {origin.AccountId} and the vault {vault.AccountId} are different accounts.");

    public static Finding SamePartition(VaultAccount origin, VaultAccount vault) =>
        origin.Partition == vault.Partition
            ? Finding.Pass($"Both accounts are in the {origin.Partition} partition.")
            : Finding.Fail(VaultCopyErrorKind.InvalidConfiguration, "PartitionMismatch",
                $"The origin {origin.AccountId} is in the {origin.Partition} partition and the vault {vault.AccountId} in {vault.Partition}: backups and KMS keys cannot be shared across partitions.",
                "Use a vault account in the origin's partition.");

    /// <summary>The first rule this pair fails, as the refusal of a command that takes both accounts; null when none.</summary>
    public static VaultCopyException? CheckPair(VaultAccount origin, VaultAccount vault)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(vault);
        return new[] { DistinctAccounts(origin, vault), SamePartition(origin, vault) }.FirstOrDefault(f => f.Failed)?.ToException();
    }
}
