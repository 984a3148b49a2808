using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using VaultCopy.Core.Tests.Emulator.Rds;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// Time, load and faults through the control API: quota and time-scale settings, added latency, per-account request
/// rate limits answered with each service's real throttling error (and retried by the real SDK).
/// </summary>
public class LoadAndFaultTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string Snapshot = "snap-0a1b2c3d4e5f60003";

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Settings_set_time_scale_and_quotas_together_and_reset_restores_the_AWS_defaults()
    {
        await PostOkAsync("settings", new
        {
            timeScale = 30,
            ec2 = new { concurrentSnapshotCopies = 1, concurrentImageCopies = 2, imageSharingEntities = 3 },
            rds = new { manualSnapshots = 4, manualClusterSnapshots = 5, concurrentSnapshotCopies = 6, concurrentClusterSnapshotCopies = 7 },
        });

        var settings = await emulator.GetJsonAsync("settings");
        Assert.Equal(30, (double)settings["timeScale"]!);
        Assert.Equal(1, (int)settings["ec2"]!["concurrentSnapshotCopies"]!);
        Assert.Equal(3, (int)settings["ec2"]!["imageSharingEntities"]!);
        Assert.Equal(7, (int)settings["rds"]!["concurrentClusterSnapshotCopies"]!);
        Assert.Equal(2, emulator.Server.Settings.Ec2.ConcurrentImageCopies);
        Assert.Equal(4, emulator.Server.Settings.Rds.ManualSnapshots);

        // The lowered quota is what EC2 enforces: a second copy in flight is over the limit.
        using var ec2 = Ec2(Demo.OriginAdmin);
        await ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = Snapshot });
        var over = await Assert.ThrowsAsync<AmazonEC2Exception>(() =>
            ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Demo.Region, SourceSnapshotId = Snapshot }));
        Assert.Equal("ResourceLimitExceeded", over.ErrorCode);

        await emulator.ResetAsync();
        settings = await emulator.GetJsonAsync("settings");
        Assert.Equal(1, (double)settings["timeScale"]!);
        Assert.Equal(20, (int)settings["ec2"]!["concurrentSnapshotCopies"]!);
        Assert.Equal(300, (int)settings["ec2"]!["concurrentImageCopies"]!);
        Assert.Equal(1000, (int)settings["ec2"]!["imageSharingEntities"]!);
        Assert.Equal(100, (int)settings["rds"]!["manualSnapshots"]!);
        Assert.Equal(100, (int)settings["rds"]!["manualClusterSnapshots"]!);
        Assert.Equal(20, (int)settings["rds"]!["concurrentSnapshotCopies"]!);
        Assert.Equal(5, (int)settings["rds"]!["concurrentClusterSnapshotCopies"]!);
    }

    [Theory]
    [InlineData("""{"timeScale": 10, "ec2": {"concurrentSnapshotCopies": -1}}""", "ec2.concurrentSnapshotCopies")]
    [InlineData("""{"timeScale": 10, "rds": {"concurrentSnapshotCopies": 2.5}}""", "rds.concurrentSnapshotCopies")]
    [InlineData("""{"timeScale": 10, "rds": {"snapshots": 2}}""", "snapshots")]
    [InlineData("""{"timeScale": 10, "ec2": 3}""", "ec2")]
    [InlineData("""{"timeScale": 10, "seed": 3}""", "seed")]
    public async Task A_bad_setting_is_refused_by_name_and_changes_nothing(string body, string named)
    {
        using var response = await PostRawAsync("settings", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
        Assert.Equal(1, emulator.Server.Settings.TimeScale);
        Assert.Equal(20, emulator.Server.Settings.Ec2.ConcurrentSnapshotCopies);
        Assert.Equal(20, emulator.Server.Settings.Rds.ConcurrentSnapshotCopies);
    }

    [Fact]
    public async Task Latency_delays_only_the_matching_account_and_operation_for_count_calls()
    {
        await PostOkAsync("latency", new { service = "sts", action = "GetCallerIdentity", accountId = Demo.OriginAccount, latencyMs = 400, count = 1 });

        using var origin = emulator.Sts(Demo.OriginAdmin);
        using var vault = emulator.Sts(Demo.VaultAdmin);
        var slow = await TimeAsync(() => origin.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        // Timers may fire a tick (up to ~15 ms) early against the stopwatch.
        Assert.True(slow >= TimeSpan.FromMilliseconds(385), $"the delayed call took {slow.TotalMilliseconds} ms");

        // The one use is spent, and the other account was never matched: neither waits 400 ms now.
        await vault.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await origin.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var rules = (await emulator.GetJsonAsync("latency"))["latency"]!.AsArray();
        Assert.Equal(0, (int)rules.Single()!["remaining"]!);
        var durations = (await emulator.GetJsonAsync("calls"))["recent"]!.AsArray().Select(c => (double)c!["durationMs"]!).ToList();
        Assert.Equal(3, durations.Count);
        Assert.True(durations[0] >= 385, $"the delayed call took {durations[0]} ms on the server");
        Assert.All(durations.Skip(1), d => Assert.True(d < 400, $"an unmatched call took {d} ms"));
    }

    [Fact]
    public async Task Latency_ends_when_the_client_gives_up_and_the_operation_never_runs()
    {
        await PostOkAsync("latency", new { service = "ec2", action = "ModifySnapshotAttribute", latencyMs = 20_000 });
        using var ec2 = new AmazonEC2Client(Demo.OriginAdmin, new AmazonEC2Config
        {
            ServiceURL = emulator.BaseUri.ToString(),
            AuthenticationRegion = Demo.Region,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMilliseconds(300),
        });

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => ec2.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = Snapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        }));

        // The server notices the closed connection and stops waiting: the call is logged as 499 long before 20 s.
        JsonNode? abandoned = null;
        while (abandoned is null && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            abandoned = (await emulator.GetJsonAsync("calls"))["recent"]!.AsArray().FirstOrDefault(c => (int)c!["status"]! == AwsPipeline.ClientClosedRequest);
            await Task.Delay(50);
        }

        Assert.NotNull(abandoned);
        Assert.Equal("ModifySnapshotAttribute", (string?)abandoned["action"]);
        Assert.True((double)abandoned["durationMs"]! < 10_000);
        var shares = (await emulator.GetJsonAsync("state"))["accounts"]![0]!["regions"]![Demo.Region]!["ec2"]!["snapshots"]!.AsArray()
            .Single(s => (string?)s!["id"] == Snapshot)!["createVolumePermission"]!["userIds"]!.AsArray();
        Assert.Empty(shares);
    }

    [Fact]
    public async Task Ec2_over_the_rate_limit_is_RequestLimitExceeded_503_for_that_account_and_service_only()
    {
        await PostOkAsync("ratelimits", new { accountId = Demo.OriginAccount, service = "ec2", ratePerSecond = 0.01, burst = 2 });
        using var origin = Ec2(Demo.OriginAdmin);
        await origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        await origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });

        var throttled = await Assert.ThrowsAsync<AmazonEC2Exception>(() => origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] }));
        Assert.Equal("RequestLimitExceeded", throttled.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, throttled.StatusCode);
        Assert.Equal(
            "Request limit exceeded. Account 111111111111 has been throttled on ec2:DescribeSnapshots because it exceeded its request rate limit.",
            throttled.Message);

        // Another account, and another service of the same account, have their own capacity.
        using var vault = Ec2(Demo.VaultAdmin);
        await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        using var sts = emulator.Sts(Demo.OriginAdmin);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        // World time refills the bucket: one token per 100 s.
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(100));
        await origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        await Assert.ThrowsAsync<AmazonEC2Exception>(() => origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] }));

        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal(2, (int)calls["errors"]!["ec2:DescribeSnapshots"]!);
        var limits = (await emulator.GetJsonAsync("ratelimits"))["rateLimits"]!.AsArray();
        Assert.True((double)limits.Single()!["tokens"]![Demo.OriginAccount]! < 1);
    }

    [Fact]
    public async Task The_Ec2_sdk_retries_a_throttled_call_and_succeeds_once_the_bucket_refills()
    {
        await PostOkAsync("ratelimits", new { accountId = Demo.OriginAccount, service = "ec2", ratePerSecond = 0.01, burst = 1 });

        // Each attempt moves world time on by 60 s, standing in for the SDK's back-off: a token every 100 s means
        // attempt 1 of the second call is throttled (0.6 token) and attempt 2 passes (1.2, capped at 1).
        using var ec2 = new AmazonEC2Client(Demo.OriginAdmin, new AmazonEC2Config
        {
            ServiceURL = emulator.BaseUri.ToString(),
            AuthenticationRegion = Demo.Region,
            MaxErrorRetry = 2,
            HttpClientFactory = new ClockAdvancingHttpClientFactory(emulator.Server.Clock, TimeSpan.FromSeconds(60)),
        });
        await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        var second = await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.Equal(5, second.Snapshots.Count);

        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal(3, (int)calls["operations"]!["ec2:DescribeSnapshots"]!);
        Assert.Equal(1, (int)calls["errors"]!["ec2:DescribeSnapshots"]!);
        var throttled = calls["recent"]!.AsArray()[1]!;
        Assert.Equal(503, (int)throttled["status"]!);
        Assert.Equal("RequestLimitExceeded", (string?)throttled["errorCode"]);
    }

    [Fact]
    public async Task Kms_over_the_rate_limit_is_ThrottlingException_which_the_sdk_retries_or_surfaces()
    {
        await PostOkAsync("ratelimits", new { service = "kms", ratePerSecond = 0.01, burst = 1 });
        using (var noRetry = Kms(Demo.VaultAdmin, maxErrorRetry: 0))
        {
            await noRetry.ListKeysAsync(new ListKeysRequest());
            var throttled = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => noRetry.ListKeysAsync(new ListKeysRequest()));
            Assert.Equal("ThrottlingException", throttled.ErrorCode);
            Assert.Equal(HttpStatusCode.BadRequest, throttled.StatusCode);
            Assert.Equal("You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.", throttled.Message);
        }

        using var retrying = Kms(Demo.VaultAdmin, maxErrorRetry: 2, new ClockAdvancingHttpClientFactory(emulator.Server.Clock, TimeSpan.FromSeconds(60)));
        var keys = await retrying.ListKeysAsync(new ListKeysRequest());
        Assert.NotEmpty(keys.Keys);
        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal(4, (int)calls["operations"]!["kms:ListKeys"]!);
        Assert.Equal(2, (int)calls["errors"]!["kms:ListKeys"]!);
    }

    [Fact]
    public async Task Query_services_over_the_rate_limit_answer_Throttling_400_Rate_exceeded()
    {
        // No account named: every account gets its own bucket, shared by all its services.
        await PostOkAsync("ratelimits", new { ratePerSecond = 0, burst = 1 });
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        await rds.OkAsync("DescribeDBSnapshots");
        var throttled = await rds.FailsAsync("Throttling", 400, "DescribeDBSnapshots");
        Assert.Equal("Rate exceeded", throttled.Message);
        Assert.Equal("Sender", throttled.Type);

        using var sts = emulator.Sts(Demo.OriginAdmin);
        var stsThrottled = await Assert.ThrowsAsync<Amazon.SecurityToken.AmazonSecurityTokenServiceException>(() =>
            sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("Throttling", stsThrottled.ErrorCode);

        using var vault = emulator.Sts(Demo.VaultAdmin);
        await vault.GetCallerIdentityAsync(new GetCallerIdentityRequest());
    }

    [Theory]
    [InlineData("ratelimits", """{"ratePerSecond": 1}""", "burst")]
    [InlineData("ratelimits", """{"ratePerSecond": -1, "burst": 1}""", "ratePerSecond")]
    [InlineData("ratelimits", """{"ratePerSecond": 1, "burst": 0}""", "burst")]
    [InlineData("ratelimits", """{"ratePerSecond": 1, "burst": 1, "service": "s3"}""", "s3")]
    [InlineData("ratelimits", """{"ratePerSecond": 1, "burst": 1, "accountId": "123"}""", "123")]
    [InlineData("latency", """{"service": "ec2", "latencyMs": 0}""", "latencyMs")]
    [InlineData("latency", """{"service": "ec2", "latencyMs": 10, "delay": 1}""", "delay")]
    [InlineData("copyfailures", """{"service": "ec2", "action": "CopySnapshot", "failAtPercent": 100}""", "failAtPercent")]
    [InlineData("copyfailures", """{"service": "ec2", "action": "DescribeSnapshots", "failAtPercent": 10}""", "DescribeSnapshots")]
    [InlineData("copyfailures", """{"service": "kms", "failAtPercent": 10}""", "kms")]
    [InlineData("copyfailures", """{"service": "rds", "failAtPercent": 10, "message": "x"}""", "message")]
    public async Task A_bad_rule_is_refused_by_name_and_nothing_is_armed(string endpoint, string body, string named)
    {
        using var response = await PostRawAsync(endpoint, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
        var settings = await emulator.GetJsonAsync("settings");
        Assert.Empty(settings["latency"]!.AsArray());
        Assert.Empty(settings["rateLimits"]!.AsArray());
        Assert.Empty(settings["copyFailures"]!.AsArray());
    }

    [Fact]
    public async Task Rules_show_in_settings_and_delete_or_reset_clears_them()
    {
        await PostOkAsync("latency", new { service = "kms", latencyMs = 5 });
        await PostOkAsync("ratelimits", new { service = "kms", ratePerSecond = 5, burst = 10 });
        await PostOkAsync("copyfailures", new { service = "rds", action = "CopyDBSnapshot", failAtPercent = 50 });

        var settings = await emulator.GetJsonAsync("settings");
        Assert.Equal(0, (int)settings["latency"]![0]!["count"]!);
        Assert.Equal(10, (int)settings["rateLimits"]![0]!["burst"]!);
        Assert.Equal(1, (int)settings["copyFailures"]![0]!["count"]!);

        using (var delete = await emulator.Http.DeleteAsync(emulator.Control("latency")))
        {
            delete.EnsureSuccessStatusCode();
        }

        Assert.Empty((await emulator.GetJsonAsync("latency"))["latency"]!.AsArray());
        await emulator.ResetAsync();
        settings = await emulator.GetJsonAsync("settings");
        Assert.Empty(settings["rateLimits"]!.AsArray());
        Assert.Empty(settings["copyFailures"]!.AsArray());
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await call();
        return watch.Elapsed;
    }

    private AmazonEC2Client Ec2(AWSCredentials credentials) => new(credentials, new AmazonEC2Config
    {
        ServiceURL = emulator.BaseUri.ToString(),
        AuthenticationRegion = Demo.Region,
        MaxErrorRetry = 0,
    });

    private AmazonKeyManagementServiceClient Kms(AWSCredentials credentials, int maxErrorRetry, HttpClientFactory? factory = null) => new(credentials, new AmazonKeyManagementServiceConfig
    {
        ServiceURL = emulator.BaseUri.ToString(),
        AuthenticationRegion = Demo.Region,
        MaxErrorRetry = maxErrorRetry,
        HttpClientFactory = factory,
    });

    private async Task PostOkAsync(string path, object body)
    {
        using var response = await emulator.PostJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<HttpResponseMessage> PostRawAsync(string path, string json) =>
        await emulator.Http.PostAsync(emulator.Control(path), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}

/// <summary>
/// Moves the emulator's world clock on before every request the SDK sends, so the SDK's retries meet a refilled
/// rate-limit bucket at a known moment whatever its real back-off was.
/// </summary>
internal sealed class ClockAdvancingHttpClientFactory(EmulatorClock clock, TimeSpan perRequest) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(new AdvancingHandler(clock, perRequest) { InnerHandler = new HttpClientHandler() });

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    private sealed class AdvancingHandler(EmulatorClock clock, TimeSpan perRequest) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            clock.Advance(perRequest);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
