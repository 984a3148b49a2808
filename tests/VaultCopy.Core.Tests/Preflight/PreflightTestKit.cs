using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Policies;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Fixtures;

namespace VaultCopy.Core.Tests.Preflight;

/// <summary>
/// Each test loads its own variant of the demo world into the class's in-process emulator, connects the origin and
/// the vault as the demo does, and runs the preflight.
/// </summary>
public abstract class PreflightTestBase(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    protected const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    protected const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";

    /// <summary>The demo world's resources on the origin's customer managed key, one of each type.</summary>
    protected static readonly string[] CustomerKeyResources =
        ["snap-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60001", "origin-orders-manual-cmk", "origin-ledger-manual-cmk"];

    protected EmulatorFixture Fixture { get; } = fixture;

    /// <summary>The demo world as JSON to change before <see cref="Load"/>.</summary>
    protected static JsonObject DemoWorld() => JsonNode.Parse(FixtureLoader.DemoWorldJson())!.AsObject();

    protected static JsonObject Account(JsonObject world, string accountId) =>
        world["accounts"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == accountId)!.AsObject();

    /// <summary>A per-Region section (ec2, rds, kms) of an account, created when missing.</summary>
    protected static JsonObject Section(JsonObject world, string accountId, string section, string region = Demo.Region)
    {
        JsonObject account = Account(world, accountId);
        JsonObject regions = (account["regions"] ??= new JsonObject()).AsObject();
        JsonObject home = (regions[region] ??= new JsonObject()).AsObject();
        return (home[section] ??= new JsonObject()).AsObject();
    }

    protected static JsonObject VaultRolePolicy(JsonObject world) =>
        Account(world, Demo.VaultAccount)["roles"]![0]!["inlinePolicies"]!["VaultSide"]!.AsObject();

    protected void Load(JsonObject world)
    {
        Fixture.Server.LoadFixture(world.ToJsonString());
        Fixture.Server.Reset();
    }

    protected Task<VaultAccount> ConnectOriginAsync(string accessKey = Demo.OriginAdminKey, string secret = Demo.OriginAdminSecret, string region = Demo.Region) =>
        AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = accessKey,
            SecretKey = secret,
            Region = region,
            EndpointUrl = Fixture.BaseUri.ToString(),
        });

    protected async Task<VaultAccount> ConnectVaultAsync(VaultAccount? through = null, string? region = null) =>
        await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            SourceAccount = through ?? await ConnectOriginAsync(),
            RoleArn = Demo.VaultRoleArn,
            ExternalId = Demo.ExternalId,
            Region = region,
        });

    protected static async Task<IReadOnlyList<VaultPrereqResult>> RunAsync(
        VaultAccount origin, VaultAccount vault, IReadOnlyList<string>? resources = null, string? destinationKeyId = VaultKeyArn)
    {
        using var checker = new PrereqChecker(origin, vault);
        var results = new List<VaultPrereqResult>();
        await foreach (VaultPrereqResult result in checker.CheckAsync(new PrereqRequest { Resources = resources ?? [], KmsKeyId = destinationKeyId }))
        {
            results.Add(result);
        }

        return results;
    }

    /// <summary>The demo default run: origin admin, vault role, the given resources, the vault key.</summary>
    protected async Task<IReadOnlyList<VaultPrereqResult>> RunDemoAsync(IReadOnlyList<string>? resources = null, string? destinationKeyId = VaultKeyArn)
    {
        VaultAccount origin = await ConnectOriginAsync();
        return await RunAsync(origin, await ConnectVaultAsync(origin), resources, destinationKeyId);
    }

    protected static VaultPrereqResult Single(IReadOnlyList<VaultPrereqResult> results, string check, string target)
    {
        var matching = results.Where(r => r.Check == check && r.Target == target).ToList();
        Assert.True(matching.Count == 1, $"Expected one {check} result for {target}, got {matching.Count}:\n{string.Join("\n", results)}");
        return matching[0];
    }

    protected static void AssertStatus(PrereqStatus expected, VaultPrereqResult result) =>
        Assert.True(result.Status == expected, $"Expected {expected}: {result}\n  Remediation: {result.Remediation}");

    /// <summary>The world as the control API shows it, without the clock (it moves on its own).</summary>
    protected async Task<string> StateAsync()
    {
        JsonObject state = await Fixture.GetJsonAsync("state");
        state.Remove("time");
        return state.ToJsonString();
    }

    /// <summary>
    /// Every call that could change something and succeeded. DryRun calls never succeed (412 DryRunOperation, or an
    /// earlier error such as a source not shared yet), and a refused call changes nothing.
    /// </summary>
    protected IReadOnlyList<string> MutatingCalls() =>
        Fixture.Server.Calls.Snapshot().Recent
            .Where(c => c.Action is not null && !IsReadOnly(c.Action) && c.Status < 300)
            .Select(c => $"{c.Service}:{c.Action} ({c.Status} {c.ErrorCode})")
            .ToList();

    protected AmazonKeyManagementServiceClient Kms(AWSCredentials credentials) =>
        new(credentials, new AmazonKeyManagementServiceConfig { ServiceURL = Fixture.BaseUri.ToString(), AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });

    /// <summary>What Grant-VaultKeyAccess does to the origin key: the editor's two statements for the vault account, put with the raw SDK.</summary>
    protected async Task GrantVaultOnOriginKeyAsync(string? viaServiceRegion = null)
    {
        using AmazonKeyManagementServiceClient kms = Kms(Demo.OriginAdmin);
        string policy = (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default" })).Policy;
        GrantResult granted = KeyPolicyEditor.Grant(policy, new KeyAccessGrant(Demo.VaultAccount)
        {
            KeyOwnerAccountId = Demo.OriginAccount,
            ViaServiceRegion = viaServiceRegion,
        });
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = granted.After });
    }

    protected async Task<JsonObject> CallsAsync() => (await Fixture.Http.GetFromJsonAsync<JsonObject>(Fixture.Control("calls")))!;

    private static bool IsReadOnly(string action) =>
        action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal)
        || action.StartsWith("List", StringComparison.Ordinal) || action == "SimulatePrincipalPolicy" || action == "AssumeRole";
}
