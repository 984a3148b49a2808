using System.Text.Json.Nodes;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Policies;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.Emulator.Rds;
using VaultCopy.Core.Tests.Policies;
using VaultCopy.Emulator.Hosting;
using static VaultCopy.Core.Tests.KeyAccess.KeyAccessEmulatorFixture;

namespace VaultCopy.Core.Tests.KeyAccess;

/// <summary>KeyAccessManager end to end on the in-process emulator: what it writes, what it refuses, and what AWS then allows.</summary>
public sealed class KeyAccessManagerTests(KeyAccessEmulatorFixture emulator) : IClassFixture<KeyAccessEmulatorFixture>, IAsyncLifetime
{
    private const string AppDataSnapshotId = "snap-0a1b2c3d4e5f60001";
    private const string OrdersSnapshotArn = "arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk";
    private int _copies;

    public async Task InitializeAsync() => await emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Grant_makes_a_role_without_key_permissions_able_to_copy_and_revoke_takes_it_back()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        AWSCredentials role = await emulator.RoleSessionAsync(NarrowRoleArn);
        await ShareOrdersSnapshotAsync();
        string originalPolicy = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        string originalVaultPolicy = await KeyPolicyAsync(Demo.VaultAdmin, VaultKeyArn);
        await CopyFailsAsync(role);

        using var manager = new KeyAccessManager(origin, vault);
        var request = new KeyAccessRequest { KeyId = "alias/origin-backup", KmsKeyId = "alias/vault-backup" };
        IReadOnlyList<VaultKeyPolicyChange> granted = await RunAsync(manager, KeyAccessOperation.Grant, request);

