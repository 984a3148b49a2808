using System.Text;
using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>aws-behaviour.md §4.4 and §9 rule 3: aws/ebs and aws/rds are lazy, read-only and usable only through their service.</summary>
public sealed class KmsAwsManagedKeyTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    private static readonly string s_ownerAdminArn = UserArn(Owner, "owner-admin");

    [Fact]
    public async Task DescribeKey_on_the_predefined_alias_creates_the_aws_ebs_key()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var before = await owner.ListAliasesAsync(new ListAliasesRequest());
        Assert.DoesNotContain(before.Aliases, a => a.AliasName == "alias/aws/ebs");

        var created = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, created.KeyManager);
        Assert.Equal(Owner, created.AWSAccountId);
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, created.KeySpec);
        Assert.Equal(KeyState.Enabled, created.KeyState);
        Assert.Equal("Default master key that protects my EBS volumes when no other key is defined", created.Description);

        // The same key from then on, listed with its alias.
        var again = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        Assert.Equal(created.Arn, again.Arn);
        var alias = Assert.Single((await owner.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == "alias/aws/ebs");
        Assert.Equal(created.KeyId, alias.TargetKeyId);
        Assert.Contains((await owner.ListKeysAsync(new ListKeysRequest())).Keys, k => k.KeyArn == created.Arn);

        // Only the caller's account got one.
        using var vault = emulator.Client(VaultAdmin);
        Assert.DoesNotContain((await vault.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == "alias/aws/ebs");
    }

    [Fact]
    public async Task The_aws_ebs_policy_allows_the_owner_account_only_through_EC2()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        string policy = (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;

        using var document = JsonDocument.Parse(policy);
        Assert.Equal("auto-ebs-2", document.RootElement.GetProperty("Id").GetString());
        var statements = document.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        Assert.Equal(2, statements.Count);
        Assert.Equal("*", statements[0].GetProperty("Principal").GetProperty("AWS").GetString());
        var conditions = statements[0].GetProperty("Condition").GetProperty("StringEquals");
        Assert.Equal($"ec2.{Region}.amazonaws.com", conditions.GetProperty("kms:ViaService").GetString());
        Assert.Equal(Owner, conditions.GetProperty("kms:CallerAccount").GetString());
        Assert.Equal(Root(Owner), statements[1].GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal(["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
            statements[1].GetProperty("Action").EnumerateArray().Select(a => a.GetString()));

        // Even the account's administrator cannot use it directly: there is no kms:ViaService on a direct call.
        var ex = await KmsAssert.Denied("kms:Encrypt", key.Arn, s_ownerAdminArn, () => owner.EncryptAsync(new EncryptRequest
        {
            KeyId = "alias/aws/ebs",
            Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("x")),
        }));
        Assert.EndsWith("because no resource-based policy allows the kms:Encrypt action", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWS_managed_keys_refuse_changes_even_to_the_account_administrator()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        await KmsAssert.Denied("kms:PutKeyPolicy", key.Arn, s_ownerAdminArn,
            () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = key.KeyId, Policy = DefaultPolicy(Owner) }));
        await KmsAssert.Denied("kms:DisableKey", key.Arn, s_ownerAdminArn,
            () => owner.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }));
        await KmsAssert.Denied("kms:ScheduleKeyDeletion", key.Arn, s_ownerAdminArn,
            () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = 7 }));
        await KmsAssert.Denied("kms:TagResource", key.Arn, s_ownerAdminArn,
            () => owner.TagResourceAsync(new TagResourceRequest { KeyId = key.KeyId, Tags = [new Tag { TagKey = "a", TagValue = "b" }] }));

        // The reserved alias prefix can be neither taken nor dropped.
        await KmsAssert.Fails("NotAuthorized",
            () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/aws/mine", TargetKeyId = OwnerKeyId }));
        await KmsAssert.Fails("NotAuthorized",
            () => owner.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/aws/ebs" }));

        var after = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        Assert.Equal(KeyState.Enabled, after.KeyState);
        Assert.Contains("auto-ebs-2", (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_account_cannot_use_an_aws_ebs_key_even_with_its_arn()
    {
        emulator.Load(World(vaultUserPolicy: AllowKms));
        using var owner = emulator.Client(OwnerAdmin);
        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs" })).KeyMetadata;
        using var vault = emulator.Client(VaultUser);
        await KmsAssert.Denied("kms:DescribeKey", key.Arn, UserArn(Vault, "vault-user"),
            () => vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = key.Arn }));

        // DescribeKey by alias ARN in another account does not create that account's key either.
        using var other = emulator.Client(OtherAdmin);
        await KmsAssert.Fails("NotFoundException",
            () => other.DescribeKeyAsync(new DescribeKeyRequest { KeyId = $"arn:aws:kms:{Region}:{Vault}:alias/aws/ebs" }));
        using var vaultAdmin = emulator.Client(VaultAdmin);
        Assert.DoesNotContain((await vaultAdmin.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == "alias/aws/ebs");
    }

    [Fact]
    public async Task The_aws_rds_key_is_scoped_to_RDS()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/rds" })).KeyMetadata;
        Assert.Equal(KeyManagerType.AWS, key.KeyManager);
        string policy = (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = key.KeyId })).Policy;
        Assert.Contains($"\"kms:ViaService\" : \"rds.{Region}.amazonaws.com\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"kms:ListGrants\"", policy, StringComparison.Ordinal);
        Assert.Contains("auto-rds-2", policy, StringComparison.Ordinal);
    }
}
