using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Preflight;

/// <summary>The account checks and the per-resource checks, each seen passing and failing.</summary>
public sealed class PrereqCheckerResourceTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    [Fact]
    public async Task Both_accounts_pass_when_reachable_distinct_and_in_one_partition()
    {
        Load(DemoWorld());

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync();

        VaultPrereqResult source = Single(results, PrereqChecks.AccountReachable, Demo.OriginAccount);
        AssertStatus(PrereqStatus.Pass, source);
        Assert.Equal(PrereqSide.Source, source.Side);
        Assert.Contains("user/origin-admin", source.Message, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.AccountReachable, Demo.VaultAccount));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DistinctAccounts, "111111111111 -> 222222222222"));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.SamePartition, "111111111111 -> 222222222222"));
        Assert.Equal("Same-Region copy in eu-west-1.", Single(results, PrereqChecks.Regions, "eu-west-1 -> eu-west-1").Message);
    }

    [Fact]
    public async Task The_same_account_on_both_sides_fails()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(origin, origin);

        VaultPrereqResult distinct = Single(results, PrereqChecks.DistinctAccounts, "111111111111 -> 111111111111");
        AssertStatus(PrereqStatus.Fail, distinct);
        Assert.Contains("Connect-VaultAccount -SourceAccount $origin -RoleArn", distinct.Remediation, StringComparison.Ordinal);
        VaultPrereqResult rest = Single(results, PrereqChecks.RemainingChecks, "all");
        AssertStatus(PrereqStatus.Skipped, rest);
        Assert.Contains("fix DistinctAccounts first", rest.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_account_fails_and_skips_the_rest()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);

        // Twice: a role session AWS calls expired is assumed again once, and this one stays expired.
        Fixture.Server.Settings.AddFault(new FaultRule
        {
            Service = "sts", Action = "GetCallerIdentity", AccountId = Demo.VaultAccount, Code = "ExpiredToken",
            Message = "The security token included in the request is expired", HttpStatus = 403, Count = 2,
        });

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(origin, vault, CustomerKeyResources);

        VaultPrereqResult unreachable = Single(results, PrereqChecks.AccountReachable, Demo.VaultAccount);
        AssertStatus(PrereqStatus.Fail, unreachable);
        Assert.Contains("expired", unreachable.Message, StringComparison.Ordinal);
        Assert.Contains("Connect-VaultAccount", unreachable.Remediation, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Skipped, Single(results, PrereqChecks.RemainingChecks, "all"));
        Assert.DoesNotContain(results, r => r.Check == PrereqChecks.ResourceState);
    }

    [Fact]
    public async Task A_cross_Region_copy_notes_that_the_key_must_live_in_the_destination_Region()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin, region: "eu-central-1");

        IReadOnlyList<VaultPrereqResult> wrongRegionKey = await RunAsync(origin, vault, destinationKeyId: VaultKeyArn);
        IReadOnlyList<VaultPrereqResult> missingAlias = await RunAsync(origin, vault, destinationKeyId: "alias/vault-backup");

        VaultPrereqResult regions = Single(wrongRegionKey, PrereqChecks.Regions, "eu-west-1 -> eu-central-1");
        AssertStatus(PrereqStatus.Pass, regions);
        Assert.Contains("must live in eu-central-1", regions.Message, StringComparison.Ordinal);
        VaultPrereqResult key = Single(wrongRegionKey, PrereqChecks.DestinationKey, VaultKeyArn);
        AssertStatus(PrereqStatus.Fail, key);
        Assert.Contains("lives in eu-west-1", key.Message, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Fail, Single(missingAlias, PrereqChecks.DestinationKey, "alias/vault-backup"));
    }

    [Fact]
    public async Task A_resource_that_is_missing_elsewhere_or_malformed_fails_its_state_check()
    {
        Load(DemoWorld());

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync([
            "snap-0123456789abcdef0", "arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60001",
            "arn:aws:rds:eu-west-1:333333333333:snapshot:someone-elses", "no such thing!",
        ]);

        VaultPrereqResult missing = Single(results, PrereqChecks.ResourceState, "snap-0123456789abcdef0");
        AssertStatus(PrereqStatus.Fail, missing);
        Assert.Contains("Get-VaultResource -Account $origin", missing.Remediation, StringComparison.Ordinal);
        VaultPrereqResult otherRegion = Single(results, PrereqChecks.ResourceState, "arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60001");
        AssertStatus(PrereqStatus.Fail, otherRegion);
        Assert.Contains("-Region us-east-1", otherRegion.Remediation, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Fail, Single(results, PrereqChecks.ResourceState, "arn:aws:rds:eu-west-1:333333333333:snapshot:someone-elses"));
        AssertStatus(PrereqStatus.Fail, Single(results, PrereqChecks.ResourceState, "no such thing!"));
        Assert.DoesNotContain(results, r => r.Check is PrereqChecks.SourceCanShare or PrereqChecks.Encryption);
    }

    [Fact]
    public async Task Unusable_states_billing_products_mixed_keys_and_unencrypted_Aurora_are_reported_per_resource()
    {
        JsonObject world = DemoWorld();
        JsonObject ec2 = Section(world, Demo.OriginAccount, "ec2");
        ec2["snapshots"]!.AsArray().Add(JsonNode.Parse("""{ "id": "snap-0a1b2c3d4e5f60006", "volumeSize": 8, "kmsKeyId": "alias/origin-backup", "state": "pending" }"""));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60003", "name": "marketplace-app", "billingProducts": [ "bp-6ba54002" ],
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60004" } ] }
            """));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60004", "name": "mixed-keys",
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60004" },
                                       { "deviceName": "/dev/xvdb", "snapshotId": "snap-0a1b2c3d4e5f60005" } ] }
            """));
        Section(world, Demo.OriginAccount, "rds")["dbClusterSnapshots"]!.AsArray().Add(JsonNode.Parse("""
            { "identifier": "origin-plain-ledger", "dbClusterIdentifier": "origin-plain", "encrypted": false }
            """));
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60006", "ami-0a1b2c3d4e5f60003", "ami-0a1b2c3d4e5f60004", "origin-plain-ledger"]);

        VaultPrereqResult pending = Single(results, PrereqChecks.ResourceState, "snap-0a1b2c3d4e5f60006");
        AssertStatus(PrereqStatus.Fail, pending);
        Assert.Contains("is pending", pending.Message, StringComparison.Ordinal);
        Assert.Contains("Wait until it is completed", pending.Remediation, StringComparison.Ordinal);
        VaultPrereqResult billing = Single(results, PrereqChecks.BillingProduct, "ami-0a1b2c3d4e5f60003");
        AssertStatus(PrereqStatus.Fail, billing);
        Assert.Contains("RunInstances:0002", billing.Message, StringComparison.Ordinal);
        Assert.Contains("Launch an instance", billing.Remediation, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Skipped, Single(results, PrereqChecks.DestinationCanCopy, "ami-0a1b2c3d4e5f60003"));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.BillingProduct, "ami-0a1b2c3d4e5f60004"));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.Encryption, "ami-0a1b2c3d4e5f60004/snap-0a1b2c3d4e5f60004"));
        AssertStatus(PrereqStatus.Fail, Single(results, PrereqChecks.Encryption, "ami-0a1b2c3d4e5f60004/snap-0a1b2c3d4e5f60005"));
        VaultPrereqResult plain = Single(results, PrereqChecks.Encryption, "origin-plain-ledger");
        // RDS refuses a KmsKeyId for it, and an unencrypted copy is never a verified vault copy: the copy would fail.
        AssertStatus(PrereqStatus.Fail, plain);
        Assert.Contains("RDS cannot encrypt an Aurora cluster snapshot while copying it", plain.Message, StringComparison.Ordinal);
        Assert.Contains("Restore it into a cluster encrypted under a customer managed key", plain.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Disabled", "Enable-KMSKey")]
    [InlineData("PendingDeletion", "cancel-key-deletion")]
    public async Task A_source_key_that_is_not_enabled_fails(string state, string remedy)
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.OriginAccount, "kms")["keys"]![0]!["state"] = state;
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult key = Single(results, PrereqChecks.SourceKeyState, OriginKeyArn);
        AssertStatus(PrereqStatus.Fail, key);
        Assert.Contains("snap-0a1b2c3d4e5f60001", key.Message, StringComparison.Ordinal);
        Assert.Contains(remedy, key.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_resources_the_accounts_vault_key_and_every_quota_are_checked()
    {
        Load(DemoWorld());

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync();

        Assert.DoesNotContain(results, r => r.Status is PrereqStatus.Fail or PrereqStatus.Warning);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DestinationKey, VaultKeyArn));
        Assert.Equal(4, results.Count(r => r.Check == PrereqChecks.ConcurrentCopyQuota));
        Assert.Equal(2, results.Count(r => r.Check == PrereqChecks.ManualSnapshotQuota));
    }
}
