using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using VaultCopy.Core.Tests.Emulator.Conformance;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>
/// KMS through the real SDK for the model-conformance test: every operation succeeding with every parameter the
/// emulator reads, and the errors each can raise (in <see cref="KmsWorlds"/>'s world).
/// </summary>
internal sealed class KmsConformanceScenario : IConformanceScenario
{
    public string Service => "kms";

    public async Task RunAsync(ConformanceContext context)
    {
        context.LoadWorld(World(
            ownerKeyPolicy: KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Statement("Vault", "Allow", Root(Vault), "\"kms:*\"")),
            vaultUserPolicy: AllowKms,
            ownerUserPolicy: null));
        using var owner = Client(context, OwnerAdmin);
        using var vault = Client(context, VaultUser);
        var context1 = new Dictionary<string, string> { ["k"] = "v" };

        // Keys.
        var created = (await owner.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = DefaultPolicy(Owner),
            Description = "conformance",
            KeyUsage = KeyUsageType.ENCRYPT_DECRYPT,
            KeySpec = KeySpec.SYMMETRIC_DEFAULT,
            Origin = OriginType.AWS_KMS,
            BypassPolicyLockoutSafetyCheck = false,
            Tags = [new Tag { TagKey = "team", TagValue = "backup" }],
            MultiRegion = true,
        })).KeyMetadata;
        await owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.HMAC_256, KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC });
        await owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048, KeyUsage = KeyUsageType.SIGN_VERIFY });
        await owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.ECC_NIST_P256, KeyUsage = KeyUsageType.KEY_AGREEMENT });
        await owner.CreateKeyAsync(new CreateKeyRequest { Origin = OriginType.EXTERNAL });
        await Fails("MalformedPolicyDocumentException", () => owner.CreateKeyAsync(new CreateKeyRequest { Policy = "{" }));
        await Fails("LimitExceededException", () => owner.CreateKeyAsync(new CreateKeyRequest { Policy = DefaultPolicy(Owner)[..^1] + new string(' ', 33000) + "}" }));
        await Fails("CustomKeyStoreNotFoundException", () => owner.CreateKeyAsync(new CreateKeyRequest { CustomKeyStoreId = "cks-1234567890abcdef0" }));
        await Fails("UnsupportedOperationException", () => owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.SM2, KeyUsage = KeyUsageType.ENCRYPT_DECRYPT }));
        await Fails("TagException", () => owner.CreateKeyAsync(new CreateKeyRequest { Tags = [new Tag { TagKey = "aws:x", TagValue = "y" }] }));
        await Fails("ValidationException", () => owner.CreateKeyAsync(new CreateKeyRequest { KeySpec = KeySpec.RSA_2048 }));
        using (var powerless = Client(context, OwnerUser))
        {
            await Fails("AccessDeniedException", () => powerless.CreateKeyAsync(new CreateKeyRequest()));
        }

        await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/aws/ebs", GrantTokens = [] });
        await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = $"arn:aws:kms:{Region}:{Owner}:alias/origin-key" });
        await Fails("NotFoundException", () => owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/none" }));
        await Fails("InvalidArnException", () => owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "arn:aws:iam::111111111111:root" }));

        var keys = await owner.ListKeysAsync(new ListKeysRequest { Limit = 2 });
        await owner.ListKeysAsync(new ListKeysRequest { Limit = 2, Marker = keys.NextMarker });
        await Fails("InvalidMarkerException", () => owner.ListKeysAsync(new ListKeysRequest { Marker = "bogus" }));

        // Aliases.
        await owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/conformance", TargetKeyId = created.KeyId });
        await Fails("AlreadyExistsException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/conformance", TargetKeyId = created.KeyId }));
        await Fails("InvalidAliasNameException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/a:b", TargetKeyId = created.KeyId }));
        await Fails("NotAuthorized", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/aws/mine", TargetKeyId = created.KeyId }));
        await Fails("NotFoundException", () => owner.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/x", TargetKeyId = "alias/conformance" }));
        var aliases = await owner.ListAliasesAsync(new ListAliasesRequest { Limit = 1 });
        await owner.ListAliasesAsync(new ListAliasesRequest { KeyId = created.Arn, Limit = 10, Marker = aliases.NextMarker });
        await Fails("InvalidMarkerException", () => owner.ListAliasesAsync(new ListAliasesRequest { Marker = "bogus" }));
        await Fails("InvalidArnException", () => owner.ListAliasesAsync(new ListAliasesRequest { KeyId = "alias/conformance" }));
        await owner.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/conformance" });
        await Fails("NotFoundException", () => owner.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/conformance" }));

        // Key policies.
        await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = created.KeyId, PolicyName = "default" });
        await Fails("NotFoundException", () => owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = created.KeyId, PolicyName = "other" }));
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = created.KeyId, PolicyName = "default", Policy = DefaultPolicy(Owner), BypassPolicyLockoutSafetyCheck = false });
        await Fails("UnsupportedOperationException", () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = created.KeyId, PolicyName = "other", Policy = DefaultPolicy(Owner) }));
        await Fails("MalformedPolicyDocumentException", () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = created.KeyId, Policy = KeyPolicy(Statement("V", "Allow", Root(Vault), "\"kms:*\"")) }));
        await Fails("InvalidArnException", () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = "alias/origin-key", Policy = DefaultPolicy(Owner) }));
        await owner.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = created.Arn, Limit = 10, Marker = "m" });
        await Fails("NotFoundException", () => vault.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = OwnerKeyArn }));

        // Grants.
        var grant = await owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = UserArn(Vault, "vault-user"),
            RetiringPrincipal = UserArn(Vault, "vault-user"),
            Operations = ["Decrypt", "RetireGrant"],
            Constraints = new GrantConstraints { EncryptionContextSubset = context1, EncryptionContextEquals = context1 },
            GrantTokens = [],
            Name = "conformance",
            DryRun = false,
        });
        await owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteeServicePrincipal = "ec2.eu-west-1.amazonaws.com",
            RetiringServicePrincipal = "ec2.eu-west-1.amazonaws.com",
            Operations = ["Decrypt"],
            Constraints = new GrantConstraints { SourceArn = $"arn:aws:ec2:{Region}:{Owner}:volume/vol-0123456789abcdef0" },
        });
        var second = await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Encrypt"] });
        await Fails("DryRunOperationException", () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt"], DryRun = true }));
        await Fails("InvalidGrantTokenException", () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt"], GrantTokens = ["x"] }));
        var page = await vault.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyArn, Limit = 1 });
        await vault.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyArn, Limit = 1, Marker = page.NextMarker, GrantId = grant.GrantId, GranteePrincipal = UserArn(Vault, "vault-user") });
        await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, GranteeServicePrincipal = "ec2.eu-west-1.amazonaws.com" });
        await Fails("InvalidGrantIdException", () => owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, GrantId = "x" }));
        await Fails("InvalidMarkerException", () => owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, Marker = "bogus" }));
        await Fails("DryRunOperationException", () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = second.GrantId, DryRun = true }));
        await owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = second.GrantId });
        await Fails("NotFoundException", () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = second.GrantId }));
        await Fails("InvalidGrantIdException", () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = "x" }));
        await Fails("DryRunOperationException", () => vault.RetireGrantAsync(new RetireGrantRequest { GrantToken = grant.GrantToken, DryRun = true }));
        await vault.RetireGrantAsync(new RetireGrantRequest { KeyId = OwnerKeyArn, GrantId = grant.GrantId });
        var third = await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Owner), RetiringPrincipal = Root(Owner), Operations = ["Encrypt"] });
        await owner.RetireGrantAsync(new RetireGrantRequest { GrantToken = third.GrantToken });
        await Fails("InvalidGrantTokenException", () => owner.RetireGrantAsync(new RetireGrantRequest { GrantToken = "x" }));
        await Fails("NotFoundException", () => owner.RetireGrantAsync(new RetireGrantRequest { KeyId = OwnerKeyArn, GrantId = third.GrantId }));

        // Cryptography.
        var encrypted = await vault.EncryptAsync(new EncryptRequest
        {
            KeyId = OwnerKeyArn,
            Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("conformance")),
            EncryptionContext = context1,
            GrantTokens = [],
            EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            DryRun = false,
        });
        await Fails("DryRunOperationException", () => owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream([1]), DryRun = true }));
        await Fails("InvalidKeyUsageException", () => owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream([1]), EncryptionAlgorithm = EncryptionAlgorithmSpec.RSAES_OAEP_SHA_256 }));
        await Fails("NotFoundException", () => owner.EncryptAsync(new EncryptRequest { KeyId = "arn:aws:s3:::bucket", Plaintext = new MemoryStream([1]) }));
        await Fails("InvalidGrantTokenException", () => owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream([1]), GrantTokens = ["x"] }));
        byte[] blob = encrypted.CiphertextBlob.ToArray();
        await vault.DecryptAsync(new DecryptRequest
        {
            CiphertextBlob = new MemoryStream(blob),
            EncryptionContext = context1,
            GrantTokens = [],
            KeyId = OwnerKeyArn,
            EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            DryRun = false,
            DryRunModifiers = [],
        });
        await Fails("DryRunOperationException", () => owner.DecryptAsync(new DecryptRequest { KeyId = OwnerKeyId, DryRun = true, DryRunModifiers = ["IGNORE_CIPHERTEXT"] }));
        await Fails("InvalidCiphertextException", () => owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream([1, 2, 3]) }));
        await Fails("IncorrectKeyException", () => owner.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), EncryptionContext = context1, KeyId = created.KeyId }));
        var dataKey = await owner.GenerateDataKeyAsync(new GenerateDataKeyRequest
        {
            KeyId = OwnerKeyId,
            EncryptionContext = context1,
            KeySpec = DataKeySpec.AES_256,
            GrantTokens = [],
            DryRun = false,
        });
        await owner.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = "alias/origin-key", NumberOfBytes = 16 });
        await owner.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest
        {
            KeyId = OwnerKeyId,
            EncryptionContext = context1,
            NumberOfBytes = 64,
            GrantTokens = [],
            DryRun = false,
        });
        await Fails("ValidationException", () => owner.GenerateDataKeyWithoutPlaintextAsync(new GenerateDataKeyWithoutPlaintextRequest { KeyId = OwnerKeyId }));
        await owner.ReEncryptAsync(new ReEncryptRequest
        {
            CiphertextBlob = dataKey.CiphertextBlob,
            SourceEncryptionContext = context1,
            SourceKeyId = OwnerKeyArn,
            DestinationKeyId = created.Arn,
            DestinationEncryptionContext = context1,
            SourceEncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            DestinationEncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            GrantTokens = [],
            DryRun = false,
            DryRunModifiers = [],
        });
        await Fails("DryRunOperationException", () => owner.ReEncryptAsync(new ReEncryptRequest { SourceKeyId = OwnerKeyId, DestinationKeyId = created.KeyId, DryRun = true, DryRunModifiers = ["IGNORE_CIPHERTEXT"] }));

        // States and tags.
        await owner.DisableKeyAsync(new DisableKeyRequest { KeyId = created.KeyId });
        await Fails("DisabledException", () => owner.EncryptAsync(new EncryptRequest { KeyId = created.KeyId, Plaintext = new MemoryStream([1]) }));
        await owner.EnableKeyAsync(new EnableKeyRequest { KeyId = created.Arn });
        await owner.TagResourceAsync(new TagResourceRequest { KeyId = created.KeyId, Tags = [new Tag { TagKey = "a", TagValue = "b" }] });
        await Fails("TagException", () => owner.TagResourceAsync(new TagResourceRequest { KeyId = created.KeyId, Tags = [new Tag { TagKey = "aws:a", TagValue = "b" }] }));
        var tags = await owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = created.KeyId, Limit = 1 });
        await owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = created.KeyId, Limit = 1, Marker = tags.NextMarker });
        await Fails("InvalidMarkerException", () => owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = created.KeyId, Marker = "bogus" }));
        await owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = created.KeyId, PendingWindowInDays = 7 });
        await Fails("KMSInvalidStateException", () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = created.KeyId }));
        await Fails("KMSInvalidStateException", () => owner.EnableKeyAsync(new EnableKeyRequest { KeyId = created.KeyId }));
        await Fails("KMSInvalidStateException", () => owner.TagResourceAsync(new TagResourceRequest { KeyId = created.KeyId, Tags = [new Tag { TagKey = "a", TagValue = "c" }] }));
        await owner.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = created.KeyId });
        await Fails("KMSInvalidStateException", () => owner.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = created.KeyId }));
        await Fails("ValidationException", () => owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = created.KeyId, PendingWindowInDays = 3 }));
    }

    private static AmazonKeyManagementServiceClient Client(ConformanceContext context, KmsCredentials credentials) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = context.Server.BaseUri.ToString(),
            AuthenticationRegion = Region,
            MaxErrorRetry = 0,
        });

    private static async Task Fails(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonKeyManagementServiceException>(call);
        Assert.Equal(code, error.ErrorCode);
    }
}
