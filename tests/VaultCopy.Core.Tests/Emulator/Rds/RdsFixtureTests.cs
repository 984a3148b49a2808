using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>The <c>rds</c> fixture section: strict validation with JSON paths, the demo world, the state view.</summary>
public sealed class RdsFixtureTests
{
    private const string Prefix = """{"accounts":[{"id":"111111111111","regions":{"eu-west-1":{"rds":""";
    private const string Suffix = "}}}]}";

    [Theory]
    [InlineData("""{"snapshots":[]}""", "$.accounts[0].regions.eu-west-1.rds.snapshots: unknown property")]
    [InlineData("""{"dbSnapshots":[{"dbInstanceIdentifier":"db"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].identifier: required")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","size":1}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].size: unknown property")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbClusterIdentifier":"db"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].dbClusterIdentifier: unknown property")]
    [InlineData("""{"dbSnapshots":[{"identifier":"1s","dbInstanceIdentifier":"db"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].identifier: '1s' is not a valid identifier")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","snapshotType":"automated"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].identifier: 's': automated snapshot identifiers start with 'rds:'")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","snapshotType":"shared"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].snapshotType: 'shared' must be manual or automated")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db"},{"identifier":"S","dbInstanceIdentifier":"db"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[1].identifier: duplicate DBSnapshot 's'")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","status":"copying"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].status: 'copying' must be one of")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","encrypted":true}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].encrypted: an encrypted snapshot needs kmsKeyId or awsManagedKey: true")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","kmsKeyId":"alias/x","awsManagedKey":true}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].kmsKeyId: give either kmsKeyId or awsManagedKey")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","awsManagedKey":true,"restoreAccounts":["all"]}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].restoreAccounts: encrypted snapshots cannot be public")]
    [InlineData("""{"dbSnapshots":[{"identifier":"rds:s-1","dbInstanceIdentifier":"db","snapshotType":"automated","restoreAccounts":["222222222222"]}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].restoreAccounts: automated snapshots cannot be shared")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","restoreAccounts":["2222"]}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].restoreAccounts[0]: must be a 12-digit account id or \"all\"")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","createTime":"yesterday"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].createTime: 'yesterday' is not an ISO 8601 time")]
    [InlineData("""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","tags":{"rds:x":"y"}}]}""", "$.accounts[0].regions.eu-west-1.rds.dbSnapshots[0].tags.rds:x: Tag keys cannot start with the reserved prefix")]
    [InlineData("""{"dbClusterSnapshots":[{"identifier":"c","dbClusterIdentifier":"db","status":"pending"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbClusterSnapshots[0].status: 'pending' must be one of")]
    [InlineData("""{"dbClusterSnapshots":[{"identifier":"c","dbClusterIdentifier":"db","kmsKeyId":"alias/nowhere"}]}""", "$.accounts[0].regions.eu-west-1.rds.dbClusterSnapshots[0].kmsKeyId: no KMS key 'alias/nowhere' in account 111111111111, Region eu-west-1")]
    public void InvalidSections_AreRefusedWithTheJsonPath(string section, string expected)
    {
        var error = Assert.Throws<FixtureException>(() => FixtureLoader.Load(new World(), Prefix + section + Suffix, DateTimeOffset.UtcNow));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MoreThanTwentySharedAccounts_IsRefused()
    {
        string accounts = string.Join(",", Enumerable.Range(1, 21).Select(i => $"\"{400000000000L + i}\""));
        string section = $$"""{"dbSnapshots":[{"identifier":"s","dbInstanceIdentifier":"db","restoreAccounts":[{{accounts}}]}]}""";
        var error = Assert.Throws<FixtureException>(() => FixtureLoader.Load(new World(), Prefix + section + Suffix, DateTimeOffset.UtcNow));
        Assert.Contains("restoreAccounts: a manual snapshot can be shared with at most 20 accounts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoWorld_HasTheOriginSnapshotsOnItsKeys()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        using var http = new HttpClient();
        var api = new RdsApi(http, server.BaseUri, RdsWorld.OriginAdmin);

        var db = await api.OkAsync("DescribeDBSnapshots");
        Assert.Equal(["origin-legacy-manual-awsrds", "origin-orders-manual-cmk", "rds:origin-legacy-2026-01-15-03-05"], db.Identifiers().Order(StringComparer.Ordinal));
        var cmk = db.Snapshots().Single(s => s.Field("DBSnapshotIdentifier") == "origin-orders-manual-cmk");
        var awsRds = db.Snapshots().Single(s => s.Field("DBSnapshotIdentifier") == "origin-legacy-manual-awsrds");
        Assert.Equal("arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111", cmk.Field("KmsKeyId"));
        Assert.NotEqual(cmk.Field("KmsKeyId"), awsRds.Field("KmsKeyId"));
        Assert.StartsWith("arn:aws:kms:eu-west-1:111111111111:key/", awsRds.Field("KmsKeyId"), StringComparison.Ordinal);

        var clusters = await api.OkAsync("DescribeDBClusterSnapshots");
        Assert.Equal(["origin-ledger-manual-cmk", "origin-legacy-ledger-manual-awsrds"], clusters.Identifiers(cluster: true).Order(StringComparer.Ordinal));

        // aws/rds snapshots cannot be shared; the customer-key one can.
        await api.FailsAsync("InvalidDBSnapshotState", 400, "ModifyDBSnapshotAttribute",
            ("DBSnapshotIdentifier", "origin-legacy-manual-awsrds"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", RdsWorld.VaultAccount));
        await api.OkAsync("ModifyDBSnapshotAttribute",
            ("DBSnapshotIdentifier", "origin-orders-manual-cmk"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", RdsWorld.VaultAccount));
    }

    [Fact]
    public async Task StateView_ShowsRdsSnapshotsPerAccountAndRegion()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = RdsWorld.Json });
        using var http = new HttpClient();
        var state = (await http.GetFromJsonAsync<JsonObject>(new Uri(server.BaseUri, "_emulator/state")))!;
        var origin = state["accounts"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == RdsWorld.OriginAccount)!;
        var rds = origin["regions"]!["eu-west-1"]!["rds"]!;
        var shared = rds["dbSnapshots"]!.AsArray().Single(s => s!["identifier"]!.GetValue<string>() == "orders-shared-cmk")!;
        Assert.Equal(RdsWorld.OriginBackup.Arn, shared["kmsKeyId"]!.GetValue<string>());
        Assert.Equal([RdsWorld.VaultAccount], shared["restoreAccounts"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(6, rds["dbClusterSnapshots"]!.AsArray().Count);
    }
}
