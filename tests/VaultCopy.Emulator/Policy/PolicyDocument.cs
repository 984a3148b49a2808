using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VaultCopy.Emulator.Policy;

public enum PolicyEffect
{
    Allow,
    Deny,
}

/// <summary>Relaxations of the IAM grammar that individual services apply.</summary>
public sealed class PolicyParseOptions
{
    public static PolicyParseOptions Default { get; } = new();

    /// <summary>
    /// KMS CreateKey/PutKeyPolicy accept a statement without <c>Action</c> (the statement then has no effect),
    /// where IAM rejects it. Off by default.
    /// </summary>
    public bool AllowStatementsWithoutAction { get; init; }
}

/// <summary>A parsed IAM policy document (identity, key, trust or other resource policy).</summary>
public sealed class PolicyDocument
{
    public const string CurrentVersion = "2012-10-17";
    public const string LegacyVersion = "2008-10-17";

    private PolicyDocument(string json, string? version, string? id, IReadOnlyList<PolicyStatement> statements)
    {
        Json = json;
        Version = version;
        Id = id;
        Statements = statements;
    }

    /// <summary>The <c>Version</c> element, or null when absent (AWS then applies 2008-10-17 semantics).</summary>
    public string? Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>The original text, unchanged, so services can return it exactly as it was stored.</summary>
    public string Json { get; }

    /// <summary>Policy variables such as <c>${aws:username}</c> exist only in 2012-10-17; older documents treat
    /// them as literal text.</summary>
    public bool SupportsPolicyVariables => Version == CurrentVersion;

    /// <summary>True when every statement names a Principal or NotPrincipal (KMS requires it of key policies).</summary>
    public bool AllStatementsHavePrincipal => Statements.All(s => s.HasPrincipal);

    public static PolicyDocument Parse(string json) => Parse(json, PolicyParseOptions.Default);

    public static PolicyDocument Parse(string json, PolicyParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(options);
        return PolicyParser.Parse(json, options);
    }

    public static bool TryParse(string json, [NotNullWhen(true)] out PolicyDocument? doc, [NotNullWhen(false)] out string? error)
        => TryParse(json, PolicyParseOptions.Default, out doc, out error);

    public static bool TryParse(
        string json,
        PolicyParseOptions options,
        [NotNullWhen(true)] out PolicyDocument? doc,
        [NotNullWhen(false)] out string? error)
    {
        try
        {
            doc = Parse(json, options);
            error = null;
            return true;
        }
        catch (MalformedPolicyException ex)
        {
            doc = null;
            error = ex.Message;
            return false;
        }
    }

    internal static PolicyDocument Create(string json, string? version, string? id, IReadOnlyList<PolicyStatement> statements)
        => new(json, version, id, statements);
}

/// <summary>One statement. List-valued elements are null when the element is absent from the JSON.</summary>
public sealed class PolicyStatement
{
    internal PolicyStatement(
        int index,
        string? sid,
        PolicyEffect effect,
        PolicyPrincipal? principal,
        PolicyPrincipal? notPrincipal,
        IReadOnlyList<string>? action,
        IReadOnlyList<string>? notAction,
        IReadOnlyList<string>? resource,
        IReadOnlyList<string>? notResource,
        IReadOnlyList<PolicyCondition> conditions,
        string rawJson)
    {
        Index = index;
        Sid = sid;
        Effect = effect;
        Principal = principal;
        NotPrincipal = notPrincipal;
        Action = action;
        NotAction = notAction;
        Resource = resource;
        NotResource = notResource;
        Conditions = conditions;
        RawJson = rawJson;
        CompiledActions = (action ?? notAction ?? []).Select(Wildcard.Compile).ToArray();
    }

    /// <summary>Zero-based position in the document's Statement list.</summary>
    public int Index { get; }

    public string? Sid { get; }

    public PolicyEffect Effect { get; }

    public PolicyPrincipal? Principal { get; }

    public PolicyPrincipal? NotPrincipal { get; }

    public IReadOnlyList<string>? Action { get; }

    public IReadOnlyList<string>? NotAction { get; }

    public IReadOnlyList<string>? Resource { get; }

    public IReadOnlyList<string>? NotResource { get; }

    /// <summary>One entry per (operator, key) pair; all must hold for the statement to apply.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; }

    /// <summary>The statement's original JSON text, for services that diff or merge policies.</summary>
    public string RawJson { get; }

    public bool HasPrincipal => Principal is not null || NotPrincipal is not null;

    public bool HasAction => Action is not null || NotAction is not null;

    public bool HasResource => Resource is not null || NotResource is not null;

