using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services;
using VaultCopy.Emulator.Services.Kms;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>The contract EC2 and RDS use: KMS evaluated as the service on the caller's behalf.</summary>
public sealed class KmsServiceKeyAccessTests
{
    private const string Ec2 = "ec2.eu-west-1.amazonaws.com";

    // The console's key-user statements for the vault account (aws-behaviour.md §4.2), grants only for AWS resources.
    private static readonly string s_sharedWithVault = KeyPolicy(
        Statement("Enable IAM User Permissions", "Allow", Root(Owner), "\"kms:*\""),
        Statement("Allow use of the key", "Allow", Root(Vault), "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"]"),
        Statement("Allow attachment of persistent resources", "Allow", Root(Vault), "[\"kms:CreateGrant\",\"kms:ListGrants\",\"kms:RevokeGrant\"]",
            """{"Bool":{"kms:GrantIsForAWSResource":"true"}}"""));

    private const string VaultCopyIam = """
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant","kms:ReEncrypt*","kms:GenerateDataKey*"],"Resource":"*"}]}
        """;

    private static readonly IServiceKeyAccess s_access = ServiceRegistry.KeyAccess!;

    [Fact]
    public void The_registry_serves_the_KMS_implementation() => Assert.IsType<KmsServiceKeyAccess>(ServiceRegistry.KeyAccess);

