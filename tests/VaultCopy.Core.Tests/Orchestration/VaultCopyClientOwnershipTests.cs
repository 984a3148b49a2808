using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Orchestration;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.VaultCopies;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Orchestration;

/// <summary>
/// The whole vault copy — plan, key access, shares, copies, withdrawal, lock and retention — runs on the clients its
/// plan opened: one per service, account and Region, however many phases use them.
/// </summary>
public sealed class VaultCopyClientOwnershipTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;
    private VaultAccount _vault = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server.Settings.TimeScale = 600;
        _origin = await Connect(Demo.OriginAdminKey, Demo.OriginAdminSecret);
        _vault = await Connect(Demo.VaultAdminKey, Demo.VaultAdminSecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_whole_vault_copy_opens_one_client_per_service_account_and_Region()
    {
        var request = new VaultCopyRequest
        {
            Origins = [_origin],
            Vault = _vault,
            KmsKeyIds = new Dictionary<string, string> { [VaultCopyRequest.EveryRegion] = "alias/vault-backup" },
            GrantKeyAccess = true,
            Ids = ["snap-0a1b2c3d4e5f60001"],
        };
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (VaultCopyRunPlan plan = await new VaultCopyPlanner(request).PlanAsync())
        using (var after = new AfterCopy(plan, new AfterCopyRequest { LockDays = 1, RetainDays = 30 }))
        {
            VaultCopyRunResult run = await new VaultCopyOrchestrator(plan, request, new VaultCopyRunOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(200),
                MinPollInterval = TimeSpan.FromMilliseconds(50),
                Timeout = TimeSpan.FromSeconds(60),
                AfterVerified = after.LockAsync,
            }).RunAsync();
            await after.RetainAsync(run, plan.Origins, CancellationToken.None);

            Assert.Equal(1, run.Summary.Vaulted);
            Assert.Contains(after.Results, r => r.Step == "Lock" && r.Done);
        }

        ClientOwnershipTests.AssertOncePerAccountAndRegion(opened,
            $"ec2 {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.OriginAccount} {Demo.Region}",
            $"ec2 {Demo.VaultAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}");
    }

    private Task<VaultAccount> Connect(string accessKey, string secretKey) => Demo.ConnectAsync(_server, accessKey, secretKey);
}
