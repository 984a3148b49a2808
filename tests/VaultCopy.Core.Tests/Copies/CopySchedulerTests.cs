using System.Diagnostics;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

public class CopySchedulerTests
{
    private static readonly CopyRunOptions s_fast = new() { PollInterval = TimeSpan.FromMilliseconds(1) };

    private static List<VaultCopyJob> Jobs(VaultResourceType type, int count, string prefix = "snap-") =>
        Enumerable.Range(1, count).Select(i => FakeCopyBackend.Job(type, $"{prefix}{i:000}")).ToList();

    private sealed class Recorder : IProgress<CopyProgress>
    {
        public List<(int Queued, int InProgress, int Completed, int Failed, int Percent)> Reports { get; } = [];

        public (int Queued, int InProgress, int Completed, int Failed) First => (Reports[0].Queued, Reports[0].InProgress, Reports[0].Completed, Reports[0].Failed);

        public void Report(CopyProgress value) => Reports.Add((value.Queued, value.InProgress, value.Completed, value.Failed, value.PercentComplete));
    }

    [Fact]
    public async Task Twenty_five_snapshot_copies_under_a_quota_of_twenty_start_twenty_and_queue_five_until_slots_free()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot);
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 25);
        var progress = new Recorder();

        CopyRunOutcome outcome = await new CopyScheduler([backend], s_fast).RunAsync(jobs, progress, CancellationToken.None);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.Equal((5, 20, 0, 0), progress.First);
        Assert.Equal(20, backend.MaxInFlight);
        Assert.Equal(25, backend.StartCalls);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.All(jobs, j => Assert.True(j.Verified));
        Assert.Equal(100, progress.Reports[^1].Percent);
        Assert.True(progress.Reports.Select(r => r.Percent).SequenceEqual(progress.Reports.Select(r => r.Percent).Order()), "overall progress never goes back");
    }

    [Fact]
    public async Task Throttling_while_counting_or_looking_for_earlier_copies_waits_instead_of_failing_the_batch()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { ThrottleNextCounts = 2, ThrottleNextAdoptions = 1 };
        backend.AlreadyCopied.Add("snap-001");
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 3);
        var scheduler = new CopyScheduler([backend], s_fast, new InstantDelays());

        await scheduler.AdoptExistingAsync(jobs, CancellationToken.None);
        CopyRunOutcome outcome = await scheduler.RunAsync(jobs, null, CancellationToken.None);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.True(jobs[0].Reused, "the earlier copy is found once the throttling passes, so it is not copied again");
        Assert.DoesNotContain("snap-001", backend.Started);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.Equal(3, backend.CountCalls);
    }

    /// <summary>Time that does not wait, so retry delays cost nothing in tests.</summary>
    private sealed class InstantDelays : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, TimeSpan.Zero, period);
    }

    [Fact]
    public async Task Copies_already_in_flight_in_the_destination_take_their_slots()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { InFlightElsewhere = 15 };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 8);
        var progress = new Recorder();

        await new CopyScheduler([backend], s_fast).RunAsync(jobs, progress, CancellationToken.None);

        Assert.Equal((3, 5, 0, 0), progress.First);
        Assert.Equal(5, backend.MaxInFlight);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
    }

    [Fact]
    public async Task A_quota_answer_mid_way_means_wait_and_retry_not_failure()
    {
        var backend = new FakeCopyBackend(VaultResourceType.RdsSnapshot)
        {
            // AWS counts a copy we cannot see: the 11th start is refused once with the quota error.
            StartFault = (call, _) => call == 11 ? new CopyDeferredException("SnapshotQuotaExceeded: Cannot copy more than 20 snapshots across regions") : null,
        };
        var jobs = Jobs(VaultResourceType.RdsSnapshot, 25, "orders-");
        var progress = new Recorder();

        await new CopyScheduler([backend], s_fast).RunAsync(jobs, progress, CancellationToken.None);

        Assert.Equal((15, 10, 0, 0), progress.First);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.Equal(26, backend.StartCalls);
        Assert.Equal(25, backend.Started.Distinct().Count());
        // After the refusal the scheduler counted again what is in flight, rather than trusting its own count.
        Assert.True(backend.CountCalls >= 2);
    }

    [Fact]
    public async Task Each_poll_is_one_describe_call_per_type_whatever_the_number_of_copies()
    {
        var snapshots = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = 3 };
        var images = new FakeCopyBackend(VaultResourceType.Ami) { PollsToComplete = 3 };
        var clusters = new FakeCopyBackend(VaultResourceType.AuroraClusterSnapshot) { PollsToComplete = 3 };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 12).Concat(Jobs(VaultResourceType.Ami, 7, "ami-")).Concat(Jobs(VaultResourceType.AuroraClusterSnapshot, 5, "ledger-")).ToList();

        await new CopyScheduler([snapshots, images, clusters], s_fast).RunAsync(jobs, null, CancellationToken.None);

        Assert.Equal([12, 12, 12], snapshots.RefreshBatchSizes);
        Assert.Equal([7, 7, 7], images.RefreshBatchSizes);
        Assert.Equal([5, 5, 5], clusters.RefreshBatchSizes);
    }

    [Fact]
    public async Task A_refused_start_fails_that_job_only_with_the_reason_in_plain_words()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot)
        {
            StartFault = (_, job) => job.SourceId == "snap-002" ? FakeCopyBackend.Refusal("snap-002 was not found.") : null,
        };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 3);

        await new CopyScheduler([backend], s_fast).RunAsync(jobs, null, CancellationToken.None);

        Assert.Equal(CopyJobState.Failed, jobs[1].State);
        Assert.Equal("snap-002 was not found. Fix it.", jobs[1].FailureReason);
        Assert.NotNull(jobs[1].EndTime);
        Assert.Equal(CopyJobState.Completed, jobs[0].State);
        Assert.Equal(CopyJobState.Completed, jobs[2].State);
    }

    [Fact]
    public async Task Copies_made_before_are_adopted_and_not_started_again()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot);
        backend.AlreadyCopied.Add("snap-001");
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 2);
        var scheduler = new CopyScheduler([backend], s_fast);

        await scheduler.AdoptExistingAsync(jobs, CancellationToken.None);
        await scheduler.RunAsync(jobs, null, CancellationToken.None);

        Assert.True(jobs[0].Reused);
        Assert.True(jobs[0].Verified);
        Assert.Equal(["snap-002"], backend.Started);
    }

    [Fact]
    public async Task Without_waiting_it_returns_once_every_copy_has_started()
    {
        var backend = new FakeCopyBackend(VaultResourceType.AuroraClusterSnapshot) { PollsToComplete = 2 };
        var jobs = Jobs(VaultResourceType.AuroraClusterSnapshot, 7, "ledger-");

        CopyRunOutcome outcome = await new CopyScheduler([backend], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(1), UntilFinished = false })
            .RunAsync(jobs, null, CancellationToken.None);

        // Aurora's quota is 5: two had to wait for the first copies to finish.
        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.All(jobs, j => Assert.NotEqual(CopyJobState.Queued, j.State));
        Assert.Contains(jobs, j => j.State == CopyJobState.InProgress);
        Assert.Equal(5, backend.MaxInFlight);
    }

    [Fact]
    public async Task It_stops_waiting_at_the_timeout_and_leaves_the_copies_running()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = int.MaxValue };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 2);
        var options = new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(10), Timeout = TimeSpan.FromMilliseconds(100) };

        var clock = Stopwatch.StartNew();
        CopyRunOutcome outcome = await new CopyScheduler([backend], options).RunAsync(jobs, null, CancellationToken.None);

        Assert.Equal(CopyRunOutcome.TimedOut, outcome);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.InProgress, j.State));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Cancellation_stops_a_long_wait_promptly()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = int.MaxValue };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 2);
        var options = new CopyRunOptions { PollInterval = TimeSpan.FromHours(1) };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new CopyScheduler([backend], options).RunAsync(jobs, null, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.All(jobs, j => Assert.Equal(CopyJobState.InProgress, j.State));
    }

    [Fact]
    public async Task Jobs_round_trip_through_json_after_progress()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = 3 };
        var jobs = Jobs(VaultResourceType.EbsSnapshot, 3);
        await new CopyScheduler([backend], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.Zero })
            .RunAsync(jobs, null, CancellationToken.None);
        await new CopyScheduler([backend], s_fast).RefreshAsync(jobs, CancellationToken.None);

        var back = jobs.Select(j => VaultCopyJob.FromJson(j.ToJson())).ToList();

        Assert.All(back, j => Assert.Equal(CopyJobState.InProgress, j.State));
        Assert.All(back, j => Assert.Equal(33, j.Progress));
        Assert.Equal(jobs.Select(j => j.ToJson()), back.Select(j => j.ToJson()));

        // A runbook's next step picks the jobs up from JSON and finishes them.
        await new CopyScheduler([backend], s_fast).RunAsync(back, null, CancellationToken.None);
        Assert.All(back, j => Assert.Equal(CopyJobState.Completed, j.State));
    }
}