    [Fact]
    public void Key_policy_naming_the_vault_account_and_vault_IAM_allow_the_copy_and_leave_a_service_grant()
    {
        var (world, vault) = Load(s_sharedWithVault, VaultCopyIam);
        lock (world.Sync)
        {
            var key = s_access.Resolve(world, vault, OwnerKeyArn, Region)!;
            Assert.Equal(Owner, key.AccountId);
            Assert.False(key.IsAwsManaged);

            Assert.Null(s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource));
            var grant = Assert.Single(KmsStore.FindByArn(world, OwnerKeyArn)!.Grants);
            Assert.Equal(UserArn(Vault, "vault-user"), grant.GranteePrincipal);
            Assert.Equal(Ec2, grant.RetiringPrincipal);
            Assert.Contains("Decrypt", grant.Operations);

            // A second check does not pile up grants.
            Assert.Null(s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource));
            Assert.Single(KmsStore.FindByArn(world, OwnerKeyArn)!.Grants);
        }
    }

    [Fact]
    public void Without_vault_IAM_the_copy_is_denied()
    {
        var (world, vault) = Load(s_sharedWithVault, vaultIam: null);
        lock (world.Sync)
        {
            var key = s_access.Resolve(world, vault, OwnerKeyArn, Region)!;
            var denial = s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource);
            Assert.NotNull(denial);
            Assert.Equal($"User: {UserArn(Vault, "vault-user")} is not authorized to perform: kms:Decrypt on resource: {OwnerKeyArn} "
                + "because no identity-based policy allows the kms:Decrypt action", denial.Reason);
            Assert.Empty(KmsStore.FindByArn(world, OwnerKeyArn)!.Grants);
        }
    }

    [Fact]
    public void Without_the_key_policy_the_copy_is_denied()
    {
        var (world, vault) = Load(ownerKeyPolicy: null, VaultCopyIam);
        lock (world.Sync)
        {
            var key = s_access.Resolve(world, vault, OwnerKeyArn, Region)!;
            var denial = s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource);
            Assert.Contains("because no resource-based policy allows the kms:Decrypt action", denial!.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Another_accounts_aws_ebs_key_is_denied_even_with_IAM()
    {
        var (world, vault) = Load(s_sharedWithVault, AllowAll);
        lock (world.Sync)
        {
            var ebs = s_access.AwsManagedKey(world, Owner, Region, "aws/ebs");
            Assert.True(ebs.IsAwsManaged);
            Assert.Same(KmsStore.FindByArn(world, ebs.Arn), KmsStore.FindByArn(world, s_access.AwsManagedKey(world, Owner, Region, "alias/aws/ebs").Arn));
            var denial = s_access.CheckUse(world, vault, ebs, Ec2, KeyUsePurpose.DecryptSource);
            Assert.Contains("because no resource-based policy allows the kms:Decrypt action", denial!.Reason, StringComparison.Ordinal);

            // The owner's own copy through EC2 is fine, but not through RDS.
            var owner = CallerOf(world, Owner, "owner-user");
            Assert.Null(s_access.CheckUse(world, owner, ebs, Ec2, KeyUsePurpose.DecryptSource));
            Assert.NotNull(s_access.CheckUse(world, owner, ebs, "rds.eu-west-1.amazonaws.com", KeyUsePurpose.DecryptSource));
        }
    }

    [Fact]
    public void A_disabled_or_pending_deletion_key_is_denied()
    {
        var (world, vault) = Load(s_sharedWithVault, VaultCopyIam);
        lock (world.Sync)
        {
            var stored = KmsStore.FindByArn(world, OwnerKeyArn)!;
            var key = s_access.FindByArn(world, OwnerKeyArn)!;
            stored.KeyState = KmsKeyStates.Disabled;
            Assert.Equal($"{OwnerKeyArn} is disabled.", s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource)!.Reason);
            Assert.Equal("Disabled", s_access.FindByArn(world, OwnerKeyArn)!.KeyState);
            stored.KeyState = KmsKeyStates.PendingDeletion;
            Assert.Equal($"{OwnerKeyArn} is pending deletion.", s_access.CheckUse(world, vault, key, Ec2, KeyUsePurpose.DecryptSource)!.Reason);
        }
    }

    [Fact]
    public void The_target_key_must_be_in_the_copys_Region_and_allow_re_encryption()
    {
        var (world, vault) = Load(s_sharedWithVault, VaultCopyIam);
        lock (world.Sync)
        {
            var own = s_access.Resolve(world, vault, "alias/vault-key", Region)!;
            Assert.Equal(VaultKeyArn, own.Arn);
            Assert.Null(s_access.CheckUse(world, vault, own, Ec2, KeyUsePurpose.EncryptTarget));
            Assert.NotNull(s_access.CheckUse(world, vault, own, "ec2.us-east-1.amazonaws.com", KeyUsePurpose.EncryptTarget));

            // IAM without kms:ReEncrypt* refuses the target role even though DecryptSource would pass.
            var (world2, vault2) = Load(s_sharedWithVault,
                """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant","kms:GenerateDataKey*"],"Resource":"*"}]}""");
            lock (world2.Sync)
            {
                var target = s_access.Resolve(world2, vault2, VaultKeyId, Region)!;
                Assert.Contains("kms:ReEncryptFrom", s_access.CheckUse(world2, vault2, target, Ec2, KeyUsePurpose.EncryptTarget)!.Reason, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Resolve_follows_the_callers_account_for_names_and_creates_aws_managed_keys()
    {
        var (world, vault) = Load(s_sharedWithVault, VaultCopyIam);
        lock (world.Sync)
        {
            Assert.Null(s_access.Resolve(world, vault, "alias/origin-key", Region));
            Assert.Null(s_access.Resolve(world, vault, OwnerKeyId, Region));
            Assert.Null(s_access.Resolve(world, vault, OwnerKeyArn, OtherRegion));
            Assert.Equal(OwnerKeyArn, s_access.Resolve(world, vault, $"arn:aws:kms:{Region}:{Owner}:alias/origin-key", Region)!.Arn);

            var ebs = s_access.Resolve(world, vault, "alias/aws/ebs", Region)!;
            Assert.Equal(Vault, ebs.AccountId);
            Assert.True(ebs.IsAwsManaged);
            Assert.Equal("SYMMETRIC_DEFAULT", ebs.KeySpec);
            Assert.Null(s_access.FindByArn(world, KeyArn(Vault, "00000000-0000-4000-8000-000000000000")));
        }
    }

    internal static (World World, Caller Vault) Load(string? ownerKeyPolicy, string? vaultIam)
    {
        var world = new World();
        FixtureLoader.Load(world, World(ownerKeyPolicy, vaultIam), DateTimeOffset.UtcNow);
        return (world, CallerOf(world, Vault, "vault-user"));
    }

    internal static Caller CallerOf(World world, string accountId, string userName)
    {
        var account = world.FindAccount(accountId)!;
        var user = account.Users[userName];
        return Caller.ForUser(account, user, user.AccessKeys[0]);
    }
}
