using System.Text.RegularExpressions;

namespace VaultCopy.Core.Policies;

/// <summary>The shapes of the identifiers the policy editors accept; anything else is refused, never guessed at.</summary>
internal static partial class AwsIdentifiers
{
    public static bool IsAccountId(string? value) => value is not null && AccountIdPattern().IsMatch(value);

    public static bool IsPartition(string? value) => value is not null && PartitionPattern().IsMatch(value);

    public static bool IsRegion(string? value) => value is not null && RegionPattern().IsMatch(value);

    public static bool HasWildcard(string value) => value.Contains('*', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal);

    public static string RootArn(string partition, string accountId) => $"arn:{partition}:iam::{accountId}:root";

    /// <summary>arn:partition:iam::account:root, :role/[path/]name or :user/[path/]name.</summary>
    public static bool TryParseIamPrincipal(string value, out string partition, out string accountId, out bool isRoot)
    {
        Match match = IamPrincipalPattern().Match(value);
        partition = match.Success ? match.Groups["partition"].Value : string.Empty;
        accountId = match.Success ? match.Groups["account"].Value : string.Empty;
        isRoot = match.Success && match.Groups["root"].Success;
        return match.Success;
    }

    /// <summary>
    /// The unique id KMS shows in place of a principal whose role or user was deleted (AROA…, AIDA…). It matches no
    /// caller, so it is harmless to keep beside the principals VaultCopy writes.
    /// </summary>
    public static bool IsUniqueId(string value) => UniqueIdPattern().IsMatch(value);

    /// <summary>A key ARN, never an alias: CreateGrant across accounts needs the key ARN.</summary>
    public static bool IsKeyArn(string value) => KeyArnPattern().IsMatch(value);

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^aws(-[a-z]+)*$")]
    private static partial Regex PartitionPattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^arn:(?<partition>aws(-[a-z]+)*):iam::(?<account>[0-9]{12}):((?<root>root)|(role|user)/([A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]+)$")]
    private static partial Regex IamPrincipalPattern();

    [GeneratedRegex("^A(RO|ID)A[A-Z0-9]{12,124}$")]
    private static partial Regex UniqueIdPattern();

    [GeneratedRegex("^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-[0-9]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$")]
    private static partial Regex KeyArnPattern();
}
