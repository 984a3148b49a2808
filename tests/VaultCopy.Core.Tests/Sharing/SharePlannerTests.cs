using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Core.Tests.Sharing;

public class SharePlannerTests
{
    private const string Origin = "111111111111";
    private const string Vault = "222222222222";
    private const string Partner = "333333333333";

    [Fact]
    public void Grant_of_an_EBS_snapshot_adds_one_createVolumePermission_for_the_vault()
    {
        SharePlan plan = SharePlanner.PlanGrant(Snapshot("snap-1"), Origin, Vault);

        ShareChange change = Assert.Single(plan.Changes);
        Assert.Equal(new ShareChange(SharePermission.SnapshotCreateVolume, "snap-1", "createVolumePermission"), change);
        Assert.Equal(Vault, plan.AccountId);
        Assert.Equal([Vault], plan.SharedWithAfter);
    }

    [Fact]
    public void Grant_of_an_AMI_shares_every_backing_snapshot_before_the_launch_permission()
    {
        VaultResource ami = Image("ami-1", Snapshot("snap-a"), Snapshot("snap-b"), Snapshot("snap-c"));

        SharePlan plan = SharePlanner.PlanGrant(ami, Origin, Vault);

        Assert.Equal(
            ["snapshot snap-a createVolumePermission", "snapshot snap-b createVolumePermission", "snapshot snap-c createVolumePermission", "launchPermission"],
            plan.Changes.Select(c => c.Label));
        Assert.Equal(["snap-a", "snap-b", "snap-c", "ami-1"], plan.Changes.Select(c => c.ResourceId));
        Assert.Equal(SharePermission.ImageLaunch, plan.Changes[^1].Permission);
    }

    [Fact]
    public void Grant_of_an_AMI_completes_a_partial_share_with_only_what_is_missing()
    {
        VaultResource ami = Image("ami-1", Snapshot("snap-a", sharedWith: [Vault]), Snapshot("snap-b"));

        SharePlan plan = SharePlanner.PlanGrant(ami, Origin, Vault);

        Assert.Equal(["snapshot snap-b createVolumePermission", "launchPermission"], plan.Changes.Select(c => c.Label));
    }

    [Theory]
    [InlineData(VaultResourceType.EbsSnapshot)]
    [InlineData(VaultResourceType.Ami)]
    [InlineData(VaultResourceType.RdsSnapshot)]
    [InlineData(VaultResourceType.AuroraClusterSnapshot)]
    public void Grant_of_what_is_already_shared_plans_nothing(VaultResourceType type)
    {
        VaultResource resource = type switch
        {
            VaultResourceType.EbsSnapshot => Snapshot("snap-1", sharedWith: [Partner, Vault]),
            VaultResourceType.Ami => Image("ami-1", [Vault], Snapshot("snap-a", sharedWith: [Vault])),
            _ => Rds("orders", type == VaultResourceType.AuroraClusterSnapshot, sharedWith: [Vault]),
        };

        SharePlan plan = SharePlanner.PlanGrant(resource, Origin, Vault);

        Assert.True(plan.IsNoOp);
        Assert.Empty(plan.Changes);
        Assert.Equal(resource.SharedWith, plan.SharedWithAfter);
    }

    [Fact]
    public void Revoke_of_what_is_not_shared_plans_nothing()
    {
        SharePlan plan = SharePlanner.PlanRevoke(Image("ami-1", [Partner], Snapshot("snap-a", sharedWith: [Partner])), Origin, Vault);

        Assert.True(plan.IsNoOp);
    }

    [Fact]
    public void Grant_of_RDS_and_Aurora_snapshots_adds_the_restore_attribute_on_the_matching_call()
    {
        SharePlan db = SharePlanner.PlanGrant(Rds("orders", cluster: false), Origin, Vault);
        SharePlan cluster = SharePlanner.PlanGrant(Rds("ledger", cluster: true), Origin, Vault);

        Assert.Equal(new ShareChange(SharePermission.DbSnapshotRestore, "orders", "restore"), Assert.Single(db.Changes));
        Assert.Equal(new ShareChange(SharePermission.ClusterSnapshotRestore, "ledger", "restore"), Assert.Single(cluster.Changes));
    }

    [Theory]
    [InlineData("all")]
    [InlineData("ALL")]
    [InlineData(" all ")]
    public void Grant_to_all_is_refused_as_a_public_share(string account)
    {
        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(Snapshot("snap-1", encrypted: false), Origin, account));

        Assert.Equal("PublicShareRefused", error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("22222222222")]
    [InlineData("2222222222222")]
    [InlineData("arn:aws:organizations::111111111111:organization/o-x")]
    [InlineData("22222222222a")]
    public void Grant_to_anything_but_an_account_id_is_refused(string account)
    {
        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(Snapshot("snap-1"), Origin, account));

