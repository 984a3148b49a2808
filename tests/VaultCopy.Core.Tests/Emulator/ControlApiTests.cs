using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Tests.Emulator;

public class ControlApiTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Health_reports_the_url_and_the_world()
    {
        var health = await emulator.GetJsonAsync("health");
        Assert.Equal("ok", (string?)health["status"]);
        Assert.Equal(emulator.BaseUri.ToString().TrimEnd('/'), (string?)health["url"]);
        Assert.Equal(2, (int)health["accounts"]!);
        Assert.Contains("sts", health["services"]!.AsArray().Select(s => (string?)s));
    }

    [Fact]
    public async Task State_describes_principals_but_never_a_secret_or_session_token()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var role = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.VaultRoleArn, RoleSessionName = "state", ExternalId = Demo.ExternalId });

        using var response = await emulator.Http.GetAsync(emulator.Control("state"));
        string text = await response.Content.ReadAsStringAsync();

        foreach (string secret in Demo.Secrets.Append(role.Credentials.SecretAccessKey).Append(role.Credentials.SessionToken))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret.Replace("/", "\\/", StringComparison.Ordinal), text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("sessionToken", text, StringComparison.OrdinalIgnoreCase);
        var state = JsonNode.Parse(text)!;
        var origin = state["accounts"]!.AsArray().Single(a => (string?)a!["id"] == Demo.OriginAccount)!;
        Assert.Equal("origin", (string?)origin["alias"]);
        var admin = origin["users"]!.AsArray().Single(u => (string?)u!["name"] == "origin-admin")!;
        Assert.Equal(Demo.OriginAdminKey, (string?)admin["accessKeys"]![0]!["accessKeyId"]);
        var session = state["sessions"]!.AsArray().Single()!;
        Assert.Equal(role.Credentials.AccessKeyId, (string?)session["accessKeyId"]);
        Assert.Equal("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/state", (string?)session["arn"]);
    }

    [Fact]
    public async Task Calls_count_per_operation_and_account_and_log_requests_without_secrets()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.VaultRoleArn, RoleSessionName = "calls", ExternalId = Demo.ExternalId });
        await Assert.ThrowsAnyAsync<Exception>(() => sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.VaultRoleArn, RoleSessionName = "calls" }));

        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal(2, (int)calls["operations"]!["sts:GetCallerIdentity"]!);
        Assert.Equal(2, (int)calls["operations"]!["sts:AssumeRole"]!);
        Assert.Equal(1, (int)calls["errors"]!["sts:AssumeRole"]!);
        Assert.Equal(4, (int)calls["byAccount"]![Demo.OriginAccount]!.AsObject().Sum(p => (int)p.Value!));
        var recent = calls["recent"]!.AsArray();
        Assert.Equal(4, recent.Count);
        var denied = recent.Last()!;
        Assert.Equal("sts", (string?)denied["service"]);
        Assert.Equal("AssumeRole", (string?)denied["action"]);
        Assert.Equal(Demo.Region, (string?)denied["region"]);
        Assert.Equal(Demo.OriginAdminKey, (string?)denied["accessKeyId"]);
        Assert.Equal("valid", (string?)denied["signature"]);
        Assert.Equal(403, (int)denied["status"]!);
        Assert.Equal("AccessDenied", (string?)denied["errorCode"]);
        Assert.DoesNotContain(Demo.OriginAdminSecret, calls.ToJsonString(), StringComparison.Ordinal);

        using (var reset = await emulator.Http.PostAsync(emulator.Control("calls/reset"), null))
        {
            reset.EnsureSuccessStatusCode();
        }

        Assert.Equal(0, (int)(await emulator.GetJsonAsync("calls"))["total"]!);
    }

    [Fact]
    public async Task Clock_advances_and_offsets_world_time_and_reset_restores_it()
    {
        var before = DateTimeOffset.Parse((string)(await emulator.GetJsonAsync("clock"))["now"]!, System.Globalization.CultureInfo.InvariantCulture);
        using (var advanced = await emulator.PostJsonAsync("clock", new { advanceSeconds = 7200 }))
        {
            var clock = JsonNode.Parse(await advanced.Content.ReadAsStringAsync())!;
            Assert.Equal(7200, (double)clock["offsetSeconds"]!);
        }

        Assert.InRange(emulator.Server.Clock.UtcNow - before, TimeSpan.FromHours(2), TimeSpan.FromHours(2.1));
        using (var offset = await emulator.PostJsonAsync("clock", new { offsetSeconds = 60 }))
        {
            Assert.Equal(60, (double)JsonNode.Parse(await offset.Content.ReadAsStringAsync())!["offsetSeconds"]!);
        }

        using (var both = await emulator.PostJsonAsync("clock", new { offsetSeconds = 1, advanceSeconds = 1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        }

        await emulator.ResetAsync();
        Assert.Equal(TimeSpan.Zero, emulator.Server.Clock.Offset);
    }

    [Fact]
    public async Task Loading_a_fixture_replaces_the_world_until_the_next_fixture_and_reset_returns_to_it()
    {
        const string fixture = """
            {"accounts":[{"id":"333333333333","alias":"solo","users":[{"name":"solo",
              "accessKeys":[{"accessKeyId":"AKIASOLO000000000001","secretAccessKey":"soloSecretKey/FAKE/DemoOnly+000000000001"}],
              "inlinePolicies":{"all":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}}]}]}
            """;
        try
        {
            using (var load = await emulator.Http.PostAsync(emulator.Control("fixture"), new StringContent(fixture, Encoding.UTF8, "application/json")))
            {
                Assert.Equal(HttpStatusCode.OK, load.StatusCode);
            }

            using var sts = emulator.Sts(new Amazon.Runtime.BasicAWSCredentials("AKIASOLO000000000001", "soloSecretKey/FAKE/DemoOnly+000000000001"));
            Assert.Equal("333333333333", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Account);
            await emulator.ResetAsync();
            Assert.Equal("333333333333", (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Account);

            using var demo = emulator.Sts(Demo.OriginAdmin);
            var ex = await Assert.ThrowsAsync<Amazon.SecurityToken.AmazonSecurityTokenServiceException>(() => demo.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
            Assert.Equal("InvalidClientTokenId", ex.ErrorCode);
        }
        finally
        {
            emulator.Server.LoadFixture(VaultCopy.Emulator.Fixtures.FixtureLoader.DemoWorldJson());
        }
    }

    [Fact]
    public async Task An_invalid_fixture_is_refused_with_its_problems_and_changes_nothing()
    {
        const string fixture = """{"accounts":[{"id":"12345","users":[]}]}""";
        using var load = await emulator.Http.PostAsync(emulator.Control("fixture"), new StringContent(fixture, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, load.StatusCode);
        string error = (string)JsonNode.Parse(await load.Content.ReadAsStringAsync())!["error"]!;
        Assert.Contains("$.accounts[0].id: '12345' is not an AWS account id", error, StringComparison.Ordinal);
        Assert.Equal(2, (int)(await emulator.GetJsonAsync("health"))["accounts"]!);
    }

    [Fact]
    public async Task Faults_fail_matching_calls_and_the_sdk_retries_through_them()
    {
        using (var add = await emulator.PostJsonAsync("faults", new { service = "sts", action = "GetCallerIdentity", code = "Throttling", message = "Rate exceeded", httpStatus = 400, count = 1 }))
        {
            add.EnsureSuccessStatusCode();
        }

        using var sts = emulator.Sts(Demo.OriginAdmin, maxErrorRetry: 2);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(Demo.OriginAccount, identity.Account);

        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal(2, (int)calls["operations"]!["sts:GetCallerIdentity"]!);
        Assert.Equal(1, (int)calls["errors"]!["sts:GetCallerIdentity"]!);
        Assert.Equal(0, (int)(await emulator.GetJsonAsync("faults"))["faults"]![0]!["remaining"]!);
    }

    [Fact]
    public async Task Settings_hold_the_time_scale()
    {
        using (var set = await emulator.PostJsonAsync("settings", new { timeScale = 60 }))
        {
            set.EnsureSuccessStatusCode();
        }

        Assert.Equal(60, emulator.Server.Settings.TimeScale);
        using (var bad = await emulator.PostJsonAsync("settings", new { nonsense = 1 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task The_control_api_lives_only_under_its_prefix()
    {
        using (var root = await emulator.Http.GetAsync(emulator.BaseUri))
        {
            // "/" is AWS's: an unsigned GET is refused as AWS would, not answered by the control API.
            Assert.Equal(HttpStatusCode.Forbidden, root.StatusCode);
            Assert.Equal("MissingAuthenticationToken", RawAws.Element(RawAws.Xml(await root.Content.ReadAsStringAsync()), "Code"));
        }

        using (var health = await emulator.Http.GetAsync(new Uri(emulator.BaseUri, "health")))
        {
            Assert.NotEqual(HttpStatusCode.OK, health.StatusCode);
        }

        using var unknown = await emulator.Http.GetAsync(emulator.Control("nope"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
