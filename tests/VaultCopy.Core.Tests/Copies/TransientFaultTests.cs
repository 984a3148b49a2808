using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>
/// Runs of 5xx and throttling answers past the SDK's own retries, armed in the emulator (demo world), while copies are
/// looked up, polled and verified: the batch absorbs them with the engine's backoff and fails an item only when the
/// retry budget is spent, worded the same for every service.
/// </summary>
public sealed class TransientFaultTests : IAsyncLifetime
{
    private const string Ebs = "snap-0a1b2c3d4e5f60002";
    private const string Ami = "ami-0a1b2c3d4e5f60002";
    private const string Rds = "rds:origin-legacy-2026-01-15-03-05";
    private const string Aurora = "origin-legacy-ledger-manual-awsrds";

    /// <summary>The engine's policy at test speed: the same budget of attempts, delays of milliseconds.</summary>
    private static readonly TransientFaultPolicy s_fast = new(new RetryPolicy(8, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)));

    /// <summary>A small budget, for the tests that spend it (each attempt is the SDK's own retries too).</summary>
    private static readonly TransientFaultPolicy s_brief = new(new RetryPolicy(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)));

    private static readonly CopyRunOptions s_poll = new() { PollInterval = TimeSpan.FromMilliseconds(200), MinPollInterval = TimeSpan.FromMilliseconds(50), Timeout = TimeSpan.FromSeconds(60) };

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server.Settings.TimeScale = 600;
        _origin = await Demo.ConnectAsync(_server, Demo.OriginAdminKey, Demo.OriginAdminSecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(Ebs, "ec2", "DescribeSnapshots", "InternalError", 500)]
    [InlineData(Ami, "ec2", "DescribeImages", "Unavailable", 503)]
    [InlineData(Ami, "ec2", "DescribeSnapshots", "InternalError", 500)] // the AMI's verification reads its snapshots
    [InlineData(Rds, "rds", "DescribeDBSnapshots", "InternalFailure", 500)]
    [InlineData(Aurora, "rds", "DescribeDBClusterSnapshots", "ServiceUnavailable", 503)]
    public async Task A_run_of_5xx_while_polling_and_verifying_is_waited_out_and_the_copy_verified(string id, string service, string action, string code, int status)
    {
        using var converter = new SnapshotKeyConverter(_origin);
        converter.Engine.FaultPolicy = s_fast;
        List<VaultCopyJob> jobs = await PlanAsync(converter, id);
        await converter.Engine.RunAsync(jobs, new CopyRunOptions { UntilFinished = false });
        FaultRule fault = Arm(service, action, code, status, count: ThreeRunsPastTheSdk(service));

        CopyRunOutcome outcome = await converter.Engine.RunAsync(jobs, s_poll);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.Equal(CopyJobState.Completed, jobs[0].State);
        Assert.True(jobs[0].Verified, jobs[0].VerificationMessage);
        Assert.Equal(0, fault.Remaining);
    }

    [Theory]
    [InlineData(Ebs, "ec2", "DescribeSnapshots", "InternalError", 500)]
    [InlineData(Ami, "ec2", "DescribeImages", "Unavailable", 503)]
    [InlineData(Rds, "rds", "DescribeDBSnapshots", "InternalFailure", 500)]
    [InlineData(Aurora, "rds", "DescribeDBClusterSnapshots", "ServiceUnavailable", 503)]
    [InlineData(Ebs, "ec2", "DescribeSnapshots", "RequestLimitExceeded", 503)]
    [InlineData(Rds, "rds", "DescribeDBSnapshots", "Throttling", 400)]
    public async Task A_lookup_of_earlier_copies_that_meets_faults_goes_back_in_the_queue_and_finds_the_copy(string id, string service, string action, string code, int status)
    {
        using var converter = new SnapshotKeyConverter(_origin);
        converter.Engine.FaultPolicy = s_fast;
        List<VaultCopyJob> first = await PlanAsync(converter, id);
        await converter.Engine.RunAsync(first, s_poll);
        int copies = CopyCalls();

        List<VaultCopyJob> second = await PlanAsync(converter, id);
        FaultRule fault = Arm(service, action, code, status, count: ThreeRunsPastTheSdk(service));
        await converter.Engine.AdoptExistingAsync(second);
        CopyRunOutcome outcome = await converter.Engine.RunAsync(second, s_poll);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.Null(second[0].Failure);
        Assert.True(second[0].Reused);
        Assert.Equal(first[0].TargetId, second[0].TargetId);
        Assert.True(second[0].Verified, second[0].VerificationMessage);
        Assert.Equal(copies, CopyCalls());
        Assert.Equal(0, fault.Remaining);
    }

    [Theory]
    [InlineData(Ebs, "ec2", "DescribeSnapshots")]
    [InlineData(Ami, "ec2", "DescribeImages")]
    [InlineData(Rds, "rds", "DescribeDBSnapshots")]
    [InlineData(Aurora, "rds", "DescribeDBClusterSnapshots")]
    public async Task When_the_budget_is_spent_only_the_item_fails_and_alike_for_every_service(string id, string service, string action)
    {
        using var converter = new SnapshotKeyConverter(_origin);
        converter.Engine.FaultPolicy = s_fast;
        List<VaultCopyJob> jobs = await PlanAsync(converter, id);
        await converter.Engine.RunAsync(jobs, new CopyRunOptions { UntilFinished = false });
        converter.Engine.FaultPolicy = s_brief;
        Arm(service, action, "InternalError", 500, count: 0);

        CopyRunOutcome outcome = await converter.Engine.RunAsync(jobs, s_poll);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        CopyFailure failure = Assert.IsType<CopyFailure>(jobs[0].Failure);
        Assert.Equal(VaultCopyErrorKind.ServiceFailure, failure.Kind);
        Assert.Equal("AwsServiceUnavailable", failure.ErrorId);
        Assert.Contains("Run it again", failure.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Ebs, "ec2", "DescribeSnapshots", "RequestLimitExceeded", 503)]
    [InlineData(Rds, "rds", "DescribeDBSnapshots", "Throttling", 400)]
    public async Task A_lookup_throttled_past_the_budget_fails_the_item_as_throttled_for_every_service(string id, string service, string action, string code, int status)
    {
        using var converter = new SnapshotKeyConverter(_origin);
        converter.Engine.FaultPolicy = s_fast;
        List<VaultCopyJob> jobs = await PlanAsync(converter, id);
        converter.Engine.FaultPolicy = s_brief;
        Arm(service, action, code, status, count: 0);

        await converter.Engine.AdoptExistingAsync(jobs);
        CopyRunOutcome outcome = await converter.Engine.RunAsync(jobs, s_poll);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        CopyFailure failure = Assert.IsType<CopyFailure>(jobs[0].Failure);
        Assert.Equal(VaultCopyErrorKind.LimitExceeded, failure.Kind);
        Assert.Equal("Throttled", failure.ErrorId);
        Assert.Contains("Run it again", failure.Remediation, StringComparison.Ordinal);
        Assert.Equal(0, CopyCalls());
    }

    /// <summary>A run of faults that outlasts the SDK's own retries (EC2: 3 attempts; the query client: 5) three times over.</summary>
    private static int ThreeRunsPastTheSdk(string service) => service == "rds" ? 11 : 7;

    private FaultRule Arm(string service, string action, string code, int status, int count)
    {
        var rule = new FaultRule { Service = service, Action = action, Code = code, Message = "Injected by the test", HttpStatus = status, Count = count, AccountId = Demo.OriginAccount };
        _server.Settings.AddFault(rule);
        return rule;
    }

    private static async Task<List<VaultCopyJob>> PlanAsync(SnapshotKeyConverter converter, string id)
    {
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        ConversionPlan plan = converter.Plan(await converter.Inventory.GetAsync(id), key);
        return [plan.Job ?? throw new InvalidOperationException(plan.SkipReason ?? plan.Refusal?.Message)];
    }

    private int CopyCalls()
    {
        var operations = _server.Calls.Snapshot().Operations;
        return new[] { "ec2:CopySnapshot", "ec2:CopyImage", "rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot" }.Sum(o => operations.GetValueOrDefault(o));
    }
}
