using System.Management.Automation;
using VaultCopy.Core.Copies;

namespace VaultCopy.Commands;

/// <summary>
/// One progress record per copy under one overall record. Reported on the scheduler's thread; the records are
/// posted to the pipeline thread by the command.
/// </summary>
internal sealed class CopyProgressWriter : IProgress<CopyProgress>
{
    private const int OverallActivityId = 1;
    private readonly Action<ProgressRecord> _post;
    private readonly string _activity;
    private readonly Dictionary<Guid, int> _activityIds;
    private readonly HashSet<Guid> _completed = [];

    public CopyProgressWriter(Action<ProgressRecord> post, string activity, IReadOnlyList<VaultCopyJob> jobs)
    {
        _post = post;
        _activity = activity;
        _activityIds = jobs.Select((job, index) => (job.JobId, index)).ToDictionary(x => x.JobId, x => OverallActivityId + 1 + x.index);
    }

    public void Report(CopyProgress value)
    {
        _post(new ProgressRecord(OverallActivityId, _activity, value.ToString()) { PercentComplete = value.PercentComplete });
        foreach (VaultCopyJob job in value.Jobs)
        {
            if (_completed.Contains(job.JobId) || !_activityIds.TryGetValue(job.JobId, out int activityId))
            {
                continue;
            }

            var record = new ProgressRecord(activityId, $"{job.Type} {job.SourceId}", $"{job.State}: {job.TargetId ?? "waiting for a free copy slot"} {job.ServiceState}".TrimEnd())
            {
                ParentActivityId = OverallActivityId,
                PercentComplete = job.IsFinished ? 100 : job.Progress,
            };
            if (job.IsFinished)
            {
                record.RecordType = ProgressRecordType.Completed;
                _completed.Add(job.JobId);
            }

            _post(record);
        }
    }

    public void Complete()
    {
        foreach (int activityId in _activityIds.Where(a => !_completed.Contains(a.Key)).Select(a => a.Value))
        {
            _post(new ProgressRecord(activityId, _activity, "Done") { ParentActivityId = OverallActivityId, RecordType = ProgressRecordType.Completed });
        }

        _post(new ProgressRecord(OverallActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
