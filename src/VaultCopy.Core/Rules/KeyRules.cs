using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.KeyAccess;

namespace VaultCopy.Core.Rules;

/// <summary>The account (and its principal) a key must belong to, and the Region it must live in.</summary>
internal sealed record KeyOwner(string AccountId, string Region, string PrincipalArn)
{
    public static KeyOwner Of(VaultAccount account, string? region = null) => new(account.AccountId, region ?? account.Region, account.PrincipalArn);
}

/// <summary>
/// Every rule about KMS keys, one per use (<see cref="KeyUse"/>). The preflight, the copy, the conversion and the
/// key-access edits all ask here, so a key one of them refuses the others refuse with the same words. Rules come in
/// two steps: <see cref="RefuseByName"/> before any call (an <c>alias/aws/…</c> name is refused there, because
/// DescribeKey on it would create the AWS managed key), and <see cref="Check"/> once KMS described the key.
/// </summary>
internal static class KeyRules
{
    private const string SourceVariable = "$origin";
    private const string DestinationVariable = "$vault";

    /// <summary>alias/aws/… or an alias ARN of one: the AWS managed keys, which exist only once something uses them.</summary>
    public static bool IsAwsManagedAlias(string keyId) =>
        keyId.StartsWith("alias/aws/", StringComparison.Ordinal)
        || (Arn.TryParse(keyId, out Arn arn) && arn.Service == "kms" && arn.Resource.StartsWith("alias/aws/", StringComparison.Ordinal));

