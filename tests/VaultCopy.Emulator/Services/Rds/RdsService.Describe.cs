using System.Globalization;
using System.Text;
using System.Xml.Linq;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

public sealed partial class RdsService
{
    public const int DefaultMaxRecords = 100;
    public const int MinMaxRecords = 20;

    private static readonly string[] s_dbSnapshotTypes = ["automated", "manual", "shared", "public", "awsbackup"];
    private static readonly string[] s_clusterSnapshotTypes = ["automated", "manual", "shared", "public"];

    /// <summary>DescribeDBSnapshots / DescribeDBClusterSnapshots.</summary>
    private static AwsResponse Describe(AwsRequest request, RdsKind kind)
    {
        var p = request.Parameters;
        string? identifier = Optional(request, kind.IdentifierParameter);
        string? database = Optional(request, kind.DatabaseParameter);
        string? resourceId = Optional(request, kind.ResourceIdParameter);
        string? snapshotType = Optional(request, "SnapshotType");
        bool includeShared = p.GetBool("IncludeShared") ?? false;
        bool includePublic = p.GetBool("IncludePublic") ?? false;
        int maxRecords = p.GetInt("MaxRecords") ?? DefaultMaxRecords;
        string? marker = Optional(request, "Marker");
        var filters = ReadFilters(request, kind);

        if (maxRecords is < MinMaxRecords or > DefaultMaxRecords)
        {
            throw RdsErrors.InvalidParameterValue($"Invalid value {maxRecords.ToString(CultureInfo.InvariantCulture)} for MaxRecords. Must be between {MinMaxRecords} and {DefaultMaxRecords}");
        }

        string[] types = kind.Kind == SnapshotKind.Db ? s_dbSnapshotTypes : s_clusterSnapshotTypes;
        if (snapshotType is not null && !types.Contains(snapshotType, StringComparer.Ordinal))
        {
            throw RdsErrors.InvalidParameterValue($"Invalid snapshot type {snapshotType}. Valid types are: {string.Join(", ", types)}.");
        }

        if (kind.Kind == SnapshotKind.Cluster && identifier is not null && database is not null)
        {
            throw RdsErrors.InvalidParameterCombination("DBClusterIdentifier and DBClusterSnapshotIdentifier cannot be used together.");
        }

        string caller = request.Caller.AccountId;
        string resource = identifier is not null
            ? ArnOf(request, kind, identifier)
            : RdsNames.AnySnapshotArn(Partition(request), request.Region, caller, kind);
        Authorize(request, "Describe" + kind.ListElement, resource);

        var candidates = Candidates(request, kind, snapshotType, includeShared, includePublic);
        if (identifier is not null)
        {
            candidates = candidates.Where(s => MatchesIdentifier(s, caller, identifier)).ToList();
            if (candidates.Count == 0)
            {
                throw RdsErrors.NotFound(kind, identifier);
            }
        }

        if (database is not null)
        {
            candidates = candidates.Where(s => MatchesDatabase(s, database)).ToList();
        }

        if (resourceId is not null)
        {
            candidates = candidates.Where(s => string.Equals(RdsXml.ResourceId(s), resourceId, StringComparison.Ordinal)).ToList();
        }

        foreach (var (name, values) in filters)
        {
            candidates = candidates.Where(s => MatchesFilter(s, kind, caller, name, values)).ToList();
        }

        var ordered = candidates.OrderBy(s => s.Arn, StringComparer.Ordinal).ToList();
        int start = 0;
        if (marker is not null)
        {
            string after = DecodeMarker(marker);
            start = ordered.FindIndex(s => string.CompareOrdinal(s.Arn, after) > 0);
            if (start < 0)
            {
                start = ordered.Count;
            }
        }

        var page = ordered.Skip(start).Take(maxRecords).ToList();
        string? next = start + page.Count < ordered.Count ? EncodeMarker(page[^1].Arn) : null;
        return AwsResponse.Query(request,
            AwsFormat.Optional("Marker", next),
            new XElement(kind.ListElement, page.Select(s => RdsXml.Snapshot(Prepared(request, s), caller))));
    }

