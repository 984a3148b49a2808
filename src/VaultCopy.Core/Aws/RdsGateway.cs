using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using VaultCopy.Core.Aws.Query;

namespace VaultCopy.Core.Aws;

/// <summary>A DB snapshot or DB cluster snapshot as RDS describes it (element names from the RDS model).</summary>
internal sealed record RdsSnapshotRecord(
    bool IsCluster, string Identifier, string Arn, string? SourceIdentifier, string Status, string SnapshotType,
    DateTime? CreateTime, int? AllocatedStorage, bool Encrypted, string? KmsKeyId, string? Engine, int PercentProgress,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>The RDS calls VaultCopy makes, over the query-protocol client.</summary>
internal sealed partial class RdsGateway : IDisposable
{
    private const string PageSize = "100";
    private readonly IQueryProtocolClient _client;
    private readonly IDisposable? _owned;

    public RdsGateway(AwsSession session, string? region = null)
    {
        var client = new QueryClient(session, QueryServiceDefinition.Rds, region);
        _client = client;
        _owned = client;
    }

    internal RdsGateway(IQueryProtocolClient client)
    {
        _client = client;
    }

    /// <summary>DB snapshots (or cluster snapshots), a page at a time; shared ones only with <paramref name="includeShared"/>.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RdsSnapshotRecord>> DescribeSnapshotPagesAsync(
        bool cluster, string? identifier, string? snapshotType, bool includeShared, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string action = cluster ? "DescribeDBClusterSnapshots" : "DescribeDBSnapshots";
        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new("MaxRecords", PageSize) };
            if (identifier is not null)
            {
                parameters.Add(new(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier", identifier));
            }

            if (snapshotType is not null)
            {
                parameters.Add(new("SnapshotType", snapshotType));
            }

            if (includeShared)
            {
                parameters.Add(new("IncludeShared", "true"));
            }

            if (marker is not null)
            {
                parameters.Add(new("Marker", marker));
            }

            XElement result = await _client.CallAsync(action, parameters, cancellationToken).ConfigureAwait(false);
            string list = cluster ? "DBClusterSnapshots" : "DBSnapshots";
            string item = cluster ? "DBClusterSnapshot" : "DBSnapshot";
            yield return result.Element(list)?.Elements(item).Select(e => Parse(e, cluster)).ToList() ?? [];
            marker = result.Element("Marker")?.Value;
        }
        while (!string.IsNullOrEmpty(marker));
    }

    /// <summary>The accounts in the snapshot's <c>restore</c> attribute (owner only).</summary>
    public async Task<IReadOnlyList<string>> GetRestoreAccountsAsync(bool cluster, string identifier, CancellationToken cancellationToken)
    {
        string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";
        XElement result = await _client.CallAsync(
            $"Describe{prefix}Attributes",
            [new($"{prefix}Identifier", identifier)], cancellationToken).ConfigureAwait(false);
        return RestoreAccountsOf(result, prefix);
    }

    /// <summary>The <c>restore</c> values of a Describe/Modify…SnapshotAttributes result (prefix DBSnapshot or DBClusterSnapshot).</summary>
    private static List<string> RestoreAccountsOf(XElement result, string prefix) =>
        result.Element($"{prefix}AttributesResult")?.Element($"{prefix}Attributes")?.Elements($"{prefix}Attribute")
            .Where(a => a.Element("AttributeName")?.Value == "restore")
            .SelectMany(a => a.Element("AttributeValues")?.Elements("AttributeValue").Select(v => v.Value) ?? [])
            .ToList() ?? [];

    public void Dispose() => _owned?.Dispose();

    private static RdsSnapshotRecord Parse(XElement e, bool cluster)
    {
        string Text(string name) => e.Element(name)?.Value ?? string.Empty;
        var tags = e.Element("TagList")?.Elements("Tag")
            .Where(t => t.Element("Key") is not null)
            .GroupBy(t => t.Element("Key")!.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Element("Value")?.Value ?? string.Empty, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        return new RdsSnapshotRecord(
            cluster,
            Text(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier"),
            Text(cluster ? "DBClusterSnapshotArn" : "DBSnapshotArn"),
            NullIfEmpty(Text(cluster ? "DBClusterIdentifier" : "DBInstanceIdentifier")),
            Text("Status"),
            Text("SnapshotType"),
            DateTime.TryParse(Text("SnapshotCreateTime"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime created) ? created : null,
            int.TryParse(Text("AllocatedStorage"), CultureInfo.InvariantCulture, out int size) ? size : null,
            string.Equals(Text(cluster ? "StorageEncrypted" : "Encrypted"), "true", StringComparison.OrdinalIgnoreCase),
            NullIfEmpty(Text("KmsKeyId")),
            NullIfEmpty(Text("Engine")),
            int.TryParse(Text("PercentProgress"), CultureInfo.InvariantCulture, out int progress) ? progress : 0,
            tags);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