    internal int[][] CompiledActions { get; }
}

/// <summary>
/// A Principal or NotPrincipal element: either the bare wildcard <c>"*"</c> or a map from principal type
/// (<c>AWS</c>, <c>Service</c>, <c>Federated</c>, <c>CanonicalUser</c>) to its values.
/// </summary>
public sealed class PolicyPrincipal
{
    private static readonly IReadOnlyList<string> s_none = [];

    internal PolicyPrincipal(bool isWildcard, IReadOnlyDictionary<string, IReadOnlyList<string>> values)
    {
        IsWildcard = isWildcard;
        Values = values;
    }

    /// <summary>The element was the string <c>"*"</c>.</summary>
    public bool IsWildcard { get; }

    /// <summary>Principal type (as written, e.g. <c>AWS</c>) to values; empty for the bare wildcard.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Values { get; }

    public IReadOnlyList<string> Aws => Values.GetValueOrDefault("AWS", s_none);

    public IReadOnlyList<string> Service => Values.GetValueOrDefault("Service", s_none);

    public IReadOnlyList<string> Federated => Values.GetValueOrDefault("Federated", s_none);

    public IReadOnlyList<string> CanonicalUser => Values.GetValueOrDefault("CanonicalUser", s_none);

    /// <summary><c>"*"</c> or <c>{"AWS":"*"}</c>: everyone, including other accounts and anonymous callers.</summary>
    public bool IsEveryone => IsWildcard || Aws.Contains("*");
}

internal static partial class PolicyParser
{
    private static readonly JsonDocumentOptions s_jsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly HashSet<string> s_principalTypes = new(StringComparer.Ordinal)
    {
        "AWS", "Service", "Federated", "CanonicalUser",
    };

