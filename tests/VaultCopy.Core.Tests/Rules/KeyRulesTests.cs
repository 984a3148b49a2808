using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Tests.Rules;

/// <summary>The key rules on their own: one per use, decided from the name first and from DescribeKey's answer after.</summary>
public sealed class KeyRulesTests
{
    private static readonly KeyOwner s_vault = new("222222222222", "eu-west-1", "arn:aws:iam::222222222222:role/VaultCopyVault");

    [Theory]
    [InlineData(KeyUse.VaultCopy)]
    [InlineData(KeyUse.ConversionTarget)]
    [InlineData(KeyUse.PolicyEditSource)]
    [InlineData(KeyUse.PolicyEditVault)]
    public void An_AWS_managed_alias_is_refused_by_its_name_for_every_use(KeyUse use)
    {
        Assert.NotNull(KeyRules.RefuseByName("alias/aws/ebs", use, s_vault));
        Assert.NotNull(KeyRules.RefuseByName("arn:aws:kms:eu-west-1:222222222222:alias/aws/rds", use, s_vault));
        Assert.Null(KeyRules.RefuseByName("alias/vault-backup", use, s_vault));
    }

    [Fact]
    public void A_key_of_another_account_is_a_vault_key_only_when_the_source_key_is_kept()
    {
        const string originKey = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";

        Assert.Equal("KeyOutsideVault", KeyRules.RefuseByName(originKey, KeyUse.VaultCopy, s_vault)?.ErrorId);
        Assert.Null(KeyRules.RefuseByName(originKey, KeyUse.VaultCopy, s_vault, keepSourceKey: true));
        Assert.Equal("KeyOfAnotherAccount", KeyRules.RefuseByName(originKey, KeyUse.PolicyEditVault, s_vault)?.ErrorId);
    }

    [Theory]
    [InlineData(true, "Enabled", "SYMMETRIC_DEFAULT", "eu-west-1", "AwsManagedKeyRefused")]
    [InlineData(false, "Disabled", "SYMMETRIC_DEFAULT", "eu-west-1", "KmsKeyNotEnabled")]
    [InlineData(false, "PendingDeletion", "SYMMETRIC_DEFAULT", "eu-west-1", "KmsKeyNotEnabled")]
    [InlineData(false, "Enabled", "RSA_2048", "eu-west-1", "KmsKeyNotSymmetric")]
    [InlineData(false, "Enabled", "SYMMETRIC_DEFAULT", "eu-central-1", "KeyInOtherRegion")]
    [InlineData(false, "Enabled", "SYMMETRIC_DEFAULT", "eu-west-1", null)]
    public void A_vault_key_is_customer_managed_enabled_symmetric_and_in_the_destination_Region(
        bool awsManaged, string state, string spec, string region, string? refusal)
    {
        var key = new KmsKey
        {
            RequestedAs = "alias/vault-backup", Arn = $"arn:aws:kms:{region}:222222222222:key/k", KeyId = "k", AccountId = "222222222222", Region = region,
            IsAwsManaged = awsManaged, KeyState = state, KeySpec = spec, Enabled = state == "Enabled",
        };

        Assert.Equal(refusal, KeyRules.Check("alias/vault-backup", key, KeyUse.VaultCopy, s_vault)?.ErrorId);
    }

    [Fact]
    public void Granting_on_a_key_pending_deletion_is_refused_and_revoking_is_not()
    {
        var key = new KmsKey
        {
            RequestedAs = "alias/origin-backup", Arn = "arn:aws:kms:eu-west-1:222222222222:key/k", KeyId = "k", AccountId = "222222222222", Region = "eu-west-1",
            KeyState = "PendingDeletion",
        };

        VaultCopyException? grant = KeyRules.CheckPolicyEdit("alias/origin-backup", key, KeyUse.PolicyEditSource, s_vault, KeyAccessOperation.Grant, []);

        Assert.Equal("KeyPendingDeletion", grant?.ErrorId);
        Assert.Null(KeyRules.CheckPolicyEdit("alias/origin-backup", key, KeyUse.PolicyEditSource, s_vault, KeyAccessOperation.Revoke, []));
    }
}
