using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>Request readers and response shapes of aws-models/kms/service-2.json that several operations share.</summary>
internal static class KmsJson
{
    private const string MarkerPrefix = "kms-page:";

    /// <summary><c>KeyMetadata</c>: the members the model defines, in its order; absent ones are left out.</summary>
    public static JsonObject KeyMetadata(KmsKey key)
    {
        var metadata = new JsonObject
        {
            ["AWSAccountId"] = key.AccountId,
            ["KeyId"] = key.KeyId,
            ["Arn"] = key.Arn,
            ["CreationDate"] = AwsFormat.EpochSeconds(key.CreationDate),
            ["Enabled"] = key.Enabled,
            ["Description"] = key.Description,
            ["KeyUsage"] = key.KeyUsage,
            ["KeyState"] = key.KeyState,
        };
        if (key.DeletionDate is { } deletion)
        {
            metadata["DeletionDate"] = AwsFormat.EpochSeconds(deletion);
        }

        metadata["Origin"] = key.Origin;

        metadata["KeyManager"] = key.KeyManager;
        metadata["CustomerMasterKeySpec"] = key.KeySpec;
        metadata["KeySpec"] = key.KeySpec;
        AddList(metadata, "EncryptionAlgorithms", KmsKeySpecs.EncryptionAlgorithms(key.KeySpec, key.KeyUsage));
        AddList(metadata, "SigningAlgorithms", KmsKeySpecs.SigningAlgorithms(key.KeySpec, key.KeyUsage));
        AddList(metadata, "KeyAgreementAlgorithms", KmsKeySpecs.KeyAgreementAlgorithms(key.KeyUsage));
        metadata["MultiRegion"] = key.MultiRegion;
        if (key.MultiRegion)
        {
            metadata["MultiRegionConfiguration"] = new JsonObject
            {
                ["MultiRegionKeyType"] = "PRIMARY",
                ["PrimaryKey"] = new JsonObject { ["Arn"] = key.Arn, ["Region"] = key.Region },
                ["ReplicaKeys"] = new JsonArray(),
            };
        }

        if (key.PendingWindowInDays is { } window && key.KeyState == KmsKeyStates.PendingDeletion)
        {
            metadata["PendingDeletionWindowInDays"] = window;
        }

        AddList(metadata, "MacAlgorithms", KmsKeySpecs.MacAlgorithms(key.KeySpec));
        if (key.Origin == "AWS_KMS" && key.IsSymmetric)
        {
            metadata["CurrentKeyMaterialId"] = key.KeyMaterialId;
        }

        return metadata;
    }

    /// <summary>A <c>GrantListEntry</c>; its KeyId is the key ARN, as in the model's ListGrants example.</summary>
    public static JsonObject Grant(KmsKey key, KmsGrant grant)
    {
        var entry = new JsonObject
        {
            ["KeyId"] = key.Arn,
            ["GrantId"] = grant.GrantId,
        };
        if (grant.Name is not null)
        {
            entry["Name"] = grant.Name;
        }

        entry["CreationDate"] = AwsFormat.EpochSeconds(grant.CreationDate);
        AddString(entry, "GranteePrincipal", grant.GranteePrincipal);
        AddString(entry, "RetiringPrincipal", grant.RetiringPrincipal);
        entry["IssuingAccount"] = grant.IssuingAccount;
        entry["Operations"] = new JsonArray(grant.Operations.Select(o => (JsonNode?)o).ToArray());
        if (grant.HasConstraints)
        {
            var constraints = new JsonObject();
            if (grant.EncryptionContextSubset is { } subset)
            {
                constraints["EncryptionContextSubset"] = Map(subset);
            }

            if (grant.EncryptionContextEquals is { } equals)
            {
                constraints["EncryptionContextEquals"] = Map(equals);
            }

            AddString(constraints, "SourceArn", grant.SourceArn);
            entry["Constraints"] = constraints;
        }

        AddString(entry, "GranteeServicePrincipal", grant.GranteeServicePrincipal);
        AddString(entry, "RetiringServicePrincipal", grant.RetiringServicePrincipal);
        return entry;
    }

    public static JsonArray Tags(IEnumerable<KeyValuePair<string, string>> tags) =>
        new(tags.Select(t => (JsonNode?)new JsonObject { ["TagKey"] = t.Key, ["TagValue"] = t.Value }).ToArray());

    public static JsonObject Map(IReadOnlyDictionary<string, string> map)
    {
        var node = new JsonObject();
        foreach (var pair in map)
        {
            node[pair.Key] = pair.Value;
        }

        return node;
    }

