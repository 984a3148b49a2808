using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Copies.Backends;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>
/// Overlapping runs and failed copies against the emulator: one copy per lineage whatever runs at the same time,
/// and a copy that failed never blocks the next run.
/// </summary>
public sealed class CopyConvergenceTests : IAsyncLifetime
{
    // The origin's default-key backups: EBS, AMI, RDS and Aurora, converted (purpose "convert") inside the origin.
    private static readonly string[] s_sources = ["snap-0a1b2c3d4e5f60002", "ami-0a1b2c3d4e5f60002", "origin-legacy-manual-awsrds", "origin-legacy-ledger-manual-awsrds"];

    private static readonly CopyRunOptions s_poll = new() { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) };

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server.Settings.TimeScale = 600;
        _origin = await Demo.ConnectAsync(_server, Demo.OriginAdminKey, Demo.OriginAdminSecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Two_runs_started_at_the_same_moment_leave_one_copy_per_lineage_and_both_follow_it()
    {
        using var first = new SnapshotKeyConverter(_origin);
        using var second = new SnapshotKeyConverter(_origin);
        List<VaultCopyJob> firstJobs = await PlanAsync(first, s_sources);
        List<VaultCopyJob> secondJobs = await PlanAsync(second, s_sources);

        // Both look for an earlier copy before either has started one: the race of two overlapping runs.
        await Task.WhenAll(first.Engine.AdoptExistingAsync(firstJobs), second.Engine.AdoptExistingAsync(secondJobs));
        await Task.WhenAll(first.Engine.RunAsync(firstJobs, s_poll), second.Engine.RunAsync(secondJobs, s_poll));

        Assert.All(firstJobs.Concat(secondJobs), j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.All(firstJobs.Concat(secondJobs), j => Assert.True(j.Verified, j.VerificationMessage));
        Assert.Equal(firstJobs.Select(j => j.TargetId), secondJobs.Select(j => j.TargetId));
        foreach (VaultCopyJob job in firstJobs)
        {
            Assert.Equal([job.TargetId!], await CopiesOfLineageAsync(job));
        }
    }

    [Fact]
    public async Task An_ami_copied_again_later_is_answered_with_the_first_copy_not_a_parameter_mismatch()
    {
        using var first = new SnapshotKeyConverter(_origin);
        List<VaultCopyJob> firstJobs = await PlanAsync(first, "ami-0a1b2c3d4e5f60002");
        await first.Engine.RunAsync(firstJobs, new CopyRunOptions { UntilFinished = false });

        // A second run an hour later that does not look for earlier copies first (as Invoke-VaultCopy starts a
        // copy its plan did not see): the same CopyImage, the same token.
        using var clients = new AwsClients();
        var later = new FixedTime(DateTimeOffset.UtcNow.AddHours(1));
        using var engine = new CopyEngine([new AmiCopyBackend(clients.Ec2(_origin.Session, Demo.Region), _origin.Partition, Demo.Region, later)]);
        using var planner = new SnapshotKeyConverter(_origin);
        List<VaultCopyJob> secondJobs = await PlanAsync(planner, "ami-0a1b2c3d4e5f60002");
        await engine.RunAsync(secondJobs, s_poll);

        Assert.Null(secondJobs[0].Failure);
        Assert.Equal(firstJobs[0].TargetId, secondJobs[0].TargetId);
        Assert.Equal(CopyJobState.Completed, secondJobs[0].State);
        Assert.Equal(0, _server.Calls.Snapshot().Errors.GetValueOrDefault("ec2:CopyImage"));
        Assert.Equal([firstJobs[0].TargetId!], await CopiesOfLineageAsync(firstJobs[0]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failed_copy_is_removed_by_the_next_run_which_copies_again_and_says_so(bool lookForEarlierCopies)
    {
        // Every copy call of the first run starts a copy that fails half-way: EBS error, AMI failed, RDS failed.
        _server.Settings.AddCopyFailure(new CopyFailureRule { Service = "*", Action = "*", FailAtPercent = 50, Count = s_sources.Length });
        using var first = new SnapshotKeyConverter(_origin);
        List<VaultCopyJob> failed = await PlanAsync(first, s_sources);
        await first.Engine.RunAsync(failed, s_poll);
        Assert.All(failed, j => Assert.Equal(CopyJobState.Failed, j.State));

        // The next run: Copy-VaultSnapshot looks for earlier copies first; Invoke-VaultCopy starts what its plan did not see.
        using var second = new SnapshotKeyConverter(_origin);
        List<VaultCopyJob> jobs = await PlanAsync(second, s_sources);
        if (lookForEarlierCopies)
        {
            await second.Engine.AdoptExistingAsync(jobs);
            Assert.All(jobs, j => Assert.Equal(CopyJobState.Queued, j.State));
        }

        await second.Engine.RunAsync(jobs, s_poll);

        for (int i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(CopyJobState.Completed, jobs[i].State);
            Assert.True(jobs[i].Verified, jobs[i].VerificationMessage);
            Assert.False(jobs[i].Reused);
            Assert.Equal(failed[i].TargetId, jobs[i].ReplacedFailedCopyId);
            Assert.Equal([jobs[i].TargetId!], await CopiesOfLineageAsync(jobs[i]));
        }
    }

    /// <summary>The ids of the copies in the origin account (as GET /_emulator/state shows them) that carry the job's lineage.</summary>
    private async Task<List<string>> CopiesOfLineageAsync(VaultCopyJob job)
    {
        using var http = new HttpClient();
        JsonObject state = (await http.GetFromJsonAsync<JsonObject>(new Uri(_server.BaseUri, "_emulator/state")))!;
        JsonNode region = state["accounts"]!.AsArray().Single(a => (string?)a!["id"] == Demo.OriginAccount)!["regions"]![Demo.Region]!;
        bool Lineage(JsonNode? tags)
        {
            JsonNode? own = tags?[Demo.OriginAccount] ?? tags;
            return (string?)own?[CopyNaming.PurposeTag] == job.Purpose && (string?)own?[CopyNaming.SourceArnTag] == job.SourceArn;
        }

        IEnumerable<JsonNode?> copies = job.Type switch
        {
            // An AMI's backing snapshots carry its lineage too: they are part of that copy, not copies of their own.
            Resources.VaultResourceType.EbsSnapshot => region["ec2"]!["snapshots"]!.AsArray()
                .Where(s => s!["copy"]?["forImage"] is null || s["copy"]!["forImage"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null),
            Resources.VaultResourceType.Ami => region["ec2"]!["images"]!.AsArray(),
            Resources.VaultResourceType.RdsSnapshot => region["rds"]!["dbSnapshots"]!.AsArray(),
            _ => region["rds"]!["dbClusterSnapshots"]!.AsArray(),
        };
        return copies.Where(c => Lineage(c!["tags"])).Select(c => (string)(c!["id"] ?? c["identifier"])!).ToList();
    }

    private static async Task<List<VaultCopyJob>> PlanAsync(SnapshotKeyConverter converter, params string[] ids)
    {
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        var jobs = new List<VaultCopyJob>();
        foreach (string id in ids)
        {
            ConversionPlan plan = converter.Plan(await converter.Inventory.GetAsync(id), key);
            jobs.Add(plan.Job ?? throw new InvalidOperationException(plan.SkipReason ?? plan.Refusal?.Message));
        }

        return jobs;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
