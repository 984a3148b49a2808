using Amazon.EC2;
using Amazon.EC2.Model;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// EBS snapshot lock and AMI deregistration protection through the SDK (aws-behaviour-lifecycle.md §1, §2, §4), on the
/// world clock. The refusal codes are the emulator's choice (UNVERIFIED: no source gives them): OperationNotPermitted
/// for what a lock or protection forbids, IncorrectState for unlocking what is not locked.
/// </summary>
public sealed class Ec2LockTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    [Fact]
    public async Task A_governance_lock_refuses_deletion_until_a_permitted_principal_unlocks_it()
    {
        var locked = await Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 7 });
        Assert.Equal(LockState.Governance, locked.LockState);
        Assert.Equal(7, locked.LockDuration);
        Assert.Equal(locked.LockCreatedOn!.Value.AddDays(7), locked.LockExpiresOn);
        Assert.Null(locked.CoolOffPeriod);

        var refused = await Ec2Assert.Fails("OperationNotPermitted", () => Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot }));
        Assert.Contains("locked in governance mode until", refused.Message, StringComparison.Ordinal);

        // IAM decides who may unlock: the reader may describe but not unlock.
        await Ec2Assert.Fails("UnauthorizedOperation", () => Client(OriginReader).UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PlainSnapshot }));
        var unlocked = await Origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PlainSnapshot });
        Assert.Equal(PlainSnapshot, unlocked.SnapshotId);

        await Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot });
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Origin, PlainSnapshot));
    }

    [Fact]
    public async Task A_compliance_lock_can_be_undone_in_its_cool_off_and_never_after()
    {
        var locked = await Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 30, CoolOffPeriod = 2,
        });
        Assert.Equal(LockState.ComplianceCooloff, locked.LockState);
        Assert.Equal(2, locked.CoolOffPeriod);
        Assert.Equal(locked.LockCreatedOn!.Value.AddHours(2), locked.CoolOffPeriodExpiresOn);

        // In the cool-off: shortening is allowed.
        var shortened = await Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 20, CoolOffPeriod = 2,
        });
        Assert.Equal(20, shortened.LockDuration);

        Fixture.Advance(TimeSpan.FromHours(3));
        var described = Assert.Single((await Origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { SnapshotIds = [PlainSnapshot] })).Snapshots);
        Assert.Equal(LockState.Compliance, described.LockState);
        Assert.Equal(OriginId, described.OwnerId);

        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PlainSnapshot }));
        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot }));
        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 10 }));
        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 40 }));
        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 40, CoolOffPeriod = 1,
        }));

        // Extending is allowed, and the duration still runs from the lock's start.
        var extended = await Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 40 });
        Assert.Equal(LockState.Compliance, extended.LockState);
        Assert.Equal(locked.LockCreatedOn.Value.AddDays(40), extended.LockExpiresOn);

        // When the lock expires, the snapshot can go.
        Fixture.Advance(TimeSpan.FromDays(41));
        var expired = Assert.Single((await Origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest
        {
            Filters = [new Filter("lock-state", ["expired"])],
        })).Snapshots);
        Assert.Equal(PlainSnapshot, expired.SnapshotId);
        await Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot });
    }

    [Fact]
    public async Task A_lock_by_expiration_date_and_the_request_rules()
    {
        var until = DateTime.UtcNow + Fixture.Server.Clock.Offset + TimeSpan.FromDays(3);
        var locked = await Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, ExpirationDate = until });
        Assert.Null(locked.LockDuration);
        Assert.InRange((locked.LockExpiresOn!.Value - until).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 1, ExpirationDate = until,
        }));
        await Ec2Assert.Fails("MissingParameter", () => Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance }));
        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 1, CoolOffPeriod = 1,
        }));
        await Ec2Assert.Fails("InvalidParameterValue", () => Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = int.Parse("36501", System.Globalization.CultureInfo.InvariantCulture) }));
        await Ec2Assert.Fails("InvalidParameterValue", () => Origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 1, CoolOffPeriod = int.Parse("73", System.Globalization.CultureInfo.InvariantCulture),
        }));
        await Ec2Assert.Fails("DryRunOperation", () => Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 1, DryRun = true }));

        // Only the owner locks: the vault sees the shared snapshot but may not lock it.
        await Ec2Assert.Fails("AuthFailure", () => Vault.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = SharedCmkSnapshot, LockMode = LockMode.Governance, LockDuration = 1 }));
        await Ec2Assert.Fails("IncorrectState", () => Origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = SharedCmkSnapshot }));
    }

    [Fact]
    public async Task A_pending_copy_can_be_locked_and_its_duration_starts_when_it_completes()
    {
        var copy = await Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceSnapshotId = SharedCmkSnapshot, SourceRegion = HomeRegion, Encrypted = true, KmsKeyId = "alias/vault-key",
        });
        var locked = await Vault.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = copy.SnapshotId, LockMode = LockMode.Governance, LockDuration = 1 });
        Assert.Null(locked.LockExpiresOn);
        Assert.Null(locked.LockDurationStartTime);
        await Ec2Assert.Fails("OperationNotPermitted", () => Vault.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = copy.SnapshotId }));

        Fixture.Advance(TimeSpan.FromHours(2));
        var completed = await DescribeSnapshot(Vault, copy.SnapshotId);
        var described = Assert.Single((await Vault.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { SnapshotIds = [copy.SnapshotId] })).Snapshots);
        Assert.Equal(completed.CompletionTime, described.LockDurationStartTime);
        Assert.Equal(completed.CompletionTime!.Value.AddDays(1), described.LockExpiresOn);
    }

    [Fact]
    public async Task Deregistration_protection_with_cooldown_holds_for_24_hours_after_it_is_disabled()
    {
        Assert.Equal("enabled-with-cooldown", (await Origin.EnableImageDeregistrationProtectionAsync(new EnableImageDeregistrationProtectionRequest
        {
            ImageId = SharedImage, WithCooldown = true,
        })).Return);
        Assert.Equal("enabled-with-cooldown", (await DescribeImage(Origin, SharedImage)).DeregistrationProtection);
        var refused = await Ec2Assert.Fails("OperationNotPermitted", () => Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage }));
        Assert.Contains("DisableImageDeregistrationProtection", refused.Message, StringComparison.Ordinal);

        string during = (await Origin.DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = SharedImage })).Return;
        Assert.StartsWith("disabled after ", during, StringComparison.Ordinal);
        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage }));

        Fixture.Advance(TimeSpan.FromHours(25));
        var attribute = await Origin.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = SharedImage, Attribute = "deregistrationProtection" });
        Assert.Equal("disabled", attribute.ImageAttribute.DeregistrationProtection);
        await Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage });
    }

    [Fact]
    public async Task Protection_without_cooldown_ends_at_once_and_only_the_owner_sets_it()
    {
        Assert.Equal("enabled-without-cooldown", (await Origin.EnableImageDeregistrationProtectionAsync(new EnableImageDeregistrationProtectionRequest { ImageId = SharedImage })).Return);
        await Ec2Assert.Fails("AuthFailure", () => Vault.DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = SharedImage }));
        await Ec2Assert.Fails("UnauthorizedOperation", () => Client(OriginReader).DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = SharedImage }));
        Assert.Equal("disabled", (await Origin.DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = SharedImage })).Return);
        await Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage });
    }

    [Fact]
    public async Task IAM_decides_who_locks_with_the_lock_condition_keys_and_who_deletes_the_snapshots_of_an_AMI()
    {
        // A backup operator who may lock only for 30 days or more, and deregister AMIs but not delete snapshots.
        var operatorKeys = new Ec2Credentials("AKIAEC2ORIGINOPER001", ("AKIAEC2ORIGINOPER001" + "/FAKE/secret+0000000000000000000000000")[..40]);
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["ec2:LockSnapshot","ec2:DeregisterImage","ec2:Describe*"],"Resource":"*"},
              {"Effect":"Deny","Action":"ec2:LockSnapshot","Resource":"*","Condition":{"NumericLessThan":{"ec2:SnapshotLockDuration":"30"}}}
            ]}
            """;
        string user = $$"""{ "name": "origin-operator", "accessKeys": [ { "accessKeyId": "{{operatorKeys.AccessKeyId}}", "secretAccessKey": "{{operatorKeys.SecretAccessKey}}" } ], "inlinePolicies": { "policy": {{policy}} } },""";
        int users = World.IndexOf("\"users\": [", StringComparison.Ordinal) + "\"users\": [".Length;
        Fixture.Load(World.Insert(users, user));
        var operatorClient = Client(operatorKeys);

        await Ec2Assert.Fails("UnauthorizedOperation", () => operatorClient.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 7 }));
        Assert.Equal(LockState.Governance, (await operatorClient.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Governance, LockDuration = 30 })).LockState);

        var deregistered = await operatorClient.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage, DeleteAssociatedSnapshots = true });
        Assert.Equal(SnapshotReturnCodes.MissingPermissions, Assert.Single(deregistered.DeleteSnapshotResults).ReturnCode);
        Assert.Equal(SnapshotState.Completed, (await DescribeSnapshot(Origin, SharedImageSnapshot)).State);
    }

    [Fact]
    public async Task Deregistering_an_AMI_keeps_its_locked_snapshots_and_says_so()
    {
        await Origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = SharedImageSnapshot, LockMode = LockMode.Governance, LockDuration = 1 });

        var response = await Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage, DeleteAssociatedSnapshots = true });

        var result = Assert.Single(response.DeleteSnapshotResults);
        Assert.Equal(SharedImageSnapshot, result.SnapshotId);
        Assert.Equal(SnapshotReturnCodes.ClientError, result.ReturnCode);
        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Origin, SharedImage));
        Assert.Equal(SnapshotState.Completed, (await DescribeSnapshot(Origin, SharedImageSnapshot)).State);

        Fixture.Advance(TimeSpan.FromDays(2));
        await Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = SharedImageSnapshot });
    }
}
