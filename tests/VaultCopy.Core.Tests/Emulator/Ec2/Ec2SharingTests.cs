using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>aws-behaviour.md §1.5, §2.4 and §9 rules 3, 4, 10: who may share what, and how.</summary>
public sealed class Ec2SharingTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    [Fact]
    public async Task Operation_type_form_adds_and_removes_accounts_and_the_public_group()
    {
        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [VaultId, OtherId],
            GroupNames = ["all"],
        });
        var permissions = await VolumePermissions(Origin, PlainSnapshot);
        Assert.Equal([VaultId, OtherId], permissions.Where(p => p.UserId is not null).Select(p => p.UserId));
        Assert.Contains(permissions, p => p.Group == PermissionGroup.All);

        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Remove,
            UserIds = [OtherId],
            GroupNames = ["all"],
        });
        Assert.Equal(VaultId, Assert.Single(await VolumePermissions(Origin, PlainSnapshot)).UserId);
    }

    [Fact]
    public async Task Structure_form_adds_and_removes()
    {
        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications
            {
                Add = [new CreateVolumePermission { UserId = VaultId }, new CreateVolumePermission { Group = PermissionGroup.All }],
            },
        });
        var permissions = await VolumePermissions(Origin, PlainSnapshot);
        Assert.Equal(2, permissions.Count);
        Assert.Equal(OriginId, (await DescribeSnapshot(Other, PlainSnapshot)).OwnerId);

        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications { Remove = [new CreateVolumePermission { Group = PermissionGroup.All }] },
        });
        Assert.Equal(VaultId, Assert.Single(await VolumePermissions(Origin, PlainSnapshot)).UserId);

        await Origin.ResetSnapshotAttributeAsync(new ResetSnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
        });
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));
    }

    [Fact]
    public async Task Snapshots_on_the_aws_managed_key_cannot_be_shared()
    {
        var ex = await Ec2Assert.Fails("OperationNotPermitted", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = AwsEbsSnapshot,
            OperationType = OperationType.Add,
            UserIds = [VaultId],
        }));
        Assert.Equal("Encrypted snapshots with EBS default key cannot be shared", ex.Message);
        Assert.Empty(await VolumePermissions(Origin, AwsEbsSnapshot));
    }

    [Fact]
    public async Task Amis_backed_by_aws_managed_key_snapshots_cannot_be_shared()
    {
        foreach (var change in new[]
        {
            new ModifyImageAttributeRequest { ImageId = AwsEbsImage, OperationType = OperationType.Add, UserIds = [VaultId] },
            new ModifyImageAttributeRequest { ImageId = AwsEbsImage, OperationType = OperationType.Add, OrganizationArns = [OrganizationArn] },
            new ModifyImageAttributeRequest
            {
                ImageId = AwsEbsImage,
                LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { OrganizationalUnitArn = VaultOuArn }] },
            },
        })
        {
            var ex = await Ec2Assert.Fails("InvalidParameter", () => Origin.ModifyImageAttributeAsync(change));
            Assert.Equal("Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot.", ex.Message);
        }

        Assert.Empty(await LaunchPermissions(Origin, AwsEbsImage));
    }

    [Fact]
    public async Task Encrypted_snapshots_and_amis_cannot_be_public()
    {
        await Ec2Assert.Fails("OperationNotPermitted", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = SharedCmkSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications { Add = [new CreateVolumePermission { Group = PermissionGroup.All }] },
        }));
        Assert.DoesNotContain(await VolumePermissions(Origin, SharedCmkSnapshot), p => p.Group == PermissionGroup.All);

        await Ec2Assert.Fails("InvalidParameter", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
        }));
        Assert.False((await DescribeImage(Origin, SharedImage)).Public);
    }

    [Fact]
    public async Task A_bad_item_fails_the_whole_call_and_nothing_is_applied()
    {
        var ex = await Ec2Assert.Fails("InvalidAMIAttributeItemValue", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = [VaultId, "12345", OtherId],
        }));
        Assert.Equal("Invalid attribute item value \"12345\" for userId item type.", ex.Message);
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));

        await Ec2Assert.Fails("InvalidAMIAttributeItemValue", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications
            {
                Add = [new CreateVolumePermission { UserId = VaultId }, new CreateVolumePermission { Group = new PermissionGroup("everyone") }],
            },
        }));
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));

        await Ec2Assert.Fails("InvalidAMIAttributeItemValue", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            OperationType = OperationType.Add,
            UserIds = [OtherId, "abcdefghijkl"],
        }));
        Assert.Equal(OrganizationArn, Assert.Single(await LaunchPermissions(Origin, OrganizationImage)).OrganizationArn);
    }

    [Fact]
    public async Task Add_and_remove_cannot_be_mixed_and_500_modifications_is_the_limit()
    {
        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = SharedCmkSnapshot,
            CreateVolumePermission = new CreateVolumePermissionModifications
            {
                Add = [new CreateVolumePermission { UserId = OtherId }],
                Remove = [new CreateVolumePermission { UserId = VaultId }],
            },
        }));
        Assert.Equal(VaultId, Assert.Single(await VolumePermissions(Origin, SharedCmkSnapshot)).UserId);

        var accounts = Enumerable.Range(1, 501).Select(i => (400000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await Ec2Assert.Fails("InvalidParameterValue", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = accounts,
        }));
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));

        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = accounts.Take(500).ToList(),
        });
        Assert.Equal(500, (await VolumePermissions(Origin, PlainSnapshot)).Count);

        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
        }));
    }

    [Fact]
    public async Task Only_the_owner_may_modify_and_iam_still_applies_to_the_owner()
    {
        var ex = await Ec2Assert.Fails("AuthFailure", () => Vault.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = SharedCmkSnapshot,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
        }));
        Assert.Equal($"Not authorized for snapshot:{SharedCmkSnapshot}", ex.Message);
        await Ec2Assert.Fails("AuthFailure", () => Vault.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
        }));

        var reader = Client(OriginReader);
        var denied = await Ec2Assert.Fails("UnauthorizedOperation", () => reader.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = [VaultId],
        }), HttpStatusCode.Forbidden);
        Assert.Equal("You are not authorized to perform this operation.", denied.Message);
        Assert.Empty(await VolumePermissions(Origin, PlainSnapshot));
    }

    [Fact]
    public async Task Block_public_access_blocks_new_public_shares_but_not_private_ones()
    {
        await Origin.EnableSnapshotBlockPublicAccessAsync(new EnableSnapshotBlockPublicAccessRequest { State = SnapshotBlockPublicAccessState.BlockNewSharing });
        var snapshotError = await Ec2Assert.Fails("OperationNotPermitted", () => Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            GroupNames = ["all"],
        }));
        Assert.Contains("block public access", snapshotError.Message, StringComparison.Ordinal);
        await Origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = PlainSnapshot,
            OperationType = OperationType.Add,
            UserIds = [OtherId],
        });

        // Block new sharing leaves snapshots that were already public public.
        Assert.Equal(OriginId, (await DescribeSnapshot(Other, PublicSnapshot)).OwnerId);

        var enabled = await Origin.EnableImageBlockPublicAccessAsync(new EnableImageBlockPublicAccessRequest
        {
            ImageBlockPublicAccessState = ImageBlockPublicAccessEnabledState.BlockNewSharing,
        });
        Assert.Equal(ImageBlockPublicAccessEnabledState.BlockNewSharing, enabled.ImageBlockPublicAccessState);
        Assert.Equal("block-new-sharing", (await Origin.GetImageBlockPublicAccessStateAsync(new GetImageBlockPublicAccessStateRequest())).ImageBlockPublicAccessState);
        var imageError = await Ec2Assert.Fails("OperationNotPermitted", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
        }));
        Assert.StartsWith("You can’t publicly share this image because block public access for AMIs is enabled", imageError.Message, StringComparison.Ordinal);

        await Origin.DisableImageBlockPublicAccessAsync(new DisableImageBlockPublicAccessRequest());
        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { Group = PermissionGroup.All }] },
        });
        Assert.True((await DescribeImage(Other, OrganizationImage)).Public);
    }

    [Fact]
    public async Task Launch_permissions_for_accounts_organizations_and_ous()
    {
        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Other, OrganizationImage));

        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            Attribute = "launchPermission",
            OperationType = OperationType.Add,
            UserIds = [OtherId],
            OrganizationalUnitArns = [VaultOuArn],
        });
        var permissions = await LaunchPermissions(Origin, OrganizationImage);
        Assert.Contains(permissions, p => p.UserId == OtherId);
        Assert.Contains(permissions, p => p.OrganizationArn == OrganizationArn);
        Assert.Contains(permissions, p => p.OrganizationalUnitArn == VaultOuArn);
        Assert.Equal(OriginId, (await DescribeImage(Other, OrganizationImage)).OwnerId);

        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = OrganizationImage,
            LaunchPermission = new LaunchPermissionModifications
            {
                Remove = [new LaunchPermission { UserId = OtherId }, new LaunchPermission { OrganizationArn = OrganizationArn }],
            },
        });
        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Other, OrganizationImage));
        Assert.Equal(OriginId, (await DescribeImage(Vault, OrganizationImage)).OwnerId);

        await Origin.ResetImageAttributeAsync(new ResetImageAttributeRequest { ImageId = OrganizationImage, Attribute = ResetImageAttributeName.LaunchPermission });
        Assert.Empty(await LaunchPermissions(Origin, OrganizationImage));
        await Ec2Assert.Fails("InvalidAMIID.NotFound", () => DescribeImage(Vault, OrganizationImage));
    }

    [Fact]
    public async Task Description_is_an_attribute_of_its_own()
    {
        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage, Description = "golden image v2" });
        Assert.Equal("golden image v2", (await DescribeImage(Origin, SharedImage)).Description);

        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage, Attribute = "description", Value = "v3" });
        Assert.Equal("v3", (await DescribeImage(Vault, SharedImage)).Description);

        var ex = await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            Description = "v4",
            OperationType = OperationType.Add,
            UserIds = [OtherId],
        }));
        Assert.Equal("Fields for multiple attribute types specified: description, launchPermission", ex.Message);
        await Ec2Assert.Fails("InvalidParameterCombination", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest { ImageId = SharedImage }));
        Assert.Equal("v3", (await DescribeImage(Origin, SharedImage)).Description);
    }

    [Fact]
    public async Task The_sharing_entity_quota_counts_accounts_organizations_and_ous()
    {
        Fixture.Server.Settings.Ec2.ImageSharingEntities = 3;
        await Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            OperationType = OperationType.Add,
            UserIds = [OtherId, "444444444444"],
        });
        await Ec2Assert.Fails("ResourceLimitExceeded", () => Origin.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = SharedImage,
            OperationType = OperationType.Add,
            OrganizationArns = [OrganizationArn],
        }));
        Assert.Equal(3, (await LaunchPermissions(Origin, SharedImage)).Count);
    }
}
