using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>What a batch item came to, as the pipeline shows it.</summary>
public enum CopyOutcomeKind
{
    /// <summary>The copy failed (or an earlier copy found for it had failed): <see cref="CopyOutcome.Error"/> says why.</summary>
    Failed,

    /// <summary>Started (or picked up) and not waited for: the job is the output.</summary>
    Started,

    /// <summary>Waited for, but the wait ended first; the copy goes on in AWS.</summary>
    TimedOut,

    /// <summary>Completed, but its verification failed.</summary>
    NotVerified,

    /// <summary>Completed and verified (or, when the batch accepts it, completed on a key outside the destination: see <see cref="CopyOutcome.Warning"/>).</summary>
    Verified,
}

/// <summary>One item's end: the job, its source, and the error (or warning) to show for it.</summary>
public sealed class CopyOutcome
{
    public required VaultCopyJob Job { get; init; }

    public required VaultResource? Source { get; init; }

    public required CopyOutcomeKind Kind { get; init; }

    /// <summary>For Failed, TimedOut and NotVerified: the typed failure, with the job as its target.</summary>
    public VaultCopyException? Error { get; init; }

    /// <summary>For an accepted unverified copy: what is not as asked.</summary>
    public string? Warning { get; init; }

    /// <summary>When a failed earlier copy was removed to copy again (<see cref="VaultCopyJob.ReplacedFailedCopyId"/>): says so.</summary>
    public string? ReplacedFailedCopy => Job.ReplacedFailedCopyId is { } failed
        ? $"The earlier copy {failed} of {Job.SourceId} had failed: VaultCopy removed it and copied {Job.SourceId} again{(Job.TargetId is { } id && id != failed ? $" ({id})" : string.Empty)}."
        : null;
}

/// <summary>How one kind of batch names its outcomes: the vault copy's and the conversion's error ids and advice.</summary>
public sealed class CopyBatchWording
{
    /// <summary>Copy-VaultSnapshot, Copy-VaultImage, Wait-VaultCopy.</summary>
    public static readonly CopyBatchWording VaultCopy = new()
    {
        ErrorPrefix = "VaultCopy",
        Done = "copied into the vault",
        TimedOutRemediation = "Wait for it again later: pass the job to Wait-VaultCopy, or run the same copy command again, which picks the copy up instead of starting another.",
        NotVerifiedRemediation = "Look at the copy (Get-VaultResource -Account <vault>); delete it and copy again under a key of the vault account if it is not what you want.",
        NotVerifiedText = "is not verified",
    };

    /// <summary>Convert-VaultSnapshotKey.</summary>
    public static readonly CopyBatchWording Conversion = new()
    {
        ErrorPrefix = "Conversion",
        Done = "converted",
        TimedOutRemediation = "Run the same Convert-VaultSnapshotKey again later: it picks up the copy instead of starting another.",
        NotVerifiedRemediation = "Look at the copy (Get-VaultResource); the original was kept.",
        NotVerifiedText = "could not be verified",
    };

    private CopyBatchWording()
    {
    }

    /// <summary>The start of the error ids: VaultCopyTimedOut, ConversionNotVerified, ….</summary>
    public required string ErrorPrefix { get; init; }

    /// <summary>What a source whose copy already exists was ("already …").</summary>
    public required string Done { get; init; }

    /// <summary>What to do about a copy the wait ended before.</summary>
    public required string TimedOutRemediation { get; init; }

    /// <summary>What to do about a completed copy that failed verification.</summary>
    public required string NotVerifiedRemediation { get; init; }

    public required string NotVerifiedText { get; init; }

    /// <summary>A failed job's own typed failure, as it was recorded where it happened.</summary>
    public VaultCopyException Failure(VaultCopyJob job) =>
        job.Failure?.ToException() ?? new VaultCopyException(VaultCopyErrorKind.InvalidState, $"{ErrorPrefix}Failed", $"The copy of {job.SourceId} failed.");
}

/// <summary>One source of a batch: its job, and whether it may be run.</summary>
public sealed class CopyBatchItem
{
    internal CopyBatchItem(VaultCopyJob job, VaultResource? source)
    {
        Job = job;
        Source = source;
        Approved = job.Reused && job.State != CopyJobState.Failed;
    }

    public VaultCopyJob Job { get; }

    public VaultResource? Source { get; }

    /// <summary>A new copy that writes: it runs only once approved (ShouldProcess). A copy found again needs none.</summary>
    public bool NeedsApproval => !Job.Reused && Job.State == CopyJobState.Queued;

    public bool Approved { get; private set; }

    public void Approve()
    {
        if (NeedsApproval)
        {
            Approved = true;
        }
    }

    /// <summary>A copy already started elsewhere (Wait-VaultCopy's jobs): it is only followed.</summary>
    internal void ApproveStarted() => Approved = true;
}

/// <summary>
/// One copy batch, the same for every copy command: prepare (earlier copies found by their lineage are adopted),
/// the items needing approval (the cmdlet asks ShouldProcess for each), run (start what was approved, follow it,
/// verify it), and one outcome per item, worded the same whichever command ran it.
/// </summary>
public sealed class CopyBatch
{
    private readonly CopyEngine _engine;
    private readonly List<CopyBatchItem> _items;

    private CopyBatch(CopyEngine engine, CopyBatchWording wording, List<CopyBatchItem> items)
    {
        _engine = engine;
        Wording = wording;
        _items = items;
    }