    /// <summary>A blob member (base64 in JSON 1.1); a value that is not base64 is a serialization error, as in AWS.</summary>
    public static byte[]? GetBlob(JsonParameters json, string name)
    {
        if (json.GetString(name) is not { } text)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new AwsServiceException("SerializationException", $"Member {name} must be a base64-encoded blob.");
        }
    }

    /// <summary>The model's <c>TagList</c>: objects with TagKey and TagValue.</summary>
    public static List<KeyValuePair<string, string>>? GetTags(JsonParameters json, string name, ValidationErrors errors)
    {
        if (json.GetElement(name) is not { } element)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new AwsServiceException("SerializationException", $"Member {name} must be a list.");
        }

        var tags = new List<KeyValuePair<string, string>>();
        int index = 0;
        foreach (var item in element.EnumerateArray())
        {
            index++;
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new AwsServiceException("SerializationException", $"Member {name} must be a list of Tag structures.");
            }

            string? key = StringMember(item, "TagKey", name);
            string? value = StringMember(item, "TagValue", name);
            string path = $"{name}.{index}.member";
            if (key is null)
            {
                errors.Add(path + ".tagKey", null, "Member must not be null");
            }

            if (value is null)
            {
                errors.Add(path + ".tagValue", null, "Member must not be null");
            }

            errors.CheckString(path + ".tagKey", key, min: 1, max: 128);
            errors.CheckString(path + ".tagValue", value, max: 256);
            if (key is not null && value is not null)
            {
                tags.Add(new(key, value));
            }
        }

        return tags;
    }

    /// <summary>A nested structure member, or null. Its members are read from the element (not as request members).</summary>
    public static JsonElement? GetStructure(JsonParameters json, string name)
    {
        if (json.GetElement(name) is not { } element)
        {
            return null;
        }

        return element.ValueKind == JsonValueKind.Object
            ? element
            : throw new AwsServiceException("SerializationException", $"Member {name} must be a structure.");
    }

    public static string? GetStringMember(JsonElement? structure, string structureName, string member)
    {
        if (structure is not { } element || !element.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new AwsServiceException("SerializationException", $"Member {structureName}.{member} must be a string.");
    }

    public static IReadOnlyDictionary<string, string>? GetMapMember(JsonElement? structure, string structureName, string member)
    {
        if (structure is not { } element || !element.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw new AwsServiceException("SerializationException", $"Member {structureName}.{member} must be a map of strings.");
        }

        return value.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    /// <summary>Model-validates the GrantTokens list (0-10 tokens of 1-8192 characters).</summary>
    public static IReadOnlyList<string> GetGrantTokens(JsonParameters json, ValidationErrors errors)
    {
        var tokens = json.GetStringList("GrantTokens") ?? [];
        if (tokens.Count > 10)
        {
            errors.Add("GrantTokens", "[" + string.Join(", ", tokens) + "]", "Member must have length less than or equal to 10");
        }

        return tokens;
    }

    /// <summary>One page of <paramref name="items"/> from the Marker the previous page returned.</summary>
    public static (List<T> Page, string? NextMarker) Page<T>(IReadOnlyList<T> items, string? marker, int limit)
    {
        int start = 0;
        if (marker is not null)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(marker));
            }
            catch (FormatException)
            {
                throw KmsErrors.InvalidMarker();
            }

            if (!decoded.StartsWith(MarkerPrefix, StringComparison.Ordinal)
                || !int.TryParse(decoded.AsSpan(MarkerPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out start)
                || start > items.Count)
            {
                throw KmsErrors.InvalidMarker();
            }
        }

        var page = items.Skip(start).Take(limit).ToList();
        int next = start + page.Count;
        return (page, next < items.Count
            ? Convert.ToBase64String(Encoding.UTF8.GetBytes(MarkerPrefix + next.ToString(CultureInfo.InvariantCulture)))
            : null);
    }

    /// <summary>Adds <c>Truncated</c> and, when there is more, <c>NextMarker</c>.</summary>
    public static JsonObject WithPaging(JsonObject body, string? nextMarker)
    {
        if (nextMarker is not null)
        {
            body["NextMarker"] = nextMarker;
        }

        body["Truncated"] = nextMarker is not null;
        return body;
    }

    /// <summary>Limit: the model's 1-1000, then the operation's documented maximum (KMS may return fewer than asked).</summary>
    public static int Limit(JsonParameters json, ValidationErrors errors, int defaultLimit, int documentedMax)
    {
        int? limit = json.GetInt("Limit");
        errors.CheckRange("Limit", limit, 1, 1000);
        return Math.Clamp(limit ?? defaultLimit, 1, documentedMax);
    }

    private static string? StringMember(JsonElement item, string member, string list)
    {
        if (!item.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new AwsServiceException("SerializationException", $"Member {list}.{member} must be a string.");
    }

    private static void AddList(JsonObject target, string name, IReadOnlyList<string>? values)
    {
        if (values is not null)
        {
            target[name] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        }
    }

    private static void AddString(JsonObject target, string name, string? value)
    {
        if (value is not null)
        {
            target[name] = value;
        }
    }
}
