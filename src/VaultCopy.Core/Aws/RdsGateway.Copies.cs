using System.Globalization;
using System.Xml.Linq;

namespace VaultCopy.Core.Aws;

/// <summary>The RDS calls of the copy machinery: CopyDB(Cluster)Snapshot, batch describes by filter, counts, deletes.</summary>
internal sealed partial class RdsGateway
{
    /// <summary>
    /// CopyDBSnapshot / CopyDBClusterSnapshot into this client's Region. <paramref name="source"/> is an identifier
    /// (own snapshot, same Region) or an ARN (shared, or another Region); a cross-Region copy carries a URL presigned
    /// for the source Region, as the SDKs send it.
    /// </summary>
    public async Task<RdsSnapshotRecord> CopySnapshotAsync(
        bool cluster, string source, string? sourceRegion, string targetIdentifier, string? kmsKeyArn,
        IReadOnlyDictionary<string, string> tags, string destinationRegion, CancellationToken cancellationToken)
    {
        string action = cluster ? "CopyDBClusterSnapshot" : "CopyDBSnapshot";
        string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";
        var parameters = new List<KeyValuePair<string, string>>
        {
            new($"Source{prefix}Identifier", source),
            new($"Target{prefix}Identifier", targetIdentifier),
        };
        if (kmsKeyArn is not null)
        {
            parameters.Add(new("KmsKeyId", kmsKeyArn));
        }

        int n = 1;
        foreach (KeyValuePair<string, string> tag in tags)
        {
            parameters.Add(new(string.Create(CultureInfo.InvariantCulture, $"Tags.Tag.{n}.Key"), tag.Key));
            parameters.Add(new(string.Create(CultureInfo.InvariantCulture, $"Tags.Tag.{n}.Value"), tag.Value));
            n++;
        }

        if (sourceRegion is not null && sourceRegion != destinationRegion)
        {
            var presigned = new List<KeyValuePair<string, string>>(parameters) { new("DestinationRegion", destinationRegion) };
            parameters.Add(new("PreSignedUrl", await _client.PresignAsync(action, presigned, sourceRegion, cancellationToken).ConfigureAwait(false)));
        }

        XElement result = await _client.CallAsync(action, parameters, cancellationToken).ConfigureAwait(false);
        XElement snapshot = result.Element(prefix) ?? throw new InvalidDataException($"{action} answered without a {prefix}.");
        return Parse(snapshot, cluster);
    }

    /// <summary>
    /// The snapshots with these identifiers, in one call (a db-snapshot-id / db-cluster-snapshot-id filter, which
    /// leaves out identifiers that no longer exist instead of failing).
    /// </summary>
    public async Task<IReadOnlyList<RdsSnapshotRecord>> DescribeByIdentifiersAsync(bool cluster, IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        // RDS answers at most 100 records a page: asking for at most 100 identifiers at a time keeps each answer whole.
        const int Batch = 100;
        var records = new List<RdsSnapshotRecord>();
        for (int start = 0; start < identifiers.Count; start += Batch)
        {
            var parameters = new List<KeyValuePair<string, string>>
            {
                new("Filters.Filter.1.Name", cluster ? "db-cluster-snapshot-id" : "db-snapshot-id"),
                new("MaxRecords", "100"),
            };
            int end = Math.Min(identifiers.Count, start + Batch);
            for (int i = start; i < end; i++)
            {
                parameters.Add(new(string.Create(CultureInfo.InvariantCulture, $"Filters.Filter.1.Values.Value.{i - start + 1}"), identifiers[i]));
            }

            XElement result = await _client.CallAsync(cluster ? "DescribeDBClusterSnapshots" : "DescribeDBSnapshots", parameters, cancellationToken).ConfigureAwait(false);
            string list = cluster ? "DBClusterSnapshots" : "DBSnapshots";
            string item = cluster ? "DBClusterSnapshot" : "DBSnapshot";
            records.AddRange(result.Element(list)?.Elements(item).Select(e => Parse(e, cluster)) ?? []);
        }

        return records;
    }

    /// <summary>Manual snapshots of ours still being created or copied here: they hold slots of the copy quota.</summary>
    public async Task<int> CountSnapshotsInProgressAsync(bool cluster, CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (IReadOnlyList<RdsSnapshotRecord> page in DescribeSnapshotPagesAsync(cluster, null, "manual", false, cancellationToken).ConfigureAwait(false))
        {
            count += page.Count(s => s.Status is "creating" or "copying" or "pending");
        }

        return count;
    }

    public async Task DeleteSnapshotAsync(bool cluster, string identifier, CancellationToken cancellationToken)
    {
        string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";
        await _client.CallAsync($"Delete{prefix}", [new($"{prefix}Identifier", identifier)], cancellationToken).ConfigureAwait(false);
    }
}
