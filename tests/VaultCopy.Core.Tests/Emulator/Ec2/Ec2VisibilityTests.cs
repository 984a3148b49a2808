using Amazon.EC2;
using Amazon.EC2.Model;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>aws-behaviour.md §9 rule 1 and §1.6/§2.5: what each account can see, through the real AmazonEC2Client.</summary>
public sealed class Ec2VisibilityTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    [Fact]
    public async Task Owner_sees_its_snapshot_with_the_key_as_an_arn()
    {
        var snapshot = await DescribeSnapshot(Origin, SharedCmkSnapshot);

        Assert.Equal(OriginId, snapshot.OwnerId);
        Assert.Equal(SnapshotState.Completed, snapshot.State);
        Assert.Equal("100%", snapshot.Progress);
        Assert.True(snapshot.Encrypted);
        Assert.Equal(KeyArn(OriginId, OriginKey1), snapshot.KmsKeyId);
        Assert.Equal(20, snapshot.VolumeSize);
        Assert.Equal("vol-0000000000000c001", snapshot.VolumeId);
        Assert.Equal("app-data", snapshot.Tags.Single(t => t.Key == "Name").Value);
    }

    [Fact]
    public async Task Another_accounts_unshared_snapshot_reads_as_not_found()
    {
        var ex = await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Vault, PrivateCmkSnapshot));
        Assert.Equal($"The snapshot '{PrivateCmkSnapshot}' does not exist.", ex.Message);

        var all = await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest());
        Assert.DoesNotContain(all.Snapshots, s => s.SnapshotId == PrivateCmkSnapshot);
        Assert.Contains(all.Snapshots, s => s.SnapshotId == SharedCmkSnapshot);
        Assert.Contains(all.Snapshots, s => s.SnapshotId == PublicSnapshot);
    }

    [Fact]
    public async Task Sharing_makes_a_snapshot_visible_and_unsharing_hides_it_again()
    {
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Other, PlainSnapshot));

        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
        });
        Assert.Equal(OriginId, (await DescribeSnapshot(Other, PlainSnapshot)).OwnerId);

        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Remove,
            UserIds = [OtherId],
        });
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Other, PlainSnapshot));
    }

    [Fact]
    public async Task Block_all_sharing_hides_public_snapshots_from_others_but_not_from_the_owner()
    {
        Assert.Equal(OriginId, (await DescribeSnapshot(Other, PublicSnapshot)).OwnerId);

        var enabled = await Origin.EnableSnapshotBlockPublicAccessAsync(new EnableSnapshotBlockPublicAccessRequest
        {
            State = SnapshotBlockPublicAccessState.BlockAllSharing,
        });
        Assert.Equal(SnapshotBlockPublicAccessState.BlockAllSharing, enabled.State);

        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Other, PublicSnapshot));
        Assert.Contains(await VolumePermissions(Origin, PublicSnapshot), p => p.Group == PermissionGroup.All);
        var state = await Origin.GetSnapshotBlockPublicAccessStateAsync(new GetSnapshotBlockPublicAccessStateRequest());
        Assert.Equal(SnapshotBlockPublicAccessState.BlockAllSharing, state.State);
        Assert.Equal(ManagedBy.Account, state.ManagedBy);
    }

    [Fact]
    public async Task Snapshot_ids_are_checked_for_form_before_existence()
    {
        var malformed = await Ec2Assert.Fails("InvalidSnapshotID.Malformed", () => DescribeSnapshot(Origin, "snap-12345"));
        Assert.Contains("snap-12345", malformed.Message, StringComparison.Ordinal);

        await Ec2Assert.Fails("InvalidParameterValue", () => DescribeSnapshot(Origin, "not-a-snapshot"));
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => DescribeSnapshot(Origin, "snap-0123456789abcdef0"));
    }

    [Fact]
    public async Task Owner_ids_and_restorable_by_scope_the_listing()
    {
        var mine = await Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.All(mine.Snapshots, s => Assert.Equal(OriginId, s.OwnerId));
        Assert.Equal(14, mine.Snapshots.Count);

        var vaultOwned = await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.Empty(vaultOwned.Snapshots ?? []);

        var fromOrigin = await Vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = [OriginId] });
        Assert.Equal(
            [SharedCmkSnapshot, SharedPrivateKeySnapshot, "snap-0000000000000a006", "snap-0000000000000a007", SharedImageSnapshot, "snap-0000000000000a00b", PublicSnapshot],
            fromOrigin.Snapshots.Select(s => s.SnapshotId));

        var sharedWithVault = await Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { RestorableByUserIds = [VaultId] });
        Assert.DoesNotContain(sharedWithVault.Snapshots, s => s.SnapshotId == PublicSnapshot);
        Assert.Contains(sharedWithVault.Snapshots, s => s.SnapshotId == SharedCmkSnapshot);

        var publicOnes = await Other.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { RestorableByUserIds = ["all"] });
        Assert.Equal([PublicSnapshot], publicOnes.Snapshots.Select(s => s.SnapshotId));

        await Ec2Assert.Fails("InvalidUserID.Malformed", () => Other.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["me"] }));
    }

    [Fact]
    public async Task Describe_snapshots_filters()
    {
        async Task<List<string>> Ids(params Filter[] filters) =>
            ((await Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"], Filters = [.. filters] }))
                .Snapshots ?? []).Select(s => s.SnapshotId).ToList();

        Assert.Equal([SharedCmkSnapshot, AwsEbsSnapshot], await Ids(new Filter("tag:Backup", ["daily"])));
        Assert.Equal([SharedCmkSnapshot, PlainSnapshot], await Ids(new Filter("tag-key", ["Name"])));
        Assert.Equal([SharedCmkSnapshot], await Ids(new Filter("tag:Name", ["app-*"])));
        Assert.Equal([SharedCmkSnapshot], await Ids(new Filter("volume-id", ["vol-0000000000000c001"])));
        Assert.Equal([PlainSnapshot], await Ids(new Filter("snapshot-id", [PlainSnapshot])));
        Assert.Equal(5, (await Ids(new Filter("encrypted", ["false"]))).Count);
        Assert.Equal(14, (await Ids(new Filter("status", ["completed"]), new Filter("owner-id", [OriginId]))).Count);
        Assert.Empty(await Ids(new Filter("status", ["pending", "error"])));
        Assert.Equal([PublicSnapshot], await Ids(new Filter("volume-size", ["500"])));

        await Ec2Assert.Fails("InvalidParameterValue", () => Ids(new Filter("colour", ["blue"])));
    }

    [Fact]
    public async Task Describe_snapshots_pages_with_max_results_and_next_token()
    {
        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var page = await Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"], MaxResults = 5, NextToken = token });
            Assert.True(page.Snapshots.Count <= 5);
            seen.AddRange(page.Snapshots.Select(s => s.SnapshotId));
            token = page.NextToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(14, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);

        // The SDK's paginator follows the same tokens.
        var paginated = new List<string>();
        await foreach (var snapshot in Origin.Paginators.DescribeSnapshots(new DescribeSnapshotsRequest { OwnerIds = ["self"], MaxResults = 6 }).Snapshots)
        {
            paginated.Add(snapshot.SnapshotId);
        }

        Assert.Equal(seen, paginated);
        await Ec2Assert.Fails("InvalidParameterValue", () => Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { MaxResults = 4 }));
        await Ec2Assert.Fails("InvalidParameterCombination",
            () => Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { MaxResults = 5, SnapshotIds = [PlainSnapshot] }));
        await Ec2Assert.Fails("InvalidPaginationToken",
            () => Origin.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { MaxResults = 5, NextToken = "bm9wZQ==" }));
    }

    [Fact]
    public async Task Images_are_visible_through_launch_permissions_organizations_and_ous()
    {
        var vaultImages = (await Vault.DescribeImagesAsync(new DescribeImagesRequest())).Images.Select(i => i.ImageId).ToList();
        Assert.Equal([TwoKeyImage, SharedImage, StorageNotSharedImage, BillingProductImage, OrganizationImage, OuImage], vaultImages);

        var otherImages = (await Other.DescribeImagesAsync(new DescribeImagesRequest())).Images ?? [];
        Assert.Empty(otherImages);

        var ex = await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Other, SharedImage));
        Assert.Equal($"The image id '[{SharedImage}]' does not exist", ex.Message);
        await Ec2Assert.Fails("InvalidAMIID.Malformed", () => DescribeImage(Other, "ami-xyz"));
    }

    [Fact]
    public async Task Describe_images_owners_executable_users_and_filters()
    {
        async Task<List<string>> Ids(AmazonEC2Client client, DescribeImagesRequest request) =>
            ((await client.DescribeImagesAsync(request)).Images ?? []).Select(i => i.ImageId).ToList();

        Assert.Equal(7, (await Ids(Origin, new DescribeImagesRequest { Owners = ["self"] })).Count);
        Assert.Empty(await Ids(Vault, new DescribeImagesRequest { Owners = ["self"] }));
        Assert.Empty(await Ids(Origin, new DescribeImagesRequest { Owners = ["amazon"] }));

        // self = shared with the caller, including through its organization and OU.
        Assert.Equal(6, (await Ids(Vault, new DescribeImagesRequest { ExecutableUsers = ["self"] })).Count);

        // Another account's id: direct shares only, never organization or OU shares.
        var direct = await Ids(Origin, new DescribeImagesRequest { ExecutableUsers = [VaultId] });
        Assert.Equal([TwoKeyImage, SharedImage, StorageNotSharedImage, BillingProductImage], direct);

        Assert.Equal([SharedImage], await Ids(Vault, new DescribeImagesRequest { Filters = [new Filter("name", ["shared-*"])] }));
        Assert.Equal([TwoKeyImage], await Ids(Vault, new DescribeImagesRequest
        {
            Filters = [new Filter("block-device-mapping.snapshot-id", ["snap-0000000000000a007"])],
        }));
        Assert.Equal([SharedImage], await Ids(Origin, new DescribeImagesRequest { Filters = [new Filter("tag:Team", ["platform"])] }));
        Assert.Equal(7, (await Ids(Origin, new DescribeImagesRequest { Filters = [new Filter("state", ["available"]), new Filter("is-public", ["false"])] })).Count);

        // Tags are per account: the vault does not see the origin's tags on a shared AMI.
        Assert.Empty(await Ids(Vault, new DescribeImagesRequest { Filters = [new Filter("tag:Team", ["platform"])] }));
        await Ec2Assert.Fails("InvalidUserID.Malformed", () => Ids(Origin, new DescribeImagesRequest { Owners = ["me"] }));
    }

    [Fact]
    public async Task Image_description_follows_the_model()
    {
        var image = await DescribeImage(Vault, SharedImage);

        Assert.Equal(ImageState.Available, image.State);
        Assert.Equal(OriginId, image.OwnerId);
        Assert.Equal("shared-ok", image.Name);
        Assert.Equal("golden image", image.Description);
        Assert.False(image.Public);
        Assert.Equal(DeviceType.Ebs, image.RootDeviceType);
        var root = Assert.Single(image.BlockDeviceMappings);
        Assert.Equal("/dev/xvda", root.DeviceName);
        Assert.Equal(SharedImageSnapshot, root.Ebs.SnapshotId);
        Assert.True(root.Ebs.Encrypted);
        Assert.Equal(8, root.Ebs.VolumeSize);
        Assert.Null(image.Tags);
    }

    [Fact]
    public async Task Attributes_are_for_the_owner_only()
    {
        var snapshotError = await Ec2Assert.Fails("AuthFailure", () => VolumePermissions(Vault, SharedCmkSnapshot));
        Assert.Equal($"Not authorized for snapshot:{SharedCmkSnapshot}", snapshotError.Message);
        var imageError = await Ec2Assert.Fails("AuthFailure", () => LaunchPermissions(Vault, SharedImage));
        Assert.Equal($"Not authorized for image:{SharedImage}", imageError.Message);

        // Not visible at all: not found, as for every other call.
        await Ec2Assert.Fails("InvalidSnapshot.NotFound", () => VolumePermissions(Vault, PrivateCmkSnapshot));
        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => LaunchPermissions(Vault, AwsEbsImage));

        Assert.Equal(VaultId, Assert.Single(await VolumePermissions(Origin, SharedCmkSnapshot)).UserId);
        Assert.Equal(VaultId, Assert.Single(await LaunchPermissions(Origin, SharedImage)).UserId);
        var description = await Origin.DescribeImageAttributeAsync(new DescribeImageAttributeRequest
        {
            ImageId = SharedImage,
            Attribute = ImageAttributeName.Description,
        });
        Assert.Equal("golden image", description.ImageAttribute.Description);
    }
}
