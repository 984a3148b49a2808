using System.Security.Cryptography;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// AWS KMS (JSON 1.1, <c>X-Amz-Target: TrentService.&lt;Op&gt;</c>, API 2014-11-01): keys, aliases, key policies,
/// grants and symmetric cryptography, per aws-models/kms/service-2.json and aws-behaviour.md §4. Every call is
/// authorized by <see cref="KmsAuthorizer"/> (key policy + IAM + grants); errors are the model's exception shapes.
/// </summary>
public sealed partial class KmsService : IAwsService
{
    private const string ValidationCode = "ValidationException";

    private static readonly string[] s_grantOperations =
    [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign",
        "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ];

    private static readonly string[] s_encryptionAlgorithms = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];
    private static readonly string[] s_origins = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];

    public string SigningName => "kms";

    public AwsProtocol Protocol => AwsProtocol.Json;

    public IReadOnlyCollection<string> Operations { get; } =
    [
        "CreateKey", "DescribeKey", "ListKeys", "ListAliases", "CreateAlias", "DeleteAlias", "GetKeyPolicy", "PutKeyPolicy",
        "ListKeyPolicies", "CreateGrant", "ListGrants", "RevokeGrant", "RetireGrant", "Encrypt", "Decrypt", "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext", "ReEncrypt", "EnableKey", "DisableKey", "ScheduleKeyDeletion", "CancelKeyDeletion",
        "TagResource", "ListResourceTags",
    ];

    public Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (request.World.Sync)
        {
            KmsStore.Purge(request.World, request.Clock.UtcNow);
            var call = KmsCall.From(request);
            var json = request.Json;
            return Task.FromResult(request.Action switch
            {
                "CreateKey" => CreateKey(call, json),
                "DescribeKey" => DescribeKey(call, json),
                "ListKeys" => ListKeys(call, json),
                "ListAliases" => ListAliases(call, json),
                "CreateAlias" => CreateAlias(call, json),
                "DeleteAlias" => DeleteAlias(call, json),
                "GetKeyPolicy" => GetKeyPolicy(call, json),
                "PutKeyPolicy" => PutKeyPolicy(call, json),
                "ListKeyPolicies" => ListKeyPolicies(call, json),
                "CreateGrant" => CreateGrant(call, json),
                "ListGrants" => ListGrants(call, json),
                "RevokeGrant" => RevokeGrant(call, json),
                "RetireGrant" => RetireGrant(call, json),
                "Encrypt" => Encrypt(call, json),
                "Decrypt" => Decrypt(call, json),
                "GenerateDataKey" => GenerateDataKey(call, json, withPlaintext: true),
                "GenerateDataKeyWithoutPlaintext" => GenerateDataKey(call, json, withPlaintext: false),
                "ReEncrypt" => ReEncrypt(call, json),
                "EnableKey" => SetEnabled(call, json, enable: true),
                "DisableKey" => SetEnabled(call, json, enable: false),
                "ScheduleKeyDeletion" => ScheduleKeyDeletion(call, json),
                "CancelKeyDeletion" => CancelKeyDeletion(call, json),
                "TagResource" => TagResource(call, json),
                "ListResourceTags" => ListResourceTags(call, json),
                _ => throw request.UnknownAction(),
            });
        }
    }

    // ---- Keys ----------------------------------------------------------------------------------------------

    private static AwsResponse CreateKey(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string? policy = json.GetString("Policy");
        errors.CheckString("Policy", policy, min: 1, max: KmsPolicies.ModelMaxPolicyLength);
        string? description = json.GetString("Description");
        errors.CheckString("Description", description, max: 8192);
        string? keyUsage = CheckEnum(errors, "KeyUsage", json.GetString("KeyUsage"), KmsKeySpecs.KeyUsages);
        string? cmkSpec = CheckEnum(errors, "CustomerMasterKeySpec", json.GetString("CustomerMasterKeySpec"), KmsKeySpecs.All.Where(s => !s.StartsWith("ML_DSA", StringComparison.Ordinal) && s != "ECC_NIST_EDWARDS25519").ToList());
        string? keySpec = CheckEnum(errors, "KeySpec", json.GetString("KeySpec"), KmsKeySpecs.All);
        string origin = CheckEnum(errors, "Origin", json.GetString("Origin"), s_origins) ?? "AWS_KMS";
        string? customKeyStoreId = json.GetString("CustomKeyStoreId");
        errors.CheckString("CustomKeyStoreId", customKeyStoreId, min: 1, max: 64);
        bool bypass = json.GetBool("BypassPolicyLockoutSafetyCheck") ?? false;
        var tags = KmsJson.GetTags(json, "Tags", errors) ?? [];
        bool multiRegion = json.GetBool("MultiRegion") ?? false;
        string? xksKeyId = json.GetString("XksKeyId");
        errors.CheckString("XksKeyId", xksKeyId, min: 1, max: 128, pattern: "^[a-zA-Z0-9-_.]+$");
        errors.ThrowIfAny();

        if (keySpec is not null && cmkSpec is not null)
        {
            throw KmsErrors.Validation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.");
        }

        string spec = keySpec ?? cmkSpec ?? KmsKeySpecs.SymmetricDefault;
        var usages = KmsKeySpecs.UsagesFor(spec);
        if (keyUsage is null && spec != KmsKeySpecs.SymmetricDefault)
        {
            throw KmsErrors.Validation($"KeyUsage is required for KeySpec {spec}; valid values are {string.Join(", ", usages)}.");
        }

        string usage = keyUsage ?? "ENCRYPT_DECRYPT";
        if (!usages.Contains(usage, StringComparer.Ordinal))
        {
            throw KmsErrors.Validation($"KeyUsage {usage} is not compatible with KeySpec {spec}.");
        }

        if (spec == "SM2")
        {
            throw new AwsServiceException("UnsupportedOperationException", "KeySpec SM2 is supported only in China Regions.");
        }

        if (origin is "AWS_CLOUDHSM" or "EXTERNAL_KEY_STORE" || customKeyStoreId is not null)
        {
            // The emulator has no custom key stores, so any reference to one names a store that does not exist.
            throw new AwsServiceException("CustomKeyStoreNotFoundException", customKeyStoreId is null
                ? $"Origin {origin} requires a CustomKeyStoreId."
                : $"Custom key store '{customKeyStoreId}' does not exist.");
        }

        if (xksKeyId is not null)
        {
            throw KmsErrors.Validation("XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.");
        }

        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:KeySpec"] = [spec],
            ["kms:KeyUsage"] = [usage],
            ["kms:KeyOrigin"] = [origin],
            ["kms:MultiRegion"] = [AwsFormat.Bool(multiRegion)],
            ["kms:MultiRegionKeyType"] = multiRegion ? ["PRIMARY"] : [],
            ["kms:BypassPolicyLockoutSafetyCheck"] = [AwsFormat.Bool(bypass)],
        };
        AddRequestTags(context, tags);
        KmsAuthorizer.AuthorizeIdentity(call, "kms:CreateKey", "*", context);
        if (tags.Count > 0)
        {
            KmsAuthorizer.AuthorizeIdentity(call, "kms:TagResource", "*", context);
        }

        CheckTags(tags, existing: 0);
        var account = call.CallerAccount ?? throw new AwsServiceException("InternalFailure", "The caller's account no longer exists.", 500, senderFault: false);
        var key = new KmsKey
        {
            KeyId = KmsStore.NewKeyId(multiRegion),
            AccountId = account.Id,
            Region = call.Region,
            Partition = account.Partition,
            CreationDate = call.Now,
            Description = description ?? string.Empty,
            KeySpec = spec,
            KeyUsage = usage,
            Origin = origin,
            MultiRegion = multiRegion,
            KeyState = origin == "EXTERNAL" ? KmsKeyStates.PendingImport : KmsKeyStates.Enabled,
            Policy = policy ?? KmsPolicies.Default(account.Partition, account.Id),
        };
        if (policy is not null)
        {
            var document = KmsPolicies.Validate(policy, call.World);
            if (!bypass)
            {
                CheckLockout(call, key, document, bypass);
            }
        }

        foreach (var tag in tags)
        {
            key.SetTag(tag.Key, tag.Value);
        }

        KmsStore.State(call.World, account.Id, call.Region).Keys[key.KeyId] = key;
        return AwsResponse.Json(new JsonObject { ["KeyMetadata"] = KmsJson.KeyMetadata(key) });
    }

    private static AwsResponse DescribeKey(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        ReadGrantTokens(json, errors);
        errors.ThrowIfAny();

        // DescribeKey is how AWS services create AWS managed keys from a predefined alias (DescribeKey documentation).
        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOrAlias, crossAccount: true, createAwsManaged: true);
        KmsAuthorizer.Authorize(call, key, "kms:DescribeKey");
        return AwsResponse.Json(new JsonObject { ["KeyMetadata"] = KmsJson.KeyMetadata(key) });
    }

    private static AwsResponse ListKeys(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        int limit = KmsJson.Limit(json, errors, defaultLimit: 100, documentedMax: 1000);
        string? marker = ReadMarker(json, errors);
        errors.ThrowIfAny();

        KmsAuthorizer.AuthorizeIdentity(call, "kms:ListKeys", "*");
        var keys = KmsStore.FindState(call.World, call.Caller.AccountId, call.Region)?.Keys.Values.ToList() ?? [];
        var (page, next) = KmsJson.Page(keys, marker, limit);
        var body = new JsonObject
        {
            ["Keys"] = new JsonArray(page.Select(k => (JsonNode?)new JsonObject { ["KeyId"] = k.KeyId, ["KeyArn"] = k.Arn }).ToArray()),
        };
        return AwsResponse.Json(KmsJson.WithPaging(body, next));
    }

    private static AwsResponse SetEnabled(KmsCall call, JsonParameters json, bool enable)
    {
        var key = ResolveOwnKey(call, json);
        KmsAuthorizer.Authorize(call, key, enable ? "kms:EnableKey" : "kms:DisableKey");
        switch (key.KeyState)
        {
            case KmsKeyStates.PendingDeletion:
                throw KmsErrors.PendingDeletion(key.Arn);
            case KmsKeyStates.PendingImport:
                throw KmsErrors.PendingImport(key.Arn);
        }

        bool wasUsable = key.KeyState == KmsKeyStates.Enabled;
        key.KeyState = enable ? KmsKeyStates.Enabled : KmsKeyStates.Disabled;
        if (wasUsable && !enable)
        {
            ServiceRegistry.KeyBecameUnusable(call.World, key.Arn, call.Now);
        }
        else if (!wasUsable && enable)
        {
            ServiceRegistry.KeyBecameUsable(call.World, key.Arn, call.Now);
        }

        return AwsResponse.Json(null);
    }

    private static AwsResponse ScheduleKeyDeletion(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        int? window = json.GetInt("PendingWindowInDays");
        errors.CheckRange("PendingWindowInDays", window, 1, 365);
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        int days = window ?? 30;
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:ScheduleKeyDeletionPendingWindowInDays"] = [days.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        };
        KmsAuthorizer.Authorize(call, key, "kms:ScheduleKeyDeletion", context);
        if (days is < 7 or > 30)
        {
            throw KmsErrors.Validation("PendingWindowInDays value must be between 7 and 30, inclusive.");
        }

        if (key.KeyState == KmsKeyStates.PendingDeletion)
        {
            throw KmsErrors.PendingDeletion(key.Arn);
        }

        bool wasUsable = key.KeyState == KmsKeyStates.Enabled;
        key.KeyState = KmsKeyStates.PendingDeletion;
        key.PendingWindowInDays = days;
        key.DeletionDate = call.Now.AddDays(days);
        if (wasUsable)
        {
            ServiceRegistry.KeyBecameUnusable(call.World, key.Arn, call.Now);
        }
        return AwsResponse.Json(new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["DeletionDate"] = AwsFormat.EpochSeconds(key.DeletionDate.Value),
            ["KeyState"] = key.KeyState,
            ["PendingWindowInDays"] = days,
        });
    }

    private static AwsResponse CancelKeyDeletion(KmsCall call, JsonParameters json)
    {
        var key = ResolveOwnKey(call, json);
        KmsAuthorizer.Authorize(call, key, "kms:CancelKeyDeletion");
        if (key.KeyState != KmsKeyStates.PendingDeletion)
        {
            throw KmsErrors.NotPendingDeletion(key.Arn);
        }

        // A cancelled deletion leaves the key disabled (CancelKeyDeletion documentation).
        key.KeyState = KmsKeyStates.Disabled;
        key.DeletionDate = null;
        key.PendingWindowInDays = null;
        return AwsResponse.Json(new JsonObject { ["KeyId"] = key.Arn });
    }

    private static AwsResponse TagResource(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        var tags = KmsJson.GetTags(json, "Tags", errors);
        if (tags is null)
        {
            errors.Add("Tags", null, "Member must not be null");
        }

        errors.ThrowIfAny();
        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        AddRequestTags(context, tags!);
        KmsAuthorizer.Authorize(call, key, "kms:TagResource", context);
        if (key.KeyState == KmsKeyStates.PendingDeletion)
        {
            throw KmsErrors.PendingDeletion(key.Arn);
        }

        CheckTags(tags!, key.Tags.Count(t => tags!.All(n => n.Key != t.Key)));
        foreach (var tag in tags!)
        {
            key.SetTag(tag.Key, tag.Value);
        }

        return AwsResponse.Json(null);
    }

    private static AwsResponse ListResourceTags(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        int limit = KmsJson.Limit(json, errors, defaultLimit: 50, documentedMax: 50);
        string? marker = ReadMarker(json, errors);
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        KmsAuthorizer.Authorize(call, key, "kms:ListResourceTags");
        var (page, next) = KmsJson.Page(key.Tags, marker, limit);
        return AwsResponse.Json(KmsJson.WithPaging(new JsonObject { ["Tags"] = KmsJson.Tags(page) }, next));
    }

    // ---- Key policies --------------------------------------------------------------------------------------

    private static AwsResponse GetKeyPolicy(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        string policyName = ReadPolicyName(json, errors);
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        KmsAuthorizer.Authorize(call, key, "kms:GetKeyPolicy");
        if (policyName != "default")
        {
            throw new AwsServiceException("NotFoundException", $"Key policy '{policyName}' does not exist. The only key policy name is default.");
        }

        return AwsResponse.Json(new JsonObject { ["Policy"] = key.Policy, ["PolicyName"] = "default" });
    }

    private static AwsResponse PutKeyPolicy(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        string policyName = ReadPolicyName(json, errors);
        string? policy = json.GetString("Policy");
        if (policy is null)
        {
            errors.Add("Policy", null, "Member must not be null");
        }

        errors.CheckString("Policy", policy, min: 1, max: KmsPolicies.ModelMaxPolicyLength);
        bool bypass = json.GetBool("BypassPolicyLockoutSafetyCheck") ?? false;
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:BypassPolicyLockoutSafetyCheck"] = [AwsFormat.Bool(bypass)],
        };
        KmsAuthorizer.Authorize(call, key, "kms:PutKeyPolicy", context);
        if (policyName != "default")
        {
            throw new AwsServiceException("UnsupportedOperationException", $"Key policy name '{policyName}' is not supported. The only key policy name is default.");
        }

        if (key.IsAwsManaged)
        {
            // Unreachable through the fixed AWS managed policy, which allows no one kms:PutKeyPolicy; kept as the rule.
            throw new AwsServiceException("UnsupportedOperationException", $"{key.Arn} is an AWS managed key; its key policy cannot be changed.");
        }

        var document = KmsPolicies.Validate(policy!, call.World);
        if (!bypass)
        {
            CheckLockout(call, key, document, bypass);
        }

        // Key policies stay changeable in every key state, including Disabled and PendingDeletion (key state table).
        key.Policy = policy!;
        return AwsResponse.Json(null);
    }

    private static AwsResponse ListKeyPolicies(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");

        // One policy always fits one page, so no NextMarker is ever issued; the model gives ListKeyPolicies no
        // InvalidMarkerException, so Limit and Marker are only checked against their model constraints.
        _ = KmsJson.Limit(json, errors, defaultLimit: 100, documentedMax: 1000);
        _ = ReadMarker(json, errors);
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
        KmsAuthorizer.Authorize(call, key, "kms:ListKeyPolicies");
        return AwsResponse.Json(KmsJson.WithPaging(new JsonObject { ["PolicyNames"] = new JsonArray("default") }, null));
    }

    // The new policy must still let the caller call PutKeyPolicy, judged with the caller's IAM policies too
    // (aws-behaviour.md §4.5).
    private static void CheckLockout(KmsCall call, KmsKey key, Policy.PolicyDocument document, bool bypass)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:BypassPolicyLockoutSafetyCheck"] = [AwsFormat.Bool(bypass)],
        };
        if (!KmsAuthorizer.Evaluate(call, key, "kms:PutKeyPolicy", context, policyOverride: document).IsAllowed)
        {
            throw KmsErrors.Malformed(KmsErrors.LockoutMessage);
        }
    }

    // ---- Helpers -------------------------------------------------------------------------------------------

    private static KmsKey ResolveOwnKey(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        errors.ThrowIfAny();
        return KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false);
    }

    private static string RequiredKeyId(JsonParameters json, ValidationErrors errors, string member)
    {
        string? keyId = json.GetString(member);
        if (keyId is null)
        {
            errors.Add(member, null, "Member must not be null");
            return string.Empty;
        }

        errors.CheckString(member, keyId, min: 1, max: 2048);
        return keyId;
    }

    private static string? OptionalKeyId(JsonParameters json, ValidationErrors errors, string member)
    {
        string? keyId = json.GetString(member);
        errors.CheckString(member, keyId, min: 1, max: 2048);
        return keyId;
    }

    private static string ReadPolicyName(JsonParameters json, ValidationErrors errors)
    {
        string? name = json.GetString("PolicyName");
        errors.CheckString("PolicyName", name, min: 1, max: 128, pattern: "[A-Za-z0-9_]+", patternText: @"[\w]+");
        return name ?? "default";
    }

    private static string? ReadMarker(JsonParameters json, ValidationErrors errors)
    {
        string? marker = json.GetString("Marker");
        errors.CheckString("Marker", marker, min: 1, max: 1024, pattern: "[\u0020-\u00FF]*", patternText: @"[\u0020-\u00FF]*");
        return marker;
    }

    private static string? CheckEnum(ValidationErrors errors, string member, string? value, IReadOnlyList<string> allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(member, value, "Member must satisfy enum value set: [" + string.Join(", ", allowed) + "]");
            return null;
        }

        return value;
    }

    private static void AddRequestTags(Dictionary<string, IReadOnlyList<string>> context, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var tag in tags)
        {
            context["aws:RequestTag/" + tag.Key] = [tag.Value];
        }

        if (tags.Count > 0)
        {
            context["aws:TagKeys"] = tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).ToList();
        }
    }

    // Tag keys starting with aws: are reserved, and a key has at most 50 tags (KMS quotas).
    private static void CheckTags(IReadOnlyList<KeyValuePair<string, string>> tags, int existing)
    {
        if (tags.FirstOrDefault(t => t.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) is { Key: not null } reserved)
        {
            throw new AwsServiceException("TagException", $"Tag key '{reserved.Key}' is invalid: the aws: prefix is reserved for AWS use.");
        }

        if (existing + tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() > 50)
        {
            throw new AwsServiceException("LimitExceededException", "A KMS key can have at most 50 tags.");
        }
    }

    private static IReadOnlyList<string> ReadGrantTokens(JsonParameters json, ValidationErrors errors)
    {
        var tokens = KmsJson.GetGrantTokens(json, errors);
        foreach (string token in tokens)
        {
            errors.CheckString("GrantTokens.member", token, min: 1, max: 8192);
        }

        return tokens;
    }

    // Grant tokens are checked for form only: grants take effect at once in the emulator, so a token adds nothing.
    private static void CheckGrantTokens(IReadOnlyList<string> tokens)
    {
        if (tokens.Any(t => KmsGrantTokens.Decode(t) is null))
        {
            throw KmsErrors.InvalidGrantToken();
        }
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);
}
