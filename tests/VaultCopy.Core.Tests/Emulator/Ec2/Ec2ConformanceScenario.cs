using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using VaultCopy.Core.Tests.Emulator.Conformance;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// EC2 for the model-conformance test, through the real AmazonEC2Client: every operation succeeds with every
/// parameter the emulator reads, and fails in the ways the snapshot/AMI paths of a vault copy meet.
/// </summary>
internal sealed class Ec2ConformanceScenario : IConformanceScenario
{
    public string Service => "ec2";

    public async Task RunAsync(ConformanceContext context)
    {
        context.LoadWorld(World);
        context.Server.Reset();
        using var origin = Client(context, OriginAdmin);
        using var vault = Client(context, VaultAdmin);
        using var reader = Client(context, VaultReader);

        await Snapshots(context, origin, vault, reader);
        await Images(context, origin, vault);
        await Tags(origin, vault);
        await BlockPublicAccess(origin);
        context.Server.Reset();
    }

    private static async Task Snapshots(ConformanceContext context, AmazonEC2Client origin, AmazonEC2Client vault, AmazonEC2Client reader)
    {
        var page = await origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest
        {
            OwnerIds = ["self"],
            RestorableByUserIds = ["self"],
            Filters = [new Filter("encrypted", ["true"]), new Filter("tag-key", ["Backup"])],
            MaxResults = 5,
        });
        await origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"], MaxResults = 5, NextToken = page.NextToken ?? "ZWMyOnNuYXAt" });
        await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [SharedCmkSnapshot] });
        await origin.DescribeSnapshotAttributeAsync(new DescribeSnapshotAttributeRequest { SnapshotId = SharedCmkSnapshot, Attribute = SnapshotAttributeName.CreateVolumePermission });
        await origin.DescribeSnapshotAttributeAsync(new DescribeSnapshotAttributeRequest { SnapshotId = SharedCmkSnapshot, Attribute = SnapshotAttributeName.ProductCodes });
        await origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
            GroupNames = ["all"],
        });
        await origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications
            {
                Remove = [new CreateVolumePermission { UserId = OtherId, Group = PermissionGroup.All }],
            },
        });
        await origin.ResetSnapshotAttributeAsync(new ResetSnapshotAttributeRequest { SnapshotId = PlainSnapshot, Attribute = SnapshotAttributeName.CreateVolumePermission });

        var copy = await vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            Description = "conformance copy",
            Encrypted = true,
            KmsKeyId = "alias/vault-key",
            CompletionDurationMinutes = 15,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("Copy", "yes")] }],
        });
        context.Server.Clock.Advance(TimeSpan.FromHours(1));
        await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [copy.SnapshotId] });
        await vault.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = copy.SnapshotId });

        await Expect("InvalidSnapshot.NotFound", () => vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [PrivateCmkSnapshot] }));
        await Expect("InvalidSnapshotID.Malformed", () => vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = ["snap-1"] }));
        await Expect("InvalidParameterValue", () => origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { Filters = [new Filter("colour", ["red"])] }));
        await Expect("InvalidParameterCombination", () => origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [PlainSnapshot], MaxResults = 5 }));
        await Expect("InvalidPaginationToken", () => origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { MaxResults = 5, NextToken = "bm9wZQ==" }));
        await Expect("AuthFailure", () => vault.DescribeSnapshotAttributeAsync(new DescribeSnapshotAttributeRequest { SnapshotId = SharedCmkSnapshot, Attribute = SnapshotAttributeName.CreateVolumePermission }));
        await Expect("OperationNotPermitted", () => origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest { SnapshotId = AwsEbsSnapshot, OperationType = OperationType.Add, UserIds = [VaultId] }));
        await Expect("InvalidAMIAttributeItemValue", () => origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest { SnapshotId = PlainSnapshot, OperationType = OperationType.Add, UserIds = ["12"] }));
        await Expect("InvalidParameterCombination", () => origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest { SnapshotId = PlainSnapshot }));
        await Expect("MissingParameter", () => origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest { SnapshotId = PlainSnapshot, UserIds = [VaultId] }));
        await Expect("UnauthorizedOperation", () => reader.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot }));
        await Expect("DryRunOperation", () => vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot, DryRun = true }));
        await Expect("InvalidParameterDependency", () => vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot, KmsKeyId = "alias/vault-key" }));
        await Expect("InvalidRegion", () => vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = "Ireland", SourceSnapshotId = SharedCmkSnapshot }));
        await Expect("InvalidParameterValue", () => vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("a", "b")] }],
        }));
        await Expect("UnsupportedOperation", () => vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = HomeRegion,
            SourceSnapshotId = SharedCmkSnapshot,
            DestinationOutpostArn = "arn:aws:outposts:eu-west-1:222222222222:outpost/op-0123456789abcdef0",
        }));
        context.Server.Settings.Ec2.ConcurrentSnapshotCopies = 0;
        await Expect("ResourceLimitExceeded", () => vault.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = HomeRegion, SourceSnapshotId = SharedCmkSnapshot }));
        context.Server.Settings.Ec2.ConcurrentSnapshotCopies = Ec2QuotaDefaults.Snapshots;
        await Expect("InvalidSnapshot.InUse", () => origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = SharedImageSnapshot }));
    }

    private static async Task Images(ConformanceContext context, AmazonEC2Client origin, AmazonEC2Client vault)
    {
        var page = await vault.DescribeImagesAsync(new DescribeImagesRequest
        {
            Owners = [OriginId],
            ExecutableUsers = ["self"],
            Filters = [new Filter("state", ["available"])],
            MaxResults = 5,
        });
        await vault.DescribeImagesAsync(new DescribeImagesRequest { MaxResults = 5, NextToken = page.NextToken });
        await vault.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [SharedImage] });
        foreach (var attribute in new[] { "launchPermission", "description", "blockDeviceMapping", "productCodes", "bootMode", "imdsSupport", "deregistrationProtection", "kernel" })
        {
            await origin.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = SharedImage, Attribute = attribute });
        }

        await origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage, Description = "described" });
        await origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage, Attribute = "description", Value = "described again" });
        await origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage, ImdsSupport = "v2.0" });
        await origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            Attribute = "launchPermission",
            OperationType = OperationType.Add,
            UserIds = [OtherId],
            UserGroups = ["all"],
            OrganizationArns = [OrganizationArn],
            OrganizationalUnitArns = [VaultOuArn],
        });
        await origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            LaunchPermission = new LaunchPermissionModifications
            {
                Add = [new LaunchPermission { UserId = VaultId }],
                Remove = [new LaunchPermission { Group = PermissionGroup.All, OrganizationArn = OrganizationArn, OrganizationalUnitArn = VaultOuArn }],
            },
        });
        await origin.ResetImageAttributeAsync(new ResetImageAttributeRequest { ImageId = OrganizationImage, Attribute = ResetImageAttributeName.LaunchPermission });

        var copy = await vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "conformance-copy",
            Description = "copied",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            Encrypted = true,
            KmsKeyId = "alias/vault-key",
            ClientToken = "conformance-token",
            CopyImageTags = true,
            SnapshotCopyCompletionDurationMinutes = 15,
            TagSpecifications =
            [
                new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("Copy", "image")] },
                new TagSpecification { ResourceType = ResourceType.Snapshot, Tags = [new Tag("Copy", "snapshot")] },
            ],
        });
        context.Server.Clock.Advance(TimeSpan.FromHours(1));
        await vault.DeregisterImageAsync(new DeregisterImageRequest { ImageId = copy.ImageId, DeleteAssociatedSnapshots = true });

        var registered = await origin.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "conformance-registered",
            Description = "registered",
            Architecture = ArchitectureValues.X86_64,
            VirtualizationType = "hvm",
            RootDeviceName = "/dev/xvda",
            EnaSupport = true,
            BootMode = BootModeValues.Uefi,
            ImdsSupport = ImdsSupportValues.V20,
            BillingProducts = ["bp-6ba54002"],
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = "/dev/xvda",
                    Ebs = new EbsBlockDevice { SnapshotId = PlainSnapshot, VolumeSize = 10, VolumeType = VolumeType.Gp3, DeleteOnTermination = true },
                },
            ],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("Registered", "yes")] }],
        });
        await origin.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [registered.ImageId] });

        await Expect("InvalidAMIID.NotFound", () => vault.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [AwsEbsImage] }));
        await Expect("InvalidAMIID.Malformed", () => vault.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = ["ami-x"] }));
        await Expect("InvalidUserID.Malformed", () => vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["nobody"] }));
        await Expect("AuthFailure", () => vault.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = SharedImage, Attribute = "launchPermission" }));
        await Expect("InvalidParameter", () => origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = AwsEbsImage, OperationType = OperationType.Add, UserIds = [VaultId] }));
        await Expect("InvalidParameterCombination", () => origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage }));
        await Expect("InvalidRequest", () => vault.CopyImageAsync(new CopyImageRequest { Name = "no-storage", SourceImageId = StorageNotSharedImage, SourceRegion = HomeRegion }));
        await Expect("InvalidRequest", () => vault.CopyImageAsync(new CopyImageRequest { Name = "licensed", SourceImageId = BillingProductImage, SourceRegion = HomeRegion }));
        await Expect("IdempotentParameterMismatch", () => vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "other-name",
            SourceImageId = SharedImage,
            SourceRegion = HomeRegion,
            ClientToken = "conformance-token",
        }));
        await Expect("InvalidAMIName.Malformed", () => vault.CopyImageAsync(new CopyImageRequest { Name = "bad*name", SourceImageId = SharedImage, SourceRegion = HomeRegion }));
        await Expect("InvalidAMIName.Duplicate", () => origin.RegisterImageAsync(new RegisterImageRequest
        {
            Name = "conformance-registered",
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/xvda", Ebs = new EbsBlockDevice { SnapshotId = PlainSnapshot } }],
        }));
        await Expect("UnsupportedOperation", () => origin.RegisterImageAsync(new RegisterImageRequest { Name = "s3-backed", ImageLocation = "bucket/manifest.xml" }));
        context.Server.Settings.Ec2.ConcurrentImageCopies = 0;
        await Expect("ResourceLimitExceeded", () => vault.CopyImageAsync(new CopyImageRequest { Name = "over-quota", SourceImageId = SharedImage, SourceRegion = HomeRegion }));
        context.Server.Settings.Ec2.ConcurrentImageCopies = Ec2QuotaDefaults.Images;
        await Expect("DryRunOperation", () => origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage, DryRun = true }));
        await Expect("AuthFailure", () => vault.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage }));
    }

    private static async Task Tags(AmazonEC2Client origin, AmazonEC2Client vault)
    {
        await origin.CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot, SharedImage], Tags = [new Tag("Audit", "2026"), new Tag("Owner", "ops")] });
        var page = await origin.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["Audit", "Owner"])], MaxResults = 5 });
        await origin.DescribeTagsAsync(new DescribeTagsRequest { MaxResults = 5, NextToken = page.NextToken });
        await origin.DeleteTagsAsync(new DeleteTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("Audit", "2026"), new Tag { Key = "Owner" }] });
        await vault.CreateTagsAsync(new CreateTagsRequest { Resources = [SharedImage], Tags = [new Tag("Seen", "vault")] });

        await Expect("InvalidID", () => origin.CreateTagsAsync(new CreateTagsRequest { Resources = ["i-0123456789abcdef0"], Tags = [new Tag("a", "b")] }));
        await Expect("InvalidParameterValue", () => origin.CreateTagsAsync(new CreateTagsRequest { Resources = [PlainSnapshot], Tags = [new Tag("aws:x", "b")] }));
        await Expect("TagLimitExceeded", () => origin.CreateTagsAsync(new CreateTagsRequest
        {
            Resources = [PlainSnapshot],
            Tags = Enumerable.Range(0, 51).Select(i => new Tag("k" + i, "v")).ToList(),
        }));
        await Expect("InvalidSnapshot.NotFound", () => vault.DeleteTagsAsync(new DeleteTagsRequest { Resources = [PrivateCmkSnapshot] }));
    }

    private static async Task BlockPublicAccess(AmazonEC2Client origin)
    {
        await origin.EnableSnapshotBlockPublicAccessAsync(new EnableSnapshotBlockPublicAccessRequest { State = SnapshotBlockPublicAccessState.BlockNewSharing });
        await origin.GetSnapshotBlockPublicAccessStateAsync(new GetSnapshotBlockPublicAccessStateRequest());
        await Expect("OperationNotPermitted", () => origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest { SnapshotId = PlainSnapshot, OperationType = OperationType.Add, GroupNames = ["all"] }));
        await origin.DisableSnapshotBlockPublicAccessAsync(new DisableSnapshotBlockPublicAccessRequest());
        await origin.EnableImageBlockPublicAccessAsync(new EnableImageBlockPublicAccessRequest { ImageBlockPublicAccessState = ImageBlockPublicAccessEnabledState.BlockNewSharing });
        await origin.GetImageBlockPublicAccessStateAsync(new GetImageBlockPublicAccessStateRequest());
        await origin.DisableImageBlockPublicAccessAsync(new DisableImageBlockPublicAccessRequest());
        await Expect("InvalidParameterValue", () => origin.EnableSnapshotBlockPublicAccessAsync(new EnableSnapshotBlockPublicAccessRequest { State = new SnapshotBlockPublicAccessState("sometimes") }));
    }

    private static AmazonEC2Client Client(ConformanceContext context, Ec2Credentials credentials) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), new AmazonEC2Config
        {
            ServiceURL = context.Server.BaseUri.ToString(),
            AuthenticationRegion = HomeRegion,
            MaxErrorRetry = 0,
        });

    private static async Task Expect(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonEC2Exception>(call);
        Assert.Equal(code, error.ErrorCode);
    }

    private static class Ec2QuotaDefaults
    {
        public const int Snapshots = VaultCopy.Emulator.Services.Ec2.Ec2QuotaSettings.DefaultConcurrentSnapshotCopies;
        public const int Images = VaultCopy.Emulator.Services.Ec2.Ec2QuotaSettings.DefaultConcurrentImageCopies;
    }
}
