using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Orchestration;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Orchestration;

/// <summary>
/// Invoke-VaultCopy's planning under runs of 5xx and throttling answers past the SDK's own retries: each read (the
/// vault key, an origin's listing, the vault's copies) is made again, so the plan is the one a calm AWS gives.
/// </summary>
public sealed class VaultCopyPlanningFaultTests : IAsyncLifetime
{
    private static readonly TransientFaultPolicy s_fast = new(new RetryPolicy(8, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)));

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;
    private VaultAccount _vault = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _origin = await Demo.ConnectAsync(_server, Demo.OriginAdminKey, Demo.OriginAdminSecret);
        _vault = await Demo.ConnectAsync(_server, Demo.VaultAdminKey, Demo.VaultAdminSecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(Demo.OriginAccount, "ec2", "DescribeSnapshots", "InternalError", 500, 7)]
    [InlineData(Demo.OriginAccount, "rds", "DescribeDBSnapshots", "Throttling", 400, 11)]
    [InlineData(Demo.VaultAccount, "ec2", "DescribeImages", "RequestLimitExceeded", 503, 7)]
    [InlineData(Demo.VaultAccount, "kms", "DescribeKey", "KMSInternalException", 500, 7)]
    public async Task A_run_of_faults_while_planning_is_waited_out_and_the_plan_is_whole(string account, string service, string action, string code, int status, int count)
    {
        VaultCopyRequest request = Request();
        using VaultCopyRunPlan calm = await new VaultCopyPlanner(request).PlanAsync();
        _server.Settings.AddFault(new FaultRule { Service = service, Action = action, Code = code, Message = "Injected by the test", HttpStatus = status, Count = count, AccountId = account });

        using VaultCopyRunPlan plan = await new VaultCopyPlanner(request) { FaultPolicy = s_fast }.PlanAsync();

        Assert.Equal(calm.Items.Select(i => $"{i.Id} {i.Action}"), plan.Items.Select(i => $"{i.Id} {i.Action}"));
        Assert.NotEmpty(plan.Items);
        Assert.Contains(_server.Calls.Snapshot().Errors, e => e.Key == $"{service}:{action}");
    }

    private VaultCopyRequest Request() => new()
    {
        Origins = [_origin],
        Vault = _vault,
        KmsKeyIds = new Dictionary<string, string> { [VaultCopyRequest.EveryRegion] = "alias/vault-backup" },
        Query = new ResourceQuery(),
    };
}
