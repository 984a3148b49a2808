using System.Text.RegularExpressions;
using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>AMIs: describe, share, register and deregister (aws-behaviour.md §2).</summary>
public sealed partial class Ec2Service
{
    /// <summary>ModifyImageAttribute takes at most this many account ids per request (LaunchPermission.UserId doc).</summary>
    public const int MaxLaunchPermissionAccountsPerRequest = 10000;

    private static readonly HashSet<string> s_imageFilters = new(StringComparer.Ordinal)
    {
        "architecture", "block-device-mapping.delete-on-termination", "block-device-mapping.device-name",
        "block-device-mapping.snapshot-id", "block-device-mapping.volume-size", "block-device-mapping.volume-type",
        "block-device-mapping.encrypted", "creation-date", "description", "ena-support", "free-tier-eligible",
        "hypervisor", "image-allowed", "image-id", "image-watermark.source-image-creation-time",
        "image-watermark.source-image-id", "image-watermark.source-image-region", "image-watermark.watermark-creation-time",
        "image-watermark.watermark-key", "image-type", "is-public", "kernel-id", "manifest-location", "name",
        "owner-alias", "owner-id", "platform", "product-code", "product-code.type", "public-ssm-parameter-name",
        "ramdisk-id", "root-device-name", "root-device-type", "source-image-id", "source-image-region",
        "source-instance-id", "state", "state-reason-code", "state-reason-message", "sriov-net-support",
        "virtualization-type",
    };

    private static readonly HashSet<string> s_imageAttributes = new(StringComparer.Ordinal)
    {
        "description", "kernel", "ramdisk", "launchPermission", "productCodes", "blockDeviceMapping", "sriovNetSupport",
        "bootMode", "tpmSupport", "uefiData", "lastLaunchedTime", "imdsSupport", "deregistrationProtection",
    };

    private static readonly string[] s_ownerKeywords = ["self", "amazon", "aws-marketplace", "aws-backup-vault"];

    private static AwsResponse DescribeImages(AwsRequest request)
    {
        var p = request.Parameters;
        var world = request.World;
        string me = request.Caller.AccountId;
        var now = request.Clock.UtcNow;
        var ids = p.GetFlatList("ImageId");
        var owners = p.GetFlatList("Owner");
        var executableBy = p.GetFlatList("ExecutableBy");
        var filters = Ec2Query.Filters(p, s_imageFilters);
        int? maxResults = Ec2Query.MaxResults(p);
        if (maxResults is not null && ids is { Count: > 0 })
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter imagesSet cannot be used with the parameter maxResults");
        }

        foreach (string id in ids ?? [])
        {
            CheckImageId(id);
        }

        CheckUserIds(owners, s_ownerKeywords);
        CheckUserIds(executableBy, "self", Ec2Constants.GroupAll);
        Authorize(request, "*");
        DryRunGate(request);

        var visible = new List<(Ec2Image Image, Ec2RegionState Home)>();
        foreach (var (_, state) in RegionStates(world, request.Region))
        {
            visible.AddRange(state.Images.Values.Where(i => CanSee(world, me, i)).Select(i => (i, state)));
        }

        if (ids is { Count: > 0 })
        {
            var missing = ids.Where(id => !visible.Any(v => v.Image.Id == id)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw Ec2Errors.ImageNotFound(missing);
            }

            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            visible.RemoveAll(v => !wanted.Contains(v.Image.Id));
        }

        if (owners is { Count: > 0 })
        {
            // amazon, aws-marketplace and aws-backup-vault own nothing in an emulated world.
            var ownerIds = owners.Select(o => o == "self" ? me : o).ToHashSet(StringComparer.Ordinal);
            visible.RemoveAll(v => !ownerIds.Contains(v.Image.OwnerId));
        }

        if (executableBy is { Count: > 0 })
        {
            visible.RemoveAll(v => !executableBy.Any(e => ExecutableBy(world, v.Image, e, me)));
        }

