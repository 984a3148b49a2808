using System.Text.Json.Nodes;

namespace VaultCopy.Core.Policies;

/// <summary>Whether part of a statement applies: certainly not, certainly, or it depends on something not known.</summary>
internal enum PolicyMatch
{
    No,
    Unknown,
    Yes,
}

/// <summary>
/// Condition blocks evaluated against the keys whose values are known. Only the operators the preflight needs are
/// evaluated (String*, Bool, Arn*, with IfExists, and Null); anything else, set qualifiers, policy variables and keys
/// not in the context are Unknown, never guessed.
/// </summary>
internal static class PolicyConditions
{
    private const string IfExists = "IfExists";

    private enum Kind
    {
        Equals,
        EqualsIgnoreCase,
        Like,
        Bool,
        Arn,
    }

    private static readonly Dictionary<string, (Kind Kind, bool Negated)> s_operators = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = (Kind.Equals, false),
        ["StringNotEquals"] = (Kind.Equals, true),
        ["StringEqualsIgnoreCase"] = (Kind.EqualsIgnoreCase, false),
        ["StringNotEqualsIgnoreCase"] = (Kind.EqualsIgnoreCase, true),
        ["StringLike"] = (Kind.Like, false),
        ["StringNotLike"] = (Kind.Like, true),
        ["Bool"] = (Kind.Bool, false),
        // AWS documents ArnEquals and ArnLike alike: per part, case-sensitive, wildcards allowed.
        ["ArnEquals"] = (Kind.Arn, false),
        ["ArnLike"] = (Kind.Arn, false),
        ["ArnNotEquals"] = (Kind.Arn, true),
        ["ArnNotLike"] = (Kind.Arn, true),
    };

    /// <summary>All operators and keys must hold (AND); any value of one key may match (OR).</summary>
    public static PolicyMatch Evaluate(JsonNode? condition, IReadOnlyDictionary<string, string> context, List<string> unknownKeys)
    {
        if (condition is null)
        {
            return PolicyMatch.Yes;
        }

        if (condition is not JsonObject operators)
        {
            unknownKeys.Add("Condition");
            return PolicyMatch.Unknown;
        }

        PolicyMatch result = PolicyMatch.Yes;
        foreach (KeyValuePair<string, JsonNode?> op in operators)
        {
            if (op.Value is not JsonObject keys)
            {
                unknownKeys.Add("Condition");
                result = Min(result, PolicyMatch.Unknown);
                continue;
            }

            foreach (KeyValuePair<string, JsonNode?> key in keys)
            {
                PolicyMatch match = EvaluateKey(op.Key, key.Key, key.Value, context);
                if (match == PolicyMatch.Unknown)
                {
                    unknownKeys.Add(key.Key);
                }

                result = Min(result, match);
            }
        }

        return result;
    }

    private static PolicyMatch EvaluateKey(string op, string key, JsonNode? valuesNode, IReadOnlyDictionary<string, string> context)
    {
        List<string>? values = PolicyJson.AsConditionValues(valuesNode);
        bool known = context.TryGetValue(key, out string? actual);
        if (values is null || !known || actual is null)
        {
            return PolicyMatch.Unknown;
        }

        if (op == "Null")
        {
            // Null "true" asks for the key to be absent; it is present, being known.
            return values.TrueForAll(v => string.Equals(v, "false", StringComparison.OrdinalIgnoreCase)) ? PolicyMatch.Yes
                : values.TrueForAll(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase)) ? PolicyMatch.No
                : PolicyMatch.Unknown;
        }

        // ForAnyValue:/ForAllValues: are about multi-valued keys, which a single known value does not describe.
        string baseName = op.EndsWith(IfExists, StringComparison.Ordinal) ? op[..^IfExists.Length] : op;
        if (!s_operators.TryGetValue(baseName, out (Kind Kind, bool Negated) spec))
        {
            return PolicyMatch.Unknown;
        }

        if (values.Exists(v => v.Contains("${", StringComparison.Ordinal)))
        {
            // Policy variables need request data we do not model.
            return PolicyMatch.Unknown;
        }

        bool any = values.Exists(v => Matches(spec.Kind, v, actual));
        return any != spec.Negated ? PolicyMatch.Yes : PolicyMatch.No;
    }

    private static bool Matches(Kind kind, string expected, string actual) => kind switch
    {
        Kind.Equals => string.Equals(expected, actual, StringComparison.Ordinal),
        Kind.EqualsIgnoreCase or Kind.Bool => string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase),
        Kind.Like => PolicyWildcard.IsMatch(expected, actual, ignoreCase: false),
        _ => PolicyWildcard.IsArnMatch(expected, actual),
    };

    private static PolicyMatch Min(PolicyMatch a, PolicyMatch b) => a < b ? a : b;
}
