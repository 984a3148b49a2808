namespace VaultCopy.Core.Copies;

/// <summary>
/// Where a batch of copies stands, reported after every start round and every poll. It is reported on the
/// scheduler's thread while no job changes, so a handler may read the jobs safely.
/// </summary>
public sealed class CopyProgress
{
    internal CopyProgress(IReadOnlyList<VaultCopyJob> jobs)
    {
        Jobs = jobs;
        Queued = jobs.Count(j => j.State == CopyJobState.Queued);
        InProgress = jobs.Count(j => j.State == CopyJobState.InProgress);
        Completed = jobs.Count(j => j.State == CopyJobState.Completed);
        Failed = jobs.Count(j => j.State == CopyJobState.Failed);
        PercentComplete = jobs.Count == 0 ? 100 : (int)jobs.Average(j => j.IsFinished ? 100 : j.Progress);
    }

    public IReadOnlyList<VaultCopyJob> Jobs { get; }

    public int Queued { get; }

    public int InProgress { get; }

    public int Completed { get; }

    public int Failed { get; }

    /// <summary>The mean progress of all jobs, finished ones counting 100.</summary>
    public int PercentComplete { get; }

    public override string ToString() =>
        $"{Completed} completed, {InProgress} copying, {Queued} queued, {Failed} failed of {Jobs.Count} ({PercentComplete}%)";
}
