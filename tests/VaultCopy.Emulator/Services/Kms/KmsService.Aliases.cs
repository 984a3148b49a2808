using System.Text.Json.Nodes;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

public sealed partial class KmsService
{
    private const string AliasPrefixMessage =
        "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";

    /// <summary>Aliases a key may have (KMS quotas).</summary>
    private const int MaxAliasesPerKey = 50;

    private static AwsResponse ListAliases(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string? keyId = OptionalKeyId(json, errors, "KeyId");
        int limit = KmsJson.Limit(json, errors, defaultLimit: 50, documentedMax: 100);
        string? marker = ReadMarker(json, errors);
        errors.ThrowIfAny();

        KmsAuthorizer.AuthorizeIdentity(call, "kms:ListAliases", "*");
        var state = KmsStore.FindState(call.World, call.Caller.AccountId, call.Region);
        // ListAliases never shows other accounts' aliases; a KeyId filter must name a key of the caller's account.
        string? filter = keyId is null ? null : KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: false).KeyId;
        var aliases = (state?.Aliases.Values ?? Enumerable.Empty<KmsAlias>())
            .Where(a => filter is null || a.TargetKeyId == filter)
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
        var (page, next) = KmsJson.Page(aliases, marker, limit);
        var partition = call.Caller.Partition;
        var body = new JsonObject
        {
            ["Aliases"] = new JsonArray(page.Select(a => (JsonNode?)new JsonObject
            {
                ["AliasName"] = a.Name,
                ["AliasArn"] = KmsStore.AliasArn(partition, call.Region, call.Caller.AccountId, a.Name),
                ["TargetKeyId"] = a.TargetKeyId,
                ["CreationDate"] = AwsFormat.EpochSeconds(a.CreationDate),
                ["LastUpdatedDate"] = AwsFormat.EpochSeconds(a.LastUpdatedDate),
            }).ToArray()),
        };
        return AwsResponse.Json(KmsJson.WithPaging(body, next));
    }

    private static AwsResponse CreateAlias(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string aliasName = ReadAliasName(json, errors);
        string targetKeyId = RequiredKeyId(json, errors, "TargetKeyId");
        errors.ThrowIfAny();

        CheckAliasName(aliasName);
        var key = KmsStore.Resolve(call, targetKeyId, KeyReference.KeyOnly, crossAccount: false, invalidArnModelled: false);
        string aliasArn = KmsStore.AliasArn(call.Caller.Partition, call.Region, call.Caller.AccountId, aliasName);

        // kms:CreateAlias is needed on the alias (IAM policy) and on the key (key policy) (CreateAlias documentation).
        KmsAuthorizer.AuthorizeIdentity(call, "kms:CreateAlias", aliasArn);
        KmsAuthorizer.Authorize(call, key, "kms:CreateAlias");
        var state = KmsStore.State(call.World, call.Caller.AccountId, call.Region);
        if (state.Aliases.ContainsKey(aliasName))
        {
            throw new AwsServiceException("AlreadyExistsException", $"An alias with the name {aliasArn} already exists");
        }

        if (key.KeyState == KmsKeyStates.PendingDeletion)
        {
            throw KmsErrors.PendingDeletion(key.Arn);
        }

        if (state.AliasesOf(key.KeyId).Count() >= MaxAliasesPerKey)
        {
            throw new AwsServiceException("LimitExceededException", $"{key.Arn} already has the maximum of {MaxAliasesPerKey} aliases.");
        }

        state.Aliases[aliasName] = new KmsAlias { Name = aliasName, TargetKeyId = key.KeyId, CreationDate = call.Now, LastUpdatedDate = call.Now };
        return AwsResponse.Json(null);
    }

    private static AwsResponse DeleteAlias(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string aliasName = ReadAliasName(json, errors);
        errors.ThrowIfAny();

        CheckAliasName(aliasName);
        string aliasArn = KmsStore.AliasArn(call.Caller.Partition, call.Region, call.Caller.AccountId, aliasName);
        var state = KmsStore.FindState(call.World, call.Caller.AccountId, call.Region);
        if (state?.Aliases.GetValueOrDefault(aliasName) is not { } alias)
        {
            throw KmsErrors.AliasNotFound(aliasArn);
        }

        KmsAuthorizer.AuthorizeIdentity(call, "kms:DeleteAlias", aliasArn);
        if (state.Keys.GetValueOrDefault(alias.TargetKeyId) is { } key)
        {
            KmsAuthorizer.Authorize(call, key, "kms:DeleteAlias");
        }

        state.Aliases.Remove(aliasName);
        return AwsResponse.Json(null);
    }

    private static string ReadAliasName(JsonParameters json, ValidationErrors errors)
    {
        string? name = json.GetString("AliasName");
        if (name is null)
        {
            errors.Add("AliasName", null, "Member must not be null");
            return string.Empty;
        }

        errors.CheckString("AliasName", name, min: 1, max: 256, pattern: "^[a-zA-Z0-9:/_-]+$");
        return name;
    }

    // alias/ is required (ValidationException, aws-controllers-k8s/community#1878); alias/aws/ is reserved for AWS
    // managed keys and refused with NotAuthorized, the KMS common error for a forbidden action (README: UNVERIFIED).
    private static void CheckAliasName(string aliasName)
    {
        if (!aliasName.StartsWith("alias/", StringComparison.Ordinal))
        {
            throw KmsErrors.Validation(AliasPrefixMessage);
        }

        if (aliasName.StartsWith(KmsStore.AwsAliasPrefix, StringComparison.Ordinal))
        {
            throw new AwsServiceException("NotAuthorized", "You do not have permission to perform this action.");
        }

        if (aliasName.Length == "alias/".Length || aliasName.Contains(':', StringComparison.Ordinal))
        {
            throw new AwsServiceException("InvalidAliasNameException",
                $"Alias name {aliasName} is not valid: after alias/ it may contain only letters, digits, '/', '_' and '-'.");
        }
    }
}
