using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// EC2 response members with the model's locationNames (aws-models/ec2/service-2.json: Snapshot, Image, Tag,
/// CreateVolumePermission, LaunchPermission, BlockDeviceMapping) and <c>item</c> lists.
/// </summary>
internal static class Ec2Xml
{
    public static XElement? TagSet(IReadOnlyDictionary<string, string> tags) => tags.Count == 0
        ? null
        : AwsFormat.Ec2Set("tagSet", tags.Select(t => (object?)new object[] { new XElement("key", t.Key), new XElement("value", t.Value) }));

    public static XElement Snapshot(World world, Ec2Snapshot snapshot, Ec2SnapshotStatus status, string viewerAccountId) =>
        new("item",
            new XElement("snapshotId", snapshot.Id),
            new XElement("volumeId", snapshot.VolumeId),
            new XElement("status", status.State),
            AwsFormat.Optional("statusMessage", status.Message),
            new XElement("startTime", AwsFormat.Iso8601(snapshot.StartTime)),
            new XElement("progress", status.Progress),
            new XElement("ownerId", snapshot.OwnerId),
            new XElement("description", snapshot.Description ?? string.Empty),
            new XElement("volumeSize", snapshot.VolumeSize),
            new XElement("encrypted", AwsFormat.Bool(snapshot.Encrypted)),
            AwsFormat.Optional("kmsKeyId", Ec2Keys.DisplayKeyId(world, snapshot)),
            TagSet(snapshot.Tags.For(viewerAccountId)),
            new XElement("storageTier", "standard"),
            snapshot.Copy is { } copy ? new XElement("transferType", copy.TransferType) : null,
            AwsFormat.Optional("completionDurationMinutes", snapshot.Copy?.CompletionDurationMinutes),
            status.CompletionTime is { } done ? new XElement("completionTime", AwsFormat.Iso8601(done)) : null);

    public static XElement Image(Ec2Image image, Ec2ImageStatus status, string viewerAccountId, bool publicVisible, DateTimeOffset now) =>
        new("item",
            new XElement("imageId", image.Id),
            new XElement("imageLocation", image.OwnerId + "/" + image.Name),
            new XElement("imageState", status.State),
            new XElement("imageOwnerId", image.OwnerId),
            new XElement("creationDate", AwsFormat.Iso8601(image.CreationDate)),
            new XElement("isPublic", AwsFormat.Bool(publicVisible)),
            new XElement("architecture", image.Architecture),
            new XElement("imageType", "machine"),
            new XElement("name", image.Name),
            AwsFormat.Optional("description", image.Description),
            new XElement("rootDeviceType", "ebs"),
            new XElement("rootDeviceName", image.RootDeviceName),
            BlockDeviceMapping(image),
            new XElement("virtualizationType", image.VirtualizationType),
            TagSet(image.Tags.For(viewerAccountId)),
            new XElement("hypervisor", "xen"),
            new XElement("enaSupport", AwsFormat.Bool(image.EnaSupport)),
            AwsFormat.Optional("bootMode", image.BootMode),
            AwsFormat.Optional("imdsSupport", image.ImdsSupport),
            new XElement("platformDetails", BillingInfo(image).PlatformDetails),
            new XElement("usageOperation", BillingInfo(image).UsageOperation),
            status.ReasonCode is null && status.ReasonMessage is null
                ? null
                : new XElement("stateReason",
                    AwsFormat.Optional("code", status.ReasonCode),
                    AwsFormat.Optional("message", status.ReasonMessage)),
            AwsFormat.Optional("sourceImageId", image.Copy?.SourceImageId),
            AwsFormat.Optional("sourceImageRegion", image.Copy?.SourceRegion),
            new XElement("deregistrationProtection", Ec2LockRules.ProtectionState(image, now)));

    /// <summary>
    /// The AMI billing fields, the only place DescribeImages shows a billing product (EC2 User Guide, "AMI billing
    /// information fields"): bp-6ba54002 is Windows (RunInstances:0002), bp-6fa54006 Red Hat Enterprise Linux
    /// (RunInstances:0010), as in instance identity documents. Other codes are shown as RHEL's (UNVERIFIED), so that
    /// a billing product never looks like plain Linux/UNIX.
    /// </summary>
    public static (string PlatformDetails, string UsageOperation) BillingInfo(Ec2Image image) =>
        image.BillingProducts.FirstOrDefault() switch
        {
            null => ("Linux/UNIX", "RunInstances"),
            "bp-6ba54002" => ("Windows", "RunInstances:0002"),
            _ => ("Red Hat Enterprise Linux", "RunInstances:0010"),
        };

    public static XElement BlockDeviceMapping(Ec2Image image) =>
        AwsFormat.Ec2Set("blockDeviceMapping", image.BlockDevices.Select(d => (object?)new object?[]
        {
            new XElement("deviceName", d.DeviceName),
            d.SnapshotId is null
                ? null
                : new XElement("ebs",
                    new XElement("snapshotId", d.SnapshotId),
                    new XElement("volumeSize", d.VolumeSize),
                    new XElement("deleteOnTermination", AwsFormat.Bool(d.DeleteOnTermination)),
                    new XElement("volumeType", d.VolumeType),
                    new XElement("encrypted", AwsFormat.Bool(d.Encrypted))),
        }));

    /// <summary>createVolumePermission items: one per account, then <c>group=all</c>.</summary>
    public static XElement CreateVolumePermission(Ec2Permissions permissions) =>
        AwsFormat.Ec2Set("createVolumePermission", PermissionItems(permissions));

    /// <summary>launchPermission items: accounts, the group, organizations and OUs.</summary>
    public static XElement LaunchPermission(Ec2Permissions permissions) =>
        AwsFormat.Ec2Set("launchPermission", PermissionItems(permissions));

    private static IEnumerable<object?> PermissionItems(Ec2Permissions permissions)
    {
        foreach (string user in permissions.UserIds)
        {
            yield return new XElement("userId", user);
        }

        if (permissions.Public)
        {
            yield return new XElement("group", Ec2Constants.GroupAll);
        }

        foreach (string org in permissions.OrganizationArns)
        {
            yield return new XElement("organizationArn", org);
        }

        foreach (string ou in permissions.OrganizationalUnitArns)
        {
            yield return new XElement("organizationalUnitArn", ou);
        }
    }
}
