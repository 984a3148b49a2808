using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Orchestration;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.Preflight;

namespace VaultCopy.Core.Tests.Rules;

/// <summary>
/// Conversion reaches every backup the preflight sends it: for each kind of backup, what Test-VaultCopyPrereq says
/// (a Fail or Warning whose remediation is Convert-VaultSnapshotKey, or a refusal in its own words) is what
/// Convert-VaultSnapshotKey and Invoke-VaultCopy -ConvertKeyId do.
/// </summary>
public sealed class ConversionAgreesWithPreflightTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    /// <summary>A second customer managed key of the origin (alias/origin-second), enabled.</summary>
    private const string SecondKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-555555555555";

    /// <summary>A third customer managed key of the origin (alias/origin-disabled), disabled.</summary>
    private const string DisabledKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-666666666666";

    /// <summary>A fourth key of the origin, which its policy lets the account describe but not use.</summary>
    private const string UnusableKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-777777777777";

    private const string AutomatedDbOnCustomerKey = "rds:origin-orders-2026-01-15-03-05";
    private const string AutomatedClusterOnCustomerKey = "rds:origin-ledger-2026-01-15-04-05";
    private const string UnencryptedCluster = "origin-plain-ledger";
    private const string AutomatedUnencryptedCluster = "rds:origin-plain-ledger-2026-01-15-04-05";
    private const string UnencryptedDb = "origin-plain-orders";
    private const string AutomatedUnencryptedDb = "rds:origin-plain-orders-2026-01-15-03-05";
    private const string UnencryptedAmi = "ami-0a1b2c3d4e5f60005";
    private const string AmiOnAwsManagedAndDisabledKey = "ami-0a1b2c3d4e5f60006";
    private const string AmiOnCustomerAndDisabledKey = "ami-0a1b2c3d4e5f60007";

    /// <summary>Backup, the key its conversion copy ends under (null: refused), the refusal's error id.</summary>
    public static TheoryData<string, string?, string?> Cases => new()
    {
        // Default keys: re-encrypted under -KmsKeyId.
        { "snap-0a1b2c3d4e5f60002", OriginKeyArn, null },
        { "ami-0a1b2c3d4e5f60002", OriginKeyArn, null },
        { "origin-legacy-manual-awsrds", OriginKeyArn, null },
        { "rds:origin-legacy-2026-01-15-03-05", OriginKeyArn, null },
        { "origin-legacy-ledger-manual-awsrds", OriginKeyArn, null },

        // Automated on a customer managed key: made manual, under the key it has.
        { AutomatedDbOnCustomerKey, SecondKeyArn, null },
        { AutomatedClusterOnCustomerKey, SecondKeyArn, null },

        // Unencrypted: EBS, AMIs and RDS DB snapshots are encrypted by the copy; Aurora cannot be.
        { "snap-0a1b2c3d4e5f60003", OriginKeyArn, null },
        { UnencryptedAmi, OriginKeyArn, null },
        { UnencryptedDb, OriginKeyArn, null },
        { AutomatedUnencryptedDb, OriginKeyArn, null },
        { UnencryptedCluster, null, "UnencryptedAuroraSnapshot" },
        { AutomatedUnencryptedCluster, null, "UnencryptedAuroraSnapshot" },

        // An AMI on two keys: the refusal names the one that is unusable, the second.
        { AmiOnAwsManagedAndDisabledKey, null, "SourceKeyDisabled" },
        { AmiOnCustomerAndDisabledKey, null, "SourceKeyDisabled" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Convert_VaultSnapshotKey_does_what_the_preflight_says(string id, string? convertedUnder, string? refusalId)
    {
        (VaultAccount origin, VaultAccount vault) = await LoadAsync();
        IReadOnlyList<VaultPrereqResult> preflight = About(id, await RunAsync(origin, vault, [id]));
        bool sentToConversion = preflight.Any(SendsToConversion);
        Assert.NotEmpty(preflight);

        using var converter = new SnapshotKeyConverter(origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        VaultResource source = await converter.Inventory.GetAsync(id);
        ConversionPlan plan = await converter.PlanAsync(source, key);

        if (refusalId is null)
        {
            Assert.True(plan.Job is not null, $"{id}: {plan.SkipReason ?? plan.Refusal?.Message}");
            Assert.Equal(convertedUnder, plan.Job.TargetKeyArn);
            await converter.Engine.RunAsync([plan.Job], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) });
            Assert.True(plan.Job.State == CopyJobState.Completed && plan.Job.Verified == true, $"{id}: {plan.Job.State} {plan.Job.FailureReason} {plan.Job.VerificationMessage}");

            // The copy is what the vault copy needs: the preflight has nothing left to say against it as a source.
            VaultResource copy = await converter.Inventory.GetAsync(plan.Job.TargetArn ?? plan.Job.TargetId!);
            Assert.Equal(convertedUnder, copy.Type == VaultResourceType.Ami ? copy.BackingSnapshots.Select(s => s.KmsKeyArn).Distinct().Single() : copy.KmsKeyArn);
            IReadOnlyList<VaultPrereqResult> after = About(copy.Id, await RunAsync(origin, vault, [copy.Id]))
                .Where(r => r.Check is PrereqChecks.ResourceState or PrereqChecks.ManualSnapshot or PrereqChecks.Encryption or PrereqChecks.SourceKeyState).ToList();
            Assert.NotEmpty(after);
            Assert.All(after, r => AssertStatus(PrereqStatus.Pass, r));
        }
        else
        {
            // Refused in the preflight's words, for a reason the preflight does not send to the conversion (it may
            // send the backup there as well, for its default key or automated snapshot: that comes second).
            Assert.Null(plan.Job);
            Assert.Equal(refusalId, plan.Refusal?.ErrorId);
            VaultPrereqResult said = Assert.Single(preflight, r => r.Status == PrereqStatus.Fail && r.Message == plan.Refusal!.Message);
            Assert.Equal(said.Remediation, plan.Refusal!.Remediation);
            Assert.False(SendsToConversion(said), $"The preflight sends {id} to Convert-VaultSnapshotKey for the reason it refuses it.");
            if (refusalId == "SourceKeyDisabled")
            {
                Assert.Contains(DisabledKeyArn, plan.Refusal.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(OriginKeyArn, plan.Refusal.Message, StringComparison.Ordinal);
            }
        }

        if (sentToConversion && refusalId is null)
        {
            Assert.NotNull(plan.Job);
        }
    }

    [Fact]
    public async Task An_unencrypted_Aurora_snapshot_is_refused_before_RDS_is_asked_and_is_never_sent_a_KmsKeyId()
    {
        (VaultAccount origin, _) = await LoadAsync();
        using var converter = new SnapshotKeyConverter(origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        Fixture.Server.Calls.Reset();

        foreach (string id in new[] { UnencryptedCluster, AutomatedUnencryptedCluster })
        {
            ConversionPlan plan = await converter.PlanAsync(await converter.Inventory.GetAsync(id), key);
            Assert.Null(plan.Job);
            Assert.Contains("Restore it into a cluster encrypted under a customer managed key", plan.Refusal?.Remediation, StringComparison.Ordinal);
        }

        Assert.Equal(0, Fixture.Server.Calls.Count("rds:CopyDBClusterSnapshot"));
    }

    [Fact]
    public async Task Invoke_VaultCopy_with_ConvertKeyId_plans_every_case_as_the_preflight_says()
    {
        (VaultAccount origin, VaultAccount vault) = await LoadAsync();
        string[] ids = Cases.Select(c => (string)c[0]).ToArray();

        using VaultCopyRunPlan plan = await new VaultCopyPlanner(Request(origin, vault, ids)).PlanAsync();

        foreach (object[] row in Cases)
        {
            // The preflight of this backup alone: a key's finding names every backup checked on it.
            string id = (string)row[0];
            VaultCopyPlanItem item = plan.Items.Single(i => i.Id == id);
            IReadOnlyList<VaultPrereqResult> said = About(id, await RunAsync(origin, vault, [id]));
            if (row[2] is string refusalId)
            {
                Assert.True(item.Action == PlanAction.Refuse, $"{id}: {item}");
                Assert.Equal(refusalId, item.ErrorId);
                VaultPrereqResult failed = Assert.Single(said, r => r.Status == PrereqStatus.Fail && r.Message == item.Cause);
                Assert.Equal(failed.Remediation, item.Remediation);
            }
            else if (said.Any(SendsToConversion))
            {
                Assert.True(item.Action == PlanAction.Convert, $"{id}: {item}");
                Assert.Equal((string?)row[1], item.CopiedKeyArn);
            }
            else
            {
                // Unencrypted EBS, AMI and RDS DB snapshots pass: the vault copy encrypts them under the vault key.
                Assert.All(said.Where(r => r.Side == PrereqSide.Source && r.Check != PrereqChecks.SourceCanShare), r => AssertStatus(PrereqStatus.Pass, r));
                Assert.True(item.Action == PlanAction.Copy, $"{id}: {item}");
            }
        }
    }

    [Fact]
    public async Task Invoke_VaultCopy_vaults_automated_snapshots_on_a_customer_key_through_a_manual_copy_under_that_key()
    {
        (VaultAccount origin, VaultAccount vault) = await LoadAsync();
        string[] ids = [AutomatedDbOnCustomerKey, AutomatedClusterOnCustomerKey];
        VaultCopyRequest request = Request(origin, vault, ids);
        using VaultCopyRunPlan plan = await new VaultCopyPlanner(request).PlanAsync();

        VaultCopyRunResult run = await new VaultCopyOrchestrator(plan, request, new VaultCopyRunOptions
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
            MinPollInterval = TimeSpan.FromMilliseconds(100),
            Timeout = TimeSpan.FromSeconds(90),
        }).RunAsync();

        Assert.All(run.Outcomes, o => Assert.True(o.Outcome == OutcomeKind.Vaulted, o.ToString()));
        using var inventory = new ResourceInventory(origin);
        foreach (VaultCopyOutcome outcome in run.Outcomes)
        {
            VaultResource converted = await inventory.GetAsync(outcome.ConvertedId!);
            Assert.Equal("manual", converted.SnapshotType);
            Assert.Equal(SecondKeyArn, converted.KmsKeyArn);
        }
    }

    [Fact]
    public async Task A_conversion_that_fails_on_a_key_names_the_AMIs_key_the_account_could_not_use_not_its_default_key()
    {
        (VaultAccount origin, _) = await LoadAsync();
        using var converter = new SnapshotKeyConverter(origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        VaultResource ami = await converter.Inventory.GetAsync("ami-0a1b2c3d4e5f60008");
        string defaultKey = ami.BackingSnapshots[0].KmsKeyArn!;
        Assert.Equal(KeyManager.AwsManaged, ami.BackingSnapshots[0].KeyManager);

        ConversionPlan plan = await converter.PlanAsync(ami, key);
        await converter.Engine.RunAsync([plan.Job!], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) });

        Assert.Equal(CopyJobState.Failed, plan.Job!.State);
        Assert.Equal("VaultCopyKeyNotAccessible", plan.Job.Failure?.ErrorId);
        Assert.Contains(UnusableKeyArn, plan.Job.Failure!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(defaultKey, plan.Job.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(UnusableKeyArn, plan.Job.Failure.Remediation, StringComparison.Ordinal);

        // Inside its own account the fix is the key's policy for this principal, not access for the vault.
        Assert.DoesNotContain("Grant-VaultKeyAccess", plan.Job.Failure.Remediation, StringComparison.Ordinal);
    }

    private static VaultCopyRequest Request(VaultAccount origin, VaultAccount vault, IReadOnlyList<string> ids) => new()
    {
        Origins = [origin],
        Vault = vault,
        KmsKeyIds = new Dictionary<string, string> { [VaultCopyRequest.EveryRegion] = "alias/vault-backup" },
        ConvertKeyId = "alias/origin-backup",
        GrantKeyAccess = true,
        Ids = ids,
    };

    private static bool SendsToConversion(VaultPrereqResult result) =>
        result.Status is PrereqStatus.Fail or PrereqStatus.Warning
        && result.Remediation?.Contains("Convert-VaultSnapshotKey", StringComparison.Ordinal) == true;

    /// <summary>The preflight's results about one backup: its own checks, its backing snapshots' and its keys'.</summary>
    private static IReadOnlyList<VaultPrereqResult> About(string id, IReadOnlyList<VaultPrereqResult> results) =>
        results.Where(r => r.Target == id || r.Target.StartsWith(id + "/", StringComparison.Ordinal)
            || (r.Check == PrereqChecks.SourceKeyState && r.Message.Contains(id, StringComparison.Ordinal))).ToList();

    private async Task<(VaultAccount Origin, VaultAccount Vault)> LoadAsync()
    {
        JsonObject world = DemoWorld();
        JsonObject kms = Section(world, Demo.OriginAccount, "kms");
        kms["keys"]!.AsArray().Add(JsonNode.Parse("""{ "id": "a1b2c3d4-0000-4000-8000-555555555555", "description": "A second origin key." }"""));
        kms["keys"]!.AsArray().Add(JsonNode.Parse("""{ "id": "a1b2c3d4-0000-4000-8000-666666666666", "description": "A disabled origin key.", "state": "Disabled" }"""));
        kms["keys"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "a1b2c3d4-0000-4000-8000-777777777777", "description": "An origin key the account may describe but not use.",
              "policy": { "Version": "2012-10-17", "Statement": [ { "Sid": "DescribeOnly", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" },
                                                                   "Action": [ "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy" ], "Resource": "*" } ] } }
            """));
        kms["aliases"]!.AsArray().Add(JsonNode.Parse("""{ "name": "alias/origin-second", "targetKeyId": "a1b2c3d4-0000-4000-8000-555555555555" }"""));

        JsonObject ec2 = Section(world, Demo.OriginAccount, "ec2");
        ec2["snapshots"]!.AsArray().Add(JsonNode.Parse("""{ "id": "snap-0a1b2c3d4e5f60006", "volumeSize": 8, "encrypted": false }"""));
        ec2["snapshots"]!.AsArray().Add(JsonNode.Parse("""{ "id": "snap-0a1b2c3d4e5f60007", "volumeSize": 8, "kmsKeyId": "a1b2c3d4-0000-4000-8000-666666666666" }"""));
        ec2["snapshots"]!.AsArray().Add(JsonNode.Parse("""{ "id": "snap-0a1b2c3d4e5f60008", "volumeSize": 8, "kmsKeyId": "a1b2c3d4-0000-4000-8000-777777777777" }"""));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60008", "name": "default-and-unusable-keys",
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60005" },
                                       { "deviceName": "/dev/xvdb", "snapshotId": "snap-0a1b2c3d4e5f60008" } ] }
            """));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60005", "name": "plain-server",
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60006" } ] }
            """));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60006", "name": "default-and-disabled-keys",
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60005" },
                                       { "deviceName": "/dev/xvdb", "snapshotId": "snap-0a1b2c3d4e5f60007" } ] }
            """));
        ec2["images"]!.AsArray().Add(JsonNode.Parse("""
            { "id": "ami-0a1b2c3d4e5f60007", "name": "customer-and-disabled-keys",
              "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0a1b2c3d4e5f60004" },
                                       { "deviceName": "/dev/xvdb", "snapshotId": "snap-0a1b2c3d4e5f60007" } ] }
            """));

        JsonObject rds = Section(world, Demo.OriginAccount, "rds");
        rds["dbSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{AutomatedDbOnCustomerKey}}", "dbInstanceIdentifier": "origin-orders", "allocatedStorage": 20, "snapshotType": "automated", "kmsKeyId": "alias/origin-second" }"""));
        rds["dbSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{UnencryptedDb}}", "dbInstanceIdentifier": "origin-plain", "allocatedStorage": 20, "encrypted": false }"""));
        rds["dbSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{AutomatedUnencryptedDb}}", "dbInstanceIdentifier": "origin-plain", "allocatedStorage": 20, "snapshotType": "automated", "encrypted": false }"""));
        rds["dbClusterSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{AutomatedClusterOnCustomerKey}}", "dbClusterIdentifier": "origin-ledger", "snapshotType": "automated", "kmsKeyId": "alias/origin-second" }"""));
        rds["dbClusterSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{UnencryptedCluster}}", "dbClusterIdentifier": "origin-plain-ledger", "encrypted": false }"""));
        rds["dbClusterSnapshots"]!.AsArray().Add(JsonNode.Parse($$"""{ "identifier": "{{AutomatedUnencryptedCluster}}", "dbClusterIdentifier": "origin-plain-ledger", "snapshotType": "automated", "encrypted": false }"""));
        Load(world);
        Fixture.Server.Settings.TimeScale = 600;
        VaultAccount origin = await ConnectOriginAsync();
        return (origin, await ConnectVaultAsync(origin));
    }
}
