using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// KMS as EC2 and RDS use it while they copy (the <see cref="IServiceKeyAccess"/> contract): the service evaluates
/// the caller's access with kms:ViaService set to itself and kms:CallerAccount to the caller's account, and the grant
/// it creates carries kms:GrantIsForAWSResource=true. An allowed check records that grant on the key (grantee the
/// caller's principal, retiring principal the service), as a real copy leaves one behind.
/// </summary>
public sealed class KmsServiceKeyAccess : IServiceKeyAccess
{
    public ServiceKey? Resolve(World world, Caller caller, string keyIdentifier, string region)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(keyIdentifier);
        try
        {
            var call = new KmsCall(world, caller, region, DateTimeOffset.UtcNow);
            return ToServiceKey(KmsStore.Resolve(call, keyIdentifier, KeyReference.KeyOrAlias, crossAccount: true, createAwsManaged: true));
        }
        catch (AwsServiceException)
        {
            return null;
        }
    }

    public ServiceKey? FindByArn(World world, string keyArn)
    {
        ArgumentNullException.ThrowIfNull(world);
        return KmsStore.FindByArn(world, keyArn) is { } key ? ToServiceKey(key) : null;
    }

    public ServiceKey AwsManagedKey(World world, string accountId, string region, string aliasName)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(aliasName);
        string alias = aliasName.StartsWith("alias/", StringComparison.Ordinal) ? aliasName : "alias/" + aliasName;
        return ToServiceKey(KmsStore.AwsManagedKey(world, accountId, region, alias, DateTimeOffset.UtcNow));
    }

    public KeyUseDenial? CheckUse(World world, Caller caller, ServiceKey key, string viaService, KeyUsePurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(viaService);
        if (KmsStore.FindByArn(world, key.Arn) is not { } actual)
        {
            return new KeyUseDenial($"Key '{key.Arn}' does not exist");
        }

        // The service runs in the Region of its endpoint, e.g. ec2.eu-west-1.amazonaws.com; KMS keys are Regional.
        var labels = viaService.Split('.');
        string region = labels.Length > 2 ? labels[1] : actual.Region;
        if (region != actual.Region)
        {
            return new KeyUseDenial($"Key '{actual.Arn}' is in {actual.Region}, not in {region} where {labels[0]} uses it.");
        }

        switch (actual.KeyState)
        {
            case KmsKeyStates.Disabled:
                return new KeyUseDenial($"{actual.Arn} is disabled.");
            case KmsKeyStates.PendingDeletion:
                return new KeyUseDenial($"{actual.Arn} is pending deletion.");
            case KmsKeyStates.PendingImport:
                return new KeyUseDenial($"{actual.Arn} is pending import.");
        }

        if (!actual.IsSymmetric || actual.KeyUsage != "ENCRYPT_DECRYPT")
        {
            return new KeyUseDenial($"{actual.Arn} is not a symmetric encryption key (KeySpec {actual.KeySpec}, KeyUsage {actual.KeyUsage}).");
        }

        var call = new KmsCall(world, caller, region, DateTimeOffset.UtcNow, viaService);
        var grantOperations = purpose == KeyUsePurpose.DecryptSource
            ? new[] { "Decrypt", "DescribeKey", "RetireGrant" }
            : ["GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Decrypt", "DescribeKey", "RetireGrant"];
        var actions = purpose == KeyUsePurpose.DecryptSource
            ? new[] { "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant" }
            : ["kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:DescribeKey", "kms:CreateGrant"];
        foreach (string action in actions)
        {
            var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (action == "kms:CreateGrant")
            {
                context["kms:GrantIsForAWSResource"] = ["true"];
                context["kms:GrantOperations"] = grantOperations;
                context["kms:GranteePrincipal"] = [caller.PrincipalArn];
                context["kms:RetiringPrincipal"] = [viaService];
            }
            else if (action.StartsWith("kms:ReEncrypt", StringComparison.Ordinal))
            {
                context["kms:ReEncryptOnSameKey"] = ["false"];
            }

            var result = KmsAuthorizer.Evaluate(call, actual, action, context);
            if (!result.IsAllowed)
            {
                return new KeyUseDenial(AccessDeniedError.Kms.Create(caller.Arn, action, actual.Arn, result.Decision, result.Reason).Message);
            }
        }

        RecordServiceGrant(call, actual, grantOperations, viaService);
        return null;
    }

    private static void RecordServiceGrant(KmsCall call, KmsKey key, IReadOnlyList<string> operations, string viaService)
    {
        var grant = new KmsGrant
        {
            GrantId = KmsGrantIds.New(),
            KeyId = key.KeyId,
            CreationDate = call.Now,
            GranteePrincipal = call.Caller.PrincipalArn,
            RetiringPrincipal = viaService,
            IssuingAccount = $"arn:{call.Caller.Partition}:iam::{call.Caller.AccountId}:root",
            Operations = operations,
            IsForAwsResource = true,
        };
        if (!key.Grants.Any(g => g.IsForAwsResource && g.SameRequest(grant)))
        {
            key.Grants.Add(grant);
        }
    }

    private static ServiceKey ToServiceKey(KmsKey key) =>
        new(key.Arn, key.KeyId, key.AccountId, key.Region, key.IsAwsManaged, key.KeyState, key.KeySpec);
}
