using System.Globalization;
using System.Text.Json.Nodes;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Tests.Emulator;

namespace VaultCopy.Core.Tests.Preflight;

/// <summary>Share lists, manual snapshot headroom and copies in flight, measured in the emulator's world.</summary>
public sealed class PrereqCheckerQuotaTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    private const string DbTarget = "222222222222 eu-west-1 RdsSnapshot";
    private const string ClusterTarget = "222222222222 eu-west-1 AuroraClusterSnapshot";
    private const string EbsTarget = "222222222222 eu-west-1 EbsSnapshot";

    [Fact]
    public async Task An_RDS_snapshot_shared_with_twenty_other_accounts_cannot_take_the_vault()
    {
        JsonObject world = DemoWorld();
        JsonArray snapshots = Section(world, Demo.OriginAccount, "rds")["dbSnapshots"]!.AsArray();
        snapshots[0]!["restoreAccounts"] = Accounts(20, includeVault: false);
        snapshots.Add(JsonNode.Parse("""{ "identifier": "origin-orders-shared", "dbInstanceIdentifier": "origin-orders", "kmsKeyId": "alias/origin-backup" }"""));
        snapshots[^1]!["restoreAccounts"] = Accounts(20, includeVault: true);
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["origin-orders-manual-cmk", "origin-orders-shared", "origin-ledger-manual-cmk"]);

        VaultPrereqResult full = Single(results, PrereqChecks.SharedAccountsQuota, "origin-orders-manual-cmk");
        AssertStatus(PrereqStatus.Fail, full);
        Assert.Contains("20 accounts", full.Message, StringComparison.Ordinal);
        Assert.Contains("Edit-RDSDBSnapshotAttribute", full.Remediation, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.SharedAccountsQuota, "origin-orders-shared"));
        VaultPrereqResult room = Single(results, PrereqChecks.SharedAccountsQuota, "origin-ledger-manual-cmk");
        AssertStatus(PrereqStatus.Pass, room);
        Assert.Contains("0 of at most 20", room.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80, PrereqStatus.Pass)]
    [InlineData(95, PrereqStatus.Warning)]
    [InlineData(100, PrereqStatus.Fail)]
    public async Task Manual_DB_snapshot_headroom_in_the_vault_passes_then_warns_then_fails(int existing, PrereqStatus expected)
    {
        JsonObject world = DemoWorld();
        var snapshots = new JsonArray();
        for (int i = 0; i < existing; i++)
        {
            snapshots.Add(JsonNode.Parse($$"""{ "identifier": "vault-copy-{{i}}", "dbInstanceIdentifier": "orders", "encrypted": false }"""));
        }

        Section(world, Demo.VaultAccount, "rds")["dbSnapshots"] = snapshots;
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["origin-orders-manual-cmk"]);

        VaultPrereqResult quota = Single(results, PrereqChecks.ManualSnapshotQuota, DbTarget);
        AssertStatus(expected, quota);
        Assert.Contains($"has {existing} of at most 100 manual DB snapshots", quota.Message, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.ConcurrentCopyQuota, DbTarget));
    }

    [Fact]
    public async Task Aurora_copies_in_flight_at_the_limit_make_new_copies_queue()
    {
        JsonObject world = DemoWorld();
        var copying = new JsonArray();
        for (int i = 0; i < 5; i++)
        {
            copying.Add(JsonNode.Parse($$"""{ "identifier": "vault-ledger-{{i}}", "dbClusterIdentifier": "ledger", "encrypted": false, "status": "copying" }"""));
        }

        Section(world, Demo.VaultAccount, "rds")["dbClusterSnapshots"] = copying;
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["origin-ledger-manual-cmk"]);

        VaultPrereqResult queue = Single(results, PrereqChecks.ConcurrentCopyQuota, ClusterTarget);
        AssertStatus(PrereqStatus.Warning, queue);
        Assert.Contains("copies will queue", queue.Message, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.ManualSnapshotQuota, ClusterTarget));
    }

    [Theory]
    [InlineData(19, PrereqStatus.Pass)]
    [InlineData(20, PrereqStatus.Warning)]
    public async Task EBS_snapshot_copies_pending_in_the_vault_count_against_the_copy_limit(int pending, PrereqStatus expected)
    {
        JsonObject world = DemoWorld();
        var snapshots = new JsonArray();
        for (int i = 0; i < pending; i++)
        {
            snapshots.Add(JsonNode.Parse($$"""{ "id": "snap-0b{{i.ToString("x15", CultureInfo.InvariantCulture)}}", "volumeSize": 8, "state": "pending" }"""));
        }

        // A snapshot being taken of a volume is pending too, but holds no copy slot.
        snapshots.Add(JsonNode.Parse("""{ "id": "snap-0c000000000000001", "volumeId": "vol-0123456789abcdef0", "volumeSize": 8, "state": "pending" }"""));
        Section(world, Demo.VaultAccount, "ec2")["snapshots"] = snapshots;
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult queue = Single(results, PrereqChecks.ConcurrentCopyQuota, EbsTarget);
        AssertStatus(expected, queue);
        Assert.Contains($"{pending} EBS snapshot copies", queue.Message, StringComparison.Ordinal);
    }

    private static JsonArray Accounts(int count, bool includeVault)
    {
        var accounts = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            accounts.Add(includeVault && i == 0 ? Demo.VaultAccount : (333333333300L + i).ToString(CultureInfo.InvariantCulture));
        }

        return accounts;
    }
}
