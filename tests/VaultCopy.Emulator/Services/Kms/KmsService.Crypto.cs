using System.Text.Json.Nodes;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

public sealed partial class KmsService
{
    private const int MaxPlaintextBytes = 4096;
    private const string IgnoreCiphertext = "IGNORE_CIPHERTEXT";

    private static AwsResponse Encrypt(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        byte[]? plaintext = KmsJson.GetBlob(json, "Plaintext");
        if (plaintext is null)
        {
            errors.Add("Plaintext", null, "Member must not be null");
        }

        var context = json.GetStringMap("EncryptionContext");
        var tokens = ReadGrantTokens(json, errors);
        string? algorithm = CheckEnum(errors, "EncryptionAlgorithm", json.GetString("EncryptionAlgorithm"), s_encryptionAlgorithms);
        bool dryRun = json.GetBool("DryRun") ?? false;
        errors.ThrowIfAny();
        CheckPlaintextSize(plaintext!, "plaintext");
        CheckGrantTokens(tokens);

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false);
        KmsAuthorizer.Authorize(call, key, "kms:Encrypt", Algorithm(algorithm), context);
        CheckUsable(key);
        CheckSymmetric(key, "Encrypt", algorithm);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return AwsResponse.Json(new JsonObject
        {
            ["CiphertextBlob"] = Base64(KmsCiphertext.Encrypt(key, plaintext!, context)),
            ["KeyId"] = key.Arn,
            ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
        });
    }

    private static AwsResponse GenerateDataKey(KmsCall call, JsonParameters json, bool withPlaintext)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        var context = json.GetStringMap("EncryptionContext");
        int? numberOfBytes = json.GetInt("NumberOfBytes");
        errors.CheckRange("NumberOfBytes", numberOfBytes, 1, 1024);
        string? keySpec = CheckEnum(errors, "KeySpec", json.GetString("KeySpec"), ["AES_256", "AES_128"]);
        var tokens = ReadGrantTokens(json, errors);
        bool dryRun = json.GetBool("DryRun") ?? false;
        errors.ThrowIfAny();

        if ((numberOfBytes is null) == (keySpec is null) && !errors.Any)
        {
            throw KmsErrors.Validation("Please specify either number of bytes or key spec.");
        }

        CheckGrantTokens(tokens);
        string action = withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext";
        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false);
        KmsAuthorizer.Authorize(call, key, action, null, context);
        CheckUsable(key);
        CheckSymmetric(key, withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext", null);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        byte[] dataKey = RandomBytes(numberOfBytes ?? (keySpec == "AES_128" ? 16 : 32));
        var body = new JsonObject { ["CiphertextBlob"] = Base64(KmsCiphertext.Encrypt(key, dataKey, context)) };
        if (withPlaintext)
        {
            body["Plaintext"] = Base64(dataKey);
        }

        body["KeyId"] = key.Arn;
        return AwsResponse.Json(body);
    }

    private static AwsResponse Decrypt(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        byte[]? blob = KmsJson.GetBlob(json, "CiphertextBlob");
        var context = json.GetStringMap("EncryptionContext");
        var tokens = ReadGrantTokens(json, errors);
        string? keyId = OptionalKeyId(json, errors, "KeyId");
        string? algorithm = CheckEnum(errors, "EncryptionAlgorithm", json.GetString("EncryptionAlgorithm"), s_encryptionAlgorithms);
        bool dryRun = json.GetBool("DryRun") ?? false;
        var modifiers = json.GetStringList("DryRunModifiers") ?? [];
        errors.ThrowIfAny();
        CheckGrantTokens(tokens);

        if (blob is null)
        {
            // Only a dry run that ignores the ciphertext may leave it out; it then needs the KeyId (Decrypt documentation).
            if (!(dryRun && modifiers.Contains(IgnoreCiphertext) && keyId is not null))
            {
                throw KmsErrors.Validation("CiphertextBlob is required unless DryRun is true and DryRunModifiers contains IGNORE_CIPHERTEXT with a KeyId.");
            }

            var named = KmsStore.Resolve(call, keyId, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false);
            KmsAuthorizer.Authorize(call, named, "kms:Decrypt", Algorithm(algorithm), context);
            CheckUsable(named);
            throw KmsErrors.DryRun();
        }

        var key = SourceKey(call, blob, keyId);
        KmsAuthorizer.Authorize(call, key, "kms:Decrypt", Algorithm(algorithm), context);
        CheckUsable(key);
        CheckSymmetric(key, "Decrypt", algorithm);
        byte[] plaintext = KmsCiphertext.Decrypt(key, blob, context) ?? throw KmsErrors.InvalidCiphertext();
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return AwsResponse.Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["Plaintext"] = Base64(plaintext),
            ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
        });
    }

    private static AwsResponse ReEncrypt(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        byte[]? blob = KmsJson.GetBlob(json, "CiphertextBlob");
        var sourceContext = json.GetStringMap("SourceEncryptionContext");
        string? sourceKeyId = OptionalKeyId(json, errors, "SourceKeyId");
        string destinationKeyId = RequiredKeyId(json, errors, "DestinationKeyId");
        var destinationContext = json.GetStringMap("DestinationEncryptionContext");
        string? sourceAlgorithm = CheckEnum(errors, "SourceEncryptionAlgorithm", json.GetString("SourceEncryptionAlgorithm"), s_encryptionAlgorithms);
        string? destinationAlgorithm = CheckEnum(errors, "DestinationEncryptionAlgorithm", json.GetString("DestinationEncryptionAlgorithm"), s_encryptionAlgorithms);
        var tokens = ReadGrantTokens(json, errors);
        bool dryRun = json.GetBool("DryRun") ?? false;
        var modifiers = json.GetStringList("DryRunModifiers") ?? [];
        errors.ThrowIfAny();
        CheckGrantTokens(tokens);

        if (blob is null && !(dryRun && modifiers.Contains(IgnoreCiphertext) && sourceKeyId is not null))
        {
            throw KmsErrors.Validation("CiphertextBlob is required unless DryRun is true and DryRunModifiers contains IGNORE_CIPHERTEXT with a SourceKeyId.");
        }

        var source = blob is null
            ? KmsStore.Resolve(call, sourceKeyId!, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false)
            : SourceKey(call, blob, sourceKeyId);
        var destination = KmsStore.Resolve(call, destinationKeyId, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false);
        var sameKey = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:ReEncryptOnSameKey"] = [AwsFormat.Bool(source.Arn == destination.Arn)],
        };
        KmsAuthorizer.Authorize(call, source, "kms:ReEncryptFrom", sameKey, sourceContext);
        KmsAuthorizer.Authorize(call, destination, "kms:ReEncryptTo", sameKey, destinationContext);
        CheckUsable(source);
        CheckUsable(destination);
        CheckSymmetric(source, "ReEncrypt", sourceAlgorithm);
        CheckSymmetric(destination, "ReEncrypt", destinationAlgorithm);
        byte[]? plaintext = blob is null ? null : KmsCiphertext.Decrypt(source, blob, sourceContext) ?? throw KmsErrors.InvalidCiphertext();
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        return AwsResponse.Json(new JsonObject
        {
            ["CiphertextBlob"] = Base64(KmsCiphertext.Encrypt(destination, plaintext!, destinationContext)),
            ["SourceKeyId"] = source.Arn,
            ["KeyId"] = destination.Arn,
            ["SourceEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
            ["DestinationEncryptionAlgorithm"] = "SYMMETRIC_DEFAULT",
        });
    }

    /// <summary>
    /// The key a ciphertext names. A blob that is not a KMS ciphertext, or names a key of another Region, is
    /// InvalidCiphertextException; a KeyId naming another key is IncorrectKeyException (Decrypt/ReEncrypt documentation).
    /// </summary>
    private static KmsKey SourceKey(KmsCall call, byte[] blob, string? keyId)
    {
        if (KmsCiphertext.ReadKeyArn(blob) is not { } arn || !Model.Arn.TryParse(arn, out var parsed) || parsed.Region != call.Region)
        {
            throw KmsErrors.InvalidCiphertext();
        }

        var key = KmsStore.FindByArn(call.World, arn) ?? throw KmsErrors.KeyNotFound(arn);
        if (keyId is not null && KmsStore.Resolve(call, keyId, KeyReference.KeyOrAlias, crossAccount: true, invalidArnModelled: false).Arn != key.Arn)
        {
            throw KmsErrors.IncorrectKey();
        }

        return key;
    }

    /// <summary>Key states that refuse cryptographic operations and CreateGrant (key state table).</summary>
    private static void CheckUsable(KmsKey key)
    {
        switch (key.KeyState)
        {
            case KmsKeyStates.Disabled:
                throw KmsErrors.Disabled(key.Arn);
            case KmsKeyStates.PendingDeletion:
                throw KmsErrors.PendingDeletion(key.Arn);
            case KmsKeyStates.PendingImport:
                throw KmsErrors.PendingImport(key.Arn);
        }
    }

    // Only symmetric encryption keys do cryptography here; asymmetric and HMAC keys are metadata only (README).
    private static void CheckSymmetric(KmsKey key, string operation, string? algorithm)
    {
        if (key.KeyUsage != "ENCRYPT_DECRYPT" || !key.IsSymmetric)
        {
            throw KmsErrors.InvalidKeyUsage(key, operation);
        }

        if (algorithm is not null && algorithm != "SYMMETRIC_DEFAULT")
        {
            throw new AwsServiceException("InvalidKeyUsageException", $"{key.Arn} does not support the encryption algorithm {algorithm}.");
        }
    }

    private static void CheckPlaintextSize(byte[] plaintext, string member)
    {
        if (plaintext.Length is 0 or > MaxPlaintextBytes)
        {
            string constraint = plaintext.Length == 0
                ? "Member must have length greater than or equal to 1"
                : $"Member must have length less than or equal to {MaxPlaintextBytes}";
            throw KmsErrors.Validation($"1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}");
        }
    }

    private static Dictionary<string, IReadOnlyList<string>>? Algorithm(string? algorithm) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["kms:EncryptionAlgorithm"] = [algorithm ?? "SYMMETRIC_DEFAULT"],
    };
}
