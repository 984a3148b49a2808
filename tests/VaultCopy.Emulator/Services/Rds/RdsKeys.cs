using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>How RDS reaches KMS: only through <see cref="ServiceRegistry.KeyAccess"/> (Services/ServiceKeyAccess.cs).</summary>
internal static class RdsKeys
{
    /// <summary>The AWS managed key alias name RDS encrypts with by default.</summary>
    public const string AwsManagedAlias = "aws/rds";

    /// <summary>The service principal RDS calls KMS as, which key policies match with kms:ViaService.</summary>
    public static string ViaService(string region) => $"rds.{region}.amazonaws.com";

    /// <summary>
    /// Resolves a fixture's key reference (alias, key id, ARN, or the AWS managed key) in the snapshot owner's account
    /// and Region, the way RDS resolved it when the snapshot was made. False when KMS is not registered or the key is
    /// unknown; <paramref name="problem"/> then says why.
    /// </summary>
    public static bool TryResolvePending(World world, RdsSnapshot snapshot, out string? problem)
    {
        problem = null;
        if (snapshot.PendingKeyReference is null && !snapshot.PendingAwsManagedKey)
        {
            return true;
        }

        if (ServiceRegistry.KeyAccess is not { } kms)
        {
            problem = "no KMS plug-in is registered to resolve the key";
            return false;
        }

        ServiceKey? key;
        if (snapshot.PendingAwsManagedKey)
        {
            key = kms.AwsManagedKey(world, snapshot.AccountId, snapshot.Region, AwsManagedAlias);
        }
        else if (world.FindAccount(snapshot.AccountId) is { } owner)
        {
            key = kms.Resolve(world, OwnerRoot(owner), snapshot.PendingKeyReference!, snapshot.Region);
        }
        else
        {
            key = null;
        }

        if (key is null || !string.Equals(key.Region, snapshot.Region, StringComparison.Ordinal))
        {
            problem = $"no KMS key '{snapshot.PendingKeyReference}' in account {snapshot.AccountId}, Region {snapshot.Region}";
            return false;
        }

        snapshot.KmsKeyArn = key.Arn;
        snapshot.KmsKeyIsAwsManaged = key.IsAwsManaged;
        snapshot.PendingKeyReference = null;
        snapshot.PendingAwsManagedKey = false;
        return true;
    }

    /// <summary>Key references of fixture snapshots become ARNs before any operation looks at them.</summary>
    public static void ResolvePending(World world, RdsSnapshot snapshot)
    {
        if (!TryResolvePending(world, snapshot, out string? problem))
        {
            throw new AwsServiceException("InternalFailure", $"The emulator cannot resolve the KMS key of {snapshot.Arn}: {problem}.", 500, senderFault: false);
        }
    }

    /// <summary>The KmsKeyId to show: the ARN, or while KMS is absent the reference the fixture gave.</summary>
    public static string? Display(RdsSnapshot snapshot) =>
        snapshot.KmsKeyArn ?? snapshot.PendingKeyReference ?? (snapshot.PendingAwsManagedKey ? "alias/" + AwsManagedAlias : null);

    /// <summary>The KMS plug-in, which every encrypted copy needs.</summary>
    public static IServiceKeyAccess Required() => ServiceRegistry.KeyAccess
        ?? throw new AwsServiceException("InternalFailure", "The emulator has no KMS plug-in registered; RDS cannot use KMS keys.", 500, senderFault: false);

    // RDS resolved the key for the snapshot's owner when the snapshot was made: alias names are the owner's.
    private static Caller OwnerRoot(Account owner) => new()
    {
        Kind = CallerKind.Root,
        AccountId = owner.Id,
        Partition = owner.Partition,
        Arn = owner.RootArn,
        UserId = owner.Id,
        PrincipalArn = owner.RootArn,
        AccessKeyId = string.Empty,
        IdentityPolicies = [],
    };
}
