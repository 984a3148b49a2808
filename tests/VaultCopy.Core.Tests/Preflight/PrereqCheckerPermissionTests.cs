using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Tests.Emulator;

namespace VaultCopy.Core.Tests.Preflight;

/// <summary>Who may share, who may copy, and who may use which key: IAM and key policies, each passing and failing.</summary>
public sealed class PrereqCheckerPermissionTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    [Fact]
    public async Task A_read_only_origin_principal_may_not_share_and_cannot_read_the_key_policy()
    {
        Load(DemoWorld());
        VaultAccount vault = await ConnectVaultAsync();
        VaultAccount auditor = await ConnectOriginAsync(Demo.OriginAuditorKey, Demo.OriginAuditorSecret);

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(auditor, vault, ["snap-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60001", "origin-orders-manual-cmk"]);

        VaultPrereqResult snapshot = Single(results, PrereqChecks.SourceCanShare, "snap-0a1b2c3d4e5f60001");
        AssertStatus(PrereqStatus.Fail, snapshot);
        Assert.Contains("ec2:ModifySnapshotAttribute on snap-0a1b2c3d4e5f60001", snapshot.Message, StringComparison.Ordinal);
        Assert.Contains("user/origin-auditor", snapshot.Remediation, StringComparison.Ordinal);
        VaultPrereqResult image = Single(results, PrereqChecks.SourceCanShare, "ami-0a1b2c3d4e5f60001");
        AssertStatus(PrereqStatus.Fail, image);
        Assert.Contains("ec2:ModifyImageAttribute on ami-0a1b2c3d4e5f60001", image.Message, StringComparison.Ordinal);
        Assert.Contains("ec2:ModifySnapshotAttribute on snap-0a1b2c3d4e5f60004", image.Message, StringComparison.Ordinal);

        // The auditor may not call iam:SimulatePrincipalPolicy or kms:GetKeyPolicy: unknown, not failed.
        VaultPrereqResult rds = Single(results, PrereqChecks.SourceCanShare, "origin-orders-manual-cmk");
        AssertStatus(PrereqStatus.Warning, rds);
        Assert.Contains("iam:SimulatePrincipalPolicy", rds.Message, StringComparison.Ordinal);
        Assert.Contains("rds:ModifyDBSnapshotAttribute", rds.Remediation, StringComparison.Ordinal);
        VaultPrereqResult policy = Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Warning, policy);
        Assert.Contains("kms:GetKeyPolicy", policy.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_role_whose_IAM_policy_stops_at_its_own_keys_fails_the_identity_check_even_when_the_key_policy_allows()
    {
        JsonObject world = DemoWorld();
        VaultRolePolicy(world)["Statement"] = JsonNode.Parse("""
            [ { "Effect": "Allow", "Action": [ "sts:GetCallerIdentity", "ec2:*", "rds:*", "iam:Get*", "iam:List*", "iam:SimulatePrincipalPolicy" ], "Resource": "*" },
              { "Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:222222222222:key/*" } ]
            """);
        Load(world);
        await GrantVaultOnOriginKeyAsync();

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.SourceKeyPolicy, OriginKeyArn));
        VaultPrereqResult identity = Single(results, PrereqChecks.DestinationIdentityPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Fail, identity);
        Assert.Contains("kms:CreateGrant", identity.Message, StringComparison.Ordinal);
        Assert.Contains("role/VaultCopyVault", identity.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId {OriginKeyArn}", identity.Remediation, StringComparison.Ordinal);
        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DestinationKeyIdentityPolicy, VaultKeyArn));
    }

    [Fact]
    public async Task An_IAM_Deny_on_the_origin_key_fails_with_advice_to_remove_or_narrow_it_not_to_run_Grant_VaultKeyAccess()
    {
        JsonObject world = DemoWorld();
        VaultRolePolicy(world)["Statement"]!.AsArray().Add(JsonNode.Parse("""
            { "Sid": "NoForeignKeys", "Effect": "Deny", "Action": "kms:CreateGrant", "Resource": "arn:aws:kms:*:111111111111:key/*" }
            """));
        Load(world);
        await GrantVaultOnOriginKeyAsync();

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult identity = Single(results, PrereqChecks.DestinationIdentityPolicy, OriginKeyArn);
        AssertStatus(PrereqStatus.Fail, identity);
        Assert.Contains("kms:CreateGrant", identity.Message, StringComparison.Ordinal);
        Assert.Contains("explicitDeny", identity.Message, StringComparison.Ordinal);
        Assert.StartsWith("Remove or narrow the Deny statement of IAM policy 'VaultSide'", identity.Remediation, StringComparison.Ordinal);
        Assert.Contains($"kms:CreateGrant on {OriginKeyArn}", identity.Remediation, StringComparison.Ordinal);
        Assert.DoesNotContain("Grant-VaultKeyAccess -Source", identity.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_role_that_may_not_simulate_gets_warnings_not_failures()
    {
        JsonObject world = DemoWorld();
        VaultRolePolicy(world)["Statement"]![0]!["Action"] = JsonNode.Parse("""[ "sts:GetCallerIdentity", "kms:*", "ec2:*", "rds:*" ]""");
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001", "origin-orders-manual-cmk"]);

        foreach (VaultPrereqResult result in new[]
        {
            Single(results, PrereqChecks.DestinationIdentityPolicy, OriginKeyArn),
            Single(results, PrereqChecks.DestinationCanCopy, "snap-0a1b2c3d4e5f60001"),
            Single(results, PrereqChecks.DestinationCanCopy, "origin-orders-manual-cmk"),
            Single(results, PrereqChecks.DestinationKeyIdentityPolicy, VaultKeyArn),
        })
        {
            AssertStatus(PrereqStatus.Warning, result);
            Assert.Contains("iam:SimulatePrincipalPolicy", result.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_vault_role_denied_the_copy_fails_by_DryRun_once_shared_and_by_simulation_before()
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.OriginAccount, "ec2")["snapshots"]![0]!["createVolumePermission"] = JsonNode.Parse("""[ { "userId": "222222222222" } ]""");
        VaultRolePolicy(world)["Statement"]!.AsArray().Add(JsonNode.Parse("""
            { "Sid": "NoCopies", "Effect": "Deny", "Action": [ "ec2:CopySnapshot", "rds:CopyDBSnapshot" ], "Resource": "*" }
            """));
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(["snap-0a1b2c3d4e5f60001", "snap-0a1b2c3d4e5f60003", "origin-orders-manual-cmk"]);

        VaultPrereqResult shared = Single(results, PrereqChecks.DestinationCanCopy, "snap-0a1b2c3d4e5f60001");
        AssertStatus(PrereqStatus.Fail, shared);
        Assert.Contains("(DryRun)", shared.Message, StringComparison.Ordinal);
        Assert.Contains("ec2:CopySnapshot", shared.Remediation, StringComparison.Ordinal);
        VaultPrereqResult notShared = Single(results, PrereqChecks.DestinationCanCopy, "snap-0a1b2c3d4e5f60003");
        AssertStatus(PrereqStatus.Fail, notShared);
        Assert.Contains("explicitDeny", notShared.Message, StringComparison.Ordinal);
        VaultPrereqResult rds = Single(results, PrereqChecks.DestinationCanCopy, "origin-orders-manual-cmk");
        AssertStatus(PrereqStatus.Fail, rds);
        Assert.Contains("rds:CopyDBSnapshot", rds.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_snapshot_is_proved_copyable_by_DryRun_under_the_vault_key()
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.OriginAccount, "ec2")["snapshots"]![0]!["createVolumePermission"] = JsonNode.Parse("""[ { "userId": "222222222222" } ]""");
        Load(world);
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        Fixture.Server.Calls.Reset();

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(origin, vault, ["snap-0a1b2c3d4e5f60001"]);

        VaultPrereqResult copy = Single(results, PrereqChecks.DestinationCanCopy, "snap-0a1b2c3d4e5f60001");
        AssertStatus(PrereqStatus.Pass, copy);
        Assert.Contains("proved by DryRun", copy.Message, StringComparison.Ordinal);
        Assert.Contains(Fixture.Server.Calls.Snapshot().Recent,
            c => c.Action == "CopySnapshot" && c.AccountId == Demo.VaultAccount && c.ErrorCode == "DryRunOperation");
        Assert.Empty(MutatingCalls());
    }

    [Fact]
    public async Task Without_a_vault_key_the_preflight_warns_and_names_the_parameter()
    {
        Load(DemoWorld());

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(destinationKeyId: null);

        VaultPrereqResult key = Single(results, PrereqChecks.DestinationKey, Demo.VaultAccount);
        AssertStatus(PrereqStatus.Warning, key);
        Assert.Contains("-KmsKeyId", key.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_AWS_managed_vault_key_fails_without_being_described_into_existence()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        string before = await StateAsync();
        Fixture.Server.Calls.Reset();

        IReadOnlyList<VaultPrereqResult> results = await RunAsync(origin, vault, destinationKeyId: "alias/aws/ebs");

        VaultPrereqResult key = Single(results, PrereqChecks.DestinationKey, "alias/aws/ebs");
        AssertStatus(PrereqStatus.Fail, key);
        Assert.Contains("AWS managed", key.Message, StringComparison.Ordinal);
        Assert.Equal(0, Fixture.Server.Calls.Count("kms:DescribeKey"));
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("Disabled")]
    [InlineData("PendingDeletion")]
    public async Task A_vault_key_that_is_not_enabled_fails(string state)
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.VaultAccount, "kms")["keys"]![0]!["state"] = state;
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(destinationKeyId: "alias/vault-backup");

        VaultPrereqResult key = Single(results, PrereqChecks.DestinationKey, VaultKeyArn);
        AssertStatus(PrereqStatus.Fail, key);
        Assert.Contains(state, key.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(results, r => r.Check == PrereqChecks.DestinationKeyPolicy);
    }

    [Fact]
    public async Task A_vault_key_the_vault_role_may_not_even_describe_fails_as_not_usable()
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.VaultAccount, "kms")["keys"]![0]!["policy"] = JsonNode.Parse("""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "AdminOnly", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:user/vault-admin" }, "Action": "kms:*", "Resource": "*" } ] }
            """);
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(destinationKeyId: "alias/vault-backup");

        VaultPrereqResult key = Single(results, PrereqChecks.DestinationKey, "alias/vault-backup");
        AssertStatus(PrereqStatus.Fail, key);
        Assert.Contains("may not describe it", key.Message, StringComparison.Ordinal);
        Assert.Contains("-KmsKeyId alias/vault-backup", key.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_key_whose_policy_lets_the_vault_role_only_look_fails_the_key_policy_check()
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.VaultAccount, "kms")["keys"]![0]!["policy"] = JsonNode.Parse("""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Admin", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:user/vault-admin" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "LookOnly", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:role/VaultCopyVault" }, "Action": [ "kms:DescribeKey", "kms:GetKeyPolicy" ], "Resource": "*" } ] }
            """);
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(destinationKeyId: "alias/vault-backup");

        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DestinationKey, VaultKeyArn));
        VaultPrereqResult policy = Single(results, PrereqChecks.DestinationKeyPolicy, VaultKeyArn);
        AssertStatus(PrereqStatus.Fail, policy);
        Assert.Contains("kms:Decrypt", policy.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kms:DescribeKey", policy.Message, StringComparison.Ordinal);
        Assert.Contains($"-KmsKeyId {VaultKeyArn}", policy.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_key_whose_policy_names_the_vault_role_needs_no_IAM_policy()
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.VaultAccount, "kms")["keys"]![0]!["policy"] = JsonNode.Parse("""
            { "Version": "2012-10-17", "Statement": [
              { "Sid": "Admin", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:user/vault-admin" }, "Action": "kms:*", "Resource": "*" },
              { "Sid": "VaultRole", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:role/VaultCopyVault" }, "Action": "kms:*", "Resource": "*" } ] }
            """);
        Load(world);

        IReadOnlyList<VaultPrereqResult> results = await RunDemoAsync(destinationKeyId: "alias/vault-backup");

        AssertStatus(PrereqStatus.Pass, Single(results, PrereqChecks.DestinationKeyPolicy, VaultKeyArn));
        VaultPrereqResult identity = Single(results, PrereqChecks.DestinationKeyIdentityPolicy, VaultKeyArn);
        AssertStatus(PrereqStatus.Pass, identity);
        Assert.Contains("no IAM policy is needed", identity.Message, StringComparison.Ordinal);
    }
}
