using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Services;

/// <summary>
/// How EC2 and RDS use KMS on a caller's behalf while they copy: the service calls KMS with kms:ViaService set
/// to itself and creates grants for the caller, which is what satisfies kms:GrantIsForAWSResource in key policies.
/// The KMS plug-in implements it and sets <see cref="ServiceRegistry.KeyAccess"/>; EC2 and RDS only call it.
/// All methods are called under <c>World.Sync</c>.
/// </summary>
public interface IServiceKeyAccess
{
    /// <summary>
    /// Resolves a KeyId the way the service resolves a request parameter from <paramref name="caller"/> in
    /// <paramref name="region"/>: key id or alias name (<c>alias/x</c>) in the caller's own account, key ARN or alias
    /// ARN in any account. <c>alias/aws/ebs</c> and <c>alias/aws/rds</c> create the AWS managed key on first use.
    /// Null when no such key exists in that account and Region (for EC2 this surfaces later as a failed copy).
    /// </summary>
    ServiceKey? Resolve(World world, Caller caller, string keyIdentifier, string region);

    /// <summary>The key behind an ARN stored on a resource (a snapshot's KmsKeyId), or null if it no longer exists.</summary>
    ServiceKey? FindByArn(World world, string keyArn);

    /// <summary>The AWS managed key (<c>aws/ebs</c> or <c>aws/rds</c>) of an account and Region, created on first use.</summary>
    ServiceKey AwsManagedKey(World world, string accountId, string region, string aliasName);

    /// <summary>
    /// Whether <paramref name="caller"/> may have <paramref name="viaService"/> (e.g. <c>ec2.eu-west-1.amazonaws.com</c>)
    /// use <paramref name="key"/> for <paramref name="purpose"/>: key state (enabled, not pending deletion, in the
    /// Region, symmetric) and authorization — key policy + the caller's identity policies + existing grants, with
    /// kms:ViaService, kms:CallerAccount and, for the grant the service creates, kms:GrantIsForAWSResource=true.
    /// Returns null when allowed, otherwise why not (for logs and the emulator's state view; services still use
    /// their own real error text).
    /// </summary>
    KeyUseDenial? CheckUse(World world, Caller caller, ServiceKey key, string viaService, KeyUsePurpose purpose);
}

/// <summary>What the service does with the key during a copy.</summary>
public enum KeyUsePurpose
{
    /// <summary>Read the source: kms:Decrypt, kms:DescribeKey, and kms:CreateGrant for the service.</summary>
    DecryptSource,

    /// <summary>Encrypt the copy: kms:GenerateDataKeyWithoutPlaintext, kms:ReEncrypt*, kms:DescribeKey, kms:CreateGrant.</summary>
    EncryptTarget,
}

/// <summary>A KMS key as EC2 and RDS see it.</summary>
/// <param name="KeyState">Enabled, Disabled, PendingDeletion, …</param>
/// <param name="KeySpec">SYMMETRIC_DEFAULT for keys that can encrypt volumes and databases.</param>
public sealed record ServiceKey(
    string Arn, string KeyId, string AccountId, string Region, bool IsAwsManaged, string KeyState, string KeySpec);

public sealed record KeyUseDenial(string Reason);
