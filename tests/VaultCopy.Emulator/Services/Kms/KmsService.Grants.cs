using System.Text.Json.Nodes;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

public sealed partial class KmsService
{
    private const string PrincipalPattern = @"^[\w+=,.@:/-]+$";
    private const string ServicePrincipalPattern = @"^([A-Za-z0-9\-]+)\.([A-Za-z0-9\-]+)(\.[A-Za-z0-9\-]+)+$";

    private static AwsResponse CreateGrant(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        string? grantee = json.GetString("GranteePrincipal");
        errors.CheckString("GranteePrincipal", grantee, min: 1, max: 256, pattern: PrincipalPattern);
        string? retiring = json.GetString("RetiringPrincipal");
        errors.CheckString("RetiringPrincipal", retiring, min: 1, max: 256, pattern: PrincipalPattern);
        string? granteeService = json.GetString("GranteeServicePrincipal");
        errors.CheckString("GranteeServicePrincipal", granteeService, min: 1, max: 128, pattern: ServicePrincipalPattern);
        string? retiringService = json.GetString("RetiringServicePrincipal");
        errors.CheckString("RetiringServicePrincipal", retiringService, min: 1, max: 128, pattern: ServicePrincipalPattern);
        var operations = json.GetStringList("Operations");
        if (operations is null)
        {
            errors.Add("Operations", null, "Member must not be null");
        }
        else
        {
            for (int i = 0; i < operations.Count; i++)
            {
                CheckEnum(errors, $"Operations.{i + 1}.member", operations[i], s_grantOperations);
            }
        }

        string? name = json.GetString("Name");
        errors.CheckString("Name", name, min: 1, max: 256, pattern: "^[a-zA-Z0-9:/_-]+$");
        var tokens = ReadGrantTokens(json, errors);
        bool dryRun = json.GetBool("DryRun") ?? false;
        var constraints = KmsJson.GetStructure(json, "Constraints");
        var subset = KmsJson.GetMapMember(constraints, "Constraints", "EncryptionContextSubset");
        var equals = KmsJson.GetMapMember(constraints, "Constraints", "EncryptionContextEquals");
        string? sourceArn = KmsJson.GetStringMember(constraints, "Constraints", "SourceArn");
        errors.CheckString("Constraints.SourceArn", sourceArn, min: 20, max: 512, pattern: "^arn:aws[a-z0-9-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{12}:.+$");
        errors.ThrowIfAny();

        if ((grantee is null) == (granteeService is null))
        {
            throw KmsErrors.Validation("Specify either GranteePrincipal or GranteeServicePrincipal, but not both.");
        }

        if (retiring is not null && retiringService is not null)
        {
            throw KmsErrors.Validation("Specify either RetiringPrincipal or RetiringServicePrincipal, but not both.");
        }

        if (granteeService is not null && (sourceArn is null || (retiring is null && retiringService is null)))
        {
            throw KmsErrors.Validation("A grant for a GranteeServicePrincipal needs a SourceArn constraint and a retiring principal.");
        }

        if (operations!.Count == 0)
        {
            throw KmsErrors.Validation("1 validation error detected: Value '[]' at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        foreach (var map in new[] { subset, equals })
        {
            if (map is not null && (map.Count > 8 || map.Any(p => p.Value.Length > 384)))
            {
                throw KmsErrors.Validation("An encryption context grant constraint can have at most 8 pairs, each value at most 384 characters.");
            }
        }

        CheckGrantTokens(tokens);
        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: true);
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:GrantOperations"] = operations.Distinct(StringComparer.Ordinal).ToList(),
            ["kms:GrantIsForAWSResource"] = ["false"],
        };
        if (grantee is not null)
        {
            context["kms:GranteePrincipal"] = [grantee];
        }

        if (retiring is not null)
        {
            context["kms:RetiringPrincipal"] = [retiring];
        }

        var constraintTypes = new List<string>();
        if (equals is not null)
        {
            constraintTypes.Add("EncryptionContextEquals");
        }

        if (subset is not null)
        {
            constraintTypes.Add("EncryptionContextSubset");
        }

        if (constraintTypes.Count > 0)
        {
            context["kms:GrantConstraintType"] = constraintTypes;
        }

        KmsAuthorizer.Authorize(call, key, "kms:CreateGrant", context);
        CheckUsable(key);
        var unsupported = operations.FirstOrDefault(o => key.IsSymmetric ? !KmsServiceGrantOperations.Symmetric.Contains(o) : o.StartsWith("GenerateDataKey", StringComparison.Ordinal));
        if (unsupported is not null)
        {
            throw KmsErrors.Validation($"Grant operation {unsupported} is not supported for a KMS key with KeySpec {key.KeySpec}.");
        }

        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        var grant = new KmsGrant
        {
            GrantId = KmsGrantIds.New(),
            KeyId = key.KeyId,
            Name = name,
            CreationDate = call.Now,
            GranteePrincipal = grantee,
            GranteeServicePrincipal = granteeService,
            RetiringPrincipal = retiring,
            RetiringServicePrincipal = retiringService,
            IssuingAccount = $"arn:{call.Caller.Partition}:iam::{call.Caller.AccountId}:root",
            Operations = operations.Distinct(StringComparer.Ordinal).ToList(),
            EncryptionContextSubset = subset,
            EncryptionContextEquals = equals,
            SourceArn = sourceArn,
        };

        // With a Name, a retry with the same parameters returns the grant it already made (CreateGrant Name documentation).
        var existing = name is null ? null : key.Grants.FirstOrDefault(g => g.SameRequest(grant));
        if (existing is null)
        {
            key.Grants.Add(grant);
        }

        string grantId = (existing ?? grant).GrantId;
        return AwsResponse.Json(new JsonObject
        {
            ["GrantToken"] = KmsGrantTokens.Create(key.Arn, grantId),
            ["GrantId"] = grantId,
        });
    }