    /// <summary>
    /// Which snapshots a Describe call considers: the caller's own (manual and automated) by default; shared and
    /// public snapshots of other accounts only when SnapshotType or IncludeShared/IncludePublic ask for them.
    /// </summary>
    private static List<RdsSnapshot> Candidates(AwsRequest request, RdsKind kind, string? snapshotType, bool includeShared, bool includePublic)
    {
        string caller = request.Caller.AccountId;
        var own = Own(request, kind).Values;
        var others = request.World.Accounts.Values
            .Where(a => !string.Equals(a.Id, caller, StringComparison.Ordinal) && string.Equals(a.Partition, Partition(request), StringComparison.Ordinal))
            .Select(a => a.Regions.GetValueOrDefault(request.Region))
            .Where(r => r is not null)
            .SelectMany(r => r!.Rds.Of(kind.Kind).Values)
            .Where(s => s.IsManual)
            .ToList();
        var sharedWithCaller = others.Where(s => s.RestoreAccounts.Contains(caller, StringComparer.Ordinal));
        var publicOnes = others.Where(s => s.IsPublic && !s.RestoreAccounts.Contains(caller, StringComparer.Ordinal));

        return snapshotType switch
        {
            "manual" or "automated" => own.Where(s => s.SnapshotType == snapshotType).ToList(),

            // VaultCopy's emulator keeps no AWS Backup recovery points.
            "awsbackup" => [],
            "shared" => sharedWithCaller.ToList(),
            "public" => own.Concat(others).Where(s => s.IsPublic).ToList(),
            _ => own
                .Concat(includeShared ? sharedWithCaller : [])
                .Concat(includePublic ? publicOnes : [])
                .ToList(),
        };
    }

    // Own snapshots match their identifier; another account's only its ARN (which is also its shown identifier).
    private static bool MatchesIdentifier(RdsSnapshot snapshot, string caller, string identifier)
    {
        if (RdsNames.LooksLikeArn(identifier))
        {
            return RdsNames.TryParseSnapshotArn(identifier, out var arn)
                && string.Equals(arn.Account, snapshot.AccountId, StringComparison.Ordinal)
                && string.Equals(arn.Region, snapshot.Region, StringComparison.Ordinal)
                && string.Equals(RdsNames.Normalize(arn.Name), snapshot.Identifier, StringComparison.Ordinal)
                && arn.Kind == snapshot.Kind;
        }

        return string.Equals(snapshot.AccountId, caller, StringComparison.Ordinal)
            && string.Equals(RdsNames.Normalize(identifier), snapshot.Identifier, StringComparison.Ordinal);
    }

    private static bool MatchesDatabase(RdsSnapshot snapshot, string database) =>
        string.Equals(RdsNames.Normalize(database), snapshot.SourceDatabase, StringComparison.Ordinal)
        || string.Equals(database, RdsNames.DatabaseArn(snapshot), StringComparison.OrdinalIgnoreCase);

    private static bool MatchesFilter(RdsSnapshot snapshot, RdsKind kind, string caller, string name, IReadOnlyList<string> values)
    {
        return name switch
        {
            _ when name == kind.DatabaseFilter => values.Any(v => MatchesDatabase(snapshot, v)),
            _ when name == kind.IdentifierFilter => values.Any(v => MatchesIdentifier(snapshot, caller, v)),
            _ when name == kind.ResourceIdFilter => values.Contains(RdsXml.ResourceId(snapshot), StringComparer.Ordinal),
            "snapshot-type" => values.Contains(RdsXml.DisplayedType(snapshot, caller), StringComparer.Ordinal),
            "engine" => values.Contains(snapshot.Engine, StringComparer.Ordinal),
            _ => false,
        };
    }

    /// <summary>Filters.Filter.N.Name and Filters.Filter.N.Values.Value.M (model locationNames Filter and Value).</summary>
    private static List<(string Name, IReadOnlyList<string> Values)> ReadFilters(AwsRequest request, RdsKind kind)
    {
        var supported = new[] { kind.DatabaseFilter, kind.IdentifierFilter, kind.ResourceIdFilter, "snapshot-type", "engine" }
            .Where(n => n is not null)
            .ToList();
        var filters = new List<(string, IReadOnlyList<string>)>();
        foreach (var item in request.Parameters.GetStructList("Filters", "Filter"))
        {
            string name = item.Get("Name") is { Length: > 0 } n ? n : throw RdsErrors.MissingParameter("Filter.Name");
            var values = item.GetList("Values", "Value");
            if (values is null || values.Count == 0)
            {
                throw RdsErrors.MissingParameter("Filter.Values");
            }

            if (!supported.Contains(name, StringComparer.Ordinal))
            {
                throw RdsErrors.InvalidParameterValue($"Unrecognized filter name: {name}.");
            }

            filters.Add((name, values));
        }

        return filters;
    }

    // The marker names the last snapshot returned; the next page starts after it, so pages stay stable while other
    // snapshots come and go.
    private static string EncodeMarker(string lastArn) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastArn)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeMarker(string marker)
    {
        try
        {
            string padded = marker.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            string arn = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return RdsNames.LooksLikeArn(arn) ? arn : throw new FormatException();
        }
        catch (FormatException)
        {
            throw RdsErrors.InvalidParameterValue($"The marker {marker} is not valid.");
        }
    }
}
