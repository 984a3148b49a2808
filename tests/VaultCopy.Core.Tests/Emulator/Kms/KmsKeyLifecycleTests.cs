using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>Key states (KMS key state table), deletion windows, tags and KeyMetadata.</summary>
public sealed class KmsKeyLifecycleTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    [Fact]
    public async Task KeyMetadata_is_shaped_as_the_model_says()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var before = DateTime.UtcNow.AddSeconds(-2);
        var key = (await owner.CreateKeyAsync(new CreateKeyRequest { Description = "d", Tags = [new Tag { TagKey = "team", TagValue = "backup" }] })).KeyMetadata;
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", key.KeyId);
        Assert.Equal($"arn:aws:kms:{Region}:{Owner}:key/{key.KeyId}", key.Arn);
        Assert.Equal(Owner, key.AWSAccountId);
        Assert.InRange(key.CreationDate!.Value.ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(2));
        Assert.True(key.Enabled);
        Assert.Equal("d", key.Description);
        Assert.Equal(KeyUsageType.ENCRYPT_DECRYPT, key.KeyUsage);
        Assert.Equal(KeyState.Enabled, key.KeyState);
        Assert.Equal(OriginType.AWS_KMS, key.Origin);
        Assert.Equal(KeyManagerType.CUSTOMER, key.KeyManager);
        Assert.Equal(KeySpec.SYMMETRIC_DEFAULT, key.KeySpec);
#pragma warning disable CS0618 // The deprecated duplicate is still on the wire and must match KeySpec.
        Assert.Equal(CustomerMasterKeySpec.SYMMETRIC_DEFAULT, key.CustomerMasterKeySpec);
