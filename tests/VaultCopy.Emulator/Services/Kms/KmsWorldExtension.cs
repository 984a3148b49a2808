using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// The <c>kms</c> fixture section under <c>accounts[].regions.{region}</c> (README "KMS"), and the KMS part of
/// <c>GET /_emulator/state</c>. AWS managed keys cannot be declared: KMS creates them on first use.
/// </summary>
public sealed class KmsWorldExtension : IWorldExtension
{
    private static readonly string[] s_states = [KmsKeyStates.Enabled, KmsKeyStates.Disabled, KmsKeyStates.PendingDeletion];

    // Principal checks need every account loaded, so LoadRegion queues them for AfterLoad, per load.
    private static readonly ConditionalWeakTable<FixtureContext, List<(string Path, string Policy)>> s_pendingPolicies = [];

    public string Section => "kms";

    public void LoadRegion(FixtureContext context, AccountRegion region, JsonElement section, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(region);
        if (!ExpectObject(context, section, path, "keys", "aliases", "grants"))
        {
            return;
        }

        var state = region.Kms;
        int index = 0;
        foreach (var (item, itemPath) in Items(context, section, path, "keys"))
        {
            ReadKey(context, region, state, item, itemPath, index++);
        }

        foreach (var (item, itemPath) in Items(context, section, path, "aliases"))
        {
            ReadAlias(context, state, item, itemPath);
        }

        foreach (var (item, itemPath) in Items(context, section, path, "grants"))
        {
            ReadGrant(context, region, state, item, itemPath);
        }
    }

    public void AfterLoad(FixtureContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!s_pendingPolicies.TryGetValue(context, out var pending))
        {
            return;
        }

        foreach (var (path, policy) in pending)
        {
            if (KmsPolicies.FindMissingPrincipal(KmsAuthorizer.ParseKeyPolicy(policy), context.World) is { } missing)
            {
                context.Error(path, $"principal '{missing}' names no account, user or role of this fixture ({KmsErrors.InvalidPrincipalsMessage})");
            }
        }