    public CopyBatchWording Wording { get; }

    public IReadOnlyList<CopyBatchItem> Items => _items;

    /// <summary>The items that found an earlier copy in error: their outcome is Failed before anything runs.</summary>
    public IEnumerable<CopyOutcome> FailedBeforeRun => _items.Where(i => i.Job.State == CopyJobState.Failed)
        .Select(i => new CopyOutcome { Job = i.Job, Source = i.Source, Kind = CopyOutcomeKind.Failed, Error = Wording.Failure(i.Job) });

    /// <summary>The items whose copy exists already (adopted): they run without approval.</summary>
    public IEnumerable<CopyBatchItem> Reused => _items.Where(i => i.Job.Reused && i.Job.State != CopyJobState.Failed);

    public IEnumerable<CopyBatchItem> NeedingApproval => _items.Where(i => i.NeedsApproval);

    /// <summary>Adopts the copies earlier runs made (same source, purpose and destination key). Reads only.</summary>
    public static async Task<CopyBatch> PrepareAsync(
        CopyEngine engine, IReadOnlyList<(VaultCopyJob Job, VaultResource Source)> work, CopyBatchWording wording, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(wording);
        if (work.Count > 0)
        {
            await engine.AdoptExistingAsync(work.Select(w => w.Job).ToList(), cancellationToken).ConfigureAwait(false);
        }

        return new CopyBatch(engine, wording, work.Select(w => new CopyBatchItem(w.Job, w.Source)).ToList());
    }

    /// <summary>
    /// A batch of copies already started (Wait-VaultCopy): nothing to adopt or approve, only to follow. What a job
    /// says of its copy (completed, verified) is a claim — from a pipeline, a saved JSON, a CSV row, maybe edited —
    /// so a completed job is looked at again in AWS and verified again, every time.
    /// </summary>
    public static CopyBatch OfStarted(CopyEngine engine, IReadOnlyList<VaultCopyJob> jobs, CopyBatchWording wording)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(jobs);
        var items = jobs.Select(j => new CopyBatchItem(j, null)).ToList();
        foreach (CopyBatchItem item in items)
        {
            if (item.Job.State == CopyJobState.Completed)
            {
                item.Job.Verified = null;
                item.Job.VerificationMessage = null;
                item.Job.VerificationRefusal = null;
            }

            item.ApproveStarted();
        }

        return new CopyBatch(engine, wording, items);
    }

    /// <summary>The approved jobs, in the order of the batch.</summary>
    public IReadOnlyList<VaultCopyJob> ApprovedJobs => _items.Where(i => i.Approved).Select(i => i.Job).ToList();

    /// <summary>
    /// Starts the approved copies and follows them as <paramref name="options"/> say; one outcome per approved item.
    /// <paramref name="acceptUnverified"/>: a completed copy that fails verification is accepted with a warning (a copy
    /// on a key outside the destination was asked for). An error that concerns the whole run is a VaultCopyException.
    /// </summary>
    public async Task<IReadOnlyList<CopyOutcome>> RunAsync(
        CopyRunOptions options, IProgress<CopyProgress>? progress, bool acceptUnverified = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var approved = _items.Where(i => i.Approved).ToList();
        if (approved.Count == 0)
        {
            return [];
        }

        await _engine.RunAsync(approved.Select(i => i.Job).ToList(), options, progress, cancellationToken).ConfigureAwait(false);
        return approved.Select(i => OutcomeOf(i, options, acceptUnverified)).ToList();
    }

    private CopyOutcome OutcomeOf(CopyBatchItem item, CopyRunOptions options, bool acceptUnverified)
    {
        VaultCopyJob job = item.Job;
        CopyOutcome Outcome(CopyOutcomeKind kind, VaultCopyException? error = null, string? warning = null) =>
            new() { Job = job, Source = item.Source, Kind = kind, Error = error, Warning = warning };

        if (job.State == CopyJobState.Failed)
        {
            return Outcome(CopyOutcomeKind.Failed, Wording.Failure(job));
        }

        if (!options.UntilFinished)
        {
            return Outcome(CopyOutcomeKind.Started);
        }

        if (!job.IsFinished)
        {
            int seconds = (int)(options.Timeout?.TotalSeconds ?? 0);
            return Outcome(CopyOutcomeKind.TimedOut, new VaultCopyException(
                VaultCopyErrorKind.Timeout, $"{Wording.ErrorPrefix}TimedOut",
                $"Stopped waiting for the copy of {job.SourceId} after {seconds} s: {job.TargetId ?? "it"} is {job.State} ({job.Progress}%) and goes on in AWS.",
                Wording.TimedOutRemediation));
        }

        if (job.Verified != true)
        {
            string message = $"The copy {job.TargetId} of {job.SourceId} completed but {Wording.NotVerifiedText}. {job.VerificationMessage}";
            return acceptUnverified
                ? Outcome(CopyOutcomeKind.Verified, warning: message)
                : Outcome(CopyOutcomeKind.NotVerified, new VaultCopyException(
                    job.VerificationRefusal?.Kind ?? VaultCopyErrorKind.InvalidState, $"{Wording.ErrorPrefix}NotVerified", message,
                    job.VerificationRefusal?.Remediation ?? Wording.NotVerifiedRemediation));
        }

        return Outcome(CopyOutcomeKind.Verified);
    }
}