    private static AwsResponse ListGrants(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        int limit = KmsJson.Limit(json, errors, defaultLimit: 50, documentedMax: 100);
        string? marker = ReadMarker(json, errors);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        string? grantId = json.GetString("GrantId");
        errors.CheckString("GrantId", grantId, min: 1, max: 128);
        string? grantee = json.GetString("GranteePrincipal");
        errors.CheckString("GranteePrincipal", grantee, min: 1, max: 256, pattern: PrincipalPattern);
        string? granteeService = json.GetString("GranteeServicePrincipal");
        errors.CheckString("GranteeServicePrincipal", granteeService, min: 1, max: 128, pattern: ServicePrincipalPattern);
        errors.ThrowIfAny();

        if (grantee is not null && granteeService is not null)
        {
            throw KmsErrors.Validation("Specify either GranteePrincipal or GranteeServicePrincipal, but not both.");
        }

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: true);
        KmsAuthorizer.Authorize(call, key, "kms:ListGrants", GrantIsForAwsResource(false));
        if (grantId is not null && !KmsGrantIds.IsValid(grantId))
        {
            throw KmsErrors.InvalidGrantId(grantId);
        }

        var grants = key.Grants
            .Where(g => (grantId is null || g.GrantId == grantId)
                && (grantee is null || g.GranteePrincipal == grantee)
                && (granteeService is null || g.GranteeServicePrincipal == granteeService))
            .ToList();
        var (page, next) = KmsJson.Page(grants, marker, limit);
        var body = new JsonObject { ["Grants"] = new JsonArray(page.Select(g => (JsonNode?)KmsJson.Grant(key, g)).ToArray()) };
        return AwsResponse.Json(KmsJson.WithPaging(body, next));
    }

    private static AwsResponse RevokeGrant(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string keyId = RequiredKeyId(json, errors, "KeyId");
        string? grantId = json.GetString("GrantId");
        if (grantId is null)
        {
            errors.Add("GrantId", null, "Member must not be null");
        }

        errors.CheckString("GrantId", grantId, min: 1, max: 128);
        bool dryRun = json.GetBool("DryRun") ?? false;
        errors.ThrowIfAny();

        var key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: true);
        KmsAuthorizer.Authorize(call, key, "kms:RevokeGrant", GrantIsForAwsResource(false));
        var grant = FindGrant(key, grantId!);
        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        key.Grants.Remove(grant);
        return AwsResponse.Json(null);
    }

    private static AwsResponse RetireGrant(KmsCall call, JsonParameters json)
    {
        var errors = new ValidationErrors(ValidationCode);
        string? token = json.GetString("GrantToken");
        errors.CheckString("GrantToken", token, min: 1, max: 8192);
        string? keyId = OptionalKeyId(json, errors, "KeyId");
        string? grantId = json.GetString("GrantId");
        errors.CheckString("GrantId", grantId, min: 1, max: 128);
        bool dryRun = json.GetBool("DryRun") ?? false;
        errors.ThrowIfAny();

        KmsKey key;
        KmsGrant grant;
        if (token is not null)
        {
            if (KmsGrantTokens.Decode(token) is not { } decoded)
            {
                throw KmsErrors.InvalidGrantToken();
            }

            key = KmsStore.FindByArn(call.World, decoded.KeyArn) ?? throw KmsErrors.KeyNotFound(decoded.KeyArn);
            grant = FindGrant(key, decoded.GrantId);
            if (grantId is not null && grantId != grant.GrantId)
            {
                throw KmsErrors.InvalidGrantId(grantId);
            }
        }
        else if (keyId is not null && grantId is not null)
        {
            key = KmsStore.Resolve(call, keyId, KeyReference.KeyOnly, crossAccount: true);
            grant = FindGrant(key, grantId);
        }
        else
        {
            throw KmsErrors.Validation("Specify either a GrantToken, or both the KeyId and the GrantId of the grant to retire.");
        }

        // Who may retire: the retiring principal, the grantee when the grant allows RetireGrant, and the account the
        // grant was created in (RetireGrant documentation).
        bool allowed = KmsAuthorizer.NamesCaller(call, grant.RetiringPrincipal, "kms:RetireGrant", key.Arn)
            || (grant.Operations.Contains("RetireGrant") && KmsAuthorizer.NamesCaller(call, grant.GranteePrincipal, "kms:RetireGrant", key.Arn))
            || (grant.IssuingAccount == $"arn:{call.Caller.Partition}:iam::{call.Caller.AccountId}:root"
                && KmsAuthorizer.IdentityAllows(call, "kms:RetireGrant", key.Arn));
        if (!allowed)
        {
            throw AccessDeniedError.Kms.Create(call.Caller.Arn, "kms:RetireGrant", key.Arn, PolicyDecision.ImplicitDeny, null);
        }

        if (dryRun)
        {
            throw KmsErrors.DryRun();
        }

        key.Grants.Remove(grant);
        return AwsResponse.Json(null);
    }

    private static KmsGrant FindGrant(KmsKey key, string grantId)
    {
        if (!KmsGrantIds.IsValid(grantId))
        {
            throw KmsErrors.InvalidGrantId(grantId);
        }

        return key.Grants.FirstOrDefault(g => g.GrantId == grantId)
            ?? throw new AwsServiceException("NotFoundException", $"Grant ID {grantId} not found for key {key.Arn}");
    }

    private static Dictionary<string, IReadOnlyList<string>> GrantIsForAwsResource(bool value) =>
        new(StringComparer.OrdinalIgnoreCase) { ["kms:GrantIsForAWSResource"] = [AwsFormat.Bool(value)] };
}