        s_pendingPolicies.Remove(context);
    }

    public JsonNode? DescribeRegion(AccountRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var state = region.Kms;
        if (state.IsEmpty)
        {
            return null;
        }

        var keys = new JsonArray();
        foreach (var key in state.Keys.Values)
        {
            var node = new JsonObject
            {
                ["keyId"] = key.KeyId,
                ["arn"] = key.Arn,
                ["description"] = key.Description,
                ["keyManager"] = key.KeyManager,
                ["keyState"] = key.KeyState,
                ["keySpec"] = key.KeySpec,
                ["keyUsage"] = key.KeyUsage,
                ["origin"] = key.Origin,
                ["creationDate"] = AwsFormat.Iso8601(key.CreationDate),
                ["deletionDate"] = key.DeletionDate is { } date ? AwsFormat.Iso8601(date) : null,
                ["aliases"] = new JsonArray(state.AliasesOf(key.KeyId).Select(a => (JsonNode?)a.Name).ToArray()),
                ["tags"] = KmsJson.Tags(key.Tags),
                ["policy"] = PolicyNode(key.Policy),
                ["grants"] = new JsonArray(key.Grants.Select(g => (JsonNode?)KmsJson.Grant(key, g)).ToArray()),
            };
            keys.Add(node);
        }

        return new JsonObject
        {
            ["keys"] = keys,
            ["aliases"] = new JsonArray(state.Aliases.Values.OrderBy(a => a.Name, StringComparer.Ordinal)
                .Select(a => (JsonNode?)new JsonObject { ["name"] = a.Name, ["targetKeyId"] = a.TargetKeyId }).ToArray()),
        };
    }

    private static void ReadKey(FixtureContext context, AccountRegion region, KmsRegionState state, JsonElement element, string path, int index)
    {
        if (!ExpectObject(context, element, path,
            "id", "description", "policy", "enabled", "state", "deletionDate", "pendingWindowInDays", "creationDate",
            "keySpec", "keyUsage", "multiRegion", "tags"))
        {
            return;
        }

        var account = region.Account;
        bool multiRegion = OptionalBool(context, element, path, "multiRegion") ?? false;
        string id = OptionalString(context, element, path, "id") ?? StableKeyId($"{account.Id}/{region.Name}/kms/{index}", multiRegion);
        if (!KmsStore.IsKeyId(id) || id.StartsWith("mrk-", StringComparison.Ordinal) != multiRegion)
        {
            context.Error(path + ".id", multiRegion
                ? $"'{id}' is not a multi-Region key id (mrk- and 32 lower-case hex digits)"
                : $"'{id}' is not a key id (a lower-case UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab)");
            return;
        }

        if (state.Keys.ContainsKey(id))
        {
            context.Error(path + ".id", $"duplicate key id '{id}' in {account.Id} {region.Name}");
            return;
        }

        string spec = OptionalString(context, element, path, "keySpec") ?? KmsKeySpecs.SymmetricDefault;
        if (!KmsKeySpecs.All.Contains(spec, StringComparer.Ordinal))
        {
            context.Error(path + ".keySpec", $"'{spec}' is not one of {string.Join(", ", KmsKeySpecs.All)}");
            spec = KmsKeySpecs.SymmetricDefault;
        }

        string usage = OptionalString(context, element, path, "keyUsage") ?? KmsKeySpecs.UsagesFor(spec)[0];
        if (!KmsKeySpecs.UsagesFor(spec).Contains(usage, StringComparer.Ordinal))
        {
            context.Error(path + ".keyUsage", $"'{usage}' is not valid for {spec} (valid: {string.Join(", ", KmsKeySpecs.UsagesFor(spec))})");
        }

        string? keyState = OptionalString(context, element, path, "state");
        bool? enabled = OptionalBool(context, element, path, "enabled");
        if (keyState is not null && !s_states.Contains(keyState, StringComparer.Ordinal))
        {
            context.Error(path + ".state", $"'{keyState}' is not one of {string.Join(", ", s_states)}");
            keyState = null;
        }

        if (keyState is not null && enabled is not null && enabled != (keyState == KmsKeyStates.Enabled))
        {
            context.Error(path + ".enabled", $"contradicts state '{keyState}'");
        }

        keyState ??= enabled == false ? KmsKeyStates.Disabled : KmsKeyStates.Enabled;
        var creation = OptionalDate(context, element, path, "creationDate") ?? context.LoadTime;
        var deletion = OptionalDate(context, element, path, "deletionDate");
        int? window = OptionalInt(context, element, path, "pendingWindowInDays");
        if (window is < 7 or > 30)
        {
            context.Error(path + ".pendingWindowInDays", "must be from 7 to 30 days");
        }

        if (keyState != KmsKeyStates.PendingDeletion && (deletion is not null || window is not null))
        {
            context.Error(path + ".deletionDate", "deletionDate and pendingWindowInDays apply only to state PendingDeletion");
        }

        if (keyState == KmsKeyStates.PendingDeletion)
        {
            window ??= 30;
            deletion ??= context.LoadTime.AddDays(window.Value);
        }

        string policy = KmsPolicies.Default(account.Partition, account.Id);
        if (element.TryGetProperty("policy", out var policyElement))
        {
            if (ReadPolicy(context, policyElement, path + ".policy") is not { } text)
            {
                return;
            }

            policy = text;
            s_pendingPolicies.GetOrCreateValue(context).Add((path + ".policy", text));
        }

        var key = new KmsKey
        {
            KeyId = id,
            AccountId = account.Id,
            Region = region.Name,
            Partition = account.Partition,
            CreationDate = creation,
            Description = OptionalString(context, element, path, "description") ?? string.Empty,
            KeySpec = spec,
            KeyUsage = usage,
            MultiRegion = multiRegion,
            KeyState = keyState,
            DeletionDate = deletion,
            PendingWindowInDays = keyState == KmsKeyStates.PendingDeletion ? window : null,
            Policy = policy,
        };
        if (element.TryGetProperty("tags", out var tags))
        {
            if (tags.ValueKind != JsonValueKind.Object)
            {
                context.Error(path + ".tags", "must be an object of tag key → value");
            }
            else
            {
                foreach (var tag in tags.EnumerateObject())
                {
                    if (tag.Value.ValueKind != JsonValueKind.String || tag.Name.Length is 0 or > 128 || tag.Value.GetString()!.Length > 256
                        || tag.Name.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                    {
                        context.Error($"{path}.tags.{tag.Name}", "must be a string value of at most 256 characters under a key of 1-128 characters not starting with aws:");
                        continue;
                    }

                    key.SetTag(tag.Name, tag.Value.GetString()!);
                }

                if (key.Tags.Count > 50)
                {
                    context.Error(path + ".tags", "a KMS key can have at most 50 tags");
                }
            }
        }

        state.Keys[id] = key;
    }

    private static void ReadAlias(FixtureContext context, KmsRegionState state, JsonElement element, string path)
    {
        if (!ExpectObject(context, element, path, "name", "targetKeyId"))
        {
            return;
        }

        string? name = RequiredString(context, element, path, "name");
        string? target = RequiredString(context, element, path, "targetKeyId");
        if (name is null || target is null)
        {
            return;
        }

        if (!name.StartsWith("alias/", StringComparison.Ordinal) || name.Length is <= 6 or > 256
            || !name.Skip(6).All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-'))
        {
            context.Error(path + ".name", $"'{name}' is not an alias name (alias/ then 1-250 of letters, digits, '/', '_', '-')");
            return;
        }

        if (name.StartsWith(KmsStore.AwsAliasPrefix, StringComparison.Ordinal))
        {
            context.Error(path + ".name", $"'{name}': alias/aws/ is reserved for AWS managed keys, which KMS creates on first use and fixtures cannot declare");
            return;
        }

        if (state.Aliases.ContainsKey(name))
        {
            context.Error(path + ".name", $"duplicate alias '{name}'");
            return;
        }

        if (!state.Keys.TryGetValue(target, out var key))
        {
            context.Error(path + ".targetKeyId", $"no key '{target}' in this Region's keys (give the key id of a key declared above)");
            return;
        }

        state.Aliases[name] = new KmsAlias { Name = name, TargetKeyId = key.KeyId, CreationDate = key.CreationDate, LastUpdatedDate = key.CreationDate };
    }

    private static void ReadGrant(FixtureContext context, AccountRegion region, KmsRegionState state, JsonElement element, string path)
    {
        if (!ExpectObject(context, element, path, "keyId", "grantId", "name", "granteePrincipal", "retiringPrincipal", "operations", "constraints"))
        {
            return;
        }

        string? keyId = RequiredString(context, element, path, "keyId");
        string? grantee = RequiredString(context, element, path, "granteePrincipal");
        string? retiring = OptionalString(context, element, path, "retiringPrincipal");
        string? name = OptionalString(context, element, path, "name");
        string grantId = OptionalString(context, element, path, "grantId") ?? KmsGrantIds.New();
        if (keyId is null || grantee is null)
        {
            return;
        }

        if (!state.Keys.TryGetValue(keyId, out var key))
        {
            context.Error(path + ".keyId", $"no key '{keyId}' in this Region's keys");
            return;
        }

        if (!KmsGrantIds.IsValid(grantId) || state.Keys.Values.Any(k => k.Grants.Any(g => g.GrantId == grantId)))
        {
            context.Error(path + ".grantId", $"'{grantId}' is not a new grant id (64 hex digits)");
        }

        foreach (var (principal, member) in new[] { (grantee, "granteePrincipal"), (retiring, "retiringPrincipal") })
        {
            if (principal is not null && !System.Text.RegularExpressions.Regex.IsMatch(principal, @"^[\w+=,.@:/-]{1,256}$"))
            {
                context.Error($"{path}.{member}", $"'{principal}' is not a principal (an ARN or service principal)");
            }
        }

        var operations = new List<string>();
        foreach (var (item, itemPath) in Items(context, element, path, "operations"))
        {
            string? operation = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (operation is null || !KmsServiceGrantOperations.Symmetric.Contains(operation, StringComparer.Ordinal))
            {
                context.Error(itemPath, $"must be one of {string.Join(", ", KmsServiceGrantOperations.Symmetric)}");
                continue;
            }

            operations.Add(operation);
        }

        if (operations.Count == 0)
        {
            context.Error(path + ".operations", "required: at least one grant operation");
        }

        Dictionary<string, string>? subset = null;
        Dictionary<string, string>? equals = null;
        if (element.TryGetProperty("constraints", out var constraints))
        {
            if (ExpectObject(context, constraints, path + ".constraints", "encryptionContextSubset", "encryptionContextEquals"))
            {
                subset = ReadMap(context, constraints, path + ".constraints", "encryptionContextSubset");
                equals = ReadMap(context, constraints, path + ".constraints", "encryptionContextEquals");
            }
        }

        key.Grants.Add(new KmsGrant
        {
            GrantId = grantId,
            KeyId = key.KeyId,
            Name = name,
            CreationDate = context.LoadTime,
            GranteePrincipal = grantee,
            RetiringPrincipal = retiring,
            IssuingAccount = $"arn:{region.Account.Partition}:iam::{region.Account.Id}:root",
            Operations = operations,
            EncryptionContextSubset = subset,
            EncryptionContextEquals = equals,
        });
    }

    private static string? ReadPolicy(FixtureContext context, JsonElement value, string path)
    {
        string text;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                text = value.GetRawText();
                break;
            case JsonValueKind.String:
                text = value.GetString()!;
                break;
            default:
                context.Error(path, "must be a key policy (a JSON object or a string holding one)");
                return null;
        }

        try
        {
            KmsPolicies.ParseKeyPolicy(text);
            return text;
        }
        catch (AwsServiceException ex)
        {
            context.Error(path, $"{ex.Code}: {ex.AwsMessage ?? "not a JSON policy document"}");
            return null;
        }
    }

    // A stable id per position, so a reloaded fixture (reset) names its keys the same way.
    private static string StableKeyId(string seed, bool multiRegion)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        if (multiRegion)
        {
            return "mrk-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
        }

        hash[6] = (byte)((hash[6] & 0x0F) | 0x40);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        string hex = Convert.ToHexStringLower(hash.AsSpan(0, 16));
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    private static JsonNode? PolicyNode(string policy)
    {
        try
        {
            return JsonNode.Parse(policy);
        }
        catch (JsonException)
        {
            return policy;
        }
    }

    private static Dictionary<string, string>? ReadMap(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var map))
        {
            return null;
        }

        if (map.ValueKind != JsonValueKind.Object || map.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            context.Error($"{path}.{name}", "must be an object of string → string");
            return null;
        }

        return map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    private static IEnumerable<(JsonElement Item, string Path)> Items(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var array))
        {
            yield break;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            context.Error($"{path}.{name}", "must be an array");
            yield break;
        }

        int index = 0;
        foreach (var item in array.EnumerateArray())
        {
            yield return (item, string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{index++}]"));
        }
    }

    private static bool ExpectObject(FixtureContext context, JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, "must be an object");
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal) && !property.Name.StartsWith('$'))
            {
                context.Error($"{path}.{property.Name}", "unknown property (allowed: " + string.Join(", ", allowed) + ")");
            }
        }

        return true;
    }

    private static string? RequiredString(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out _))
        {
            context.Error($"{path}.{name}", "required");
            return null;
        }

        return OptionalString(context, element, path, name);
    }

    private static string? OptionalString(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            context.Error($"{path}.{name}", "must be a string");
            return null;
        }

        return value.GetString();
    }

    private static bool? OptionalBool(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            context.Error($"{path}.{name}", "must be true or false");
            return null;
        }

        return value.GetBoolean();
    }

    private static int? OptionalInt(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number))
        {
            context.Error($"{path}.{name}", "must be a whole number");
            return null;
        }

        return number;
    }

    private static DateTimeOffset? OptionalDate(FixtureContext context, JsonElement element, string path, string name)
    {
        if (OptionalString(context, element, path, name) is not { } text)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            context.Error($"{path}.{name}", $"'{text}' is not an ISO 8601 date-time (e.g. 2030-01-31T00:00:00Z)");
            return null;
        }

        return date;
    }
}
