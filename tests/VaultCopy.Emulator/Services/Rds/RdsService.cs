using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>
/// Amazon RDS (query protocol, 2014-10-31) for DB snapshots and Aurora DB cluster snapshots: describe, share, copy,
/// delete and tag, per aws-models/rds/service-2.json and aws-behaviour.md §3 and §9. README "RDS" documents every
/// rule, error and choice.
/// </summary>
public sealed partial class RdsService : IAwsService
{
    public string SigningName => "rds";

    public AwsProtocol Protocol => AwsProtocol.Query;

    public IReadOnlyCollection<string> Operations { get; } =
    [
        "DescribeDBSnapshots", "DescribeDBClusterSnapshots", "DescribeDBSnapshotAttributes", "DescribeDBClusterSnapshotAttributes",
        "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute", "CopyDBSnapshot", "CopyDBClusterSnapshot",
        "DeleteDBSnapshot", "DeleteDBClusterSnapshot", "AddTagsToResource", "ListTagsForResource", "RemoveTagsFromResource",
    ];

    public Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Func<AwsRequest, AwsResponse> operation = request.Action switch
        {
            "DescribeDBSnapshots" => r => Describe(r, RdsKind.Db),
            "DescribeDBClusterSnapshots" => r => Describe(r, RdsKind.Cluster),
            "DescribeDBSnapshotAttributes" => r => DescribeAttributes(r, RdsKind.Db),
            "DescribeDBClusterSnapshotAttributes" => r => DescribeAttributes(r, RdsKind.Cluster),
            "ModifyDBSnapshotAttribute" => r => ModifyAttribute(r, RdsKind.Db),
            "ModifyDBClusterSnapshotAttribute" => r => ModifyAttribute(r, RdsKind.Cluster),
            "CopyDBSnapshot" => r => Copy(r, RdsKind.Db),
            "CopyDBClusterSnapshot" => r => Copy(r, RdsKind.Cluster),
            "DeleteDBSnapshot" => r => Delete(r, RdsKind.Db),
            "DeleteDBClusterSnapshot" => r => Delete(r, RdsKind.Cluster),
            "AddTagsToResource" => AddTags,
            "ListTagsForResource" => ListTags,
            "RemoveTagsFromResource" => RemoveTags,
            _ => throw request.UnknownAction(),
        };

        lock (request.World.Sync)
        {
            ObserveCopies(request.World, request.Clock.UtcNow);
            return Task.FromResult(operation(request));
        }
    }

    /// <summary>
    /// Copies progress with world time; this brings every copy up to date before a call looks at snapshots, so that
    /// status, progress and the concurrent-copy quota all see the same moment.
    /// </summary>
    internal static void ObserveCopies(World world, DateTimeOffset now)
    {
        foreach (var snapshot in RdsWorldExtension.AllSnapshots(world))
        {
            snapshot.Observe(now);
        }
    }

    /// <summary>A required parameter: missing or empty is RDS's InvalidParameterValue "must be provided".</summary>
    private static string Required(AwsRequest request, string name)
    {
        string? value = request.Parameters.Get(name);
        return string.IsNullOrEmpty(value) ? throw RdsErrors.MissingParameter(name) : value;
    }

    private static string? Optional(AwsRequest request, string name) => request.Parameters.Get(name) is { Length: > 0 } value ? value : null;

    private static void Authorize(AwsRequest request, string operation, string resource) =>
        request.Authorize("rds:" + operation, resource);

    private static string Partition(AwsRequest request) => request.Caller.Partition;

    /// <summary>The caller's own snapshots of <paramref name="kind"/> in the request's Region.</summary>
    private static Dictionary<string, RdsSnapshot> Own(AwsRequest request, RdsKind kind) => request.CallerRegion.Rds.Of(kind.Kind);

    /// <summary>
    /// The ARN a snapshot parameter names: an ARN as given, or an identifier in the caller's account and Region
    /// (identifiers never reach into another account: shared snapshots are addressed by ARN only).
    /// </summary>
    private static string ArnOf(AwsRequest request, RdsKind kind, string identifierOrArn) =>
        RdsNames.LooksLikeArn(identifierOrArn)
            ? identifierOrArn
            : RdsNames.SnapshotArnFor(Partition(request), request.Region, request.Caller.AccountId, kind, identifierOrArn);

    /// <summary>
    /// Finds a snapshot the caller may see by identifier (own account and Region) or by ARN (any account and Region,
    /// if owned, shared with the caller, or public). Anything else is "not found", never an access error.
    /// </summary>
    private static RdsSnapshot? FindVisible(AwsRequest request, RdsKind kind, string identifierOrArn)
    {
        if (!RdsNames.LooksLikeArn(identifierOrArn))
        {
            return Own(request, kind).GetValueOrDefault(RdsNames.Normalize(identifierOrArn));
        }

        if (!RdsNames.TryParseSnapshotArn(identifierOrArn, out var arn) || arn.Kind != kind.Kind
            || !string.Equals(arn.Partition, Partition(request), StringComparison.Ordinal)
            || request.World.FindAccount(arn.Account) is not { } owner
            || !owner.Regions.TryGetValue(arn.Region, out var region))
        {
            return null;
        }

        var snapshot = region.Rds.Of(kind.Kind).GetValueOrDefault(RdsNames.Normalize(arn.Name));
        return snapshot is not null && snapshot.IsVisibleTo(request.Caller.AccountId) ? snapshot : null;
    }

    /// <summary>A snapshot of the caller's own, by identifier or by an ARN in the caller's account and Region.</summary>
    private static RdsSnapshot? FindOwn(AwsRequest request, RdsKind kind, string identifierOrArn)
    {
        var snapshot = FindVisible(request, kind, identifierOrArn);
        return snapshot is not null
            && string.Equals(snapshot.AccountId, request.Caller.AccountId, StringComparison.Ordinal)
            && string.Equals(snapshot.Region, request.Region, StringComparison.Ordinal)
            ? snapshot
            : null;
    }

    /// <summary>Fixture key references become ARNs before a snapshot is shown or used (when KMS is registered).</summary>
    private static RdsSnapshot Prepared(AwsRequest request, RdsSnapshot snapshot)
    {
        if (ServiceRegistry.KeyAccess is not null)
        {
            RdsKeys.ResolvePending(request.World, snapshot);
        }

        return snapshot;
    }
}
