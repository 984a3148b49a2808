using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using VaultCopy.Core.Tests.Emulator.Rds;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// Copies armed through <c>POST /_emulator/copyfailures</c> to fail part-way: the call succeeds, the copy progresses
/// with the world clock and turns to its failed state exactly at the armed progress (demo world, origin account).
/// </summary>
public class CopyFailureTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    // 8 GiB: 15 s + 8192 MiB / 100 MiB/s = 96.92 s of world time at time scale 1.
    private const string UnencryptedSnapshot = "snap-0a1b2c3d4e5f60003";

    private AmazonEC2Client _ec2 = null!;

    public async Task InitializeAsync()
    {
        await emulator.ResetAsync();
        _ec2 = new AmazonEC2Client(Demo.OriginAdmin, new AmazonEC2Config
        {
            ServiceURL = emulator.BaseUri.ToString(),
            AuthenticationRegion = Demo.Region,
            MaxErrorRetry = 0,
        });
    }

    public Task DisposeAsync()
    {
        _ec2.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_snapshot_copy_armed_at_40_percent_turns_to_error_there_and_the_next_copy_completes()
    {
        await ArmAsync(new { service = "ec2", action = "CopySnapshot", accountId = Demo.OriginAccount, region = Demo.Region, failAtPercent = 40, message = "Copy interrupted by test" });

        string failing = (await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot })).SnapshotId;
        string healthy = (await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot })).SnapshotId;

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(38));
        var before = await SnapshotAsync(failing);
        Assert.Equal(SnapshotState.Pending, before.State);
        Assert.Equal("39%", before.Progress);

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(1));
        var failed = await SnapshotAsync(failing);
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("40%", failed.Progress);
        Assert.Equal("Copy interrupted by test", failed.StateMessage);

        // The failed copy stays failed; the rule was used up, so the second copy runs to completion.
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(SnapshotState.Error, (await SnapshotAsync(failing)).State);
        var done = await SnapshotAsync(healthy);
        Assert.Equal(SnapshotState.Completed, done.State);
        Assert.Equal("100%", done.Progress);
        Assert.Equal(0, (int)(await emulator.GetJsonAsync("copyfailures"))["copyFailures"]![0]!["remaining"]!);
    }

    [Fact]
    public async Task A_failed_copy_no_longer_counts_against_the_concurrent_copy_quota()
    {
        await PostOkAsync("settings", new { ec2 = new { concurrentSnapshotCopies = 1 } });
        await ArmAsync(new { service = "ec2", action = "CopySnapshot", failAtPercent = 10 });
        await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot });
        var busy = await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot }));
        Assert.Equal("ResourceLimitExceeded", busy.ErrorCode);

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(10));
        await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot });
    }

    [Fact]
    public async Task A_rule_for_another_account_or_operation_leaves_copies_alone()
    {
        await ArmAsync(new { service = "ec2", action = "CopySnapshot", accountId = Demo.VaultAccount, failAtPercent = 0 });
        await ArmAsync(new { service = "ec2", action = "CopyImage", failAtPercent = 0 });
        string copy = (await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot })).SnapshotId;

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(97));
        Assert.Equal(SnapshotState.Completed, (await SnapshotAsync(copy)).State);
        var rules = (await emulator.GetJsonAsync("copyfailures"))["copyFailures"]!.AsArray();
        Assert.All(rules, r => Assert.Equal(1, (int)r!["remaining"]!));
    }

    [Fact]
    public async Task An_image_copy_armed_to_fail_turns_failed_with_a_state_reason_when_its_snapshot_copy_errors()
    {
        await ArmAsync(new { service = "ec2", action = "CopyImage", failAtPercent = 25 });
        string image = (await _ec2.CopyImageAsync(new CopyImageRequest
        {
            Name = "app-server-copy",
            SourceImageId = "ami-0a1b2c3d4e5f60001",
            SourceRegion = Demo.Region,
        })).ImageId;

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(24));
        Assert.Equal(ImageState.Pending, (await ImageAsync(image)).State);

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(1));
        var failed = await ImageAsync(image);
        Assert.Equal(ImageState.Failed, failed.State);
        Assert.Equal("Server.InternalError", failed.StateReason.Code);
        Assert.Equal(
            "AMI snapshot copy failed with error: The snapshot copy failed because of an internal error. Delete the snapshot and copy it again.",
            failed.StateReason.Message);
        var backing = await SnapshotAsync(failed.BlockDeviceMappings.Single().Ebs.SnapshotId);
        Assert.Equal(SnapshotState.Error, backing.State);
        Assert.Equal("25%", backing.Progress);
    }

    [Fact]
    public async Task A_key_failure_that_comes_first_wins_over_an_armed_failure()
    {
        // The vault cannot use the origin key (API default policy): EC2 finds out 5 s in, before 90 %.
        await _ec2.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = "snap-0a1b2c3d4e5f60001",
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        });

        await ArmAsync(new { service = "ec2", action = "CopySnapshot", failAtPercent = 90 });
        using var vault = new AmazonEC2Client(Demo.VaultAdmin, new AmazonEC2Config { ServiceURL = emulator.BaseUri.ToString(), AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });
        string copy = (await vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = "snap-0a1b2c3d4e5f60001" })).SnapshotId;
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(5));
        var failed = (await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [copy] })).Snapshots.Single();
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("Given key ID is not accessible", failed.StateMessage);
    }

    [Fact]
    public async Task An_rds_copy_armed_at_50_percent_turns_failed_frees_its_quota_slot_and_can_be_deleted()
    {
        // origin-orders-manual-cmk: 100 GiB, so 2 min + 6 s × 100 = 720 s; 50 % is at 360 s.
        await PostOkAsync("settings", new { rds = new { concurrentSnapshotCopies = 1 } });
        await ArmAsync(new { service = "rds", action = "CopyDBSnapshot", accountId = Demo.OriginAccount, failAtPercent = 50 });
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        var started = (await rds.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy"))).Snapshot();
        Assert.Equal("creating", started.Field("Status"));

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(359));
        var copying = (await rds.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-copy"))).Snapshots().Single();
        Assert.Equal("creating", copying.Field("Status"));
        Assert.Equal("49", copying.Field("PercentProgress"));
        await rds.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy-2"));

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(1));
        var failed = (await rds.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-copy"))).Snapshots().Single();
        Assert.Equal("failed", failed.Field("Status"));
        Assert.Equal("50", failed.Field("PercentProgress"));

        await emulator.AdvanceClockAsync(TimeSpan.FromHours(1));
        Assert.Equal("failed", (await rds.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-copy"))).Snapshots().Single().Field("Status"));
        await rds.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy-2"));
        await rds.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-copy"));
    }

    [Fact]
    public async Task An_aurora_copy_armed_at_0_percent_is_failed_from_the_first_look()
    {
        await ArmAsync(new { service = "rds", action = "CopyDBClusterSnapshot", failAtPercent = 0 });
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        await rds.OkAsync("CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "origin-ledger-manual-cmk"), ("TargetDBClusterSnapshotIdentifier", "ledger-copy"));

        var failed = (await rds.OkAsync("DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "ledger-copy"))).Snapshots(cluster: true).Single();
        Assert.Equal("failed", failed.Field("Status"));
        Assert.Equal("0", failed.Field("PercentProgress"));
        var state = (await emulator.GetJsonAsync("state"))["accounts"]![0]!["regions"]![Demo.Region]!["rds"]!["dbClusterSnapshots"]!.AsArray()
            .Single(s => (string?)s!["identifier"] == "ledger-copy")!;
        Assert.False((bool)state["copyInProgress"]!);
    }

    [Fact]
    public async Task A_rule_for_every_service_fails_the_next_copies_of_ec2_and_rds_alike()
    {
        await ArmAsync(new { service = "*", failAtPercent = 0, count = 2 });

        string snapshot = (await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot })).SnapshotId;
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        await rds.OkAsync("CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "origin-ledger-manual-cmk"), ("TargetDBClusterSnapshotIdentifier", "ledger-copy"));
        string healthy = (await _ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = UnencryptedSnapshot })).SnapshotId;

        Assert.Equal(SnapshotState.Error, (await SnapshotAsync(snapshot)).State);
        Assert.Equal("failed", (await rds.OkAsync("DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "ledger-copy"))).Snapshots(cluster: true).Single().Field("Status"));
        Assert.Equal(SnapshotState.Pending, (await SnapshotAsync(healthy)).State);
    }

    [Theory]
    [InlineData("""{"service":"kms","failAtPercent":10}""", "Copies fail part-way only in ec2 and rds (or *), not 'kms'.")]
    [InlineData("""{"service":"*","action":"DescribeSnapshots","failAtPercent":10}""", "'DescribeSnapshots' starts no copy. Use CopySnapshot, CopyImage, CopyDBSnapshot, CopyDBClusterSnapshot or *.")]
    [InlineData("""{"service":"*","failAtPercent":10,"message":"x"}""", "RDS snapshots have no status message: 'message' applies to \"service\": \"ec2\" only.")]
    [InlineData("""{"service":"*","action":"*","failAtPercent":100}""", "failAtPercent must be 0 or more and less than 100: a copy at 100 % has completed.")]
    public async Task A_bad_copy_failure_rule_is_refused_and_arms_nothing(string rule, string error)
    {
        using var response = await emulator.Http.PostAsync(emulator.Control("copyfailures"), new StringContent(rule, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, (string?)System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
        Assert.Empty((await emulator.GetJsonAsync("copyfailures"))["copyFailures"]!.AsArray());
    }

    private async Task<Snapshot> SnapshotAsync(string id) =>
        (await _ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [id] })).Snapshots.Single();

    private async Task<Image> ImageAsync(string id) =>
        (await _ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [id] })).Images.Single();

    private Task ArmAsync(object rule) => PostOkAsync("copyfailures", rule);

    private async Task PostOkAsync(string path, object body)
    {
        using var response = await emulator.PostJsonAsync(path, body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
    }
}
