using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.SecurityToken;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>The demo world's principals and keys (tests/VaultCopy.Emulator/README.md).</summary>
internal static class Demo
{
    public const string OriginAccount = "111111111111";
    public const string VaultAccount = "222222222222";
    public const string Region = "eu-west-1";

    public const string OriginAdminKey = "AKIAORIGINADMIN00001";
    public const string OriginAdminSecret = "originAdminSecretKey/FAKE/DemoOnly+00001";
    public const string OriginAuditorKey = "AKIAORIGINAUDITOR001";
    public const string OriginAuditorSecret = "originAuditorSecretKey/FAKE/DemoOnly+001";
    public const string VaultAdminKey = "AKIAVAULTADMIN000001";
    public const string VaultAdminSecret = "vaultAdminSecretKey/FAKE/DemoOnly+000001";

    public const string VaultRoleArn = "arn:aws:iam::222222222222:role/VaultCopyVault";
    public const string OriginRoleArn = "arn:aws:iam::111111111111:role/VaultCopyOrigin";
    public const string ExternalId = "vaultcopy-demo";

    public static readonly string[] Secrets = [OriginAdminSecret, OriginAuditorSecret, VaultAdminSecret];

    public static BasicAWSCredentials OriginAdmin => new(OriginAdminKey, OriginAdminSecret);

    public static BasicAWSCredentials OriginAuditor => new(OriginAuditorKey, OriginAuditorSecret);

    public static BasicAWSCredentials VaultAdmin => new(VaultAdminKey, VaultAdminSecret);

    /// <summary>A connection with static keys of the demo world, in its Region, through the emulator at <paramref name="server"/>.</summary>
    public static Task<VaultCopy.Core.Accounts.VaultAccount> ConnectAsync(EmulatorServer server, string accessKey, string secretKey) =>
        VaultCopy.Core.Accounts.AccountConnector.ConnectAsync(new VaultCopy.Core.Accounts.ConnectionRequest
        {
            AccessKey = accessKey,
            SecretKey = secretKey,
            Region = Region,
            EndpointUrl = server.BaseUri.ToString(),
        });
}

/// <summary>One in-process emulator per test class; tests reset it through the control API.</summary>
public class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public Uri BaseUri => Server.BaseUri;

    /// <summary>Fixture JSON for the server; null = the demo world.</summary>
    protected virtual string? FixtureJson => null;

    public async Task InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = FixtureJson });

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public Uri Control(string path) => new(BaseUri, "_emulator/" + path);

    public async Task ResetAsync()
    {
        using var response = await Http.PostAsync(Control("reset"), null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonObject> GetJsonAsync(string path) =>
        (await Http.GetFromJsonAsync<JsonObject>(Control(path)))!;

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body) =>
        await Http.PostAsJsonAsync(Control(path), body);

    public async Task AdvanceClockAsync(TimeSpan by)
    {
        using var response = await PostJsonAsync("clock", new { advanceSeconds = by.TotalSeconds });
        response.EnsureSuccessStatusCode();
    }

    public AmazonSecurityTokenServiceClient Sts(AWSCredentials credentials, int? maxErrorRetry = 0) =>
        new(credentials, new AmazonSecurityTokenServiceConfig
        {
            // ServiceURL and AuthenticationRegion together, never RegionEndpoint (engineering-notes §1.1).
            ServiceURL = BaseUri.ToString(),
            AuthenticationRegion = Demo.Region,
            MaxErrorRetry = maxErrorRetry ?? 2,
        });
}
