using System.Security.Cryptography;
using System.Text;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>
/// Deterministic names and tokens for copies: the same source copied to the same place always gets the same
/// name, so a second run finds the first copy instead of making another.
/// </summary>
public static class CopyNaming
{
    /// <summary>Prefix of every lineage tag key.</summary>
    public const string TagPrefix = "vaultcopy:";

    public const string SourceAccountTag = TagPrefix + "source-account";
    public const string SourceRegionTag = TagPrefix + "source-region";
    public const string SourceIdTag = TagPrefix + "source-id";
    public const string SourceArnTag = TagPrefix + "source-arn";
    public const string SourceKeyTag = TagPrefix + "source-key";
    public const string CopiedAtTag = TagPrefix + "copied-at";
    public const string VersionTag = TagPrefix + "version";

    /// <summary>Which kind of copy: into the vault, or a re-encryption inside the origin.</summary>
    public const string PurposeTag = TagPrefix + "purpose";

    /// <summary>
    /// An RDS identifier for the copy: <paramref name="prefix"/>-&lt;account&gt;-&lt;source&gt;, lower-case, letters,
    /// digits and single hyphens, starting with a letter, within the length limit (255 for DB snapshots, 63 for
    /// cluster snapshots); a long name is cut and ends with a hash of the whole, so distinct sources stay distinct.
    /// </summary>
    public static string RdsIdentifier(string prefix, VaultResource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int limit = source.Type == VaultResourceType.AuroraClusterSnapshot ? 63 : 255;
        string raw = $"{prefix}-{source.AccountId}-{source.Region}-{source.Id}";
        var builder = new StringBuilder(raw.Length);
        foreach (char c in raw.ToLowerInvariant())
        {
            char mapped = char.IsAsciiLetterOrDigit(c) ? c : '-';
            if (mapped == '-' && (builder.Length == 0 || builder[^1] == '-'))
            {
                continue;
            }

            builder.Append(mapped);
        }

        string name = builder.ToString().Trim('-');
        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            name = "vc-" + name;
        }

        if (name.Length > limit)
        {
            string hash = ShortHash(raw, 8);
            name = name[..(limit - hash.Length - 1)].TrimEnd('-') + "-" + hash;
        }

        return name;
    }

    /// <summary>An AMI name (3–128 characters, no leading or trailing spaces) for the copy of <paramref name="source"/>.</summary>
    public static string ImageName(string prefix, VaultResource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string name = $"{prefix}-{source.AccountId}-{source.Region}-{source.Id}";
        return name.Length <= 128 ? name : name[..119] + "-" + ShortHash(name, 8);
    }

    /// <summary>
    /// The CopyImage ClientToken (≤128 characters): the same source, destination Region and key give the same
    /// token, so a retried, repeated or overlapping call returns the first copy; different parameters give a different
    /// one. Nothing of the run enters it (no time, no run id), and the request it is sent with must not differ either.
    /// </summary>
    public static string ClientToken(string purpose, VaultResource source, string destinationRegion, string? kmsKeyId) =>
        $"vaultcopy-{ShortHash($"{purpose}|{source.Arn}|{destinationRegion}|{kmsKeyId}", 40)}";

    /// <summary>The lineage tags a copy carries: its identity, when it was copied and by which VaultCopy version.</summary>
    public static IReadOnlyDictionary<string, string> LineageTags(string purpose, VaultResource source, DateTime copiedAt) =>
        new Dictionary<string, string>(IdentityTags(purpose, source), StringComparer.Ordinal)
        {
            [CopiedAtTag] = copiedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            [VersionTag] = VaultCopyInfo.Version,
        };

    /// <summary>
    /// The lineage tags that only say what the copy is (purpose and source), nothing of the run that made it: the
    /// tags of a request sent with a <see cref="ClientToken"/>, because EC2 answers the same token with other
    /// parameters (a later time) with IdempotentParameterMismatch instead of the first copy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> IdentityTags(string purpose, VaultResource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PurposeTag] = purpose,
            [SourceAccountTag] = source.AccountId,
            [SourceRegionTag] = source.Region,
            [SourceIdTag] = source.Id,
            [SourceArnTag] = source.Arn,
            [SourceKeyTag] = source.KmsKeyArn ?? "none",
        };
    }

    private static string ShortHash(string text, int length) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant()[..length];
}
