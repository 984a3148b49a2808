using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// CopyImage, RegisterImage and DeregisterImage (aws-behaviour.md §2; §9 rules 2, 6, 9, 12, 13, 15): a cross-account
/// copy needs the launch permission, every backing snapshot shared and every backing key usable.
/// </summary>
public sealed class Ec2ImageCopyTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    private static readonly string s_vaultKeyArn = KeyArn(VaultId, VaultKey);

    [Fact]
    public async Task Cross_account_copy_makes_new_backing_snapshots_under_the_destination_key()
    {
        var response = await Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "vault-copy-of-shared-ok",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            Encrypted = true,
            KmsKeyId = "alias/vault-key",
        });

        var pending = await DescribeImage(Vault, response.ImageId);
        Assert.Equal(ImageState.Pending, pending.State);
        Assert.Equal(VaultId, pending.OwnerId);
        Assert.Equal(SharedImage, pending.SourceImageId);
        Assert.Equal(HomeRegion, pending.SourceImageRegion);
        Assert.Equal("golden image", pending.Description);
        var device = Assert.Single(pending.BlockDeviceMappings);
        Assert.NotEqual(SharedImageSnapshot, device.Ebs.SnapshotId);
        Assert.True(device.Ebs.Encrypted);

        var snapshot = await DescribeSnapshot(Vault, device.Ebs.SnapshotId);
        Assert.Equal(VaultId, snapshot.OwnerId);
        Assert.Equal(SnapshotState.Pending, snapshot.State);
        Assert.Equal(s_vaultKeyArn, snapshot.KmsKeyId);
        Assert.StartsWith($"Copied for DestinationAmi {response.ImageId} from SourceAmi {SharedImage} for SourceSnapshot {SharedImageSnapshot}.", snapshot.Description, StringComparison.Ordinal);

        // Launch permissions and tags stay behind.
        Assert.Empty(await LaunchPermissions(Vault, response.ImageId));
        Assert.Null(pending.Tags);

        Fixture.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ImageState.Available, (await DescribeImage(Vault, response.ImageId)).State);
        Assert.Equal(SnapshotState.Completed, (await DescribeSnapshot(Vault, device.Ebs.SnapshotId)).State);
    }

    [Fact]
    public async Task A_launch_permission_without_the_snapshots_is_not_enough()
    {
        var ex = await Ec2Assert.Fails("InvalidRequest", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "no-storage",
            SourceImageId = StorageNotSharedImage,
            SourceRegion = HomeRegion,
        }));
        Assert.Equal("You do not have permission to access the storage of this ami.", ex.Message);

        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "not-shared",
            SourceImageId = AwsEbsImage,
            SourceRegion = HomeRegion,
        }));
        Assert.Empty((await Vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? []);
    }

    [Fact]
    public async Task Every_backing_key_must_be_usable()
    {
        // Root on K1 (the vault may use it), data volume on K2 (it may not): accepted, then failed.
        var response = await Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "two-keys-copy",
            SourceImageId = TwoKeyImage,
            SourceRegion = HomeRegion,
            Encrypted = true,
            KmsKeyId = s_vaultKeyArn,
        });
        Assert.Equal(ImageState.Pending, (await DescribeImage(Vault, response.ImageId)).State);

        Fixture.Advance(TimeSpan.FromSeconds(6));
        var failed = await DescribeImage(Vault, response.ImageId);
        Assert.Equal(ImageState.Failed, failed.State);
        Assert.Contains("Given key ID is not accessible", failed.StateReason.Message, StringComparison.Ordinal);
        var states = new List<SnapshotState>();
        foreach (var mapping in failed.BlockDeviceMappings)
        {
            states.Add((await DescribeSnapshot(Vault, mapping.Ebs.SnapshotId)).State);
        }

        Assert.Equal([SnapshotState.Pending, SnapshotState.Error], states);

        // Once the origin lets the vault use K2 through EC2, the same copy works.
        using var kms = Kms(OriginAdmin);
        await kms.PutKeyPolicyAsync(new Amazon.KeyManagementService.Model.PutKeyPolicyRequest
        {
            KeyId = OriginKey2,
            Policy = SharedWithVaultPolicy,
        });
        var retry = await Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "two-keys-copy-2",
            SourceImageId = TwoKeyImage,
            SourceRegion = HomeRegion,
            Encrypted = true,
            KmsKeyId = s_vaultKeyArn,
        });
        Fixture.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ImageState.Available, (await DescribeImage(Vault, retry.ImageId)).State);
    }

    [Fact]
    public async Task A_client_token_repeated_with_another_tag_value_is_a_parameter_mismatch()
    {
        // Tags are parameters like any other (aws-behaviour.md §2.3): a time tag that moved makes the repeat a mismatch.
        CopyImageRequest Tagged(string copiedAt) => new()
        {
            Name = "tagged-token",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            ClientToken = "vaultcopy-tagged",
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("copied-at", copiedAt)] }],
        };

        var first = await Vault.CopyImageAsync(Tagged("2026-12-04T12:00:00Z"));
        Assert.Equal(first.ImageId, (await Vault.CopyImageAsync(Tagged("2026-12-04T12:00:00Z"))).ImageId);

        await Ec2Assert.Fails("IdempotentParameterMismatch", () => Vault.CopyImageAsync(Tagged("2026-12-04T12:00:01Z")));
        Assert.Single((await Vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images);
    }

    [Fact]
    public async Task Client_token_makes_the_copy_idempotent()
    {
        var request = new CopyImageRequest { Name = "idempotent", SourceImageId = SharedImage, SourceRegion = HomeRegion, ClientToken = "vaultcopy-run-1" };
        var first = await Vault.CopyImageAsync(request);
        var again = await Vault.CopyImageAsync(request);
        Assert.Equal(first.ImageId, again.ImageId);
        Assert.Single((await Vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images);

        var ex = await Ec2Assert.Fails("IdempotentParameterMismatch", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "idempotent-but-renamed",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            ClientToken = "vaultcopy-run-1",
        }));
        Assert.Equal("Arguments on this idempotent request are inconsistent with arguments used in previous request(s).", ex.Message);

        // Without a token the SDK sends a fresh UUID: a second copy, which the name then refuses.
        await Ec2Assert.Fails("InvalidAMIName.Duplicate",
            () => Vault.CopyImageAsync(new CopyImageRequest { Name = "idempotent", SourceImageId = SharedImage, SourceRegion = HomeRegion }));
        await Ec2Assert.Fails("InvalidParameterValue", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "long-token",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            ClientToken = new string('t', 129),
        }));
    }

    [Fact]
    public async Task Copy_image_tags_copies_only_the_callers_own_tags()
    {
        var own = await Origin.CopyImageAsync(new CopyImageRequest
        {
            Name = "own-copy",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            CopyImageTags = true,
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("Stage", "copy")] },
                new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("Part", "root")] },
            ],
        });
        var ownCopy = await DescribeImage(Origin, own.ImageId);
        Assert.Equal(["Name=shared-ok", "Stage=copy", "Team=platform"], ownCopy.Tags.Select(t => t.Key + "=" + t.Value).Order());
        var snapshot = await DescribeSnapshot(Origin, Assert.Single(ownCopy.BlockDeviceMappings).Ebs.SnapshotId);
        Assert.Equal("root", Assert.Single(snapshot.Tags).Value);

        // Same account and Region, no encryption parameters: each snapshot keeps its key.
        Assert.Equal(KeyArn(OriginId, OriginKey1), snapshot.KmsKeyId);

        var shared = await Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "vault-copy",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            CopyImageTags = true,
        });
        Assert.Null((await DescribeImage(Vault, shared.ImageId)).Tags);

        var badType = await Ec2Assert.Fails("InvalidParameterValue", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "bad-tags",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("a", "b")] }],
        }));
        Assert.Equal("'volume' is not a valid taggable resource type for this operation.", badType.Message);
    }

    [Fact]
    public async Task Amis_with_billing_products_stay_in_their_account()
    {
        var ex = await Ec2Assert.Fails("InvalidRequest", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "licensed-copy",
            SourceImageId = BillingProductImage,
            SourceRegion = HomeRegion,
        }));
        Assert.Equal("Images with EC2 BillingProduct codes cannot be copied to another AWS account.", ex.Message);

        var own = await Origin.CopyImageAsync(new CopyImageRequest { Name = "licensed-copy", SourceImageId = BillingProductImage, SourceRegion = HomeRegion });
        Assert.Equal(ImageState.Pending, (await DescribeImage(Origin, own.ImageId)).State);
    }

    [Fact]
    public async Task Deregistering_a_pending_copy_stops_it()
    {
        var response = await Vault.CopyImageAsync(new CopyImageRequest { Name = "to-cancel", SourceImageId = SharedImage, SourceRegion = HomeRegion });
        string snapshotId = Assert.Single((await DescribeImage(Vault, response.ImageId)).BlockDeviceMappings).Ebs.SnapshotId;

        await Vault.DeregisterImageAsync(new DeregisterImageRequest { ImageId = response.ImageId });

        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Vault, response.ImageId));
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Vault, snapshotId));
        Fixture.Advance(TimeSpan.FromHours(1));
        Assert.Empty((await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots ?? []);
    }

    [Fact]
    public async Task Names_quota_and_dry_run()
    {
        await Ec2Assert.Fails("InvalidAMIName.Malformed",
            () => Vault.CopyImageAsync(new CopyImageRequest { Name = "copy*of", SourceImageId = SharedImage, SourceRegion = HomeRegion }));

        var dryRun = await Ec2Assert.Fails("DryRunOperation", () => Vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "dry",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            DryRun = true,
        }), HttpStatusCode.PreconditionFailed);
        Assert.Equal("Request would have succeeded, but DryRun flag is set.", dryRun.Message);
        await Ec2Assert.Fails("UnauthorizedOperation", () => Client(VaultReader).CopyImageAsync(new CopyImageRequest
        {
            Name = "dry",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            DryRun = true,
        }), HttpStatusCode.Forbidden);
        Assert.Empty((await Vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? []);

        Fixture.Server.Settings.Ec2.ConcurrentImageCopies = 2;
        await Vault.CopyImageAsync(new CopyImageRequest { Name = "one", SourceImageId = SharedImage, SourceRegion = HomeRegion });
        await Vault.CopyImageAsync(new CopyImageRequest { Name = "two", SourceImageId = SharedImage, SourceRegion = HomeRegion });
        await Ec2Assert.Fails("ResourceLimitExceeded",
            () => Vault.CopyImageAsync(new CopyImageRequest { Name = "three", SourceImageId = SharedImage, SourceRegion = HomeRegion }));
        Fixture.Advance(TimeSpan.FromHours(1));
        await Vault.CopyImageAsync(new CopyImageRequest { Name = "three", SourceImageId = SharedImage, SourceRegion = HomeRegion });

        await Ec2Assert.Fails("DryRunOperation",
            () => Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage, DryRun = true }), HttpStatusCode.PreconditionFailed);
        await Ec2Assert.Fails("DryRunOperation", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
            DryRun = true,
        }), HttpStatusCode.PreconditionFailed);
        Assert.Equal(VaultId, Assert.Single(await LaunchPermissions(Origin, SharedImage)).UserId);
    }

    [Fact]
    public async Task Register_and_deregister_with_associated_snapshots()
    {
        var registered = await Origin.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "from-scratch",
            RootDeviceName = "/dev/xvda",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = PlainSnapshot } }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("Name", "scratch")] }],
        });
        var image = await DescribeImage(Origin, registered.ImageId);
        Assert.Equal(ImageState.Available, image.State);
        Assert.Equal(8, Assert.Single(image.BlockDeviceMappings).Ebs.VolumeSize);
        Assert.Equal("scratch", Assert.Single(image.Tags).Value);

        await Ec2Assert.Fails("InvalidAMIName.Duplicate", () => Origin.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "from-scratch",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = PlainSnapshot } }],
        }));
        await Ec2Assert.Fails("AuthFailure", () => Vault.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "not-mine",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = SharedCmkSnapshot } }],
        }));

        var result = await Origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = registered.ImageId, DeleteAssociatedSnapshots = true });
        Assert.Equal(SnapshotReturnCodes.Success, Assert.Single(result.DeleteSnapshotResults).ReturnCode);
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Origin, PlainSnapshot));
        await Ec2Assert.Fails("AuthFailure", () => Vault.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage }));
    }

    private AmazonKeyManagementServiceClient Kms(Ec2Credentials credentials) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey),
            new AmazonKeyManagementServiceConfig { ServiceURL = Fixture.Server.BaseUri.ToString(), AuthenticationRegion = HomeRegion, MaxErrorRetry = 0 });

    private const string SharedWithVaultPolicy = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
          {"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":true}}}
        ]}
        """;
}