        Assert.Equal("InvalidAccountId", error.ErrorId);
    }

    [Fact]
    public void No_plan_for_any_resource_ever_names_all()
    {
        VaultResource[] resources =
        [
            Snapshot("snap-1", encrypted: false, sharedWith: ["all"]),
            Image("ami-1", ["all"], Snapshot("snap-a", encrypted: false, sharedWith: ["all"])),
            Rds("orders", cluster: false, sharedWith: ["all"], encrypted: false),
        ];

        foreach (VaultResource resource in resources)
        {
            foreach (SharePlan plan in new[] { SharePlanner.PlanGrant(resource, Origin, Vault), SharePlanner.PlanRevoke(resource, Origin, Vault) })
            {
                Assert.Equal(Vault, plan.AccountId);
                Assert.DoesNotContain(plan.Changes, c => c.ResourceId == "all" || c.Label.Contains("all", StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    [Fact]
    public void Grant_of_a_public_resource_warns_and_keeps_the_public_entry()
    {
        SharePlan plan = SharePlanner.PlanGrant(Snapshot("snap-1", encrypted: false, sharedWith: ["all"]), Origin, Vault);

        Assert.Contains(plan.Warnings, w => w.Contains("public", StringComparison.Ordinal));
        Assert.Equal(["all", Vault], plan.SharedWithAfter);
    }

    [Theory]
    [InlineData(VaultResourceType.EbsSnapshot, "aws/ebs")]
    [InlineData(VaultResourceType.RdsSnapshot, "aws/rds")]
    [InlineData(VaultResourceType.AuroraClusterSnapshot, "aws/rds")]
    public void Grant_refuses_the_AWS_managed_keys_with_the_convert_remediation(VaultResourceType type, string key)
    {
        VaultResource resource = type == VaultResourceType.EbsSnapshot
            ? Snapshot("snap-1", manager: KeyManager.AwsManaged)
            : Rds("legacy", type == VaultResourceType.AuroraClusterSnapshot, manager: KeyManager.AwsManaged);

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(resource, Origin, Vault));

        Assert.Equal("AwsManagedKeyCannotBeShared", error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidState, error.Kind);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains("Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key>", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_of_an_AMI_is_refused_when_any_backing_snapshot_is_on_aws_ebs_and_names_it()
    {
        VaultResource ami = Image("ami-1", Snapshot("snap-a"), Snapshot("snap-b", manager: KeyManager.AwsManaged));

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(ami, Origin, Vault));

        Assert.Equal("AwsManagedKeyCannotBeShared", error.ErrorId);
        Assert.Contains("snap-b", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("automated")]
    [InlineData("awsbackup")]
    public void Grant_refuses_snapshots_that_are_not_manual(string snapshotType)
    {
        VaultResource automated = Rds("rds:orders-2026-01-15", cluster: false, snapshotType: snapshotType);

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(automated, Origin, Vault));

        Assert.Equal("AutomatedSnapshotCannotBeShared", error.ErrorId);
        Assert.Contains("Convert-VaultSnapshotKey", error.Remediation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(VaultResourceType.EbsSnapshot, "pending")]
    [InlineData(VaultResourceType.EbsSnapshot, "error")]
    [InlineData(VaultResourceType.Ami, "failed")]
    [InlineData(VaultResourceType.RdsSnapshot, "creating")]
    public void Grant_refuses_resources_that_are_not_ready(VaultResourceType type, string state)
    {
        VaultResource resource = type switch
        {
            VaultResourceType.EbsSnapshot => Snapshot("snap-1", state: state),
            VaultResourceType.Ami => Image("ami-1", [], state, Snapshot("snap-a")),
            _ => Rds("orders", cluster: false, state: state),
        };

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(resource, Origin, Vault));

        Assert.Equal("ResourceNotReady", error.ErrorId);
        Assert.Contains(state, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_refuses_an_AMI_whose_backing_snapshot_is_not_completed()
    {
        VaultResource ami = Image("ami-1", Snapshot("snap-a", state: "pending"));

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(ami, Origin, Vault));

        Assert.Equal("ResourceNotReady", error.ErrorId);
        Assert.Contains("snap-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Grant_stops_at_the_RDS_limit_of_20_accounts_unless_the_vault_is_among_them()
    {
        string[] twenty = Enumerable.Range(1, 20).Select(i => $"4444444444{i:00}").ToArray();

        VaultCopyException error = Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(Rds("orders", false, sharedWith: twenty), Origin, Vault));
        SharePlan nineteenPlusPublic = SharePlanner.PlanGrant(Rds("orders", false, encrypted: false, sharedWith: [.. twenty[..19], "all"]), Origin, Vault);
        SharePlan alreadyIn = SharePlanner.PlanGrant(Rds("orders", false, sharedWith: [.. twenty[..19], Vault]), Origin, Vault);

        Assert.Equal("ShareQuotaExceeded", error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.LimitExceeded, error.Kind);
        Assert.Single(nineteenPlusPublic.Changes);
        Assert.True(alreadyIn.IsNoOp);
    }

    [Fact]
    public void Unencrypted_snapshots_are_shared_privately()
    {
        SharePlan plan = SharePlanner.PlanGrant(Snapshot("snap-1", encrypted: false), Origin, Vault);

        Assert.Equal("createVolumePermission", Assert.Single(plan.Changes).Label);
    }

    [Fact]
    public void Sharing_a_resource_of_another_account_or_with_its_owner_is_refused()
    {
        VaultResource foreign = Snapshot("snap-1", owner: Partner);

        Assert.Equal("ResourceNotOwned", Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(foreign, Origin, Vault)).ErrorId);
        Assert.Equal("ResourceNotOwned", Assert.Throws<VaultCopyException>(() => SharePlanner.PlanRevoke(foreign, Origin, Vault)).ErrorId);
        Assert.Equal("ShareWithOwner", Assert.Throws<VaultCopyException>(() => SharePlanner.PlanGrant(Snapshot("snap-1"), Origin, Origin)).ErrorId);
    }

    [Fact]
    public void Revoke_withdraws_only_the_account_and_the_launch_permission_first()
    {
        VaultResource ami = Image("ami-1", [Partner, Vault], Snapshot("snap-a", sharedWith: [Vault, Partner]), Snapshot("snap-b", sharedWith: [Partner]));

        SharePlan plan = SharePlanner.PlanRevoke(ami, Origin, Vault);

        Assert.Equal(["launchPermission", "snapshot snap-a createVolumePermission"], plan.Changes.Select(c => c.Label));
        Assert.Equal([Partner], plan.SharedWithAfter);
    }

    [Fact]
    public void Revoke_warns_when_an_organization_share_or_a_public_one_remains()
    {
        VaultResource ami = Image("ami-1", [Vault, "arn:aws:organizations::111111111111:organization/o-vaultcopy01"], Snapshot("snap-a", sharedWith: [Vault]));
        VaultResource open = Snapshot("snap-1", encrypted: false, sharedWith: [Vault, "all"]);

        Assert.Contains(SharePlanner.PlanRevoke(ami, Origin, Vault).Warnings, w => w.Contains("o-vaultcopy01", StringComparison.Ordinal));
        Assert.Contains(SharePlanner.PlanRevoke(open, Origin, Vault).Warnings, w => w.Contains("public", StringComparison.Ordinal));
    }

    [Fact]
    public void Revoke_does_not_care_about_key_state_or_snapshot_type()
    {
        VaultResource legacy = Rds("rds:legacy", cluster: false, manager: KeyManager.AwsManaged, snapshotType: "automated", state: "creating");

        Assert.True(SharePlanner.PlanRevoke(legacy, Origin, Vault).IsNoOp);
    }

    [Fact]
    public void The_plan_describes_the_target_and_every_change_for_ShouldProcess()
    {
        SharePlan plan = SharePlanner.PlanGrant(Image("ami-1", Snapshot("snap-a")), Origin, Vault);

        Assert.Equal("Ami ami-1 in account 111111111111 (eu-west-1)", plan.Target);
        Assert.Equal("Share with account 222222222222: add snapshot snap-a createVolumePermission, launchPermission", plan.Action);
    }

    private static VaultResource Snapshot(
        string id, bool encrypted = true, KeyManager manager = KeyManager.Customer, string state = "completed", string[]? sharedWith = null,
        string owner = Origin) => new()
        {
            Type = VaultResourceType.EbsSnapshot,
            Id = id,
            Arn = $"arn:aws:ec2:eu-west-1::snapshot/{id}",
            AccountId = owner,
            IsSharedWithMe = owner != Origin,
            Region = "eu-west-1",
            State = state,
            Encrypted = encrypted,
            KeyManager = encrypted ? manager : KeyManager.None,
            SharedWith = sharedWith ?? [],
        };

    private static VaultResource Image(string id, params VaultResource[] snapshots) => Image(id, [], snapshots);

    private static VaultResource Image(string id, string[] sharedWith, params VaultResource[] snapshots) => Image(id, sharedWith, "available", snapshots);

    private static VaultResource Image(string id, string[] sharedWith, string state, params VaultResource[] snapshots) => new()
    {
        Type = VaultResourceType.Ami,
        Id = id,
        Arn = $"arn:aws:ec2:eu-west-1::image/{id}",
        AccountId = Origin,
        Region = "eu-west-1",
        State = state,
        Encrypted = true,
        KeyManager = snapshots.Any(s => s.KeyManager == KeyManager.AwsManaged) ? KeyManager.AwsManaged : KeyManager.Customer,
        SharedWith = sharedWith,
        BackingSnapshots = snapshots,
    };

    private static VaultResource Rds(
        string id, bool cluster, KeyManager manager = KeyManager.Customer, string snapshotType = "manual", string state = "available",
        string[]? sharedWith = null, bool encrypted = true) => new()
        {
            Type = cluster ? VaultResourceType.AuroraClusterSnapshot : VaultResourceType.RdsSnapshot,
            Id = id,
            Arn = $"arn:aws:rds:eu-west-1:{Origin}:{(cluster ? "cluster-snapshot" : "snapshot")}:{id}",
            AccountId = Origin,
            Region = "eu-west-1",
            State = state,
            Encrypted = encrypted,
            KeyManager = encrypted ? manager : KeyManager.None,
            SnapshotType = snapshotType,
            SharedWith = sharedWith ?? [],
        };
}
