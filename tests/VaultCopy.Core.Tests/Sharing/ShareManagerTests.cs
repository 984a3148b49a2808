using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Sharing;

/// <summary>The share manager and its gateway calls against the in-process emulator's demo world.</summary>
public sealed class ShareManagerTests : IAsyncLifetime
{
    private const string Ami = "ami-0a1b2c3d4e5f60001";
    private const string AmiSnapshot = "snap-0a1b2c3d4e5f60004";

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;
    private VaultAccount _vault = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _origin = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = "AKIAORIGINADMIN00001",
            SecretKey = "originAdminSecretKey/FAKE/DemoOnly+00001",
            Region = "eu-west-1",
            EndpointUrl = _server.BaseUri.ToString(),
        });
        _vault = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            SourceAccount = _origin,
            RoleArn = "arn:aws:iam::222222222222:role/VaultCopyVault",
            ExternalId = "vaultcopy-demo",
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static readonly TransientFaultPolicy s_fast = new(new RetryPolicy(8, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)));

    private static readonly TransientFaultPolicy s_brief = new(new RetryPolicy(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(40)));

    private FaultRule Arm(string service, string action, string code, int status, int count)
    {
        var rule = new FaultRule { Service = service, Action = action, Code = code, Message = "Injected by the test", HttpStatus = status, Count = count, AccountId = "111111111111" };
        _server.Settings.AddFault(rule);
        return rule;
    }

    [Fact]
    public async Task Grant_then_revoke_of_an_AMI_covers_its_backing_snapshot_and_a_second_grant_sends_nothing()
    {
        using var manager = new ShareManager(_origin, _vault);
        using var vaultInventory = new ResourceInventory(_vault);

        VaultShare granted = await manager.ApplyAsync(await manager.PlanAsync(Ami, ShareOperation.Grant));
        SharePlan again = await manager.PlanAsync(Ami, ShareOperation.Grant);
        VaultResource seenByVault = await vaultInventory.GetAsync(Ami);
        VaultResource snapshotSeenByVault = await vaultInventory.GetAsync(AmiSnapshot);
        VaultShare revoked = await manager.ApplyAsync(await manager.PlanAsync(Ami, ShareOperation.Revoke));

        Assert.Equal([$"snapshot {AmiSnapshot} createVolumePermission", "launchPermission"], granted.Added);
        Assert.True(granted.New);
        Assert.True(again.IsNoOp);
        Assert.True(seenByVault.IsSharedWithMe);
        Assert.Equal("completed", snapshotSeenByVault.State);
        Assert.Equal(["launchPermission", $"snapshot {AmiSnapshot} createVolumePermission"], revoked.Removed);
        Assert.False(revoked.New);
        Assert.Empty(revoked.SharedWith);
        Assert.Equal(2, _server.Calls.Count("ec2:ModifySnapshotAttribute"));
        Assert.Equal(2, _server.Calls.Count("ec2:ModifyImageAttribute"));
        await Assert.ThrowsAsync<VaultCopyException>(() => vaultInventory.GetAsync(Ami));
    }

    [Theory]
    [InlineData("snap-0a1b2c3d4e5f60001", "ec2", "ModifySnapshotAttribute", "RequestLimitExceeded", 503, 7)]
    [InlineData(Ami, "ec2", "ModifyImageAttribute", "Unavailable", 503, 7)]
    [InlineData("origin-orders-manual-cmk", "rds", "ModifyDBSnapshotAttribute", "Throttling", 400, 11)]
    [InlineData("origin-ledger-manual-cmk", "rds", "ModifyDBClusterSnapshotAttribute", "InternalFailure", 500, 11)]
    public async Task A_share_that_meets_throttling_or_5xx_past_the_SDK_retries_is_tried_again_and_made(string id, string service, string action, string code, int status, int count)
    {
        using var manager = new ShareManager(_origin, _vault) { FaultPolicy = s_fast };
        SharePlan plan = await manager.PlanAsync(id, ShareOperation.Grant);
        FaultRule fault = Arm(service, action, code, status, count);

        VaultShare share = await manager.ApplyAsync(plan);

        Assert.Contains("222222222222", share.SharedWith);
        Assert.Equal(0, fault.Remaining);
        Assert.True((await manager.PlanAsync(id, ShareOperation.Grant)).IsNoOp);
    }

    [Theory]
    [InlineData("snap-0a1b2c3d4e5f60001", "ec2", "ModifySnapshotAttribute", "RequestLimitExceeded", 503, VaultCopyErrorKind.LimitExceeded, "Throttled")]
    [InlineData("origin-orders-manual-cmk", "rds", "ModifyDBSnapshotAttribute", "Throttling", 400, VaultCopyErrorKind.LimitExceeded, "Throttled")]
    [InlineData("snap-0a1b2c3d4e5f60001", "ec2", "ModifySnapshotAttribute", "InternalError", 500, VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable")]
    [InlineData("origin-ledger-manual-cmk", "rds", "ModifyDBClusterSnapshotAttribute", "InternalFailure", 500, VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable")]
    public async Task A_share_that_spends_the_retry_budget_fails_alike_for_every_service(string id, string service, string action, string code, int status, VaultCopyErrorKind kind, string errorId)
    {
        using var manager = new ShareManager(_origin, _vault) { FaultPolicy = s_brief };
        SharePlan plan = await manager.PlanAsync(id, ShareOperation.Grant);
        Arm(service, action, code, status, count: 0);

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => manager.ApplyAsync(plan));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains("Run it again", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RDS_shares_report_the_restore_list_RDS_answers_with()
    {
        using var manager = new ShareManager(_origin, _vault);

        VaultShare share = await manager.ApplyAsync(await manager.PlanAsync("origin-ledger-manual-cmk", ShareOperation.Grant));

        Assert.Equal(VaultResourceType.AuroraClusterSnapshot, share.Type);
        Assert.Equal(["restore"], share.Added);
        Assert.Equal(["222222222222"], share.SharedWith);
        Assert.Equal(1, _server.Calls.Count("rds:ModifyDBClusterSnapshotAttribute"));
    }

    [Fact]
    public async Task The_gateways_refuse_anything_but_an_account_id_before_sending()
    {
        using var ec2 = new Ec2Gateway(_origin.Session);
        using var rds = new RdsGateway(_origin.Session);

        await Assert.ThrowsAsync<ArgumentException>(() => ec2.AddSnapshotShareAsync("snap-0a1b2c3d4e5f60003", "all", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => ec2.AddImageLaunchPermissionAsync(Ami, "all", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => rds.ModifyRestoreAccountAsync(false, "origin-orders-manual-cmk", "all", add: true, CancellationToken.None));

        Assert.Equal(0, _server.Calls.Count("ec2:ModifySnapshotAttribute"));
        Assert.Equal(0, _server.Calls.Count("ec2:ModifyImageAttribute"));
        Assert.Equal(0, _server.Calls.Count("rds:ModifyDBSnapshotAttribute"));
    }

    [Fact]
    public void Source_and_destination_must_be_different_accounts()
    {
        VaultCopyException error = Assert.Throws<VaultCopyException>(() => new ShareManager(_origin, _origin));

        Assert.Equal("SameAccount", error.ErrorId);
    }
}