        Assert.Equal([VaultKeyPolicyKind.KeyPolicy, VaultKeyPolicyKind.IdentityPolicy, VaultKeyPolicyKind.KeyPolicy], granted.Select(c => c.Kind));
        Assert.All(granted, c => Assert.True(c.Applied, c.Reason));
        Assert.Equal([OriginKeyArn, NarrowRoleArn, VaultKeyArn], granted.Select(c => c.Target));
        Assert.Equal("VaultCopyKeyAccess", granted[1].PolicyName);
        Assert.Equal(["VaultCopyUseKey-222222222222", "VaultCopyAttachPersistentResources-222222222222"], granted[0].Statements);
        Assert.Contains("+      \"Sid\": \"VaultCopyUseKey-222222222222\",", granted[0].Diff, StringComparison.Ordinal);
        Assert.Equal(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn), granted[0].After);
        Assert.Contains(NarrowRoleArn, granted[2].After, StringComparison.Ordinal);
        await CopySucceedsAsync(role);

        IReadOnlyList<VaultKeyPolicyChange> revoked = await RunAsync(manager, KeyAccessOperation.Revoke, request);

        Assert.All(revoked, c => Assert.True(c.Applied, c.Reason));
        Assert.Equal(string.Empty, revoked[1].After);
        PolicyAssert.SemanticallyEqual(originalPolicy, await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn), "revoke restores the source key policy");
        PolicyAssert.SemanticallyEqual(originalVaultPolicy, await KeyPolicyAsync(Demo.VaultAdmin, VaultKeyArn), "revoke restores the vault key policy");
        JsonObject state = await emulator.GetJsonAsync("state");
        Assert.DoesNotContain("VaultCopyKeyAccess", Role(state, "VaultCopyNarrow")["inlinePolicies"]!.ToJsonString(), StringComparison.Ordinal);
        await CopyFailsAsync(role);
    }

    [Fact]
    public async Task After_a_grant_an_EBS_snapshot_copy_by_the_vault_role_completes_where_it_failed_before()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        AWSCredentials role = await emulator.RoleSessionAsync(NarrowRoleArn);
        using (var originEc2 = emulator.Ec2(Demo.OriginAdmin))
        {
            await originEc2.ModifySnapshotAttributeAsync(new Amazon.EC2.Model.ModifySnapshotAttributeRequest
            {
                SnapshotId = AppDataSnapshotId,
                Attribute = "createVolumePermission",
                OperationType = "add",
                UserIds = [Demo.VaultAccount],
            });
        }

        Assert.Equal("error", await CopyAppDataSnapshotAsync(role));
        using var manager = new KeyAccessManager(origin, vault);
        await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = "alias/origin-backup", KmsKeyId = "alias/vault-backup" });

        Assert.Equal("completed", await CopyAppDataSnapshotAsync(role));
    }

    [Fact]
    public async Task A_second_grant_writes_nothing_and_a_revoke_of_what_was_never_granted_writes_nothing()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        using var manager = new KeyAccessManager(origin, vault);
        var request = new KeyAccessRequest { KeyId = OriginKeyArn, KmsKeyId = VaultKeyArn };
        IReadOnlyList<VaultKeyPolicyChange> revoked = await RunAsync(manager, KeyAccessOperation.Revoke, request);
        Assert.All(revoked, c => Assert.False(c.Changed || c.Applied));
        AssertNoWrites();

        await RunAsync(manager, KeyAccessOperation.Grant, request);
        emulator.Server.Calls.Reset();
        IReadOnlyList<VaultKeyPolicyChange> again = await RunAsync(manager, KeyAccessOperation.Grant, request);

        Assert.Equal(3, again.Count);
        Assert.All(again, c => Assert.False(c.Changed || c.Applied));
        Assert.All(again, c => Assert.Equal(string.Empty, c.Diff));
        Assert.All(again, c => Assert.Equal("Already granted: nothing to write.", c.Reason));
        AssertNoWrites();
    }

    [Fact]
    public async Task A_role_whose_identity_policies_already_allow_the_key_gets_no_inline_policy()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        IReadOnlyList<VaultKeyPolicyChange> granted = await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = "alias/origin-backup" });

        Assert.True(granted[0].Applied);
        Assert.False(granted[1].Changed);
        Assert.Contains("already allow the source key", granted[1].Reason, StringComparison.Ordinal);
        Assert.Equal(0, emulator.Server.Calls.Count("iam:PutRolePolicy"));
    }

    [Fact]
    public async Task Every_existing_statement_is_kept_as_written()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        const string handWritten = """
            {
              "Version" : "2012-10-17",  "Id": "hand-written",
              "Statement": [
                {"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
                { "Sid": "Auditors", "Effect": "Allow", "Principal": { "AWS": [ "arn:aws:iam::111111111111:user/origin-auditor" ] },
                  "Action": [ "kms:Describe*", "kms:Get*" ], "Resource": "*", "Condition": { "Bool": { "aws:SecureTransport": true } } }
              ]
            }
            """;
        await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, handWritten);
        using var manager = new KeyAccessManager(origin, vault);

        await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });

        KeyPolicyDocument before = KeyPolicyDocument.Parse(handWritten);
        KeyPolicyDocument after = KeyPolicyDocument.Parse(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn));
        Assert.Equal("hand-written", after.Id);
        Assert.Equal(before.Statements.Count + 2, after.Statements.Count);
        for (int i = 0; i < before.Statements.Count; i++)
        {
            Assert.Equal(before.Statements[i].Json, after.Statements[i].Json);
        }
    }

    [Fact]
    public async Task With_ViaService_the_vault_can_copy_through_RDS_but_cannot_use_the_key_directly()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        AWSCredentials role = await emulator.RoleSessionAsync(Demo.VaultRoleArn);
        await ShareOrdersSnapshotAsync();
        using var manager = new KeyAccessManager(origin, vault);

        IReadOnlyList<VaultKeyPolicyChange> granted = await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, ViaService = true });

        Assert.Contains("rds.eu-west-1.amazonaws.com", granted[0].After, StringComparison.Ordinal);
        await CopySucceedsAsync(role);
        using var kms = emulator.Kms(role);
        var denied = await Assert.ThrowsAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(
            () => kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = OriginKeyArn, KeySpec = "AES_256" }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
    }

    [Fact]
    public async Task A_writer_that_replaces_the_policy_right_after_ours_is_merged_with_not_overwritten()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        string original = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        string theirs = WithStatement(original, """{"Sid":"TheirEdit","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/origin-auditor"},"Action":"kms:DescribeKey","Resource":"*"}""");
        using var manager = new KeyAccessManager(origin, vault);
        int writes = 0;
        // The other editor read the policy before our write and writes its version right after it: ours is lost.
        manager.StoreInterceptor = store => new AfterWrite(store, async () =>
        {
            if (++writes == 1)
            {
                await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, theirs);
            }
        });

        IReadOnlyList<VaultKeyPolicyChange> granted = await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });

        string final = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        KeyPolicyDocument document = KeyPolicyDocument.Parse(final);
        Assert.NotNull(document.FindStatement("TheirEdit"));
        Assert.NotNull(document.FindStatement("VaultCopyUseKey-222222222222"));
        Assert.NotNull(document.FindStatement("VaultCopyAttachPersistentResources-222222222222"));
        Assert.True(granted[0].Applied);
        Assert.Contains("2 attempts", granted[0].Reason, StringComparison.Ordinal);
        Assert.Equal(final, granted[0].After);
        Assert.Equal(3, emulator.Server.Calls.Count("kms:PutKeyPolicy")); // ours, theirs, ours again
    }

    [Fact]
    public async Task A_policy_changed_between_plan_and_apply_is_merged_again_on_the_current_version()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);
        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });
        string changed = WithStatement(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn), """{"Sid":"Meanwhile","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:DescribeKey","Resource":"*"}""");
        await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, changed);

        VaultKeyPolicyChange applied = await manager.ApplyAsync(plan.Edits[0]);

        Assert.True(applied.Applied);
        Assert.Contains("changed since it was first read", applied.Reason, StringComparison.Ordinal);
        Assert.Equal(changed, applied.Before);
        Assert.NotNull(KeyPolicyDocument.Parse(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn)).FindStatement("Meanwhile"));
    }

    [Fact]
    public async Task The_lockout_refusal_of_KMS_is_reported_and_nothing_changes()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        string original = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        emulator.Server.Settings.AddFault(new FaultRule
        {
            Service = "kms",
            Action = "PutKeyPolicy",
            Code = "MalformedPolicyDocumentException",
            Message = "The new key policy will not allow you to update the key policy in the future.",
            Count = 1,
        });
        using var manager = new KeyAccessManager(origin, vault);
        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => manager.ApplyAsync(plan.Edits[0]));

        Assert.Equal("KeyPolicyLockout", error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidState, error.Kind);
        Assert.Contains("never bypasses", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn));
    }

    [Fact]
    public async Task A_destination_that_may_not_write_its_identity_policy_is_refused_before_anything_is_written()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NoIamRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn }));

        Assert.Equal(VaultCopyErrorKind.PermissionDenied, error.Kind);
        Assert.Equal("IdentityPolicyWriteDenied", error.ErrorId);
        Assert.Contains("-PolicyOnly", error.Remediation, StringComparison.Ordinal);
        AssertNoWrites();

        KeyAccessPlan policyOnly = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, PolicyOnly = true });
        Assert.True(policyOnly.Edits[1].Changed);
        Assert.Contains(OriginKeyArn, policyOnly.Edits[1].Preview.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_identity_policy_over_the_IAM_quota_is_refused_before_writing()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, CrowdedRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn }));

        Assert.Equal(VaultCopyErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("10,240", error.Message, StringComparison.Ordinal);
        AssertNoWrites();
    }

    [Fact]
    public async Task A_key_policy_that_would_pass_32_KB_is_refused_before_writing()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        // Just under KMS's 32,768 bytes, so that VaultCopy's two statements (about 450 bytes) no longer fit.
        string original = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        string big = original;
        for (int count = 1000; System.Text.Encoding.UTF8.GetByteCount(big) < KeyPolicyDocument.MaxByteSize - 200; count += 4)
        {
            string padding = string.Join(",", Enumerable.Range(0, count).Select(i => $"\"t{i:D5}-0123456789abcdef\""));
            big = WithStatement(original,
                $$$$"""{"Sid":"Tagged","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:DescribeKey","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":[{{{{padding}}}}]}}}""");
        }

        await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, big);
        emulator.Server.Calls.Reset();
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn }));

        Assert.Equal(VaultCopyErrorKind.LimitExceeded, error.Kind);
        Assert.Contains("32,768", error.Message, StringComparison.Ordinal);
        AssertNoWrites();
    }

    [Theory]
    [InlineData("alias/aws/ebs", VaultCopyErrorKind.InvalidState, "AwsManagedKey", "Convert-VaultSnapshotKey -KmsKeyId")]
    [InlineData("alias/nothing-here", VaultCopyErrorKind.NotFound, "SourceKeyNotFound", "alias name resolves")]
    [InlineData(VaultKeyArn, VaultCopyErrorKind.InvalidArgument, "KeyOfAnotherAccount", "Connect -Source to account 222222222222")]
    [InlineData(DoomedKeyId, VaultCopyErrorKind.InvalidState, "KeyPendingDeletion", "Stop-KMSKeyDeletion")]
    public async Task Keys_that_cannot_be_granted_are_refused_with_a_remedy(string keyId, VaultCopyErrorKind kind, string errorId, string remedy)
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = keyId }));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Contains(remedy, error.Remediation, StringComparison.Ordinal);
        AssertNoWrites();
    }

    [Fact]
    public async Task A_disabled_key_is_granted_with_a_warning()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = DisabledKeyId });

        Assert.Contains(plan.Warnings, w => w.Contains("is disabled", StringComparison.Ordinal) && w.Contains("Enable-KMSKey", StringComparison.Ordinal));
        Assert.True(plan.Edits[0].Changed);
    }

    [Theory]
    [InlineData("*", "WildcardPrincipal")]
    [InlineData("arn:aws:iam::222222222222:role/*", "WildcardPrincipal")]
    [InlineData("arn:aws:iam::333333333333:role/Elsewhere", "PrincipalOutsideDestination")]
    [InlineData("222222222222", "InvalidPrincipal")]
    public async Task Principals_other_than_named_vault_roles_and_users_are_refused_before_any_call(string principal, string errorId)
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        emulator.Server.Calls.Reset();
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(
            () => manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, Principals = [principal] }));

        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(0, emulator.Server.Calls.Snapshot().Total);
    }

    [Fact]
    public async Task A_principal_that_does_not_exist_is_refused_before_writing()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => manager.PlanAsync(
            KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, Principals = ["arn:aws:iam::222222222222:role/NoSuchRole"] }));

        Assert.Equal(VaultCopyErrorKind.NotFound, error.Kind);
        Assert.Equal("PrincipalNotFound", error.ErrorId);
        Assert.Contains("-Principal", error.Remediation, StringComparison.Ordinal);
        AssertNoWrites();
    }

    [Fact]
    public async Task KMS_refusing_the_principals_is_reported_plainly_and_nothing_changes()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        string original = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        emulator.Server.Settings.AddFault(new FaultRule
        {
            Service = "kms",
            Action = "PutKeyPolicy",
            Code = "MalformedPolicyDocumentException",
            Message = "Policy contains a statement with one or more invalid principals.",
            Count = 1,
        });
        using var manager = new KeyAccessManager(origin, vault);
        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => manager.ApplyAsync(plan.Edits[0]));

        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("KeyPolicyRejected", error.ErrorId);
        Assert.Contains("invalid principals", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn));
    }

    [Fact]
    public async Task Revoking_one_principal_keeps_the_others()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        using var manager = new KeyAccessManager(origin, vault);
        await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, Principals = [NarrowRoleArn, Demo.VaultRoleArn] });

        IReadOnlyList<VaultKeyPolicyChange> revoked = await RunAsync(manager, KeyAccessOperation.Revoke, new KeyAccessRequest { KeyId = OriginKeyArn, Principals = [Demo.VaultRoleArn] });

        Assert.True(revoked[0].Applied);
        KeyPolicyDocument document = KeyPolicyDocument.Parse(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn));
        string use = document.FindStatement("VaultCopyUseKey-222222222222")!.Json;
        Assert.Contains(NarrowRoleArn, use, StringComparison.Ordinal);
        Assert.DoesNotContain(Demo.VaultRoleArn, use, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_leaves_a_vaultcopy_statement_edited_by_hand_in_place_and_warns()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        using var manager = new KeyAccessManager(origin, vault);
        await RunAsync(manager, KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });
        string edited = (await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn))
            .Replace("\"kms:RevokeGrant\"]", "\"kms:RevokeGrant\",\"kms:RetireGrant\"]", StringComparison.Ordinal);
        await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, edited);
        string handEdited = KeyPolicyDocument.Parse(edited).FindStatement("VaultCopyAttachPersistentResources-222222222222")!.Json;

        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Revoke, new KeyAccessRequest { KeyId = OriginKeyArn });
        VaultKeyPolicyChange revoked = await manager.ApplyAsync(plan.Edits[0]);

        string warning = Assert.Single(plan.Warnings, w => w.Contains("VaultCopyAttachPersistentResources-222222222222", StringComparison.Ordinal));
        Assert.Contains(OriginKeyArn, warning, StringComparison.Ordinal);
        Assert.Contains("left it untouched", warning, StringComparison.Ordinal);
        Assert.True(revoked.Applied);
        Assert.Equal(["VaultCopyUseKey-222222222222"], revoked.Statements);
        KeyPolicyDocument now = KeyPolicyDocument.Parse(await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn));
        Assert.Null(now.FindStatement("VaultCopyUseKey-222222222222"));
        Assert.Equal(handEdited, now.FindStatement("VaultCopyAttachPersistentResources-222222222222")!.Json);
    }

    [Theory]
    [InlineData("""{"Sid":"NoCrossAccountGrants","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:CreateGrant","Resource":"*"}""", "'NoCrossAccountGrants'")]
    [InlineData("""{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringNotEquals":{"kms:CallerAccount":"111111111111"}}}""", null)]
    public async Task A_grant_that_a_Deny_still_overrides_is_reported_naming_the_statement(string deny, string? sid)
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, Demo.VaultRoleArn);
        string original = await KeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn);
        string label = sid ?? $"'#{KeyPolicyDocument.Parse(original).Statements.Count + 1}'";
        await PutKeyPolicyAsync(Demo.OriginAdmin, OriginKeyArn, WithStatement(original, deny));
        using var manager = new KeyAccessManager(origin, vault);

        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn });
        VaultKeyPolicyChange applied = await manager.ApplyAsync(plan.Edits[0]);
        VaultCopyException? blocked = plan.Edits[0].AccessBlockedBy(applied);

        Assert.True(applied.Applied);
        Assert.NotNull(blocked);
        Assert.Equal(VaultCopyErrorKind.PermissionDenied, blocked.Kind);
        Assert.Equal("KeyPolicyDeniesVault", blocked.ErrorId);
        Assert.Contains(label, blocked.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Remove or narrow key policy statement {label} of {OriginKeyArn}", blocked.Remediation, StringComparison.Ordinal);
        Assert.Null(plan.Edits[1].AccessBlockedBy(await manager.ApplyAsync(plan.Edits[1])));
    }

    [Fact]
    public async Task A_vault_key_Deny_on_the_key_user_is_reported_for_the_vault_key()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        string deny = $$"""{"Sid":"NoEncryptByCopyRoles","Effect":"Deny","Principal":{"AWS":"{{NarrowRoleArn}}"},"Action":"kms:GenerateDataKey*","Resource":"*"}""";
        await PutKeyPolicyAsync(Demo.VaultAdmin, VaultKeyArn, WithStatement(await KeyPolicyAsync(Demo.VaultAdmin, VaultKeyArn), deny));
        using var manager = new KeyAccessManager(origin, vault);

        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, KmsKeyId = VaultKeyArn });
        var blocked = new List<VaultCopyException>();
        foreach (PlannedPolicyEdit edit in plan.Edits)
        {
            if (edit.AccessBlockedBy(await manager.ApplyAsync(edit)) is VaultCopyException error)
            {
                blocked.Add(error);
            }
        }

        VaultCopyException only = Assert.Single(blocked);
        Assert.Equal("KeyPolicyDeniesVault", only.ErrorId);
        Assert.Contains(VaultKeyArn, only.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Remove or narrow key policy statement 'NoEncryptByCopyRoles' of {VaultKeyArn} so that it no longer denies {NarrowRoleArn} kms:GenerateDataKey", only.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_without_a_Deny_is_not_blocked()
    {
        VaultAccount origin = await emulator.OriginAsync();
        VaultAccount vault = await emulator.VaultAsync(origin, NarrowRoleArn);
        using var manager = new KeyAccessManager(origin, vault);

        KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = OriginKeyArn, KmsKeyId = VaultKeyArn, ViaService = true });

        foreach (PlannedPolicyEdit edit in plan.Edits)
        {
            Assert.Null(edit.AccessBlockedBy(await manager.ApplyAsync(edit)));
        }
    }

    [Fact]
    public async Task Source_and_destination_in_one_account_is_refused_with_the_preflights_words()
    {
        VaultAccount origin = await emulator.OriginAsync();

        var error = Assert.Throws<VaultCopyException>(() => new KeyAccessManager(origin, origin));

        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
        Assert.StartsWith("-Source and -Destination are the same account", error.Message, StringComparison.Ordinal);
        Assert.Equal("SameAccount", error.ErrorId);
    }

    private static async Task<IReadOnlyList<VaultKeyPolicyChange>> RunAsync(KeyAccessManager manager, KeyAccessOperation operation, KeyAccessRequest request)
    {
        KeyAccessPlan plan = await manager.PlanAsync(operation, request);
        var changes = new List<VaultKeyPolicyChange>();
        foreach (PlannedPolicyEdit edit in plan.Edits)
        {
            changes.Add(await manager.ApplyAsync(edit));
        }

        return changes;
    }

    private void AssertNoWrites()
    {
        foreach (string operation in new[] { "kms:PutKeyPolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutUserPolicy" })
        {
            Assert.Equal(0, emulator.Server.Calls.Count(operation));
        }
    }

    private async Task<string> KeyPolicyAsync(AWSCredentials credentials, string keyArn)
    {
        using var kms = emulator.Kms(credentials);
        return (await kms.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = keyArn, PolicyName = "default" })).Policy;
    }

    private async Task PutKeyPolicyAsync(AWSCredentials credentials, string keyArn, string policy)
    {
        using var kms = emulator.Kms(credentials);
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = keyArn, PolicyName = "default", Policy = policy });
    }

    private async Task ShareOrdersSnapshotAsync() =>
        await emulator.Rds(Demo.OriginAdmin).OkAsync(
            "ModifyDBSnapshotAttribute",
            [("DBSnapshotIdentifier", "origin-orders-manual-cmk"), ("AttributeName", "restore"), .. RdsApi.List("ValuesToAdd", "AttributeValue", Demo.VaultAccount)]);

    private async Task CopyFailsAsync(AWSCredentials role) =>
        await emulator.Rds(role).FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot", CopyParameters());

    private async Task CopySucceedsAsync(AWSCredentials role) =>
        await emulator.Rds(role).OkAsync("CopyDBSnapshot", CopyParameters());

    private (string, string)[] CopyParameters() =>
    [
        ("SourceDBSnapshotIdentifier", OrdersSnapshotArn),
        ("TargetDBSnapshotIdentifier", $"vault-orders-{++_copies}"),
        ("KmsKeyId", VaultKeyArn),
    ];

    /// <summary>Copies the shared app-data snapshot under the vault key as the role and lets it run to its end.</summary>
    private async Task<string> CopyAppDataSnapshotAsync(AWSCredentials role)
    {
        using var ec2 = emulator.Ec2(role);
        // A faster world instead of a long wait: a longer clock jump would also expire the role session.
        using (var settings = await emulator.PostJsonAsync("settings", new { timeScale = 3600 }))
        {
            settings.EnsureSuccessStatusCode();
        }

        var copy = await ec2.CopySnapshotAsync(new Amazon.EC2.Model.CopySnapshotRequest
        {
            SourceRegion = Demo.Region,
            SourceSnapshotId = AppDataSnapshotId,
            Encrypted = true,
            KmsKeyId = VaultKeyArn,
        });
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(30));
        var described = await ec2.DescribeSnapshotsAsync(new Amazon.EC2.Model.DescribeSnapshotsRequest { SnapshotIds = [copy.SnapshotId] });
        return described.Snapshots.Single().State.Value;
    }

    private static string WithStatement(string policy, string statement)
    {
        JsonObject root = JsonNode.Parse(policy)!.AsObject();
        root["Statement"]!.AsArray().Add(JsonNode.Parse(statement));
        return root.ToJsonString();
    }

    private static JsonObject Role(JsonObject state, string name) =>
        state["accounts"]!.AsArray().SelectMany(a => a!["roles"]!.AsArray()).Single(r => (string?)r!["name"] == name)!.AsObject();

    /// <summary>A store that runs <paramref name="afterWrite"/> once each of its writes has reached AWS.</summary>
    private sealed class AfterWrite(IPolicyStore inner, Func<Task> afterWrite) : IPolicyStore
    {
        public Task<string> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);

        public async Task WriteAsync(string document, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(document, cancellationToken);
            await afterWrite();
        }
    }
}