#pragma warning restore CS0618
        Assert.Equal(["SYMMETRIC_DEFAULT"], key.EncryptionAlgorithms);
        Assert.False(key.MultiRegion);
        Assert.Null(key.DeletionDate);
        Assert.Null(key.PendingDeletionWindowInDays);

        var tags = await owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = key.KeyId });
        Assert.Equal("backup", Assert.Single(tags.Tags, t => t.TagKey == "team").TagValue);
    }

    [Fact]
    public async Task A_key_pending_deletion_refuses_use_and_cancelling_leaves_it_disabled()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var scheduled = await owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId, PendingWindowInDays = 7 });
        Assert.Equal(OwnerKeyArn, scheduled.KeyId);
        Assert.Equal(KeyState.PendingDeletion, scheduled.KeyState);
        Assert.Equal(7, scheduled.PendingWindowInDays);
        Assert.InRange(scheduled.DeletionDate!.Value.ToUniversalTime(), DateTime.UtcNow.AddDays(7).AddMinutes(-1), DateTime.UtcNow.AddDays(7).AddMinutes(1));

        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/origin-key" })).KeyMetadata;
        Assert.Equal(KeyState.PendingDeletion, key.KeyState);
        Assert.False(key.Enabled);
        Assert.Equal(7, key.PendingDeletionWindowInDays);
        Assert.Equal(scheduled.DeletionDate, key.DeletionDate);

        var ex = await KmsAssert.Fails("KMSInvalidStateException", () => owner.EncryptAsync(Encrypt(OwnerKeyId)));
        Assert.Equal($"{OwnerKeyArn} is pending deletion.", ex.Message);
        Assert.IsType<KMSInvalidStateException>(ex);
        await KmsAssert.Fails("KMSInvalidStateException", () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId }));
        await KmsAssert.Fails("KMSInvalidStateException", () => owner.EnableKeyAsync(new EnableKeyRequest { KeyId = OwnerKeyId }));
        await KmsAssert.Fails("KMSInvalidStateException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/late", TargetKeyId = OwnerKeyId }));

        Assert.Equal(OwnerKeyArn, (await owner.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = OwnerKeyId })).KeyId);
        key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId })).KeyMetadata;
        Assert.Equal(KeyState.Disabled, key.KeyState);
        Assert.Null(key.DeletionDate);
        ex = await KmsAssert.Fails("DisabledException", () => owner.EncryptAsync(Encrypt(OwnerKeyId)));
        Assert.Equal($"{OwnerKeyArn} is disabled.", ex.Message);
        ex = await KmsAssert.Fails("KMSInvalidStateException", () => owner.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = OwnerKeyId }));
        Assert.Equal($"{OwnerKeyArn} is not pending deletion.", ex.Message);

        await owner.EnableKeyAsync(new EnableKeyRequest { KeyId = OwnerKeyId });
        Assert.Equal(OwnerKeyArn, (await owner.EncryptAsync(Encrypt(OwnerKeyId))).KeyId);
    }

    [Fact]
    public async Task The_waiting_period_is_7_to_30_days_and_defaults_to_30()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await KmsAssert.Fails("ValidationException", () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId, PendingWindowInDays = 6 }));
        await KmsAssert.Fails("ValidationException", () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId, PendingWindowInDays = 31 }));
        var scheduled = await owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId });
        Assert.Equal(30, scheduled.PendingWindowInDays);
    }

    [Fact]
    public async Task The_key_and_its_aliases_are_deleted_when_the_waiting_period_ends()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId, PendingWindowInDays = 7 });
        emulator.Server.Clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(KeyState.PendingDeletion, (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId })).KeyMetadata.KeyState);

        emulator.Server.Clock.Advance(TimeSpan.FromDays(1));
        var ex = await KmsAssert.Fails("NotFoundException", () => owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId }));
        Assert.Equal($"Key '{OwnerKeyArn}' does not exist", ex.Message);
        await KmsAssert.Fails("NotFoundException", () => owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/origin-key" }));
        Assert.DoesNotContain((await owner.ListAliasesAsync(new ListAliasesRequest())).Aliases, a => a.AliasName == "alias/origin-key");
        Assert.DoesNotContain((await owner.ListKeysAsync(new ListKeysRequest())).Keys, k => k.KeyId == OwnerKeyId);
    }

    [Fact]
    public async Task Disable_and_enable_toggle_use()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var blob = (await owner.EncryptAsync(Encrypt(OwnerKeyId))).CiphertextBlob;
        await owner.DisableKeyAsync(new DisableKeyRequest { KeyId = OwnerKeyArn });
        Assert.False((await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId })).KeyMetadata.Enabled);
        await KmsAssert.Fails("DisabledException", () => owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) }));
        await KmsAssert.Fails("DisabledException", () => owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OwnerKeyId, KeySpec = DataKeySpec.AES_256 }));
        await KmsAssert.Fails("DisabledException", () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Owner), Operations = ["Decrypt"] }));
        await owner.EnableKeyAsync(new EnableKeyRequest { KeyId = OwnerKeyId });
        var plain = await owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob.ToArray()) });
        Assert.Equal("secret", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
    }

    [Fact]
    public async Task Tags_are_replaced_by_key_and_validated()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await owner.TagResourceAsync(new TagResourceRequest { KeyId = OwnerKeyId, Tags = [new Tag { TagKey = "a", TagValue = "1" }, new Tag { TagKey = "b", TagValue = "" }] });
        await owner.TagResourceAsync(new TagResourceRequest { KeyId = OwnerKeyArn, Tags = [new Tag { TagKey = "a", TagValue = "2" }] });
        var tags = (await owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = OwnerKeyId })).Tags;
        Assert.Equal(["a=2", "b="], tags.Select(t => $"{t.TagKey}={t.TagValue}"));

        await KmsAssert.Fails("TagException", () => owner.TagResourceAsync(new TagResourceRequest { KeyId = OwnerKeyId, Tags = [new Tag { TagKey = "aws:x", TagValue = "1" }] }));
        var many = Enumerable.Range(0, 49).Select(i => new Tag { TagKey = "k" + i, TagValue = "v" }).ToList();
        await KmsAssert.Fails("LimitExceededException", () => owner.TagResourceAsync(new TagResourceRequest { KeyId = OwnerKeyId, Tags = many }));
    }

    [Fact]
    public async Task Asymmetric_keys_describe_their_algorithms_but_do_not_encrypt_here()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await KmsAssert.Fails("ValidationException", () => owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048 }));
        var rsa = (await owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY })).KeyMetadata;
        Assert.Equal(KeySpec.RSA_2048, rsa.KeySpec);
        Assert.Contains("RSASSA_PSS_SHA_256", rsa.SigningAlgorithms);
        Assert.Empty(rsa.EncryptionAlgorithms ?? []);
        await KmsAssert.Fails("InvalidKeyUsageException", () => owner.EncryptAsync(Encrypt(rsa.KeyId)));
    }

    private static EncryptRequest Encrypt(string keyId) => new() { KeyId = keyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("secret")) };
}
