using System.Text.RegularExpressions;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>RDS tag rules (Tagging Amazon RDS resources): key 1-128, value 0-256, no reserved prefixes.</summary>
internal static partial class RdsTags
{
    public const int MaxTagsPerResource = 50;

    /// <summary>AWS-generated tags (AWS Backup's aws:backup:…, CloudFormation's aws:cloudformation:…).</summary>
    public static bool IsAwsTag(string key) => key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the tag is acceptable, otherwise what is wrong with it. <paramref name="awsGenerated"/>: a tag
    /// AWS itself put there (fixtures), which may carry the aws: prefix that a caller may never write.</summary>
    public static string? Problem(string key, string value, bool awsGenerated = false)
    {
        if (key.Length is 0 or > 128)
        {
            return "Tag keys must be 1 to 128 characters long.";
        }

        if (value.Length > 256)
        {
            return "Tag values must be at most 256 characters long.";
        }

        if (awsGenerated && IsAwsTag(key))
        {
            return TagText().IsMatch(key) && TagText().IsMatch(value) ? null : "Tags may contain only Unicode letters, digits, white space, and _ . : / = + - @.";
        }

        if (IsAwsTag(key) || key.StartsWith("rds:", StringComparison.OrdinalIgnoreCase))
        {
            return "Tag keys cannot start with the reserved prefix 'aws:' or 'rds:'.";
        }

        if (value.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            return "Tag values cannot start with the reserved prefix 'aws:'.";
        }

        if (!TagText().IsMatch(key) || !TagText().IsMatch(value))
        {
            return "Tags may contain only Unicode letters, digits, white space, and _ . : / = + - @.";
        }

        return null;
    }

    /// <summary>Applies tags by key: a new value replaces the old one, new keys are appended.</summary>
    public static void Apply(List<KeyValuePair<string, string>> target, IEnumerable<KeyValuePair<string, string>> tags)
    {
        foreach (var tag in tags)
        {
            int index = target.FindIndex(t => string.Equals(t.Key, tag.Key, StringComparison.Ordinal));
            if (index >= 0)
            {
                target[index] = tag;
            }
            else
            {
                target.Add(tag);
            }
        }
    }

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagText();
}

/// <summary>Sharing limits (USER_ShareSnapshot: "You can share a manual snapshot with up to 20 other AWS accounts").</summary>
internal static class RdsSharing
{
    public const int MaxSharedAccounts = 20;
}
