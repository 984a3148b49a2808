using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>
/// A copy backend without AWS: copies complete after a set number of polls, and it records what the scheduler
/// asked of it (starts, describe calls and their sizes, the most copies ever in flight).
/// </summary>
internal sealed class FakeCopyBackend : ICopyBackend
{
    private readonly Dictionary<Guid, int> _polls = [];
    private int _inFlight;

    public FakeCopyBackend(VaultResourceType type) => Type = type;

    public VaultResourceType Type { get; }

    /// <summary>Copies of someone else's already in flight in the destination.</summary>
    public int InFlightElsewhere { get; set; }

    /// <summary>Polls a copy needs to complete; int.MaxValue never completes.</summary>
    public int PollsToComplete { get; set; } = 2;

    /// <summary>An answer to a start, by 1-based start call number (null: the start succeeds).</summary>
    public Func<int, VaultCopyJob, Exception?> StartFault { get; set; } = (_, _) => null;

    /// <summary>Source ids a previous run already copied (and completed).</summary>
    public HashSet<string> AlreadyCopied { get; } = [];

    /// <summary>How many of the next CountInFlight and AdoptExisting calls answer "throttled".</summary>
    public int ThrottleNextCounts { get; set; }

    public int ThrottleNextAdoptions { get; set; }

    public int StartCalls { get; private set; }

    public int CountCalls { get; private set; }

    public List<int> RefreshBatchSizes { get; } = [];

    public int MaxInFlight { get; private set; }

    public List<string> Started { get; } = [];

    public Task<bool> AdoptExistingAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (ThrottleNextAdoptions > 0)
        {
            ThrottleNextAdoptions--;
            throw new CopyDeferredException("Throttling: Rate exceeded");
        }

        if (!AlreadyCopied.Contains(job.SourceId))
        {
            return Task.FromResult(false);
        }

        job.Reused = true;
        job.TargetId = "copy-of-" + job.SourceId;
        job.State = CopyJobState.Completed;
        job.Progress = 100;
        return Task.FromResult(true);
    }

    public Task<int> CountInFlightAsync(CancellationToken cancellationToken)
    {
        CountCalls++;
        if (ThrottleNextCounts > 0)
        {
            ThrottleNextCounts--;
            throw new CopyDeferredException("Throttling: Rate exceeded");
        }

        return Task.FromResult(InFlightElsewhere + _inFlight);
    }

    public Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        StartCalls++;
        if (StartFault(StartCalls, job) is { } fault)
        {
            throw fault;
        }

        Started.Add(job.SourceId);
        job.TargetId = "copy-of-" + job.SourceId;
        job.State = CopyJobState.InProgress;
        job.ServiceState = "pending";
        _polls[job.JobId] = 0;
        _inFlight++;
        MaxInFlight = Math.Max(MaxInFlight, _inFlight);
        return Task.CompletedTask;
    }

    public Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        RefreshBatchSizes.Add(jobs.Count);
        foreach (VaultCopyJob job in jobs)
        {
            int polls = ++_polls[job.JobId];
            if (polls >= PollsToComplete)
            {
                job.State = CopyJobState.Completed;
                job.ServiceState = "completed";
                job.Progress = 100;
                _inFlight--;
            }
            else
            {
                job.Progress = Math.Min(99, 100 * polls / Math.Max(PollsToComplete, 1));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>What verification finds (null: verified).</summary>
    public string? VerificationProblem { get; init; }

    public Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        job.Verified = VerificationProblem is null;
        job.VerificationMessage = VerificationProblem ?? "fake";
        return Task.CompletedTask;
    }

    public static VaultCopyJob Job(VaultResourceType type, string sourceId) => VaultCopyJob.Create("vault", new VaultResource
    {
        Type = type,
        Id = sourceId,
        Arn = $"arn:aws:ec2:eu-west-1::snapshot/{sourceId}",
        AccountId = "111111111111",
        Region = "eu-west-1",
        State = "completed",
        SizeGiB = 8,
    }, "222222222222", "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k1");

    public static VaultCopyException Refusal(string message) => new(VaultCopyErrorKind.InvalidState, "CopyRefused", message, "Fix it.");
}