    /// <summary>The shapes KMS reads as a key id or an alias name (besides ARNs); anything else it could only refuse.</summary>
    private static bool IsKeyIdOrAliasName(string keyId) => keyId.StartsWith("alias/", StringComparison.Ordinal)
        ? keyId.Length is > 6 and <= 256 && keyId.Skip(6).All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-')
        : keyId.Length <= 2048 && keyId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>What the name alone rules out for <paramref name="use"/>, before anything is asked of AWS.</summary>
    public static VaultCopyException? RefuseByName(string keyId, KeyUse use, KeyOwner owner, bool keepSourceKey = false)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KeyIdEmpty", $"The {Role(use)} key id is empty.", Hint(use, owner));
        }

        if (IsAwsManagedAlias(keyId))
        {
            return AwsManaged(keyId, null, use, owner);
        }

        if (!keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return IsKeyIdOrAliasName(keyId) ? null : new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "InvalidKeyId",
                $"'{keyId}' is not a KMS key id or alias name: a key id is a UUID (or mrk-…), an alias is alias/ followed by up to 250 letters, digits, '/', '_' or '-', and KMS matches names exactly (no wildcards).",
                use == KeyUse.PolicyEditSource
                    ? $"Pass -KeyId with a key id, alias/<name> or key ARN of account {owner.AccountId} (aws kms list-aliases --region {owner.Region})."
                    : Hint(use, owner));
        }

        if (!Arn.TryParse(keyId, out Arn arn) || arn.Service != "kms" || arn.ResourceType is not ("key" or "alias"))
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "InvalidKeyArn", $"'{keyId}' is not a KMS key or alias ARN.",
                "Pass a key id, alias/<name>, or an ARN such as arn:aws:kms:<region>:<account>:key/<key id>.");
        }

        if (arn.Partition != RegionName.PartitionOf(owner.Region))
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KeyOfOtherPartition",
                $"'{keyId}' is a key of partition {arn.Partition}, but the {Role(use)} key must be in partition {RegionName.PartitionOf(owner.Region)} (account {owner.AccountId}, {owner.Region}): KMS keys are never used across partitions.",
                Hint(use, owner));
        }

        if (arn.AccountId != owner.AccountId && !(use == KeyUse.VaultCopy && keepSourceKey))
        {
            return OtherAccount(keyId, arn.AccountId, use, owner);
        }

        return arn.Region != owner.Region && use is KeyUse.VaultCopy or KeyUse.ConversionTarget ? OtherRegion(keyId, arn.Region, use, owner) : null;
    }

    /// <summary>
    /// What DescribeKey's answer rules out for a key VaultCopy encrypts under (<see cref="KeyUse.VaultCopy"/>,
    /// <see cref="KeyUse.ConversionTarget"/>): a customer managed, enabled, symmetric key of the owner in its Region.
    /// A null <paramref name="key"/> means KMS did not find it or would not let the principal describe it.
    /// </summary>
    public static VaultCopyException? Check(string keyId, KmsKey? key, KeyUse use, KeyOwner owner, bool keepSourceKey = false)
    {
        if (key is null)
        {
            return NotFound(keyId, use, owner);
        }

        if (key.IsAwsManaged)
        {
            return AwsManaged(keyId, key, use, owner);
        }

        if (key.AccountId != owner.AccountId && !(use == KeyUse.VaultCopy && keepSourceKey))
        {
            return OtherAccount(key.Arn, key.AccountId, use, owner);
        }

        if (key.Region != owner.Region)
        {
            return OtherRegion(key.Arn, key.Region, use, owner);
        }

        if (NotEnabled(key) is VaultCopyException notEnabled)
        {
            return notEnabled;
        }

        if (key.KeySpec != "SYMMETRIC_DEFAULT")
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KmsKeyNotSymmetric",
                $"KMS key {key.Arn} is a {key.KeySpec} key: EBS and RDS encrypt only under symmetric keys (SYMMETRIC_DEFAULT).", Hint(use, owner));
        }

        return null;
    }

    /// <summary>
    /// The key a finished copy is encrypted under (<see cref="KeyUse.VaultCopy"/>, <see cref="KeyUse.ConversionTarget"/>),
    /// as verification looks at it again: it must still be there and enabled — disabled or pending deletion, the copy
    /// cannot be read (and is lost once the key is deleted). What the copy was made under is not judged again.
    /// </summary>
    public static VaultCopyException? CheckCopyKey(string keyArn, KmsKey? key, KeyUse use, KeyOwner owner) =>
        key is null ? NotFound(keyArn, use, owner) : NotEnabled(key);

    /// <summary>
    /// The state of a key a source is encrypted under (<see cref="KeyUse.SourceKey"/>): null when usable, else why
    /// nothing under it can be shared or copied. <paramref name="key"/> is null when the origin may not describe it.
    /// </summary>
    public static Finding SourceKeyState(string keyArn, KmsKey? key, string usedBy, KeyOwner owner) => key?.KeyState switch
    {
        null => Finding.Warn("SourceKeyUnknown",
            $"Account {owner.AccountId} may not describe {keyArn} (used by {usedBy}), so its state is unknown.",
            $"Allow kms:DescribeKey on the key for {owner.PrincipalArn}."),
        "Enabled" => Finding.Pass($"{keyArn} (used by {usedBy}) is enabled."),
        "Disabled" => Finding.Fail(VaultCopyErrorKind.InvalidState, "SourceKeyDisabled",
            $"{keyArn} is disabled: nothing encrypted under it ({usedBy}) can be decrypted, shared or copied.",
            $"Enable the key in account {owner.AccountId}: Enable-KMSKey -KeyId {keyArn} (AWS Tools) or aws kms enable-key --key-id {keyArn}."),
        "PendingDeletion" => Finding.Fail(VaultCopyErrorKind.InvalidState, "SourceKeyPendingDeletion",
            $"{keyArn} is scheduled for deletion: {usedBy} will become unreadable, and nothing under it can be copied now.",
            $"Cancel the deletion and enable the key: aws kms cancel-key-deletion --key-id {keyArn}, then aws kms enable-key --key-id {keyArn}."),
        string state => Finding.Fail(VaultCopyErrorKind.InvalidState, "SourceKeyNotEnabled",
            $"{keyArn} is {state}: it cannot be used to decrypt {usedBy}.",
            "Make the key Enabled in KMS, then run the preflight again."),
    };

    /// <summary>
    /// A key whose policy Grant/Revoke-VaultKeyAccess would edit (<see cref="KeyUse.PolicyEditSource"/>,
    /// <see cref="KeyUse.PolicyEditVault"/>): an AWS managed key or another account's is refused, and so is granting
    /// on a key pending deletion; a key that is merely not enabled gets a warning. Revoking works in any state.
    /// </summary>
    public static VaultCopyException? CheckPolicyEdit(string keyId, KmsKey key, KeyUse use, KeyOwner owner, KeyAccessOperation operation, List<string> warnings)
    {
        if (key.IsAwsManaged)
        {
            return AwsManaged(keyId, key, use, owner, operation);
        }

        if (key.AccountId != owner.AccountId)
        {
            return OtherAccount(keyId, key.AccountId, use, owner);
        }

        if (operation == KeyAccessOperation.Revoke)
        {
            // Taking access away is right whatever state the key is in.
            return null;
        }

        string role = use == KeyUse.PolicyEditSource ? "source" : "vault";
        switch (key.KeyState)
        {
            case "Enabled":
                return null;
            case "PendingDeletion" or "PendingReplicaDeletion":
                return new VaultCopyException(
                    VaultCopyErrorKind.InvalidState, "KeyPendingDeletion",
                    $"The {role} key {key.Arn} is scheduled for deletion: access to it would be useless, and backups under it are about to become unreadable. Nothing was changed.",
                    $"Cancel the deletion first (AWS Tools: Stop-KMSKeyDeletion -KeyId {key.Arn}; then Enable-KMSKey -KeyId {key.Arn}), or use another key.");
            case "Disabled":
                warnings.Add($"The {role} key {key.Arn} is disabled: access is granted, but copies fail until it is enabled (AWS Tools: Enable-KMSKey -KeyId {key.Arn}).");
                return null;
            default:
                warnings.Add($"The {role} key {key.Arn} is in state {key.KeyState}: copies fail until it is Enabled.");
                return null;
        }
    }

    /// <summary>The key a KMS key of another account stands for when the user asked to keep it (-KeepSourceKey): known by its ARN only.</summary>
    public static KmsKey ByArnOnly(string keyArn)
    {
        Arn arn = Arn.ParseOrNull(keyArn) ?? throw new ArgumentException($"'{keyArn}' is not an ARN.", nameof(keyArn));
        return new KmsKey { RequestedAs = keyArn, Arn = keyArn, KeyId = arn.ResourceName, AccountId = arn.AccountId, Region = arn.Region };
    }

    private static VaultCopyException NotFound(string keyId, KeyUse use, KeyOwner owner) =>
        new(VaultCopyErrorKind.InvalidArgument, "KmsKeyNotFound",
            $"KMS key '{keyId}' was not found in {Scope(use, owner)} ({owner.Region}), or {owner.PrincipalArn} may not describe it.",
            use == KeyUse.VaultCopy
                ? $"Check the key id or alias in the vault (aws kms list-aliases --region {owner.Region}). If it exists, let the vault principal use it: Grant-VaultKeyAccess -Source {SourceVariable} -Destination {DestinationVariable} -KeyId <origin key> -KmsKeyId {keyId}"
                : Hint(use, owner));

    /// <summary>A key EBS and RDS can neither encrypt nor decrypt under: disabled, pending deletion, or any state but Enabled.</summary>
    private static VaultCopyException? NotEnabled(KmsKey key) => key.Enabled && key.KeyState == "Enabled"
        ? null
        : new VaultCopyException(VaultCopyErrorKind.InvalidState, "KmsKeyNotEnabled",
            key.KeyState == "PendingDeletion"
                ? $"KMS key {key.Arn} is PendingDeletion: EBS and RDS cannot encrypt under it or decrypt what is encrypted under it, and once it is deleted nothing under it can ever be read again."
                : $"KMS key {key.Arn} is {key.KeyState}: EBS and RDS cannot encrypt under it or decrypt what is encrypted under it.",
            key.KeyState == "PendingDeletion"
                ? $"Cancel the deletion and enable the key: aws kms cancel-key-deletion --key-id {key.Arn}, then aws kms enable-key --key-id {key.Arn}."
                : $"Enable the key: Enable-KMSKey -KeyId {key.Arn} (AWS Tools) or aws kms enable-key --key-id {key.Arn}.");

    private static VaultCopyException AwsManaged(string keyId, KmsKey? key, KeyUse use, KeyOwner owner, KeyAccessOperation operation = KeyAccessOperation.Grant)
    {
        string named = key is null ? keyId : $"{keyId} ({key.Arn})";
        return use switch
        {
            KeyUse.VaultCopy => new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "AwsManagedKeyRefused",
                $"{named} is an AWS managed key: the vault copies must be under a customer managed key that the vault controls.", Hint(use, owner)),
            KeyUse.ConversionTarget => new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "AwsManagedKeyRefused",
                $"'{keyId}' is the AWS managed key {key?.Arn ?? keyId}. Resources under an AWS managed key can never be shared with another account, and making them shareable is what the conversion is for.",
                Hint(use, owner)),
            KeyUse.PolicyEditSource when operation == KeyAccessOperation.Grant => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "AwsManagedKey",
                $"The source key '{named}' is an AWS managed key (aws/ebs, aws/rds): AWS owns its policy, which only ever serves its own account, so no other account can be given access to it. Nothing was changed.",
                "Re-encrypt the backups under a customer managed key first: Convert-VaultSnapshotKey -KmsKeyId <a customer managed key>."),
            _ => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "AwsManagedKey",
                $"The {(use == KeyUse.PolicyEditSource ? "source" : "vault")} key '{named}' is an AWS managed key: its policy cannot be changed, so VaultCopy never granted anything on it. Nothing was changed.",
                use == KeyUse.PolicyEditSource ? null : Hint(use, owner)),
        };
    }

    private static VaultCopyException OtherAccount(string keyId, string keyAccount, KeyUse use, KeyOwner owner) => use switch
    {
        KeyUse.VaultCopy => new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KeyOutsideVault",
            $"KMS key {keyId} belongs to account {keyAccount}, not to the vault account {owner.AccountId}: copies under it would still depend on account {keyAccount}, which defeats the vault.",
            Hint(use, owner) + " Add -KeepSourceKey to the copy only if the copies are meant to stay on that key."),
        KeyUse.ConversionTarget => new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KeyOfAnotherAccount",
            $"KMS key {keyId} belongs to account {keyAccount}; the conversion re-encrypts under a key of account {owner.AccountId} itself, which keeps control of its copies.",
            Hint(use, owner)),
        _ => new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "KeyOfAnotherAccount",
            $"The {Role(use)} key '{keyId}' belongs to account {keyAccount}, not to the {Role(use)} account {owner.AccountId}: only the key's own account can change its policy.",
            use == KeyUse.PolicyEditSource
                ? $"Connect -Source to account {keyAccount} (Connect-VaultAccount) and run the command again, or pass a key of account {owner.AccountId}."
                : Hint(use, owner)),
    };

    private static VaultCopyException OtherRegion(string keyId, string keyRegion, KeyUse use, KeyOwner owner) =>
        new(VaultCopyErrorKind.InvalidArgument, "KeyInOtherRegion",
            $"KMS key {keyId} lives in {keyRegion}, but the {(use == KeyUse.VaultCopy ? "copies are made" : "resources are converted")} in {owner.Region}: KMS keys are Regional.",
            Hint(use, owner));

    private static string Role(KeyUse use) => use is KeyUse.PolicyEditSource or KeyUse.SourceKey ? "source" : "vault";

    private static string Scope(KeyUse use, KeyOwner owner) =>
        use is KeyUse.VaultCopy or KeyUse.PolicyEditVault ? $"the vault account {owner.AccountId}" : $"account {owner.AccountId}";

    private static string Hint(KeyUse use, KeyOwner owner) => use switch
    {
        KeyUse.ConversionTarget => $"Pass the id, ARN or alias (alias/name) of a customer managed key of account {owner.AccountId} in {owner.Region}.",
        _ => $"Pass -KmsKeyId with the id, ARN or alias (alias/name) of a customer managed key of the vault account {owner.AccountId} in {owner.Region}.",
    };
}
