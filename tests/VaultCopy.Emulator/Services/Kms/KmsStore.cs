using System.Text.RegularExpressions;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>How an operation's KeyId parameter may name a key (each operation's KeyId documentation).</summary>
internal enum KeyReference
{
    /// <summary>Key ID or key ARN; an alias is refused with InvalidArnException.</summary>
    KeyOnly,

    /// <summary>Key ID, key ARN, alias name or alias ARN.</summary>
    KeyOrAlias,
}

/// <summary>
/// Finding keys: by key ID or alias name in the caller's account and Region, by key or alias ARN anywhere the
/// operation allows; AWS managed keys created on first use; keys whose deletion date has passed removed.
/// All members are called under <c>World.Sync</c>.
/// </summary>
internal static partial class KmsStore
{
    /// <summary>The predefined AWS aliases the emulator backs with an AWS managed key.</summary>
    public static IReadOnlyList<string> AwsManagedAliases { get; } = ["alias/aws/ebs", "alias/aws/rds"];

    public const string AwsAliasPrefix = "alias/aws/";

    public static KmsRegionState State(World world, string accountId, string region) =>
        world.FindAccount(accountId)?.Region(region).Kms
        ?? throw new InvalidOperationException($"Account {accountId} does not exist.");

    public static KmsRegionState? FindState(World world, string accountId, string region) =>
        world.FindAccount(accountId)?.Regions.GetValueOrDefault(region)?.Kms;

    public static string KeyArn(string partition, string region, string accountId, string keyId) =>
        $"arn:{partition}:kms:{region}:{accountId}:key/{keyId}";

    public static string AliasArn(string partition, string region, string accountId, string aliasName) =>
        $"arn:{partition}:kms:{region}:{accountId}:{aliasName}";

    public static bool IsKeyId(string value) => KeyIdPattern().IsMatch(value);

    public static string NewKeyId(bool multiRegion) =>
        multiRegion ? "mrk-" + Guid.NewGuid().ToString("N") : Guid.NewGuid().ToString();

    /// <summary>KMS deletes a key, its aliases and grants when the waiting period ends; the emulator does it lazily.</summary>
    public static void Purge(World world, DateTimeOffset now)
    {
        foreach (var account in world.Accounts.Values)
        {
            foreach (var region in account.Regions.Values)
            {
                var state = region.Kms;
                var expired = state.Keys.Values
                    .Where(k => k.KeyState == KmsKeyStates.PendingDeletion && k.DeletionDate is { } date && date <= now)
                    .Select(k => k.KeyId)
                    .ToList();
                foreach (string keyId in expired)
                {
                    state.Keys.Remove(keyId);
                    foreach (var alias in state.AliasesOf(keyId).ToList())
                    {
                        state.Aliases.Remove(alias.Name);
                    }
                }
            }
        }
    }

    public static KmsKey? FindByArn(World world, string keyArn)
    {
        if (!Arn.TryParse(keyArn, out var arn) || arn.Service != "kms" || !arn.Resource.StartsWith("key/", StringComparison.Ordinal))
        {
            return null;
        }

        return FindState(world, arn.Account, arn.Region)?.Keys.GetValueOrDefault(arn.Resource["key/".Length..]) is { } key
            && key.Arn == keyArn ? key : null;
    }

    /// <summary>
    /// The key <paramref name="keyId"/> names for <paramref name="call"/>, or the KMS error: NotFoundException for
    /// unknown keys and aliases (and for other accounts' keys when <paramref name="crossAccount"/> is false, or other
    /// Regions), InvalidArnException for an alias where only keys are accepted or a malformed ARN.
    /// <paramref name="createAwsManaged"/> lets a predefined AWS alias of the caller's account create its key (DescribeKey).
    /// Operations whose model lists no InvalidArnException (CreateAlias, the cryptographic ones) get NotFoundException
    /// "Invalid keyId" instead (<paramref name="invalidArnModelled"/> false).
    /// </summary>
    public static KmsKey Resolve(
        KmsCall call, string keyId, KeyReference reference, bool crossAccount, bool createAwsManaged = false, bool invalidArnModelled = true)
    {
        try
        {
            return ResolveCore(call, keyId, reference, crossAccount, createAwsManaged);
        }
        catch (AwsServiceException ex) when (!invalidArnModelled && ex.Code == "InvalidArnException")
        {
            throw KmsErrors.InvalidKeyId(keyId);
        }
    }

