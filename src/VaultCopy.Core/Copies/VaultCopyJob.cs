using System.Text.Json;
using System.Text.Json.Serialization;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>Where a copy stands. Queued copies wait for a free slot under the destination's concurrency quota.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CopyJobState>))]
public enum CopyJobState
{
    Queued,
    InProgress,
    Completed,
    Failed,
}

/// <summary>
/// One copy of one resource: what was copied from where, into what, under which key, and how it went. It
/// round-trips through JSON so that runbooks and a resumable bulk command can hand jobs from one step to the next.
/// </summary>
public sealed class VaultCopyJob : INamesBackup
{
    /// <summary>A job names its source: piped into a cmdlet that takes backups, it stands for the backup it copied.</summary>
    string INamesBackup.BackupIdOrArn => SourceArn;

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public required Guid JobId { get; init; }

    /// <summary>vault (a copy into the vault) or convert (a re-encryption inside the origin).</summary>
    public required string Purpose { get; init; }

    public required VaultResourceType Type { get; init; }

    public required string SourceId { get; init; }

    public required string SourceArn { get; init; }

    public required string SourceAccountId { get; init; }

    public required string SourceRegion { get; init; }

    public string? SourceKeyArn { get; init; }

    /// <summary>
    /// The source's keys whose policies decide whether the copy can read it: all but AWS managed ones, each
    /// backing snapshot's for an AMI (an AWS managed key always serves its own account). Known for a job planned from
    /// the source, not serialized: null for a job read back.
    /// </summary>
    internal IReadOnlyList<string>? SourceKeyArns { get; init; }

    public int? SizeGiB { get; init; }

    /// <summary>The copy's id (snap-…, ami-…, RDS identifier); known once the copy started (AMI) or planned (RDS).</summary>
    public string? TargetId { get; set; }

    public string? TargetArn { get; set; }

    public required string TargetAccountId { get; init; }

    public required string TargetRegion { get; init; }

    /// <summary>The key the copy is encrypted under (requested, then as reported).</summary>
    public string? TargetKeyArn { get; set; }

    public CopyJobState State { get; set; } = CopyJobState.Queued;

    /// <summary>0–100.</summary>
    public int Progress { get; set; }

    /// <summary>The service's own state word (pending, copying, completed, available, error, failed…).</summary>
    public string? ServiceState { get; set; }

    /// <summary>Why a copy failed, typed where it happened (kind, error id, message, remediation).</summary>
    public CopyFailure? Failure { get; set; }

    /// <summary>Why a copy failed, in plain words (the failure's message and remediation).</summary>
    public string? FailureReason => Failure?.ToString();

    public DateTime? StartTime { get; set; }

    public DateTime? EndTime { get; set; }

    /// <summary>True when a copy with this lineage already existed and was reused instead of copied again.</summary>
    public bool Reused { get; set; }

    /// <summary>
    /// The failed earlier copy of this lineage (VaultCopy's own, same purpose and source) that this run removed before
    /// copying again; null when there was none.
    /// </summary>
    public string? ReplacedFailedCopyId { get; set; }

    /// <summary>Null until verified; then whether the copy stands on its own (key owned by the target account, sizes match).</summary>
    public bool? Verified { get; set; }

    public string? VerificationMessage { get; set; }

    /// <summary>When verification failed on a rule that has its own remedy (the copy's key is disabled…): that rule's refusal. Not serialized.</summary>
    internal Errors.VaultCopyException? VerificationRefusal { get; set; }

    /// <summary>How the copy is locked in the vault (Get-VaultCopy, Lock-VaultCopy); null when not looked at.</summary>
    public Lifecycle.CopyLockState? LockState { get; set; }

    /// <summary>When the lock ends (for an AMI, the first of its snapshots' locks); null when unlocked or not known yet.</summary>
    public DateTime? LockExpiresOn { get; set; }

    /// <summary>An AMI copy's deregistration protection as EC2 reports it (disabled, enabled-with-cooldown, …).</summary>
    public string? DeregistrationProtection { get; set; }

    public bool IsFinished => State is CopyJobState.Completed or CopyJobState.Failed;

    /// <summary>The search for an earlier copy has not been answered yet (a transient fault): no copy starts before it is.</summary>
    internal bool LookupPending { get; set; }

    /// <summary>Transient faults in a row met by this job's calls (lookup, start, poll, verification); reset by a success.</summary>
    internal int TransientFaults { get; set; }

