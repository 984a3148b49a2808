namespace VaultCopy.Core.Accounts;

/// <summary>
/// An ARN split once into its parts (arn:partition:service:region:account:resource), the one place VaultCopy reads
/// ARNs. The resource keeps its colons (RDS: <c>snapshot:name</c>).
/// </summary>
public sealed record Arn(string Partition, string Service, string Region, string AccountId, string Resource)
{
    /// <summary>Parses <paramref name="text"/>; false for anything that is not arn:…:…:…:…:resource.</summary>
    public static bool TryParse(string? text, out Arn arn)
    {
        arn = null!;
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = text.Split(':', 6);
        if (parts.Length < 6 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        return true;
    }

    /// <summary>The ARN, or null when <paramref name="text"/> is no ARN.</summary>
    public static Arn? ParseOrNull(string? text) => TryParse(text, out Arn arn) ? arn : null;

    /// <summary>The resource's type word before its first '/' or ':' (snapshot, image, key, alias, role…).</summary>
    public string ResourceType => Resource.Split('/', ':')[0];

    /// <summary>What follows the resource type (the id, name or path).</summary>
    public string ResourceName => Resource.Length > ResourceType.Length ? Resource[(ResourceType.Length + 1)..] : string.Empty;

    /// <summary>The partition of <paramref name="text"/> (aws when it is no ARN).</summary>
    public static string PartitionOf(string text) => ParseOrNull(text)?.Partition ?? "aws";

    /// <summary>The account of <paramref name="text"/> (empty when it is no ARN or names none, as EC2 resource ARNs).</summary>
    public static string AccountOf(string text) => ParseOrNull(text)?.AccountId ?? string.Empty;

    /// <summary>arn:aws:sts::1:assumed-role/R/s is the session of arn:aws:iam::1:role/R, which policies name.</summary>
    public static string PrincipalOf(string text) =>
        ParseOrNull(text) is { Service: "sts" } arn && arn.Resource.StartsWith("assumed-role/", StringComparison.Ordinal)
            ? $"arn:{arn.Partition}:iam::{arn.AccountId}:role/{arn.Resource.Split('/')[1]}"
            : text;

    public override string ToString() => $"arn:{Partition}:{Service}:{Region}:{AccountId}:{Resource}";
}
