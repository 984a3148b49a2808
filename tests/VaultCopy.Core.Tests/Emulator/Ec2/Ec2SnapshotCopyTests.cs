using System.Globalization;
using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// CopySnapshot (aws-behaviour.md §1.1–§1.4, §1.7; §9 rules 6, 9, 12, 13, 15): asynchronous, driven by the world
/// clock; key problems surface as an error state, never as a failed call.
/// </summary>
public sealed class Ec2SnapshotCopyTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    private static readonly string s_vaultKeyArn = KeyArn(VaultId, VaultKey);

    [Fact]
    public async Task Cross_account_copy_is_pending_then_completes_under_the_destination_key()
    {
        var response = await Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            Encrypted = true,
            KmsKeyId = "alias/vault-key",
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("VaultCopyOf", SharedCmkSnapshot)] }],
        });
        Assert.StartsWith("snap-", response.SnapshotId, StringComparison.Ordinal);
        Assert.Equal(SharedCmkSnapshot, Assert.Single(response.Tags).Value);

        var pending = await DescribeSnapshot(Vault, response.SnapshotId);
        Assert.Equal(SnapshotState.Pending, pending.State);
        Assert.Equal("0%", pending.Progress);
        Assert.Equal(VaultId, pending.OwnerId);
        Assert.True(pending.Encrypted);
        Assert.Equal(s_vaultKeyArn, pending.KmsKeyId);
        Assert.Equal("vol-ffffffff", pending.VolumeId);
        Assert.Equal(20, pending.VolumeSize);
        Assert.Equal($"[Copied {SharedCmkSnapshot} from {HomeRegion}]", pending.Description);
        // Only the TagSpecifications tags: the source's Name and Backup tags are not copied.
        Assert.Equal(["VaultCopyOf"], pending.Tags.Select(t => t.Key));

        // 20 GiB at about 100 MiB/s plus start-up: about 220 s of AWS time at time scale 1.
        Fixture.Advance(TimeSpan.FromSeconds(110));
        var halfway = await DescribeSnapshot(Vault, response.SnapshotId);
        Assert.Equal(SnapshotState.Pending, halfway.State);
        int percent = int.Parse(halfway.Progress.TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.InRange(percent, 40, 60);

        Fixture.Advance(TimeSpan.FromSeconds(115));
        var done = await DescribeSnapshot(Vault, response.SnapshotId);
        Assert.Equal(SnapshotState.Completed, done.State);
        Assert.Equal("100%", done.Progress);

        // The source's sharing is not copied either.
        Assert.Empty(await VolumePermissions(Vault, response.SnapshotId));
    }

    [Fact]
    public async Task Without_key_access_the_call_succeeds_and_the_copy_turns_to_error()
    {
        // K2's policy does not let the vault in: the snapshot is shared, its key is not.
        var response = await Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedPrivateKeySnapshot,
            Encrypted = true,
            KmsKeyId = s_vaultKeyArn,
        });
        Assert.Equal(SnapshotState.Pending, (await DescribeSnapshot(Vault, response.SnapshotId)).State);

        Fixture.Advance(TimeSpan.FromSeconds(6));
        var failed = await DescribeSnapshot(Vault, response.SnapshotId);
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("Given key ID is not accessible", failed.StateMessage);

        // The waiter's view: DescribeSnapshots with status=error finds it.
        var errored = await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            Filters = [new Filter("status", ["error"])],
        });
        Assert.Equal(response.SnapshotId, Assert.Single(errored.Snapshots).SnapshotId);
    }

    [Fact]
    public async Task An_unknown_destination_key_is_only_found_out_asynchronously()
    {
        var response = await Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            Encrypted = true,
            KmsKeyId = "alias/no-such-key",
        });

        Fixture.Advance(TimeSpan.FromMinutes(1));
        var failed = await DescribeSnapshot(Vault, response.SnapshotId);
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("Given key ID is not accessible", failed.StateMessage);
    }

    [Fact]
    public async Task A_shared_encrypted_snapshot_copied_without_a_key_gets_the_destination_accounts_aws_ebs_key()
    {
        var response = await Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot });
        Fixture.Advance(TimeSpan.FromHours(1));
        var copy = await DescribeSnapshot(Vault, response.SnapshotId);

        Assert.Equal(SnapshotState.Completed, copy.State);
        Assert.True(copy.Encrypted);
        Assert.Equal(await AwsEbsKeyArn(VaultAdmin, HomeRegion), copy.KmsKeyId);
        Assert.StartsWith($"arn:aws:kms:{HomeRegion}:{VaultId}:key/", copy.KmsKeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unencrypted_sources_stay_unencrypted_unless_encryption_is_asked_for()
    {
        var plain = await Other.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PublicSnapshot });
        var encrypted = await Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot, Encrypted = true });

        var plainCopy = await DescribeSnapshot(Other, plain.SnapshotId);
        Assert.False(plainCopy.Encrypted);
        Assert.Null(plainCopy.KmsKeyId);
        var encryptedCopy = await DescribeSnapshot(Origin, encrypted.SnapshotId);
        Assert.True(encryptedCopy.Encrypted);
        Assert.Equal(await AwsEbsKeyArn(OriginAdmin, HomeRegion), encryptedCopy.KmsKeyId);

        // Encrypted=false cannot make an encrypted source's copy unencrypted.
        var still = await Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot, Encrypted = false });
        Assert.True((await DescribeSnapshot(Vault, still.SnapshotId)).Encrypted);
    }

    [Fact]
    public async Task Copies_need_the_source_shared_and_a_key_needs_encrypted()
    {
        await Ec2Assert.Fails("InvalidSnapshot.NotFound",
            () => Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PrivateCmkSnapshot }));

        var ex = await Ec2Assert.Fails("InvalidParameterDependency", () => Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            KmsKeyId = "alias/vault-key",
        }));
        Assert.Equal("The parameter [KmsKeyId] requires the parameter Encrypted to be set.", ex.Message);

        var tagError = await Ec2Assert.Fails("InvalidParameterValue", () => Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("a", "b")] }],
        }));
        Assert.Equal("'image' is not a valid taggable resource type for this operation.", tagError.Message);
        Assert.Empty((await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots ?? []);
    }

    [Fact]
    public async Task Cross_region_copies_land_in_the_destination_region_under_one_of_its_keys()
    {
        var useast = Client(VaultAdmin, OtherRegion);
        var withDefaultKey = await useast.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot });
        // A key of another HomeRegion cannot encrypt the copy: accepted, then error.
        var withForeignKey = await useast.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            Encrypted = true,
            KmsKeyId = s_vaultKeyArn,
        });

        Fixture.Advance(TimeSpan.FromHours(1));
        var good = await DescribeSnapshot(useast, withDefaultKey.SnapshotId);
        Assert.Equal(SnapshotState.Completed, good.State);
        Assert.Equal(await AwsEbsKeyArn(VaultAdmin, OtherRegion), good.KmsKeyId);
        Assert.Equal(SnapshotState.Error, (await DescribeSnapshot(useast, withForeignKey.SnapshotId)).State);
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Vault, withDefaultKey.SnapshotId));
    }

    [Fact]
    public async Task The_21st_concurrent_copy_is_refused_until_one_finishes()
    {
        var ids = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            ids.Add((await Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot })).SnapshotId);
        }

        var ex = await Ec2Assert.Fails("ResourceLimitExceeded",
            () => Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot }));
        Assert.Contains("20", ex.Message, StringComparison.Ordinal);

        // Another account's quota is its own.
        await Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot });

        Fixture.Advance(TimeSpan.FromHours(1));
        var copies = await Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ids });
        Assert.All(copies.Snapshots, s => Assert.Equal(SnapshotState.Completed, s.State));
        await Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot });
    }

    [Fact]
    public async Task The_concurrency_quota_can_be_lowered_for_a_world()
    {
        Fixture.Server.Settings.Ec2.ConcurrentSnapshotCopies = 2;
        await Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot });
        await Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot });
        await Ec2Assert.Fails("ResourceLimitExceeded",
            () => Origin.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PlainSnapshot }));

        // A failed copy no longer counts.
        Fixture.Server.Settings.Ec2.ConcurrentSnapshotCopies = 1;
        Fixture.Advance(TimeSpan.FromHours(1));
        var failing = await Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedPrivateKeySnapshot });
        await Ec2Assert.Fails("ResourceLimitExceeded",
            () => Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot }));
        Fixture.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(SnapshotState.Error, (await DescribeSnapshot(Vault, failing.SnapshotId)).State);
        await Vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot });
    }

    [Fact]
    public async Task Time_scale_speeds_copies_up_deterministically()
    {
        // 500 GiB: about 85 minutes at scale 1, about 2 s at scale 2560.
        Fixture.Server.Settings.TimeScale = 2560;
        var response = await Other.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = PublicSnapshot });

        Fixture.Advance(TimeSpan.FromSeconds(1));
        var halfway = await DescribeSnapshot(Other, response.SnapshotId);
        Assert.Equal(SnapshotState.Pending, halfway.State);
        Assert.InRange(int.Parse(halfway.Progress.TrimEnd('%'), CultureInfo.InvariantCulture), 45, 55);

        Fixture.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(SnapshotState.Completed, (await DescribeSnapshot(Other, response.SnapshotId)).State);
    }

    [Fact]
    public async Task Time_based_copies_take_the_requested_duration()
    {
        var response = await Origin.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = PlainSnapshot,
            CompletionDurationMinutes = 30,
        });
        Fixture.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(SnapshotState.Pending, (await DescribeSnapshot(Origin, response.SnapshotId)).State);
        Fixture.Advance(TimeSpan.FromMinutes(2));
        var done = await DescribeSnapshot(Origin, response.SnapshotId);
        Assert.Equal(SnapshotState.Completed, done.State);
        Assert.Equal(TransferType.TimeBased, done.TransferType);
        Assert.Equal(30, done.CompletionDurationMinutes);

        await Ec2Assert.Fails("InvalidParameterValue", () => Origin.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = PlainSnapshot,
            CompletionDurationMinutes = 20,
        }));
    }

    [Fact]
    public async Task Dry_run_answers_412_when_allowed_and_403_when_not()
    {
        var dryRun = await Ec2Assert.Fails("DryRunOperation", () => Vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            DryRun = true,
        }), HttpStatusCode.PreconditionFailed);
        Assert.Equal("Request would have succeeded, but DryRun flag is set.", dryRun.Message);
        Assert.Empty((await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots ?? []);

        var reader = Client(VaultReader);
        await Ec2Assert.Fails("UnauthorizedOperation", () => reader.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            DryRun = true,
        }), HttpStatusCode.Forbidden);
        await Ec2Assert.Fails("UnauthorizedOperation", () => reader.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
        }), HttpStatusCode.Forbidden);

        // The other mutating calls take DryRun too.
        await Ec2Assert.Fails("DryRunOperation", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
            DryRun = true,
        }), HttpStatusCode.PreconditionFailed);
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));
        await Ec2Assert.Fails("DryRunOperation",
            () => Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot, DryRun = true }), HttpStatusCode.PreconditionFailed);
        await Ec2Assert.Fails("DryRunOperation",
            () => Origin.CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("k", "v")], DryRun = true }), HttpStatusCode.PreconditionFailed);
        Assert.Equal(OriginId, (await DescribeSnapshot(Origin, PlainSnapshot)).OwnerId);
    }

    [Fact]
    public async Task Delete_refuses_snapshots_an_ami_uses_and_other_accounts_snapshots()
    {
        var ex = await Ec2Assert.Fails("InvalidSnapshot.InUse", () => Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = SharedImageSnapshot }));
        Assert.Equal($"The snapshot {SharedImageSnapshot} is currently in use by {SharedImage}", ex.Message);
        await Ec2Assert.Fails("AuthFailure", () => Vault.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = SharedCmkSnapshot }));

        await Origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot });
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Origin, PlainSnapshot));
    }

    private async Task<string> AwsEbsKeyArn(Ec2Credentials credentials, string region)
    {
        using var kms = new AmazonKeyManagementServiceClient(
            new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey),
            new AmazonKeyManagementServiceConfig { ServiceURL = Fixture.Server.BaseUri.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0 });
        var key = await kms.DescribeKeyAsync(new Amazon.KeyManagementService.Model.DescribeKeyRequest { KeyId = "alias/aws/ebs" });
        Assert.Equal(KeyManagerType.AWS, key.KeyMetadata.KeyManager);
        return key.KeyMetadata.Arn;
    }
}
