using System.Diagnostics.CodeAnalysis;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>RDS identifiers and snapshot ARNs.</summary>
internal static class RdsNames
{
    /// <summary>Prefix of automated snapshot identifiers (<c>rds:mydb-2026-01-01-00-00</c>).</summary>
    public const string AutomatedPrefix = "rds:";

    /// <summary>
    /// The identifier rule of CopyDBSnapshot/CopyDBClusterSnapshot targets: 1 to <paramref name="maxLength"/> ASCII
    /// letters, digits and hyphens, a letter first, no trailing hyphen and no two hyphens in a row.
    /// </summary>
    public static bool IsValidIdentifier(string value, int maxLength)
    {
        if (value.Length == 0 || value.Length > maxLength || !char.IsAsciiLetter(value[0]) || value[^1] == '-')
        {
            return false;
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }

            if (c == '-' && value[i - 1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>RDS stores identifiers lower-case and compares them case-insensitively.</summary>
    public static string Normalize(string identifier) => identifier.ToLowerInvariant();

    /// <summary>
    /// <c>arn:{partition}:rds:{region}:{account}:snapshot:{name}</c> or <c>…:cluster-snapshot:{name}</c> (the name of an
    /// automated snapshot contains a colon itself).
    /// </summary>
    public static bool TryParseSnapshotArn(string text, [NotNullWhen(true)] out SnapshotArn? snapshotArn)
    {
        snapshotArn = null;
        if (!Arn.TryParse(text, out var arn) || arn.Service != "rds" || arn.Region.Length == 0 || arn.Account.Length != 12
            || !arn.Account.All(char.IsAsciiDigit))
        {
            return false;
        }

        int colon = arn.Resource.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == arn.Resource.Length - 1)
        {
            return false;
        }

        SnapshotKind? kind = arn.Resource[..colon] switch
        {
            "snapshot" => SnapshotKind.Db,
            "cluster-snapshot" => SnapshotKind.Cluster,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        snapshotArn = new SnapshotArn(arn.Partition, arn.Region, arn.Account, kind.Value, arn.Resource[(colon + 1)..]);
        return true;
    }

    public static bool LooksLikeArn(string text) => text.StartsWith("arn:", StringComparison.Ordinal);

    public static string SnapshotArnFor(string partition, string region, string account, RdsKind kind, string identifier) =>
        $"arn:{partition}:rds:{region}:{account}:{kind.ArnType}:{Normalize(identifier)}";

    /// <summary>The authorization resource for a list call with no snapshot named: <c>…:snapshot:*</c>.</summary>
    public static string AnySnapshotArn(string partition, string region, string account, RdsKind kind) =>
        $"arn:{partition}:rds:{region}:{account}:{kind.ArnType}:*";

    public static string DatabaseArn(RdsSnapshot snapshot) =>
        $"arn:{snapshot.Partition}:rds:{snapshot.Region}:{snapshot.AccountId}:{snapshot.Names.DatabaseArnType}:{snapshot.SourceDatabase}";

    public static bool IsAccountId(string value) => value.Length == 12 && value.All(char.IsAsciiDigit);
}

/// <summary>A parsed RDS snapshot ARN.</summary>
internal sealed record SnapshotArn(string Partition, string Region, string Account, SnapshotKind Kind, string Name);
