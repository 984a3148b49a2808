using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>Issue 12's scheduler: slots recounted every round, largest copies first, polls timed by when copies finish.</summary>
public class CopySchedulingOrderTests
{
    private static VaultCopyJob Job(string id, int gib) => VaultCopyJob.Create("vault", new VaultResource
    {
        Type = VaultResourceType.EbsSnapshot,
        Id = id,
        Arn = $"arn:aws:ec2:eu-west-1::snapshot/{id}",
        AccountId = "111111111111",
        Region = "eu-west-1",
        State = "completed",
        SizeGiB = gib,
    }, "222222222222", "eu-west-1", "arn:aws:kms:eu-west-1:222222222222:key/k1");

    private sealed class OnReport : IProgress<CopyProgress>
    {
        private readonly Action<CopyProgress> _action;

        public OnReport(Action<CopyProgress> action) => _action = action;

        public void Report(CopyProgress value) => _action(value);
    }

    private sealed class FixedTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Slots_other_tools_hold_are_counted_again_every_round_so_ours_start_as_soon_as_theirs_finish()
    {
        // Another tool's 20 copies fill the quota when the run starts; they finish after the first round.
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { InFlightElsewhere = 20 };
        var jobs = Enumerable.Range(1, 3).Select(i => Job($"snap-00{i}", 8)).ToList();
        var options = new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(5), Timeout = TimeSpan.FromSeconds(5) };
        int rounds = 0;
        var progress = new OnReport(_ => { if (++rounds == 2) { backend.InFlightElsewhere = 0; } });

        CopyRunOutcome outcome = await new CopyScheduler([backend], options).RunAsync(jobs, progress, CancellationToken.None);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.True(backend.CountCalls >= 3, "the free slots were counted from AWS on each round, not once");
    }

    [Fact]
    public async Task Within_a_type_the_largest_copies_start_first()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot);
        var jobs = new List<VaultCopyJob> { Job("snap-small", 8), Job("snap-huge", 500), Job("snap-mid", 100), Job("snap-big", 200) };
        var options = new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(1), Quotas = new CopyQuotas { EbsSnapshots = 1 } };

        await new CopyScheduler([backend], options).RunAsync(jobs, null, CancellationToken.None);

        Assert.Equal(["snap-huge", "snap-big", "snap-mid", "snap-small"], backend.Started);
    }

    [Fact]
    public void The_next_poll_comes_when_the_first_copy_in_flight_is_due_to_finish_never_sooner_than_the_minimum()
    {
        var time = new FixedTime();
        var options = new CopyRunOptions { PollInterval = TimeSpan.FromSeconds(15), MinPollInterval = TimeSpan.FromSeconds(1) };
        var scheduler = new CopyScheduler([new FakeCopyBackend(VaultResourceType.EbsSnapshot)], options, time);
        VaultCopyJob halfway = Job("snap-1", 100);
        halfway.MarkStarted("snap-c1", "arn", time.Now.UtcDateTime.AddSeconds(-10));
        halfway.Progress = 50;
        VaultCopyJob starting = Job("snap-2", 100);
        starting.MarkStarted("snap-c2", "arn", time.Now.UtcDateTime);

        Assert.Equal(TimeSpan.FromSeconds(10), scheduler.NextPoll([halfway, starting]));

        halfway.Progress = 99;
        Assert.Equal(TimeSpan.FromSeconds(1), scheduler.NextPoll([halfway, starting]));

        // Nothing known about any copy: the poll interval.
        Assert.Equal(TimeSpan.FromSeconds(15), scheduler.NextPoll([starting]));

        // An AMI shows no progress; a finished copy's rate (100 GiB in 40 s) says the next is due in 40 s - 30 s.
        VaultCopyJob finished = Job("snap-3", 100);
        finished.MarkStarted("snap-c3", "arn", time.Now.UtcDateTime.AddSeconds(-60));
        finished.State = CopyJobState.Completed;
        finished.EndTime = time.Now.UtcDateTime.AddSeconds(-20);
        VaultCopyJob image = Job("ami-1", 100);
        image.MarkStarted("ami-c1", "arn", time.Now.UtcDateTime.AddSeconds(-30));
        Assert.Equal(TimeSpan.FromSeconds(10), scheduler.NextPoll([finished, image]));
    }
}
