using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace VaultCopy.Emulator.Policy;

public enum ConditionSetQualifier
{
    None,
    ForAnyValue,
    ForAllValues,
}

/// <summary>A condition operator as written, e.g. <c>ForAnyValue:StringNotEqualsIfExists</c>.</summary>
public sealed class ConditionOperator
{
    private static readonly Dictionary<string, Spec> s_operators = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = new(Family.String, Comparison.Equal, Negated: false),
        ["StringNotEquals"] = new(Family.String, Comparison.Equal, Negated: true),
        ["StringEqualsIgnoreCase"] = new(Family.String, Comparison.EqualIgnoreCase, Negated: false),
        ["StringNotEqualsIgnoreCase"] = new(Family.String, Comparison.EqualIgnoreCase, Negated: true),
        ["StringLike"] = new(Family.String, Comparison.Like, Negated: false),
        ["StringNotLike"] = new(Family.String, Comparison.Like, Negated: true),
        // AWS documents ArnEquals and ArnLike identically: per-component, case-sensitive, wildcards allowed.
        ["ArnEquals"] = new(Family.Arn, Comparison.Like, Negated: false),
        ["ArnLike"] = new(Family.Arn, Comparison.Like, Negated: false),
        ["ArnNotEquals"] = new(Family.Arn, Comparison.Like, Negated: true),
        ["ArnNotLike"] = new(Family.Arn, Comparison.Like, Negated: true),
        ["NumericEquals"] = new(Family.Numeric, Comparison.Equal, Negated: false),
        ["NumericNotEquals"] = new(Family.Numeric, Comparison.Equal, Negated: true),
        ["NumericLessThan"] = new(Family.Numeric, Comparison.LessThan, Negated: false),
        ["NumericLessThanEquals"] = new(Family.Numeric, Comparison.LessThanOrEqual, Negated: false),
        ["NumericGreaterThan"] = new(Family.Numeric, Comparison.GreaterThan, Negated: false),
        ["NumericGreaterThanEquals"] = new(Family.Numeric, Comparison.GreaterThanOrEqual, Negated: false),
        ["DateEquals"] = new(Family.Date, Comparison.Equal, Negated: false),
        ["DateNotEquals"] = new(Family.Date, Comparison.Equal, Negated: true),
        ["DateLessThan"] = new(Family.Date, Comparison.LessThan, Negated: false),
        ["DateLessThanEquals"] = new(Family.Date, Comparison.LessThanOrEqual, Negated: false),
        ["DateGreaterThan"] = new(Family.Date, Comparison.GreaterThan, Negated: false),
        ["DateGreaterThanEquals"] = new(Family.Date, Comparison.GreaterThanOrEqual, Negated: false),
        ["Bool"] = new(Family.Bool, Comparison.Equal, Negated: false),
        ["BinaryEquals"] = new(Family.Binary, Comparison.Equal, Negated: false),
        ["IpAddress"] = new(Family.IpAddress, Comparison.Equal, Negated: false),
        ["NotIpAddress"] = new(Family.IpAddress, Comparison.Equal, Negated: true),
        ["Null"] = new(Family.Null, Comparison.Equal, Negated: false),
    };

    private const string AnyPrefix = "ForAnyValue:";
    private const string AllPrefix = "ForAllValues:";
    private const string IfExistsSuffix = "IfExists";

    private readonly Spec _spec;

    private ConditionOperator(string name, string baseName, ConditionSetQualifier qualifier, bool ifExists, Spec spec)
    {
        Name = name;
        BaseName = baseName;
        SetQualifier = qualifier;
        IfExists = ifExists;
        _spec = spec;
    }

    internal enum Family
    {
        String,
        Arn,
        Numeric,
        Date,
        Bool,
        Binary,
        IpAddress,
        Null,
    }

    internal enum Comparison
    {
        Equal,
        EqualIgnoreCase,
        Like,
        LessThan,
        LessThanOrEqual,
        GreaterThan,
        GreaterThanOrEqual,
    }

    /// <summary>The full operator text as written in the policy.</summary>
    public string Name { get; }

    /// <summary>The operator without set prefix or IfExists suffix, e.g. <c>StringNotEquals</c>.</summary>
    public string BaseName { get; }

    public ConditionSetQualifier SetQualifier { get; }

    public bool IfExists { get; }

    /// <summary>A "not" operator (StringNotEquals, ArnNotLike, NotIpAddress…), true when the key is absent.</summary>
    public bool IsNegated => _spec.Negated;

    /// <summary>AWS substitutes policy variables only in string and ARN comparisons.</summary>
    public bool SupportsPolicyVariables => _spec.Family is Family.String or Family.Arn;

    internal Family OperatorFamily => _spec.Family;

    internal Comparison OperatorComparison => _spec.Comparison;

    /// <summary>Operator names are matched exactly (case-sensitively), as IAM does.</summary>
    public static bool TryParse(string name, [NotNullWhen(true)] out ConditionOperator? op)
    {
        ArgumentNullException.ThrowIfNull(name);
        op = null;
        string rest = name;
        var qualifier = ConditionSetQualifier.None;
        if (rest.StartsWith(AnyPrefix, StringComparison.Ordinal))
        {
            qualifier = ConditionSetQualifier.ForAnyValue;
            rest = rest[AnyPrefix.Length..];
        }
        else if (rest.StartsWith(AllPrefix, StringComparison.Ordinal))
        {
            qualifier = ConditionSetQualifier.ForAllValues;
            rest = rest[AllPrefix.Length..];
        }

        bool ifExists = false;
        if (rest.EndsWith(IfExistsSuffix, StringComparison.Ordinal))
        {
            ifExists = true;
            rest = rest[..^IfExistsSuffix.Length];
        }

        if (!s_operators.TryGetValue(rest, out Spec? spec))
        {
            return false;
        }

        // Null is itself the existence test; "NullIfExists" is not an operator.
        if (spec.Family == Family.Null && ifExists)
        {
            return false;
        }

        op = new ConditionOperator(name, rest, qualifier, ifExists, spec);
        return true;
    }

    public override string ToString() => Name;

    private sealed record Spec(Family Family, Comparison Comparison, bool Negated);
}

