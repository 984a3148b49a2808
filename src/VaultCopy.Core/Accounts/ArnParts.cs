namespace VaultCopy.Core.Accounts;

internal static class ArnParts
{
    public static string PartitionOf(string arn)
    {
        string[] parts = arn.Split(':');
        return parts.Length > 1 && parts[0] == "arn" ? parts[1] : "aws";
    }

    public static string AccountOf(string arn)
    {
        string[] parts = arn.Split(':');
        return parts.Length > 4 ? parts[4] : string.Empty;
    }

    /// <summary>arn:aws:sts::1:assumed-role/R/s is the session of arn:aws:iam::1:role/R, which policies name.</summary>
    public static string PrincipalOf(string arn)
    {
        string[] parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[2] == "sts" && parts[5].StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            string[] path = parts[5].Split('/');
            return $"arn:{parts[1]}:iam::{parts[4]}:role/{path[1]}";
        }

        return arn;
    }
}
