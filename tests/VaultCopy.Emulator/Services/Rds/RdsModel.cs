namespace VaultCopy.Emulator.Services.Rds;

/// <summary>RDS state of one account in one Region: manual and automated DB and DB cluster snapshots.</summary>
public sealed class RdsRegionState
{
    /// <summary>DB (instance) snapshots by lower-case identifier.</summary>
    public Dictionary<string, RdsSnapshot> DbSnapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>Aurora / Multi-AZ DB cluster snapshots by lower-case identifier.</summary>
    public Dictionary<string, RdsSnapshot> ClusterSnapshots { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RdsSnapshot> Of(SnapshotKind kind) => kind == SnapshotKind.Db ? DbSnapshots : ClusterSnapshots;
}

/// <summary>
/// A DB snapshot or a DB cluster snapshot. The two kinds share every rule VaultCopy relies on (sharing, copying,
/// KMS, quotas); <see cref="RdsKind"/> carries what differs on the wire.
/// </summary>
public sealed class RdsSnapshot
{
    public required SnapshotKind Kind { get; init; }

    /// <summary>Stored lower-case, as RDS does; automated snapshots start with <c>rds:</c>.</summary>
    public required string Identifier { get; init; }

    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public string Partition { get; init; } = "aws";

    /// <summary>DBInstanceIdentifier or DBClusterIdentifier of the database the snapshot was taken from.</summary>
    public required string SourceDatabase { get; init; }

    public required string Engine { get; init; }

    public required string EngineVersion { get; init; }

    public int AllocatedStorage { get; init; }

    /// <summary><c>manual</c> or <c>automated</c>.</summary>
    public required string SnapshotType { get; init; }

    /// <summary>
    /// The last observed status: available, creating, pending, copying, failed. A copy moves on with the world clock
    /// through <see cref="Observe"/>; a status set by a fixture stays as given.
    /// </summary>
    public required string Status { get; set; }

    public int PercentProgress { get; set; } = 100;

    public required DateTimeOffset SnapshotCreateTime { get; init; }

    /// <summary>When the first snapshot of a copy chain was taken; does not change when copied.</summary>
    public required DateTimeOffset OriginalSnapshotCreateTime { get; init; }

    public bool Encrypted { get; init; }

    /// <summary>The key ARN once known. Fixtures name keys by alias or id; those resolve on load or first use.</summary>
    public string? KmsKeyArn { get; set; }

    /// <summary>Whether the key is the account's AWS managed <c>aws/rds</c> key (such snapshots cannot be shared).</summary>
    public bool KmsKeyIsAwsManaged { get; set; }

    /// <summary>A fixture's kmsKeyId not resolved yet (the KMS plug-in was not there when the fixture loaded).</summary>
    public string? PendingKeyReference { get; set; }

    /// <summary>A fixture's <c>awsManagedKey: true</c> not resolved yet.</summary>
    public bool PendingAwsManagedKey { get; set; }

    /// <summary>The fixture path of this snapshot, for errors found after load (key references).</summary>
    public string? FixturePath { get; init; }

    /// <summary>User tags in insertion order; keys are case-sensitive, as in RDS.</summary>
    public List<KeyValuePair<string, string>> Tags { get; } = [];

    /// <summary>The <c>restore</c> attribute: account ids, and <c>all</c> when public, in the order added.</summary>
    public List<string> RestoreAccounts { get; } = [];

    /// <summary>Set on copies still in progress: when the copy started (world time).</summary>
    public DateTimeOffset? CopyStartedAt { get; set; }

    /// <summary>World-time duration of the copy, fixed when it starts (AWS duration divided by the time scale then).</summary>
    public TimeSpan CopyDuration { get; set; }

    /// <summary>Set on a copy armed to fail (control API <c>/_emulator/copyfailures</c>): when it turns <c>failed</c>.</summary>
    public DateTimeOffset? CopyFailsAt { get; set; }

    /// <summary>True for a copy from another Region: RDS queues those first (status <c>pending</c>).</summary>
    public bool CopyIsCrossRegion { get; set; }

    /// <summary>ARN of the snapshot this one was copied from.</summary>
    public string? CopiedFromArn { get; set; }

    /// <summary>Region of the snapshot this one was copied from.</summary>
    public string? CopiedFromRegion { get; set; }

    /// <summary>Cross-account or cross-Region copy: SourceDBSnapshotIdentifier and SourceRegion are shown.</summary>
    public bool CopiedAcrossAccountOrRegion { get; set; }

    public RdsKind Names => RdsKind.Of(Kind);

    public string Arn => $"arn:{Partition}:rds:{Region}:{AccountId}:{Names.ArnType}:{Identifier}";

    public bool IsManual => string.Equals(SnapshotType, "manual", StringComparison.Ordinal);

    public bool IsAvailable => string.Equals(Status, "available", StringComparison.Ordinal);

    public bool IsPublic => RestoreAccounts.Contains(RdsShares.Public, StringComparer.Ordinal);

