using System.Globalization;

namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// Collects model-constraint violations into the message AWS's Coral services send, e.g. "2 validation errors
/// detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or
/// equal to 2; Value …". The member name is the camel-cased model member, as AWS prints it.
/// </summary>
public sealed class ValidationErrors(string code = "ValidationError")
{
    private readonly List<string> _errors = [];

    public bool Any => _errors.Count > 0;

    public static AwsServiceException Single(string code, string member, string? value, string constraint)
    {
        var errors = new ValidationErrors(code);
        errors.Add(member, value, constraint);
        return errors.ToException()!;
    }

    public void Add(string member, string? value, string constraint)
    {
        string shown = value is null ? "null" : $"'{value}'";
        _errors.Add($"Value {shown} at '{CamelCase(member)}' failed to satisfy constraint: {constraint}");
    }

    /// <summary>Checks a string against the model's min/max length and pattern; null values are not checked.</summary>
    public void CheckString(string member, string? value, int? min = null, int? max = null, string? pattern = null, string? patternText = null)
    {
        if (value is null)
        {
            return;
        }

        if (min is int lo && value.Length < lo)
        {
            Add(member, value, $"Member must have length greater than or equal to {lo}");
        }

        if (max is int hi && value.Length > hi)
        {
            Add(member, value, $"Member must have length less than or equal to {hi}");
        }

        if (pattern is not null && !System.Text.RegularExpressions.Regex.IsMatch(value, "^(?:" + pattern + ")$", System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            Add(member, value, $"Member must satisfy regular expression pattern: {patternText ?? pattern}");
        }
    }

    public void CheckRange(string member, long? value, long? min = null, long? max = null)
    {
        if (value is not long v)
        {
            return;
        }

        string text = v.ToString(CultureInfo.InvariantCulture);
        if (min is long lo && v < lo)
        {
            Add(member, text, $"Member must have value greater than or equal to {lo}");
        }

        if (max is long hi && v > hi)
        {
            Add(member, text, $"Member must have value less than or equal to {hi}");
        }
    }

    public AwsServiceException? ToException()
    {
        if (_errors.Count == 0)
        {
            return null;
        }

        string head = _errors.Count == 1 ? "1 validation error detected: " : $"{_errors.Count} validation errors detected: ";
        return new AwsServiceException(code, head + string.Join("; ", _errors));
    }

    public void ThrowIfAny()
    {
        if (ToException() is { } error)
        {
            throw error;
        }
    }

    private static string CamelCase(string member)
    {
        // Nested names ("Tags.member.1.Key") are printed as AWS does: each segment camel-cased.
        var parts = member.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length > 0 && char.IsUpper(parts[i][0]))
            {
                parts[i] = char.ToLowerInvariant(parts[i][0]) + parts[i][1..];
            }
        }

        return string.Join('.', parts);
    }
}