        var matching = visible
            .Select(v => (v.Image, Status: Ec2Lifecycle.Status(v.Image, v.Home, now)))
            .Where(v => filters.All(f => ImageFilter(f, v.Image, v.Status, me)))
            .OrderBy(v => v.Image.Id, StringComparer.Ordinal)
            .ToList();
        var (page, next) = Ec2Query.Page(matching, v => v.Image.Id, maxResults, p.Get("NextToken"));
        return AwsResponse.Ec2(request,
            new XElement("imagesSet", page.Select(v => Ec2Xml.Image(v.Image, v.Status, me, v.Image.LaunchPermission.Public, now))),
            AwsFormat.Optional("nextToken", next));
    }

    // Owner / ExecutableBy / RestorableBy values: account ids and the documented keywords; anything else is a
    // malformed user id.
    private static void CheckUserIds(IReadOnlyList<string>? values, params string[] keywords)
    {
        foreach (string value in values ?? [])
        {
            if (!Ec2Ids.IsAccountId(value) && !keywords.Contains(value, StringComparer.Ordinal))
            {
                throw new AwsServiceException("InvalidUserID.Malformed", $"Invalid user id: \"{value}\"");
            }
        }
    }

    // DescribeImages ExecutableBy (model documentation): all = public; self or the caller's id = shared with the
    // caller, including through its organization or OU; another account id = shared with that account directly.
    private static bool ExecutableBy(World world, Ec2Image image, string who, string me)
    {
        if (who == Ec2Constants.GroupAll)
        {
            return image.LaunchPermission.Public;
        }

        if (who == "self" || who == me)
        {
            return HasExplicitLaunchPermission(world, me, image, includeOrganizations: true);
        }

        return image.LaunchPermission.UserIds.Contains(who);
    }

    private static bool ImageFilter(Ec2Filter filter, Ec2Image image, Ec2ImageStatus status, string viewer)
    {
        bool tagMatch = filter.MatchesTags(image.Tags.For(viewer), out bool handled);
        if (handled)
        {
            return tagMatch;
        }

        var ebs = image.BlockDevices.Where(d => d.SnapshotId is not null).ToList();
        return filter.Name switch
        {
            "architecture" => filter.Matches(image.Architecture),
            "block-device-mapping.delete-on-termination" => ebs.Any(d => filter.Matches(d.DeleteOnTermination)),
            "block-device-mapping.device-name" => filter.MatchesAny(image.BlockDevices.Select(d => d.DeviceName)),
            "block-device-mapping.snapshot-id" => filter.MatchesAny(ebs.Select(d => d.SnapshotId)),
            "block-device-mapping.volume-size" => ebs.Any(d => filter.Matches(d.VolumeSize)),
            "block-device-mapping.volume-type" => filter.MatchesAny(ebs.Select(d => d.VolumeType)),
            "block-device-mapping.encrypted" => ebs.Any(d => filter.Matches(d.Encrypted)),
            "creation-date" => filter.Matches(AwsFormat.Iso8601(image.CreationDate)),
            "description" => filter.Matches(image.Description),
            "ena-support" => filter.Matches(image.EnaSupport),
            "hypervisor" => filter.Matches("xen"),
            "image-id" => filter.Matches(image.Id),
            "image-type" => filter.Matches("machine"),
            "is-public" => filter.Matches(image.LaunchPermission.Public),
            "manifest-location" => filter.Matches(image.OwnerId + "/" + image.Name),
            "name" => filter.Matches(image.Name),
            "owner-id" => filter.Matches(image.OwnerId),
            "platform" => false,
            "root-device-name" => filter.Matches(image.RootDeviceName),
            "root-device-type" => filter.Matches("ebs"),
            "source-image-id" => filter.Matches(image.Copy?.SourceImageId),
            "source-image-region" => filter.Matches(image.Copy?.SourceRegion),
            "state" => filter.Matches(status.State),
            "state-reason-code" => filter.Matches(status.ReasonCode),
            "state-reason-message" => filter.Matches(status.ReasonMessage),
            "virtualization-type" => filter.Matches(image.VirtualizationType),
            // Features the emulator has no data for match nothing rather than everything.
            _ => false,
        };
    }

    private static AwsResponse DescribeImageAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string attribute = p.Required("Attribute");
        string id = p.Required("ImageId");
        if (!s_imageAttributes.Contains(attribute))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }

        var (image, _) = OwnedImage(request, id);
        Authorize(request, ImageArn(request, image), ImageContext(image, request.Caller.AccountId));
        DryRunGate(request);
        XElement Value(string name, string? value) => new(name, AwsFormat.Optional("value", value));
        object? member = attribute switch
        {
            "launchPermission" => Ec2Xml.LaunchPermission(image.LaunchPermission),
            "blockDeviceMapping" => Ec2Xml.BlockDeviceMapping(image),
            "productCodes" => new XElement("productCodes"),
            "description" => Value("description", image.Description),
            "bootMode" => Value("bootMode", image.BootMode),
            "imdsSupport" => Value("imdsSupport", image.ImdsSupport),
            "deregistrationProtection" => Value("deregistrationProtection", Ec2LockRules.ProtectionState(image, request.Clock.UtcNow)),
            _ => new XElement(attribute),
        };
        return AwsResponse.Ec2(request, new XElement("imageId", image.Id), member);
    }

    private sealed record LaunchChange(bool Add, string Kind, string Value);

    private static AwsResponse ModifyImageAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string id = p.Required("ImageId");
        string? attribute = p.Get("Attribute");
        if (attribute is not null && attribute is not ("description" or "launchPermission" or "imdsSupport"))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }

        if (p.GetFlatList("ProductCode") is { Count: > 0 })
        {
            throw Ec2Errors.Unsupported("Product codes can only be attached by AWS Marketplace sellers; the VaultCopy emulator does not model them.");
        }

        string? description = p.Get("Description.Value") ?? (attribute == "description" ? p.Get("Value") : null);
        string? imds = p.Get("ImdsSupport.Value") ?? (attribute == "imdsSupport" ? p.Get("Value") : null);
        var launch = ReadLaunchPermissionChanges(p, attribute == "launchPermission");

        var kinds = new List<string>();
        if (description is not null)
        {
            kinds.Add("description");
        }

        if (launch.Count > 0)
        {
            kinds.Add("launchPermission");
        }

        if (imds is not null)
        {
            kinds.Add("imdsSupport");
        }

        if (kinds.Count > 1)
        {
            // The text EC2 uses for ModifyXxxAttribute calls that touch several attributes at once.
            throw Ec2Errors.InvalidParameterCombination("Fields for multiple attribute types specified: " + string.Join(", ", kinds));
        }

        if (kinds.Count == 0)
        {
            throw Ec2Errors.InvalidParameterCombination("No attributes specified.");
        }

        ReadDescription(description);
        if (imds is not null && imds != "v2.0")
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({imds}) for parameter imdsSupport is invalid. Valid values: v2.0.");
        }

        var (image, home) = OwnedImage(request, id);
        Authorize(request, ImageArn(request, image), ImageContext(image, request.Caller.AccountId));
        DryRunGate(request);

        if (description is not null)
        {
            image.Description = description;
        }

        if (imds is not null)
        {
            image.ImdsSupport = imds;
        }

        if (launch.Count > 0)
        {
            ApplyLaunchPermissionChanges(request, image, home, launch);
        }

        return AwsResponse.Ec2(request);
    }

    // Both request forms (aws-behaviour.md §2.4); every item is validated before anything is applied.
    private static List<LaunchChange> ReadLaunchPermissionChanges(QueryParameters p, bool attributeNamed)
    {
        var byOperation = new List<(string Kind, string Value)>();
        byOperation.AddRange((p.GetFlatList("UserId") ?? []).Select(v => ("userId", v)));
        byOperation.AddRange((p.GetFlatList("UserGroup") ?? []).Select(v => ("group", v)));
        byOperation.AddRange((p.GetFlatList("OrganizationArn") ?? []).Select(v => ("organizationArn", v)));
        byOperation.AddRange((p.GetFlatList("OrganizationalUnitArn") ?? []).Select(v => ("organizationalUnitArn", v)));
        var adds = p.GetStructList("LaunchPermission.Add");
        var removes = p.GetStructList("LaunchPermission.Remove");
        if (byOperation.Count > 0 && (adds.Count > 0 || removes.Count > 0))
        {
            throw Ec2Errors.InvalidParameterCombination("The parameters UserId, UserGroup, OrganizationArn and OrganizationalUnitArn cannot be used together with LaunchPermission.");
        }

        var changes = new List<LaunchChange>();
        if (byOperation.Count > 0)
        {
            string operation = p.Get("OperationType") ?? throw Ec2Errors.Missing("OperationType");
            bool add = operation switch
            {
                "add" => true,
                "remove" => false,
                _ => throw Ec2Errors.InvalidParameterValue($"Value ({operation}) for parameter operationType is invalid. Valid values: add, remove."),
            };
            changes.AddRange(byOperation.Select(c => new LaunchChange(add, c.Kind, c.Value)));
        }
        else
        {
            foreach (var (items, add) in new[] { (adds, true), (removes, false) })
            {
                foreach (var item in items)
                {
                    int before = changes.Count;
                    foreach (string kind in (string[])["UserId", "Group", "OrganizationArn", "OrganizationalUnitArn"])
                    {
                        if (item.Get(kind) is { } value)
                        {
                            changes.Add(new LaunchChange(add, char.ToLowerInvariant(kind[0]) + kind[1..], value));
                        }
                    }

                    if (changes.Count == before)
                    {
                        throw Ec2Errors.InvalidParameterValue("Each launchPermission entry must specify a userId, a group, an organizationArn or an organizationalUnitArn.");
                    }
                }
            }
        }

        if (attributeNamed && changes.Count == 0)
        {
            throw Ec2Errors.Missing("LaunchPermission");
        }

        if (changes.Count(c => c.Kind == "userId") > MaxLaunchPermissionAccountsPerRequest)
        {
            throw Ec2Errors.InvalidParameterValue($"You can specify at most {MaxLaunchPermissionAccountsPerRequest} account IDs in a single request.");
        }

        foreach (var change in changes)
        {
            bool valid = change.Kind switch
            {
                "userId" => Ec2Ids.IsAccountId(change.Value),
                "group" => change.Value == Ec2Constants.GroupAll,
                "organizationArn" => OrganizationArnPattern().IsMatch(change.Value),
                _ => OrganizationalUnitArnPattern().IsMatch(change.Value),
            };
            if (!valid)
            {
                throw Ec2Errors.InvalidAttributeItem(change.Value, change.Kind == "group" ? "UserGroup" : change.Kind);
            }
        }

        return changes;
    }

    private static void ApplyLaunchPermissionChanges(AwsRequest request, Ec2Image image, Ec2RegionState home, List<LaunchChange> changes)
    {
        var world = request.World;
        var adds = changes.Where(c => c.Add).ToList();
        if (adds.Count > 0)
        {
            var backing = image.BlockDevices
                .Where(d => d.SnapshotId is not null)
                .Select(d => home.Snapshots.GetValueOrDefault(d.SnapshotId!))
                .ToList();

            // aws-behaviour.md §2.2: no sharing of any kind when a backing snapshot is on aws/ebs.
            if (backing.Any(s => s is not null && Ec2Keys.IsAwsManaged(world, s)))
            {
                throw Ec2Errors.DefaultKeyImageShare();
            }

            if (adds.Any(c => c.Kind == "group") && !image.LaunchPermission.Public)
            {
                if (image.BlockDevices.Any(d => d.Encrypted))
                {
                    throw Ec2Errors.EncryptedImagePublic();
                }

                if (home.ImageBlockPublicAccess != Ec2Constants.Unblocked)
                {
                    throw Ec2Errors.ImagePublicSharingBlocked();
                }
            }
        }

        // Work on a copy so that a refused request leaves the permissions untouched.
        var permission = image.LaunchPermission;
        var users = permission.UserIds.ToList();
        var orgs = permission.OrganizationArns.ToList();
        var units = permission.OrganizationalUnitArns.ToList();
        bool isPublic = permission.Public;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case "group":
                    isPublic = change.Add;
                    break;
                case "userId":
                    Toggle(users, change);
                    break;
                case "organizationArn":
                    Toggle(orgs, change);
                    break;
                default:
                    Toggle(units, change);
                    break;
            }
        }

        int limit = request.Settings.Ec2.ImageSharingEntities;
        if (users.Count + orgs.Count + units.Count > limit && users.Count + orgs.Count + units.Count > permission.EntityCount)
        {
            throw Ec2Errors.TooManyImageShares(limit);
        }

        permission.Clear();
        permission.UserIds.AddRange(users);
        permission.OrganizationArns.AddRange(orgs);
        permission.OrganizationalUnitArns.AddRange(units);
        permission.Public = isPublic;

        static void Toggle(List<string> list, LaunchChange change)
        {
            if (change.Add && !list.Contains(change.Value))
            {
                list.Add(change.Value);
            }
            else if (!change.Add)
            {
                list.Remove(change.Value);
            }
        }
    }

    private static AwsResponse ResetImageAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string attribute = p.Required("Attribute");
        string id = p.Required("ImageId");
        if (attribute != "launchPermission")
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Valid values: launchPermission.");
        }

        var (image, _) = OwnedImage(request, id);
        Authorize(request, ImageArn(request, image), ImageContext(image, request.Caller.AccountId));
        DryRunGate(request);
        image.LaunchPermission.Clear();
        return AwsResponse.Ec2(request);
    }

    private static AwsResponse DeregisterImage(AwsRequest request)
    {
        var p = request.Parameters;
        string id = p.Required("ImageId");
        bool deleteSnapshots = p.GetBool("DeleteAssociatedSnapshots") == true;
        var (image, home) = OwnedImage(request, id);
        Authorize(request, ImageArn(request, image), ImageContext(image, request.Caller.AccountId));
        DryRunGate(request);

        var now = request.Clock.UtcNow;
        RefuseIfProtected(image, now);
        home.Images.Remove(id);

        // Deregistering a pending copy stops it (aws-behaviour.md §2.5): its unfinished snapshot copies go too.
        foreach (var device in image.BlockDevices)
        {
            if (device.SnapshotId is { } snapshotId && home.Snapshots.TryGetValue(snapshotId, out var snapshot)
                && snapshot.Copy?.ImageId == id && Ec2Lifecycle.Status(snapshot, now).State != "completed")
            {
                home.Snapshots.Remove(snapshotId);
            }
        }

        XElement? results = null;
        if (deleteSnapshots)
        {
            var items = new List<object?>();
            foreach (var device in image.BlockDevices)
            {
                if (device.SnapshotId is not { } snapshotId || !home.Snapshots.ContainsKey(snapshotId))
                {
                    continue;
                }

                // A snapshot another AMI still uses is kept (DeleteAssociatedSnapshots documentation); so is one the
                // caller may not delete (missing-permissions) and a locked one (client-error: UNVERIFIED, the likely
                // code per aws-behaviour-lifecycle.md §1.3). The AMI is deregistered all the same.
                string returnCode = AssociatedSnapshotDeletion(request, home, snapshotId, now);
                if (returnCode == "success")
                {
                    home.Snapshots.Remove(snapshotId);
                }

                items.Add(new object[] { new XElement("snapshotId", snapshotId), new XElement("returnCode", returnCode) });
            }

            results = AwsFormat.Ec2Set("deleteSnapshotResultSet", items);
        }

        return AwsResponse.Ec2(request, new XElement("return", "true"), results);
    }

    private static AwsResponse RegisterImage(AwsRequest request)
    {
        var p = request.Parameters;
        string me = request.Caller.AccountId;
        string name = p.Required("Name");
        CheckImageName(name);
        string? description = ReadDescription(p.Get("Description"));
        if (p.Get("ImageLocation") is not null)
        {
            throw Ec2Errors.Unsupported("The VaultCopy emulator registers EBS-backed AMIs only; ImageLocation is not supported.");
        }

        string architecture = p.Get("Architecture") ?? "x86_64";
        if (architecture is not ("i386" or "x86_64" or "arm64" or "x86_64_mac" or "arm64_mac"))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({architecture}) for parameter architecture is invalid.");
        }

        string virtualization = p.Get("VirtualizationType") ?? "hvm";
        if (virtualization is not ("hvm" or "paravirtual"))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({virtualization}) for parameter virtualizationType is invalid.");
        }

        string? imds = p.Get("ImdsSupport");
        if (imds is not null && imds != "v2.0")
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({imds}) for parameter imdsSupport is invalid. Valid values: v2.0.");
        }

        var tags = TagsOf(ReadTagSpecifications(p, "image"), "image");
        var mappings = p.GetStructList("BlockDeviceMapping");
        var devices = new List<Ec2BlockDevice>();
        foreach (var mapping in mappings)
        {
            string deviceName = mapping.Get("DeviceName") ?? throw Ec2Errors.Missing(mapping.Prefix + "DeviceName");
            string? snapshotId = mapping.Get("Ebs.SnapshotId");
            if (snapshotId is null)
            {
                continue;
            }

            var (snapshot, _) = VisibleSnapshot(request, request.Region, snapshotId);
            if (snapshot.OwnerId != me)
            {
                throw Ec2Errors.NotAuthorizedFor("snapshot", snapshotId);
            }

            var status = Ec2Lifecycle.Status(snapshot, request.Clock.UtcNow);
            if (status.State != "completed")
            {
                throw Ec2Errors.IncorrectState("Snapshot", status.State);
            }

            int size = mapping.GetInt("Ebs.VolumeSize") ?? snapshot.VolumeSize;
            if (size < snapshot.VolumeSize)
            {
                throw Ec2Errors.InvalidParameterValue(
                    $"Volume of size {size}GB is smaller than snapshot '{snapshotId}', expect size >= {snapshot.VolumeSize}GB");
            }

            devices.Add(new Ec2BlockDevice
            {
                DeviceName = deviceName,
                SnapshotId = snapshotId,
                VolumeSize = size,
                VolumeType = mapping.Get("Ebs.VolumeType") ?? "gp3",
                DeleteOnTermination = mapping.GetBool("Ebs.DeleteOnTermination") ?? true,
                Encrypted = snapshot.Encrypted,
            });
        }

        if (devices.Count == 0)
        {
            throw Ec2Errors.InvalidParameterCombination("An EBS-backed AMI needs a BlockDeviceMapping with an Ebs.SnapshotId.");
        }

        var destination = request.CallerRegion.Ec2;
        string newId = Ec2Ids.NewImageId();
        string newArn = Ec2Ids.ImageArn(request.Caller.Partition, request.Region, newId);
        Authorize(request, newArn);
        AuthorizeCreateTags(request, newArn, tags);
        DryRunGate(request);
        CheckImageNameFree(destination, name);

        var image = new Ec2Image
        {
            Id = newId,
            OwnerId = me,
            Region = request.Region,
            Name = name,
            Description = description,
            CreationDate = request.Clock.UtcNow,
            Architecture = architecture,
            RootDeviceName = p.Get("RootDeviceName") ?? devices[0].DeviceName,
            VirtualizationType = virtualization,
            EnaSupport = p.GetBool("EnaSupport") ?? false,
            BootMode = p.Get("BootMode"),
            ImdsSupport = imds,
        };
        image.BlockDevices.AddRange(devices);
        image.BillingProducts.AddRange(p.GetFlatList("BillingProduct") ?? []);
        foreach (var tag in tags)
        {
            image.Tags.Edit(me)[tag.Key] = tag.Value;
        }

        destination.Images[newId] = image;
        return AwsResponse.Ec2(request, new XElement("imageId", newId));
    }

    private static string ImageArn(AwsRequest request, Ec2Image image) =>
        Ec2Ids.ImageArn(request.Caller.Partition, image.Region, image.Id);

    [GeneratedRegex("^arn:aws[a-z-]*:organizations::[0-9]{12}:organization/o-[a-z0-9]{10,32}$")]
    private static partial Regex OrganizationArnPattern();

    [GeneratedRegex("^arn:aws[a-z-]*:organizations::[0-9]{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$")]
    private static partial Regex OrganizationalUnitArnPattern();
}