    /// <summary>A copy still transferring data (counts against the concurrent-copy quota).</summary>
    public bool IsCopyInProgress => CopyStartedAt is not null;

    /// <summary>Whether <paramref name="accountId"/> may see and copy this snapshot: owner, shared with, or public.</summary>
    public bool IsVisibleTo(string accountId) =>
        string.Equals(accountId, AccountId, StringComparison.Ordinal)
        || (IsManual && (RestoreAccounts.Contains(accountId, StringComparer.Ordinal) || IsPublic));

    /// <summary>
    /// Brings a copy's status and progress up to <paramref name="now"/>: progress is the share of the copy's
    /// duration that has passed, so the same clock always gives the same answer.
    /// </summary>
    public void Observe(DateTimeOffset now)
    {
        if (CopyStartedAt is not { } started)
        {
            return;
        }

        if (CopyFailsAt is { } failsAt && now >= failsAt)
        {
            // The waiters' failure state (aws-models/rds/waiters-2.json); progress stays where the copy stopped.
            Status = "failed";
            PercentProgress = Progress(failsAt - started);
            CopyStartedAt = null;
            CopyFailsAt = null;
            return;
        }

        double fraction = CopyDuration <= TimeSpan.Zero ? 1 : (now - started) / CopyDuration;
        if (fraction >= 1)
        {
            Status = "available";
            PercentProgress = 100;
            CopyStartedAt = null;
            return;
        }

        PercentProgress = Progress(now - started);
        Status = CopyingStatus(Kind, CopyIsCrossRegion, PercentProgress);
    }

    private int Progress(TimeSpan elapsed) =>
        CopyDuration <= TimeSpan.Zero ? 99 : Math.Clamp((int)Math.Floor(elapsed / CopyDuration * 100), 0, 99);

    /// <summary>
    /// DB snapshot copies report <c>creating</c> (a cross-Region copy sits in <c>pending</c> while queued, before any
    /// progress); DB cluster snapshot copies report <c>copying</c>. README "RDS" lists the sources.
    /// </summary>
    public static string CopyingStatus(SnapshotKind kind, bool crossRegion, int percent) =>
        kind == SnapshotKind.Cluster ? "copying" : crossRegion && percent == 0 ? "pending" : "creating";
}

public enum SnapshotKind
{
    /// <summary>A DB instance snapshot (CopyDBSnapshot and friends).</summary>
    Db,

    /// <summary>An Aurora / Multi-AZ DB cluster snapshot (CopyDBClusterSnapshot and friends).</summary>
    Cluster,
}

/// <summary>What the two snapshot kinds call things on the wire (aws-models/rds/service-2.json).</summary>
public sealed record RdsKind(
    SnapshotKind Kind,
    string ArnType,
    string IdentifierParameter,
    string Element,
    string ListElement,
    string ArnElement,
    string DatabaseParameter,
    string NotFoundCode,
    string NotFoundNoun,
    string AlreadyExistsCode,
    string InvalidStateCode,
    string AttributesResult,
    string AttributesList,
    string AttributeElement,
    int MaxIdentifierLength,
    string DatabaseFilter,
    string IdentifierFilter,
    string? ResourceIdFilter,
    string ResourceIdParameter)
{
    public static RdsKind Db { get; } = new(
        SnapshotKind.Db, "snapshot", "DBSnapshotIdentifier", "DBSnapshot", "DBSnapshots", "DBSnapshotArn", "DBInstanceIdentifier",
        "DBSnapshotNotFound", "DBSnapshot", "DBSnapshotAlreadyExists", "InvalidDBSnapshotState",
        "DBSnapshotAttributesResult", "DBSnapshotAttributes", "DBSnapshotAttribute", 255,
        "db-instance-id", "db-snapshot-id", "dbi-resource-id", "DbiResourceId");

    public static RdsKind Cluster { get; } = new(
        SnapshotKind.Cluster, "cluster-snapshot", "DBClusterSnapshotIdentifier", "DBClusterSnapshot", "DBClusterSnapshots",
        "DBClusterSnapshotArn", "DBClusterIdentifier",
        "DBClusterSnapshotNotFoundFault", "DBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault", "InvalidDBClusterSnapshotStateFault",
        "DBClusterSnapshotAttributesResult", "DBClusterSnapshotAttributes", "DBClusterSnapshotAttribute", 63,
        "db-cluster-id", "db-cluster-snapshot-id", null, "DbClusterResourceId");

    public static RdsKind Of(SnapshotKind kind) => kind == SnapshotKind.Db ? Db : Cluster;

    /// <summary>The ARN type of the database the snapshots come from (<c>db</c> or <c>cluster</c>).</summary>
    public string DatabaseArnType => Kind == SnapshotKind.Db ? "db" : "cluster";
}

/// <summary>Sharing vocabulary of ModifyDB(Cluster)SnapshotAttribute.</summary>
public static class RdsShares
{
    /// <summary>The only attribute RDS lets callers modify.</summary>
    public const string RestoreAttribute = "restore";

    /// <summary>The value that makes a snapshot public.</summary>
    public const string Public = "all";
}