    public static PolicyDocument Parse(string json, PolicyParseOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, s_jsonOptions);
        }
        catch (JsonException ex)
        {
            throw Malformed($"Syntax errors in policy: the document is not valid JSON ({ex.Message})");
        }

        using (document)
        {
            return ParseRoot(json, document.RootElement, options);
        }
    }

    private static PolicyDocument ParseRoot(string json, JsonElement root, PolicyParseOptions options)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Syntax errors in policy: the document must be a JSON object.");
        }

        string? version = null;
        string? id = null;
        JsonElement? statementElement = null;
        foreach (JsonProperty property in UniqueProperties(root, "the policy document"))
        {
            switch (property.Name)
            {
                case "Version":
                    version = RequireString(property.Value, "Version");
                    if (version is not (PolicyDocument.CurrentVersion or PolicyDocument.LegacyVersion))
                    {
                        throw Malformed($"The policy must contain a valid version string: '{version}' is not "
                            + $"{PolicyDocument.CurrentVersion} or {PolicyDocument.LegacyVersion}.");
                    }

                    break;
                case "Id":
                    id = RequireString(property.Value, "Id");
                    break;
                case "Statement":
                    statementElement = property.Value;
                    break;
                default:
                    throw Malformed($"Syntax errors in policy: unknown top-level element '{property.Name}'.");
            }
        }

        if (statementElement is not { } statements)
        {
            throw Malformed("Syntax errors in policy: the document has no Statement element.");
        }

        var parsed = new List<PolicyStatement>();
        switch (statements.ValueKind)
        {
            case JsonValueKind.Object:
                parsed.Add(ParseStatement(statements, 0, options));
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in statements.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object)
                    {
                        throw Malformed($"Syntax errors in policy: statement {parsed.Count} is not a JSON object.");
                    }

                    parsed.Add(ParseStatement(item, parsed.Count, options));
                }

                if (parsed.Count == 0)
                {
                    throw Malformed("Syntax errors in policy: the Statement list is empty.");
                }

                break;
            default:
                throw Malformed("Syntax errors in policy: Statement must be an object or an array of objects.");
        }

        var sids = new HashSet<string>(StringComparer.Ordinal);
        foreach (PolicyStatement statement in parsed)
        {
            if (statement.Sid is { Length: > 0 } sid && !sids.Add(sid))
            {
                throw Malformed($"Statement IDs (SID) in a single policy must be unique: '{sid}' is repeated.");
            }
        }

        return PolicyDocument.Create(json, version, id, parsed);
    }

    private static PolicyStatement ParseStatement(JsonElement element, int index, PolicyParseOptions options)
    {
        string? sid = null;
        PolicyEffect? effect = null;
        PolicyPrincipal? principal = null;
        PolicyPrincipal? notPrincipal = null;
        IReadOnlyList<string>? action = null;
        IReadOnlyList<string>? notAction = null;
        IReadOnlyList<string>? resource = null;
        IReadOnlyList<string>? notResource = null;
        IReadOnlyList<PolicyCondition> conditions = [];

        string label = $"statement {index}";
        foreach (JsonProperty property in UniqueProperties(element, label))
        {
            if (property.Name == "Sid")
            {
                sid = RequireString(property.Value, $"Sid of {label}");
                label = $"statement {index} (Sid '{sid}')";
            }
        }

        foreach (JsonProperty property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid":
                    break;
                case "Effect":
                    string effectText = RequireString(property.Value, $"Effect of {label}");
                    effect = effectText switch
                    {
                        "Allow" => PolicyEffect.Allow,
                        "Deny" => PolicyEffect.Deny,
                        _ => throw Malformed($"Invalid effect '{effectText}' in {label}: it must be \"Allow\" or \"Deny\"."),
                    };
                    break;
                case "Principal":
                    principal = ParsePrincipal(property.Value, "Principal", label);
                    break;
                case "NotPrincipal":
                    notPrincipal = ParsePrincipal(property.Value, "NotPrincipal", label);
                    break;
                case "Action":
                    action = ParseActions(property.Value, "Action", label);
                    break;
                case "NotAction":
                    notAction = ParseActions(property.Value, "NotAction", label);
                    break;
                case "Resource":
                    resource = ParseResources(property.Value, "Resource", label);
                    break;
                case "NotResource":
                    notResource = ParseResources(property.Value, "NotResource", label);
                    break;
                case "Condition":
                    conditions = ParseConditions(property.Value, label);
                    break;
                default:
                    throw Malformed($"Syntax errors in policy: unknown element '{property.Name}' in {label}.");
            }
        }

        if (effect is null)
        {
            throw Malformed($"Missing required field Effect in {label}.");
        }

        if (principal is not null && notPrincipal is not null)
        {
            throw Malformed($"Syntax errors in policy: {label} has both Principal and NotPrincipal.");
        }

        if (action is not null && notAction is not null)
        {
            throw Malformed($"Syntax errors in policy: {label} has both Action and NotAction.");
        }

        if (action is null && notAction is null && !options.AllowStatementsWithoutAction)
        {
            throw Malformed($"Policy statement must contain actions: {label} has neither Action nor NotAction.");
        }

        if (resource is not null && notResource is not null)
        {
            throw Malformed($"Syntax errors in policy: {label} has both Resource and NotResource.");
        }

        return new PolicyStatement(index, sid, effect.Value, principal, notPrincipal, action, notAction, resource,
            notResource, conditions, element.GetRawText());
    }

    private static PolicyPrincipal ParsePrincipal(JsonElement element, string elementName, string label)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            string text = element.GetString()!;
            if (text != "*")
            {
                // AWS accepts only the wildcard as a bare string; ARNs and accounts go under a type such as "AWS".
                throw Malformed($"Invalid principal in policy: {elementName} \"{text}\" in {label} must be \"*\" "
                    + "or an object such as {\"AWS\": ...}.");
            }

            return new PolicyPrincipal(isWildcard: true, new Dictionary<string, IReadOnlyList<string>>());
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"Invalid principal in policy: {elementName} in {label} must be \"*\" or an object.");
        }

        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (JsonProperty property in UniqueProperties(element, $"{elementName} of {label}"))
        {
            if (!s_principalTypes.Contains(property.Name))
            {
                throw Malformed($"Invalid principal in policy: unknown principal type '{property.Name}' in "
                    + $"{elementName} of {label} (expected AWS, Service, Federated or CanonicalUser).");
            }

            IReadOnlyList<string> list = RequireStringList(property.Value, $"{elementName}.{property.Name} of {label}");
            foreach (string value in list)
            {
                if (!IsValidPrincipalValue(property.Name, value))
                {
                    throw Malformed($"Invalid principal in policy: \"{property.Name}\":\"{value}\" in {label}.");
                }
            }

            values[property.Name] = list;
        }

        if (values.Count == 0)
        {
            throw Malformed($"Invalid principal in policy: {elementName} in {label} names no principal.");
        }

        return new PolicyPrincipal(isWildcard: false, values);
    }

    private static bool IsValidPrincipalValue(string type, string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        return type switch
        {
            // Wildcards are allowed only as the whole value: AWS rejects "arn:aws:iam::*:root" and "role/*".
            "AWS" => value == "*" || AccountId().IsMatch(value) || PrincipalArn().IsMatch(value),
            "Service" => value != "*" && !value.Any(char.IsWhiteSpace) && !value.Contains('*'),
            _ => !value.Any(char.IsWhiteSpace),
        };
    }

    private static List<string> ParseActions(JsonElement element, string elementName, string label)
    {
        List<string> actions = RequireStringList(element, $"{elementName} of {label}");
        foreach (string action in actions)
        {
            if (action != "*" && !ActionPattern().IsMatch(action))
            {
                throw Malformed($"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: "
                    + $"{elementName} \"{action}\" in {label}.");
            }
        }

        return actions;
    }

    private static List<string> ParseResources(JsonElement element, string elementName, string label)
    {
        List<string> resources = RequireStringList(element, $"{elementName} of {label}");
        foreach (string resource in resources)
        {
            if (resource != "*" && !(resource.StartsWith("arn:", StringComparison.Ordinal) && resource.Count(c => c == ':') >= 5))
            {
                throw Malformed($"Resource {resource} must be in ARN format or \"*\" ({elementName} of {label}).");
            }
        }

        return resources;
    }

    private static List<PolicyCondition> ParseConditions(JsonElement element, string label)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"Syntax errors in policy: Condition in {label} must be an object.");
        }

        var conditions = new List<PolicyCondition>();
        foreach (JsonProperty block in UniqueProperties(element, $"Condition of {label}"))
        {
            if (!ConditionOperator.TryParse(block.Name, out ConditionOperator? op))
            {
                throw Malformed($"Invalid Condition type : {block.Name} (in {label}).");
            }

            if (block.Value.ValueKind != JsonValueKind.Object)
            {
                throw Malformed($"Syntax errors in policy: condition operator {block.Name} in {label} must map "
                    + "condition keys to values.");
            }

            int before = conditions.Count;
            foreach (JsonProperty entry in UniqueProperties(block.Value, $"{block.Name} of {label}"))
            {
                if (!ConditionKey().IsMatch(entry.Name))
                {
                    throw Malformed($"Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.: "
                        + $"condition key \"{entry.Name}\" in {label}.");
                }

                conditions.Add(new PolicyCondition(op, entry.Name, ReadConditionValues(entry.Value, block.Name, entry.Name, label)));
            }

            if (conditions.Count == before)
            {
                throw Malformed($"Syntax errors in policy: condition operator {block.Name} in {label} has no keys.");
            }
        }

        return conditions;
    }

    private static List<string> ReadConditionValues(JsonElement element, string op, string key, string label)
    {
        var values = new List<string>();
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                values.Add(ReadScalar(item, op, key, label));
            }

            if (values.Count == 0)
            {
                throw Malformed($"Syntax errors in policy: {op} {key} in {label} has an empty value list.");
            }
        }
        else
        {
            values.Add(ReadScalar(element, op, key, label));
        }

        return values;
    }

    private static string ReadScalar(JsonElement element, string op, string key, string label) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        // A JSON boolean (as newer AWS documentation writes kms:GrantIsForAWSResource) equals its string form.
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => element.GetRawText(),
        _ => throw Malformed($"Syntax errors in policy: the value of {op} {key} in {label} must be a string, "
            + "number, boolean or an array of them."),
    };

    private static string RequireString(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw Malformed($"Syntax errors in policy: {what} must be a string.");
        }

        return element.GetString()!;
    }

    private static List<string> RequireStringList(JsonElement element, string what)
    {
        var list = new List<string>();
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                list.Add(element.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    list.Add(RequireString(item, $"each entry of {what}"));
                }

                if (list.Count == 0)
                {
                    throw Malformed($"Syntax errors in policy: {what} is an empty list.");
                }

                break;
            default:
                throw Malformed($"Syntax errors in policy: {what} must be a string or an array of strings.");
        }

        return list;
    }

    private static List<JsonProperty> UniqueProperties(JsonElement element, string where)
    {
        // System.Text.Json keeps duplicate names; IAM refuses them rather than silently taking one.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var properties = new List<JsonProperty>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Malformed($"Syntax errors in policy: duplicate element '{property.Name}' in {where}.");
            }

            properties.Add(property);
        }

        return properties;
    }

    private static MalformedPolicyException Malformed(string message) => new(message);

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^arn:aws(-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:(iam::\d{12}:(root|user/[^*?]+|role/[^*?]+)|sts::\d{12}:(assumed-role/[^/*?]+/[^/*?]+|federated-user/[^*?]+))$")]
    private static partial Regex PrincipalArn();

    [GeneratedRegex(@"^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"^[^:\s]+:\S+$")]
    private static partial Regex ConditionKey();
}
