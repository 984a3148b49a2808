using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>Encrypt, Decrypt, ReEncrypt and data keys: opaque blobs that name their key and bind their context.</summary>
public sealed class KmsCryptoTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    private static readonly Dictionary<string, string> s_context = new() { ["snapshot"] = "snap-0123456789abcdef0" };

    [Fact]
    public async Task Encrypt_then_Decrypt_without_a_KeyId_round_trips()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var encrypted = await owner.EncryptAsync(Encrypt("alias/origin-key", "hello", s_context));
        Assert.Equal(OwnerKeyArn, encrypted.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, encrypted.EncryptionAlgorithm);
        byte[] blob = encrypted.CiphertextBlob.ToArray();
        Assert.DoesNotContain("hello", Encoding.UTF8.GetString(blob), StringComparison.Ordinal);

        var decrypted = await owner.DecryptAsync(Decrypt(blob, s_context));
        Assert.Equal(OwnerKeyArn, decrypted.KeyId);
        Assert.Equal("hello", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));

        // The same plaintext twice gives different ciphertexts.
        Assert.NotEqual(blob, (await owner.EncryptAsync(Encrypt(OwnerKeyId, "hello", s_context))).CiphertextBlob.ToArray());
    }

    [Fact]
    public async Task Decrypt_refuses_the_wrong_key_context_or_bytes()
    {
        emulator.Load(World(vaultUserPolicy: AllowKms));
        using var owner = emulator.Client(OwnerAdmin);
        byte[] blob = (await owner.EncryptAsync(Encrypt(OwnerKeyId, "hello", s_context))).CiphertextBlob.ToArray();
        var other = (await owner.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;

        var ex = await KmsAssert.Fails("IncorrectKeyException", () => owner.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            EncryptionContext = s_context,
            KeyId = other.KeyId,
        }));
        Assert.IsType<IncorrectKeyException>(ex);
        Assert.Equal("hello", Encoding.UTF8.GetString((await owner.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            EncryptionContext = s_context,
            KeyId = "alias/origin-key",
        })).Plaintext.ToArray()));

        Assert.IsType<InvalidCiphertextException>(await KmsAssert.Fails("InvalidCiphertextException", () => owner.DecryptAsync(Decrypt(blob, null))));
        await KmsAssert.Fails("InvalidCiphertextException", () => owner.DecryptAsync(Decrypt(blob, new Dictionary<string, string> { ["snapshot"] = "snap-other" })));
        byte[] tampered = (byte[])blob.Clone();
        tampered[^1] ^= 0x01;
        await KmsAssert.Fails("InvalidCiphertextException", () => owner.DecryptAsync(Decrypt(tampered, s_context)));
        await KmsAssert.Fails("InvalidCiphertextException", () => owner.DecryptAsync(Decrypt(Encoding.UTF8.GetBytes("junk that is not a ciphertext"), null)));

        // A ciphertext from another Region names a key this Region does not have.
        using var usEast = emulator.Client(OwnerAdmin, OtherRegion);
        await KmsAssert.Fails("InvalidCiphertextException", () => usEast.DecryptAsync(Decrypt(blob, s_context)));

        // Another account may not decrypt it unless the key policy says so.
        using var vault = emulator.Client(VaultUser);
        await KmsAssert.Denied("kms:Decrypt", OwnerKeyArn, UserArn(Vault, "vault-user"), () => vault.DecryptAsync(Decrypt(blob, s_context)));
    }

    [Fact]
    public async Task ReEncrypt_moves_a_ciphertext_to_another_key_and_context()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        byte[] blob = (await owner.EncryptAsync(Encrypt(OwnerKeyId, "moved", s_context))).CiphertextBlob.ToArray();
        var target = (await owner.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var destinationContext = new Dictionary<string, string> { ["copy"] = "1" };

        var reEncrypted = await owner.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            SourceEncryptionContext = s_context,
            DestinationKeyId = target.Arn,
            DestinationEncryptionContext = destinationContext,
        });
        Assert.Equal(OwnerKeyArn, reEncrypted.SourceKeyId);
        Assert.Equal(target.Arn, reEncrypted.KeyId);
        Assert.Equal(EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT, reEncrypted.DestinationEncryptionAlgorithm);

        var decrypted = await owner.DecryptAsync(Decrypt(reEncrypted.CiphertextBlob.ToArray(), destinationContext));
        Assert.Equal(target.Arn, decrypted.KeyId);
        Assert.Equal("moved", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));

        await KmsAssert.Fails("IncorrectKeyException", () => owner.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            SourceEncryptionContext = s_context,
            SourceKeyId = target.KeyId,
            DestinationKeyId = OwnerKeyId,
        }));
        await owner.DisableKeyAsync(new DisableKeyRequest { KeyId = target.KeyId });
        await KmsAssert.Fails("DisabledException", () => owner.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            SourceEncryptionContext = s_context,
            DestinationKeyId = target.KeyId,
        }));
    }

    [Fact]
    public async Task ReEncrypt_needs_ReEncryptFrom_on_the_source_and_ReEncryptTo_on_the_destination()
    {
        emulator.Load(World(ownerUserPolicy: """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:ReEncryptFrom"],"Resource":"*"}]}
            """));
        using var user = emulator.Client(OwnerUser);
        using var admin = emulator.Client(OwnerAdmin);
        byte[] blob = (await user.EncryptAsync(Encrypt(OwnerKeyId, "x", null))).CiphertextBlob.ToArray();
        var target = (await admin.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata;
        var ex = await KmsAssert.Denied("kms:ReEncryptTo", target.Arn, UserArn(Owner, "owner-user"),
            () => user.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = target.KeyId }));
        Assert.EndsWith("because no identity-based policy allows the kms:ReEncryptTo action", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_keys_come_with_a_ciphertext_that_decrypts_to_them()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var dataKey = await owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OwnerKeyId, KeySpec = DataKeySpec.AES_256, EncryptionContext = s_context });
        Assert.Equal(OwnerKeyArn, dataKey.KeyId);
        Assert.Equal(32, dataKey.Plaintext.Length);
        var decrypted = await owner.DecryptAsync(Decrypt(dataKey.CiphertextBlob.ToArray(), s_context));
        Assert.Equal(dataKey.Plaintext.ToArray(), decrypted.Plaintext.ToArray());

        var sized = await owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OwnerKeyId, NumberOfBytes = 64 });
        Assert.Equal(64, sized.Plaintext.Length);

        var hidden = await owner.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = OwnerKeyArn, KeySpec = DataKeySpec.AES_128 });
        Assert.Equal(OwnerKeyArn, hidden.KeyId);
        Assert.Equal(16, (await owner.DecryptAsync(Decrypt(hidden.CiphertextBlob.ToArray(), null))).Plaintext.Length);

        await KmsAssert.Fails("ValidationException", () => owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OwnerKeyId }));
        await KmsAssert.Fails("ValidationException",
            () => owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OwnerKeyId, KeySpec = DataKeySpec.AES_256, NumberOfBytes = 32 }));
    }

    [Fact]
    public async Task DryRun_answers_DryRunOperationException_only_when_the_call_would_succeed()
    {
        emulator.Load(World(vaultUserPolicy: AllowKms));
        using var owner = emulator.Client(OwnerAdmin);
        var ex = await KmsAssert.Fails("DryRunOperationException", () => owner.EncryptAsync(new EncryptRequest
        {
            KeyId = OwnerKeyId,
            Plaintext = new MemoryStream([1]),
            DryRun = true,
        }));
        Assert.IsType<DryRunOperationException>(ex);

        using var vault = emulator.Client(VaultUser);
        await KmsAssert.Fails("AccessDeniedException", () => vault.EncryptAsync(new EncryptRequest
        {
            KeyId = OwnerKeyArn,
            Plaintext = new MemoryStream([1]),
            DryRun = true,
        }));
    }

    [Fact]
    public async Task Plaintext_is_limited_to_4096_bytes()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        Assert.Equal(OwnerKeyArn, (await owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream(new byte[4096]) })).KeyId);
        var ex = await KmsAssert.Fails("ValidationException", () => owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream(new byte[4097]) }));
        Assert.Contains("'plaintext'", ex.Message, StringComparison.Ordinal);
    }

    private static EncryptRequest Encrypt(string keyId, string text, Dictionary<string, string>? context) => new()
    {
        KeyId = keyId,
        Plaintext = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        EncryptionContext = context,
    };

    private static DecryptRequest Decrypt(byte[] blob, Dictionary<string, string>? context) => new()
    {
        CiphertextBlob = new MemoryStream(blob),
        EncryptionContext = context,
    };
}