    /// <summary>Records that the copy failed, and why.</summary>
    internal void MarkFailed(CopyFailure failure, DateTime now)
    {
        State = CopyJobState.Failed;
        Failure = failure;
        EndTime ??= now;
    }

    /// <summary>Records that the service accepted the copy: it now exists under <paramref name="targetId"/> and runs.</summary>
    internal void MarkStarted(string targetId, string targetArn, DateTime startTime, string serviceState = "pending")
    {
        TargetId = targetId;
        TargetArn = targetArn;
        StartTime = startTime;
        State = CopyJobState.InProgress;
        ServiceState = serviceState;
        Progress = 0;
    }

    /// <summary>
    /// A queued job copying <paramref name="source"/> into <paramref name="targetAccountId"/>/<paramref name="targetRegion"/>
    /// under <paramref name="targetKeyArn"/>. RDS copies get their deterministic identifier now; EC2 ids come from AWS.
    /// </summary>
    public static VaultCopyJob Create(string purpose, VaultResource source, string targetAccountId, string targetRegion, string? targetKeyArn)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        ArgumentNullException.ThrowIfNull(source);
        bool rds = source.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot;
        return new VaultCopyJob
        {
            JobId = Guid.NewGuid(),
            Purpose = purpose,
            Type = source.Type,
            SourceId = source.Id,
            SourceArn = source.Arn,
            SourceAccountId = source.AccountId,
            SourceRegion = source.Region,
            SourceKeyArn = source.KmsKeyArn,
            SourceKeyArns = (source.Type == VaultResourceType.Ami ? source.BackingSnapshots : [source])
                .Where(p => p.KeyManager != KeyManager.AwsManaged && p.KmsKeyArn is not null)
                .Select(p => p.KmsKeyArn!).Distinct(StringComparer.Ordinal).ToList(),
            SizeGiB = source.SizeGiB,
            TargetId = rds ? CopyNaming.RdsIdentifier(purpose, source) : null,
            TargetAccountId = targetAccountId,
            TargetRegion = targetRegion,
            TargetKeyArn = targetKeyArn,
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The source as naming and lineage tags need it (they are computed from the job, not from a fresh read).</summary>
    internal VaultResource SourceResource() => new()
    {
        Type = Type,
        Id = SourceId,
        Arn = SourceArn,
        AccountId = SourceAccountId,
        Region = SourceRegion,
        State = "available",
        KmsKeyArn = SourceKeyArn,
        Encrypted = SourceKeyArn is not null,
        SizeGiB = SizeGiB,
    };

    public static VaultCopyJob FromJson(string json) =>
        JsonSerializer.Deserialize<VaultCopyJob>(json, s_json) ?? throw new JsonException("The JSON holds no copy job.");

    /// <summary>
    /// A job read back from text cells (Export-Csv, then Import-Csv): each cell is parsed as its property's type
    /// (dates in the current culture, as Export-Csv wrote them, or ISO 8601; UTC). What a cell cannot carry — the typed
    /// failure, shown in FailureReason — is left out; waiting and verifying need only the rest.
    /// </summary>
    public static VaultCopyJob FromCells(IReadOnlyDictionary<string, string?> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (System.Reflection.PropertyInfo property in typeof(VaultCopyJob).GetProperties())
        {
            if (!property.CanWrite || !cells.TryGetValue(property.Name, out string? cell) || string.IsNullOrEmpty(cell))
            {
                continue;
            }

            Type type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            json[property.Name] = type switch
            {
                _ when type == typeof(string) || type.IsEnum || type == typeof(Guid) => cell,
                _ when type == typeof(int) => int.Parse(cell, System.Globalization.CultureInfo.InvariantCulture),
                _ when type == typeof(bool) => bool.Parse(cell),
                _ when type == typeof(DateTime) => ParseCellTime(cell),
                _ => null,
            };
        }

        return FromJson(json.ToJsonString());
    }

    // A job's times are UTC, and Export-Csv writes them without a zone: the text is the UTC clock time.
    private static DateTime ParseCellTime(string cell) =>
        DateTime.Parse(
            cell,
            DateTime.TryParse(cell, System.Globalization.CultureInfo.CurrentCulture, System.Globalization.DateTimeStyles.None, out _)
                ? System.Globalization.CultureInfo.CurrentCulture
                : System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);

    public override string ToString() => $"{Type} {SourceId} -> {TargetId ?? "(not started)"} {State} {Progress}%";
}
