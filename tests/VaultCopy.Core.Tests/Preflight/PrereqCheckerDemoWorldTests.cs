using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Preflight;

/// <summary>The preflight on the demo world as it ships, and once the origin key policy names the vault.</summary>
public sealed class PrereqCheckerDemoWorldTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    private static readonly string[] s_allDemoResources =
    [
        "snap-0a1b2c3d4e5f60001", "snap-0a1b2c3d4e5f60002", "snap-0a1b2c3d4e5f60003", "ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002",
        "origin-orders-manual-cmk", "origin-legacy-manual-awsrds", "rds:origin-legacy-2026-01-15-03-05",
        "origin-ledger-manual-cmk", "origin-legacy-ledger-manual-awsrds",
    ];

    [Fact]
    public async Task Fails_on_the_untouched_demo_world_with_the_command_that_fixes_each_problem()
    {
        Load(DemoWorld());

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(s_allDemoResources);

        VaultPrereqResult awsEbs = Single(results, PrereqChecks.Encryption, "snap-0a1b2c3d4e5f60002");
        AssertStatus(PrereqStatus.Fail, awsEbs);
        Assert.Contains("aws/ebs", awsEbs.Message, StringComparison.Ordinal);
        Assert.Equal("Convert-VaultSnapshotKey -Account $origin -Id 'snap-0a1b2c3d4e5f60002' -KmsKeyId <customer managed key>", awsEbs.Remediation);

        VaultPrereqResult amiSnapshot = Single(results, PrereqChecks.Encryption, "ami-0a1b2c3d4e5f60002/snap-0a1b2c3d4e5f60005");
        AssertStatus(PrereqStatus.Fail, amiSnapshot);
        Assert.Contains("Convert-VaultSnapshotKey -Account $origin -Id 'ami-0a1b2c3d4e5f60002'", amiSnapshot.Remediation, StringComparison.Ordinal);

        foreach (string awsRds in new[] { "origin-legacy-manual-awsrds", "origin-legacy-ledger-manual-awsrds" })
        {
            VaultPrereqResult result = Single(results, PrereqChecks.Encryption, awsRds);
            AssertStatus(PrereqStatus.Fail, result);
            Assert.Contains("aws/rds", result.Message, StringComparison.Ordinal);
            Assert.Contains("Convert-VaultSnapshotKey", result.Remediation, StringComparison.Ordinal);
        }

        VaultPrereqResult automated = Single(results, PrereqChecks.ManualSnapshot, "rds:origin-legacy-2026-01-15-03-05");
        AssertStatus(PrereqStatus.Fail, automated);
        Assert.Contains("automated", automated.Message, StringComparison.Ordinal);
        Assert.StartsWith("Convert-VaultSnapshotKey -Account $origin -Id 'rds:origin-legacy-2026-01-15-03-05' -KmsKeyId", automated.Remediation, StringComparison.Ordinal);

        VaultPrereqResult keyPolicy = Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Fail, keyPolicy);
        Assert.Contains("kms:Decrypt", keyPolicy.Message, StringComparison.Ordinal);
        Assert.Contains("kms:CreateGrant", keyPolicy.Message, StringComparison.Ordinal);
        Assert.Equal($"Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId {OriginKeyArn}", keyPolicy.Remediation);

        // What is right already says so; what cannot be shared is not probed further.
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.Encryption, "snap-0a1b2c3d4e5f60001"));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.Encryption, "snap-0a1b2c3d4e5f60003"));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.SourceKeyState, OriginKeyArn));
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DestinationIdentityPolicy, OriginKeyArn));
        AssertStatus(PrereqStatus.Skipped, Single(results, PrereqChecks.SourceCanShare, "snap-0a1b2c3d4e5f60002"));
        Assert.All(results.Where(r => r.Status is PrereqStatus.Fail or PrereqStatus.Warning), r => Assert.False(string.IsNullOrEmpty(r.Remediation)));
    }

    [Fact]
    public async Task Changes_nothing_and_probes_EC2_only_with_DryRun()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        string before = await StateAsync();
        Fixture.Server.Calls.Reset();

        await RunAsync(origin, vault, s_allDemoResources, "alias/vault-backup");

        Assert.Equal(before, await StateAsync());
        Assert.Empty(MutatingCalls());
        CallLogSnapshot calls = Fixture.Server.Calls.Snapshot();
        Assert.True(calls.Operations.GetValueOrDefault("ec2:ModifySnapshotAttribute") > 0, "the share permission was probed");
        Assert.True(calls.Operations.GetValueOrDefault("ec2:ModifyImageAttribute") > 0, "the AMI share permission was probed");
        Assert.True(calls.Operations.GetValueOrDefault("iam:SimulatePrincipalPolicy") > 0, "IAM was simulated");
        Assert.All(calls.Recent.Where(c => c.Action is "ModifySnapshotAttribute" or "ModifyImageAttribute"), c => Assert.Equal(412, c.Status));
    }

    [Fact]
    public async Task Passes_every_check_once_the_origin_key_policy_names_the_vault()
    {
        Load(DemoWorld());
        await GrantVaultOnOriginKeyAsync();
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        string before = await StateAsync();
        Fixture.Server.Calls.Reset();

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(origin, vault, CustomerKeyResources, "alias/vault-backup");

        Assert.All(results, r => AssertStatus(PrereqStatus.Pass, r));
        Assert.Contains("VaultCopyUseKey-222222222222", Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn).Message, StringComparison.Ordinal);
        foreach (string resource in CustomerKeyResources)
        {
            Single(results, PrereqChecks.SourceCanShare, resource);
            Single(results, PrereqChecks.DestinationCanCopy, resource);
        }

        Assert.Equal(before, await StateAsync());
        Assert.Empty(MutatingCalls());
    }

    [Fact]
    public async Task A_grant_limited_to_EC2_and_RDS_in_the_Region_passes_because_the_service_is_known()
    {
        Load(DemoWorld());
        await GrantVaultOnOriginKeyAsync(viaServiceRegion: Demo.Region);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(CustomerKeyResources);

        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn));
    }

    [Fact]
    public async Task A_key_policy_Deny_fails_with_advice_to_remove_or_narrow_it_not_to_run_Grant_VaultKeyAccess()
    {
        Load(DemoWorld());
        await GrantVaultOnOriginKeyAsync();
        using AmazonKeyManagementServiceClient kms = Kms(Demo.OriginAdmin);
        JsonObject policy = JsonNode.Parse((await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default" })).Policy)!.AsObject();
        policy["Statement"]!.AsArray().Add(JsonNode.Parse("""
            { "Sid": "NoCrossAccountGrants", "Effect": "Deny", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
              "Action": "kms:CreateGrant", "Resource": "*" }
            """));
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = policy.ToJsonString() });

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult result = Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Fail, result);
        Assert.Contains("'NoCrossAccountGrants'", result.Message, StringComparison.Ordinal);
        Assert.StartsWith("Remove or narrow key policy statement 'NoCrossAccountGrants'", result.Remediation, StringComparison.Ordinal);
        Assert.DoesNotContain("Grant-VaultKeyAccess -Source", result.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_policy_that_hangs_on_a_condition_VaultCopy_cannot_know_is_a_warning()
    {
        Load(DemoWorld());
        using AmazonKeyManagementServiceClient kms = Kms(Demo.OriginAdmin);
        JsonObject policy = JsonNode.Parse((await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default" })).Policy)!.AsObject();
        policy["Statement"]!.AsArray().Add(JsonNode.Parse("""
            { "Sid": "VaultThroughEndpoint", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
              "Action": "kms:*", "Resource": "*", "Condition": { "StringEquals": { "aws:SourceVpce": "vpce-0123456789abcdef0" } } }
            """));
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = policy.ToJsonString() });

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult result = Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Warning, result);
        Assert.Contains("aws:SourceVpce", result.Message, StringComparison.Ordinal);
        Assert.Contains("Grant-VaultKeyAccess", result.Remediation, StringComparison.Ordinal);
    }
}