/// <summary>One condition: an operator applied to one key, with the policy's values (OR-ed together).</summary>
public sealed class PolicyCondition
{
    internal PolicyCondition(ConditionOperator op, string key, IReadOnlyList<string> values)
    {
        Operator = op;
        Key = key;
        Values = values;
    }

    public ConditionOperator Operator { get; }

    /// <summary>The condition key as written; compared case-insensitively with the request context.</summary>
    public string Key { get; }

    /// <summary>Values as text; JSON booleans become <c>true</c>/<c>false</c>, numbers keep their JSON text.</summary>
    public IReadOnlyList<string> Values { get; }
}

internal static class ConditionEvaluator
{
    public static bool AllHold(IReadOnlyList<PolicyCondition> conditions, EvaluationContext context, bool variables)
    {
        foreach (PolicyCondition condition in conditions)
        {
            if (!Holds(condition, context, variables))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Holds(PolicyCondition condition, EvaluationContext context, bool variables)
    {
        ConditionOperator op = condition.Operator;
        bool present = context.TryGetValues(condition.Key, out IReadOnlyList<string> requestValues);

        if (op.OperatorFamily == ConditionOperator.Family.Null)
        {
            // {"Null":{"k":"true"}} means "k is absent"; "false" means "k is present". Several values OR together.
            return condition.Values.Any(v => TryParseBool(v, out bool expectAbsent) && expectAbsent != present);
        }

        if (!present)
        {
            if (op.IfExists)
            {
                return true;
            }

            // AWS: an absent key fails a condition, except that a negated operator is then satisfied; over an empty
            // set ForAllValues is vacuously true and ForAnyValue false.
            return op.SetQualifier switch
            {
                ConditionSetQualifier.ForAllValues => true,
                ConditionSetQualifier.ForAnyValue => false,
                _ => op.IsNegated,
            };
        }

        var policyValues = new List<PolicyValue>(condition.Values.Count);
        foreach (string raw in condition.Values)
        {
            int[]? pattern = variables && op.SupportsPolicyVariables
                ? PolicyVariables.Resolve(raw, context)
                : Wildcard.Compile(raw);
            if (pattern is null)
            {
                // An unresolvable variable makes the statement invalid, whatever the operator's polarity.
                return false;
            }

            policyValues.Add(new PolicyValue(pattern));
        }

        bool MatchesAny(string requestValue)
        {
            foreach (PolicyValue policyValue in policyValues)
            {
                if (Compare(op, requestValue, policyValue))
                {
                    return true;
                }
            }

            return false;
        }

        return op.SetQualifier switch
        {
            ConditionSetQualifier.ForAnyValue => requestValues.Any(v => MatchesAny(v) != op.IsNegated),
            ConditionSetQualifier.ForAllValues => requestValues.All(v => MatchesAny(v) != op.IsNegated),
            // Unqualified: a positive operator holds when some request value matches some policy value; a negated
            // one holds when none does.
            _ => requestValues.Any(MatchesAny) != op.IsNegated,
        };
    }

    private static bool Compare(ConditionOperator op, string requestValue, PolicyValue policyValue)
    {
        switch (op.OperatorFamily)
        {
            case ConditionOperator.Family.String:
                return op.OperatorComparison switch
                {
                    ConditionOperator.Comparison.Equal => string.Equals(requestValue, policyValue.Literal, StringComparison.Ordinal),
                    ConditionOperator.Comparison.EqualIgnoreCase =>
                        string.Equals(requestValue, policyValue.Literal, StringComparison.OrdinalIgnoreCase),
                    _ => Wildcard.IsMatch(policyValue.Pattern, requestValue, ignoreCase: false),
                };
            case ConditionOperator.Family.Arn:
                return Wildcard.IsArnMatch(policyValue.Pattern, requestValue);
            case ConditionOperator.Family.Numeric:
                return TryParseNumber(requestValue, out decimal requestNumber)
                    && TryParseNumber(policyValue.Literal, out decimal policyNumber)
                    && Ordered(op.OperatorComparison, requestNumber.CompareTo(policyNumber));
            case ConditionOperator.Family.Date:
                return TryParseDate(requestValue, out DateTimeOffset requestDate)
                    && TryParseDate(policyValue.Literal, out DateTimeOffset policyDate)
                    && Ordered(op.OperatorComparison, requestDate.CompareTo(policyDate));
            case ConditionOperator.Family.Bool:
                return TryParseBool(requestValue, out bool requestBool)
                    && TryParseBool(policyValue.Literal, out bool policyBool)
                    && requestBool == policyBool;
            case ConditionOperator.Family.Binary:
                return string.Equals(requestValue, policyValue.Literal, StringComparison.Ordinal);
            case ConditionOperator.Family.IpAddress:
                return IPAddress.TryParse(requestValue, out IPAddress? address)
                    && TryParseNetwork(policyValue.Literal, out IPNetwork network)
                    && network.Contains(address);
            default:
                return false;
        }
    }

    private static bool Ordered(ConditionOperator.Comparison comparison, int order) => comparison switch
    {
        ConditionOperator.Comparison.Equal => order == 0,
        ConditionOperator.Comparison.LessThan => order < 0,
        ConditionOperator.Comparison.LessThanOrEqual => order <= 0,
        ConditionOperator.Comparison.GreaterThan => order > 0,
        ConditionOperator.Comparison.GreaterThanOrEqual => order >= 0,
        _ => false,
    };

    private static bool TryParseBool(string text, out bool value)
    {
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return string.Equals(text, "false", StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryParseNumber(string text, out decimal value)
        => decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>ISO 8601 (date or date-time; UTC unless an offset is given) or whole epoch seconds.</summary>
    internal static bool TryParseDate(string text, out DateTimeOffset value)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit))
        {
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
                && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                value = DateTimeOffset.FromUnixTimeSeconds(seconds);
                return true;
            }

            value = default;
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    private static bool TryParseNetwork(string text, out IPNetwork network)
    {
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }

        if (IPAddress.TryParse(text, out IPAddress? single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    private sealed class PolicyValue(int[] pattern)
    {
        public int[] Pattern { get; } = pattern;

        public string Literal { get; } = Wildcard.ToLiteral(pattern);
    }
}

/// <summary>
/// Policy variables (<c>${aws:username}</c>, <c>${aws:PrincipalTag/team}</c>, <c>${key, 'default'}</c>) and the
/// escapes <c>${*}</c>, <c>${?}</c>, <c>${$}</c>. Any single-valued key in the request context can be a variable.
/// </summary>
internal static class PolicyVariables
{
    /// <summary>The compiled pattern, or null when a variable cannot be resolved (AWS: the statement is then
    /// invalid for this request).</summary>
    public static int[]? Resolve(string raw, EvaluationContext context)
    {
        if (!raw.Contains("${", StringComparison.Ordinal))
        {
            return Wildcard.Compile(raw);
        }

        var result = new List<int>(raw.Length);
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] == '$' && i + 1 < raw.Length && raw[i + 1] == '{')
            {
                int close = FindClose(raw, i + 2);
                if (close >= 0)
                {
                    if (!TryResolve(raw.AsSpan(i + 2, close - i - 2), context, result))
                    {
                        return null;
                    }

                    i = close + 1;
                    continue;
                }
            }

            result.Add(raw[i] switch
            {
                '*' => Wildcard.Star,
                '?' => Wildcard.Question,
                char c => c,
            });
            i++;
        }

        return [.. result];
    }

    private static int FindClose(string raw, int start)
    {
        bool quoted = false;
        for (int i = start; i < raw.Length; i++)
        {
            if (raw[i] == '\'')
            {
                quoted = !quoted;
            }
            else if (raw[i] == '}' && !quoted)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryResolve(ReadOnlySpan<char> inner, EvaluationContext context, List<int> output)
    {
        ReadOnlySpan<char> trimmed = inner.Trim();
        if (trimmed is "*" or "?" or "$")
        {
            // The escapes yield the character itself, never a wildcard.
            output.Add(trimmed[0]);
            return true;
        }

        int comma = trimmed.IndexOf(',');
        ReadOnlySpan<char> name = (comma < 0 ? trimmed : trimmed[..comma]).Trim();
        if (name.IsEmpty || name.ContainsAny(' ', '\t'))
        {
            return false;
        }

        if (context.TryGetSingleValue(name.ToString(), out string? value))
        {
            foreach (char c in value)
            {
                output.Add(c);
            }

            return true;
        }

        if (comma < 0 || !TryParseDefault(trimmed[(comma + 1)..].Trim(), out string? fallback))
        {
            return false;
        }

        foreach (char c in fallback)
        {
            output.Add(c);
        }

        return true;
    }

    private static bool TryParseDefault(ReadOnlySpan<char> text, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (text.Length < 2 || text[0] != '\'' || text[^1] != '\'')
        {
            return false;
        }

        // Inside the quotes a doubled '' stands for one quote.
        ReadOnlySpan<char> body = text[1..^1];
        var builder = new System.Text.StringBuilder(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '\'')
            {
                if (i + 1 < body.Length && body[i + 1] == '\'')
                {
                    builder.Append('\'');
                    i++;
                    continue;
                }

                return false;
            }

            builder.Append(body[i]);
        }

        value = builder.ToString();
        return true;
    }
}
