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
