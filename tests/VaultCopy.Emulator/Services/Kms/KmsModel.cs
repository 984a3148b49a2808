using System.Security.Cryptography;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>KMS state of one account in one Region: keys by KeyId and aliases by full name (<c>alias/…</c>).</summary>
public sealed class KmsRegionState
{
    /// <summary>Keys in creation order (ListKeys pages through them in that order).</summary>
    public Dictionary<string, KmsKey> Keys { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, KmsAlias> Aliases { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Keys.Count == 0 && Aliases.Count == 0;

    public IEnumerable<KmsAlias> AliasesOf(string keyId) =>
        Aliases.Values.Where(a => string.Equals(a.TargetKeyId, keyId, StringComparison.Ordinal));
}

/// <summary>Key states from the model's <c>KeyState</c> enum that the emulator produces.</summary>
public static class KmsKeyStates
{
    public const string Enabled = "Enabled";
    public const string Disabled = "Disabled";
    public const string PendingDeletion = "PendingDeletion";
    public const string PendingImport = "PendingImport";
}

public sealed class KmsKey
{
    public required string KeyId { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public required string Partition { get; init; }

    public required DateTimeOffset CreationDate { get; init; }

    public string Description { get; set; } = string.Empty;

    public string KeySpec { get; init; } = KmsKeySpecs.SymmetricDefault;

    public string KeyUsage { get; init; } = "ENCRYPT_DECRYPT";

    public string Origin { get; init; } = "AWS_KMS";

    public bool MultiRegion { get; init; }

    /// <summary>AWS managed (aws/ebs, aws/rds): KeyManager AWS, fixed policy, never declared in fixtures.</summary>
    public bool IsAwsManaged { get; init; }

    public string KeyState { get; set; } = KmsKeyStates.Enabled;

    public DateTimeOffset? DeletionDate { get; set; }

    public int? PendingWindowInDays { get; set; }

    /// <summary>The key policy exactly as given (GetKeyPolicy returns it unchanged).</summary>
    public required string Policy { get; set; }

    /// <summary>The secret behind the ciphertexts; never shown in the state view.</summary>
    public byte[] Material { get; init; } = RandomNumberGenerator.GetBytes(32);

    /// <summary>Tags in the order they were first set (a re-set keeps the position, as a map would).</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    /// <summary>Grants in creation order.</summary>
    public List<KmsGrant> Grants { get; } = [];

    public string Arn => $"arn:{Partition}:kms:{Region}:{AccountId}:key/{KeyId}";

    public string KeyManager => IsAwsManaged ? "AWS" : "CUSTOMER";

    public bool Enabled => KeyState == KmsKeyStates.Enabled;

    public bool IsSymmetric => KeySpec == KmsKeySpecs.SymmetricDefault;

    /// <summary>KeyMetadata.CurrentKeyMaterialId: 64 hex characters that identify the material.</summary>
    public string KeyMaterialId => Convert.ToHexStringLower(SHA256.HashData(Material));

    public void SetTag(string key, string value)
    {
        int index = Tags.FindIndex(t => string.Equals(t.Key, key, StringComparison.Ordinal));
        if (index >= 0)
        {
            Tags[index] = new(key, value);
        }
        else
        {
            Tags.Add(new(key, value));
        }
    }
}

public sealed class KmsAlias
{
    /// <summary>The full name, <c>alias/…</c>.</summary>
    public required string Name { get; init; }

    public required string TargetKeyId { get; set; }

    public required DateTimeOffset CreationDate { get; init; }

    public DateTimeOffset LastUpdatedDate { get; set; }
}

public sealed class KmsGrant
{
    /// <summary>64 hex characters, like real grant ids.</summary>
    public required string GrantId { get; init; }

    public required string KeyId { get; init; }

    public string? Name { get; init; }

    public required DateTimeOffset CreationDate { get; init; }

    public string? GranteePrincipal { get; init; }

    public string? GranteeServicePrincipal { get; init; }

    public string? RetiringPrincipal { get; init; }

    public string? RetiringServicePrincipal { get; init; }

    /// <summary><c>arn:aws:iam::ACCOUNT:root</c> of the account whose principal created the grant.</summary>
    public required string IssuingAccount { get; init; }

    public required IReadOnlyList<string> Operations { get; init; }

    public IReadOnlyDictionary<string, string>? EncryptionContextSubset { get; init; }

    public IReadOnlyDictionary<string, string>? EncryptionContextEquals { get; init; }

    public string? SourceArn { get; init; }

    /// <summary>True for grants an integrated service (EC2, RDS) created on a caller's behalf.</summary>
    public bool IsForAwsResource { get; init; }

    public bool HasConstraints => EncryptionContextSubset is not null || EncryptionContextEquals is not null || SourceArn is not null;

    /// <summary>Same grant request (used by Name idempotency): everything but id, date and token.</summary>
    public bool SameRequest(KmsGrant other) =>
        Name == other.Name
        && GranteePrincipal == other.GranteePrincipal
        && GranteeServicePrincipal == other.GranteeServicePrincipal
        && RetiringPrincipal == other.RetiringPrincipal
        && RetiringServicePrincipal == other.RetiringServicePrincipal
        && Operations.Order(StringComparer.Ordinal).SequenceEqual(other.Operations.Order(StringComparer.Ordinal), StringComparer.Ordinal)
        && SameMap(EncryptionContextSubset, other.EncryptionContextSubset)
        && SameMap(EncryptionContextEquals, other.EncryptionContextEquals)
        && SourceArn == other.SourceArn;

    private static bool SameMap(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out string? v) && v == p.Value);
}

/// <summary>Key specs and what each supports (CreateKey KeySpec/KeyUsage documentation).</summary>
public static class KmsKeySpecs
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    public static IReadOnlyList<string> All { get; } =
    [
        "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1",
        SymmetricDefault, "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87",
        "ECC_NIST_EDWARDS25519",
    ];

    public static IReadOnlyList<string> KeyUsages { get; } = ["SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

    /// <summary>The usages a spec allows; the first is the default when the spec has only one.</summary>
    public static IReadOnlyList<string> UsagesFor(string spec) => spec switch
    {
        SymmetricDefault => ["ENCRYPT_DECRYPT"],
        "RSA_2048" or "RSA_3072" or "RSA_4096" => ["ENCRYPT_DECRYPT", "SIGN_VERIFY"],
        "ECC_NIST_P256" or "ECC_NIST_P384" or "ECC_NIST_P521" => ["SIGN_VERIFY", "KEY_AGREEMENT"],
        "SM2" => ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "KEY_AGREEMENT"],
        _ when spec.StartsWith("HMAC_", StringComparison.Ordinal) => ["GENERATE_VERIFY_MAC"],
        _ => ["SIGN_VERIFY"],
    };

    public static IReadOnlyList<string>? EncryptionAlgorithms(string spec, string usage) => usage != "ENCRYPT_DECRYPT"
        ? null
        : spec switch
        {
            SymmetricDefault => ["SYMMETRIC_DEFAULT"],
            "SM2" => ["SM2PKE"],
            _ => ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        };

    public static IReadOnlyList<string>? SigningAlgorithms(string spec, string usage) => usage != "SIGN_VERIFY"
        ? null
        : spec switch
        {
            "RSA_2048" or "RSA_3072" or "RSA_4096" =>
            [
                "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
                "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
            ],
            "ECC_NIST_P256" or "ECC_SECG_P256K1" => ["ECDSA_SHA_256"],
            "ECC_NIST_P384" => ["ECDSA_SHA_384"],
            "ECC_NIST_P521" => ["ECDSA_SHA_512"],
            "ECC_NIST_EDWARDS25519" => ["ED25519_SHA_512", "ED25519_PH_SHA_512"],
            "SM2" => ["SM2DSA"],
            _ => ["ML_DSA_SHAKE_256"],
        };

    public static IReadOnlyList<string>? MacAlgorithms(string spec) => spec switch
    {
        "HMAC_224" => ["HMAC_SHA_224"],
        "HMAC_256" => ["HMAC_SHA_256"],
        "HMAC_384" => ["HMAC_SHA_384"],
        "HMAC_512" => ["HMAC_SHA_512"],
        _ => null,
    };

    public static IReadOnlyList<string>? KeyAgreementAlgorithms(string usage) => usage == "KEY_AGREEMENT" ? ["ECDH"] : null;
}

/// <summary>What a grant on a symmetric encryption key may allow (grant operations, KMS Developer Guide).</summary>
public static class KmsServiceGrantOperations
{
    public static IReadOnlyList<string> Symmetric { get; } =
    [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo",
        "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    ];
}
