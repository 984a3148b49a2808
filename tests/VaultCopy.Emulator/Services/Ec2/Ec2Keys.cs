using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// EC2's use of KMS, only through <see cref="ServiceRegistry.KeyAccess"/>: which key a snapshot is under, which key a
/// copy gets (aws-behaviour.md §1.3) and whether the caller may have EC2 use those keys (§1.4). Call under World.Sync.
/// </summary>
public static class Ec2Keys
{
    public static IServiceKeyAccess? Access => ServiceRegistry.KeyAccess;

    /// <summary>The kms:ViaService value EC2 presents in a Region (aws-behaviour.md §4.8).</summary>
    public static string ViaService(string region) => $"ec2.{region}.amazonaws.com";

    /// <summary>The key <paramref name="snapshot"/> is encrypted under, as KMS sees it now; null when unencrypted or unknown.</summary>
    public static ServiceKey? KeyOf(World world, Ec2Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Encrypted || Access is not { } kms)
        {
            return null;
        }

        ResolvePending(world, snapshot, kms);
        return snapshot.KmsKeyArn is null ? null : kms.FindByArn(world, snapshot.KmsKeyArn);
    }

    /// <summary>Whether the snapshot is on its account's AWS managed key (aws/ebs), which can never be shared.</summary>
    public static bool IsAwsManaged(World world, Ec2Snapshot snapshot) =>
        snapshot.Encrypted && (KeyOf(world, snapshot)?.IsAwsManaged ?? snapshot.AwsManagedKeyHint);

    /// <summary>kmsKeyId as DescribeSnapshots reports it: the key ARN (a fixture reference only while KMS is absent).</summary>
    public static string? DisplayKeyId(World world, Ec2Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Encrypted)
        {
            return null;
        }

        if (snapshot.KmsKeyArn is null && Access is { } kms)
        {
            ResolvePending(world, snapshot, kms);
        }

        return snapshot.KmsKeyArn ?? snapshot.PendingKeyReference;
    }

    /// <summary>
    /// Resolves a fixture's key reference as the owner would name it (alias names live in the owner's account).
    /// Returns false when KMS knows no such key.
    /// </summary>
    public static bool ResolvePending(World world, Ec2Snapshot snapshot, IServiceKeyAccess kms)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(kms);
        if (snapshot.KmsKeyArn is not null || !snapshot.Encrypted)
        {
            return true;
        }

        if (snapshot.AwsManagedKeyHint)
        {
            snapshot.KmsKeyArn = kms.AwsManagedKey(world, snapshot.OwnerId, snapshot.Region, Ec2Constants.AwsEbsAlias).Arn;
            snapshot.PendingKeyReference = null;
            return true;
        }

        if (snapshot.PendingKeyReference is { } reference && world.FindAccount(snapshot.OwnerId) is { } owner
            && kms.Resolve(world, OwnerAsCaller(owner), reference, snapshot.Region) is { } key)
        {
            snapshot.KmsKeyArn = key.Arn;
            snapshot.PendingKeyReference = null;
            return true;
        }

        return false;
    }

    /// <summary>The account's default KMS key for EBS in a Region: the configured one, else aws/ebs (created on first use).</summary>
    public static ServiceKey? DefaultKey(World world, Caller caller, string region, Ec2RegionState state, IServiceKeyAccess kms)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(kms);
        return state.DefaultKmsKeyId is { } configured
            ? kms.Resolve(world, caller, configured, region)
            : kms.AwsManagedKey(world, caller.AccountId, region, Ec2Constants.AwsEbsAlias);
    }

    /// <summary>Whether EC2 may read a snapshot under <paramref name="key"/> for <paramref name="caller"/>.</summary>
    public static bool CanDecrypt(World world, Caller caller, ServiceKey? key, string sourceRegion) =>
        key is not null && Access is { } kms
        && kms.CheckUse(world, caller, key, ViaService(sourceRegion), KeyUsePurpose.DecryptSource) is null;

    /// <summary>Whether EC2 may encrypt a copy in <paramref name="region"/> under <paramref name="key"/> (a key of that Region).</summary>
    public static bool CanEncrypt(World world, Caller caller, ServiceKey? key, string region) =>
        key is not null && Access is { } kms
        && string.Equals(key.Region, region, StringComparison.Ordinal)
        && kms.CheckUse(world, caller, key, ViaService(region), KeyUsePurpose.EncryptTarget) is null;

    /// <summary>
    /// The owner as KMS resolution sees it (a fixture names keys as the owner would): resolution only needs the
    /// account whose aliases apply, so its root stands for it. Never used to authorize anything.
    /// </summary>
    internal static Caller OwnerAsCaller(Account owner) =>
        Caller.ForRoot(owner, new AccessKey { AccessKeyId = "AKIAEC2FIXTUREOWNER0", SecretAccessKey = string.Empty });
}