    private static KmsKey ResolveCore(KmsCall call, string keyId, KeyReference reference, bool crossAccount, bool createAwsManaged)
    {
        var caller = call.Caller;
        string partition = caller.Partition;
        if (keyId.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!Arn.TryParse(keyId, out var arn) || arn.Service != "kms" || arn.Partition != partition
                || !(arn.Resource.StartsWith("key/", StringComparison.Ordinal) || arn.Resource.StartsWith("alias/", StringComparison.Ordinal)))
            {
                throw KmsErrors.InvalidArn($"Invalid arn {keyId}");
            }

            bool foreign = arn.Account != caller.AccountId;
            if (arn.Resource.StartsWith("alias/", StringComparison.Ordinal))
            {
                if (reference == KeyReference.KeyOnly)
                {
                    throw KmsErrors.InvalidArn(KmsErrors.AliasesNotSupportedMessage);
                }

                if (arn.Region != call.Region || (foreign && !crossAccount))
                {
                    throw KmsErrors.AliasNotFound(keyId);
                }

                return FromAlias(call, arn.Account, arn.Resource, createAwsManaged && !foreign)
                    ?? throw KmsErrors.AliasNotFound(keyId);
            }

            string id = arn.Resource["key/".Length..];
            if (arn.Region != call.Region || (foreign && !crossAccount))
            {
                throw KmsErrors.KeyNotFound(keyId);
            }

            return FindState(call.World, arn.Account, arn.Region)?.Keys.GetValueOrDefault(id) ?? throw KmsErrors.KeyNotFound(keyId);
        }

        if (keyId.StartsWith("alias/", StringComparison.Ordinal))
        {
            if (reference == KeyReference.KeyOnly)
            {
                throw KmsErrors.InvalidArn(KmsErrors.AliasesNotSupportedMessage);
            }

            // An alias name always means the caller's own account and Region (aws-behaviour.md §4.3).
            return FromAlias(call, caller.AccountId, keyId, createAwsManaged)
                ?? throw KmsErrors.AliasNotFound(AliasArn(partition, call.Region, caller.AccountId, keyId));
        }

        if (!IsKeyId(keyId))
        {
            throw KmsErrors.InvalidKeyId(keyId);
        }

        return FindState(call.World, caller.AccountId, call.Region)?.Keys.GetValueOrDefault(keyId)
            ?? throw KmsErrors.KeyNotFound(KeyArn(partition, call.Region, caller.AccountId, keyId));
    }

    /// <summary>The AWS managed key behind <c>alias/aws/ebs</c> or <c>alias/aws/rds</c>, created (with its alias) on first use.</summary>
    public static KmsKey AwsManagedKey(World world, string accountId, string region, string aliasName, DateTimeOffset now)
    {
        if (!AwsManagedAliases.Contains(aliasName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"{aliasName} is not an AWS managed alias the emulator knows ({string.Join(", ", AwsManagedAliases)}).", nameof(aliasName));
        }

        var account = world.FindAccount(accountId) ?? throw new ArgumentException($"Account {accountId} does not exist.", nameof(accountId));
        var state = account.Region(region).Kms;
        if (state.Aliases.TryGetValue(aliasName, out var existing) && state.Keys.TryGetValue(existing.TargetKeyId, out var key))
        {
            return key;
        }

        string name = aliasName[AwsAliasPrefix.Length..];
        key = new KmsKey
        {
            KeyId = NewKeyId(multiRegion: false),
            AccountId = accountId,
            Region = region,
            Partition = account.Partition,
            CreationDate = now,
            IsAwsManaged = true,
            Description = name == "rds"
                ? "Default master key that protects my RDS database volumes when no other key is defined"
                : "Default master key that protects my EBS volumes when no other key is defined",
            Policy = KmsPolicies.AwsManaged(name, account.Partition, accountId, region),
        };
        state.Keys[key.KeyId] = key;
        state.Aliases[aliasName] = new KmsAlias { Name = aliasName, TargetKeyId = key.KeyId, CreationDate = now, LastUpdatedDate = now };
        return key;
    }

    private static KmsKey? FromAlias(KmsCall call, string accountId, string aliasName, bool createAwsManaged)
    {
        var state = FindState(call.World, accountId, call.Region);
        if (state?.Aliases.GetValueOrDefault(aliasName) is { } alias)
        {
            return state.Keys.GetValueOrDefault(alias.TargetKeyId);
        }

        return createAwsManaged && AwsManagedAliases.Contains(aliasName, StringComparer.Ordinal) && call.World.FindAccount(accountId) is not null
            ? AwsManagedKey(call.World, accountId, call.Region, aliasName, call.Now)
            : null;
    }

    [GeneratedRegex("^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")]
    private static partial Regex KeyIdPattern();
}
