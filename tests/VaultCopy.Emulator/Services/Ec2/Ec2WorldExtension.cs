using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// The <c>ec2</c> fixture section under <c>accounts[].regions.{region}</c> (README, "EC2"): volumes, snapshots and
/// images with their sharing, plus the Region's EBS encryption defaults and block public access. Strict: whatever
/// AWS would have refused (sharing an aws/ebs snapshot, a public encrypted snapshot, …) is a fixture error.
/// </summary>
public sealed partial class Ec2WorldExtension : IWorldExtension, IKeyStateObserver
{
    private static readonly ConditionalWeakTable<FixtureContext, LoadState> s_loads = new();

    public string Section => "ec2";

    public void LoadRegion(FixtureContext context, AccountRegion region, JsonElement section, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(region);
        var reader = new Reader(context);
        if (!reader.ExpectObject(section, path,
            "encryptionByDefault", "defaultKmsKeyId", "snapshotBlockPublicAccess", "imageBlockPublicAccess", "volumes", "snapshots", "images"))
        {
            return;
        }

        var load = s_loads.GetOrCreateValue(context);
        var state = region.Ec2;
        state.EncryptionByDefault = reader.Bool(section, path, "encryptionByDefault") ?? false;
        state.DefaultKmsKeyId = reader.String(section, path, "defaultKmsKeyId");
        if (state.DefaultKmsKeyId is not null)
        {
            load.DefaultKeys.Add((region, path + ".defaultKmsKeyId"));
        }

        state.SnapshotBlockPublicAccess = reader.Enum(section, path, "snapshotBlockPublicAccess",
            [Ec2Constants.Unblocked, Ec2Constants.BlockNewSharing, Ec2Constants.BlockAllSharing]) ?? Ec2Constants.Unblocked;
        state.ImageBlockPublicAccess = reader.Enum(section, path, "imageBlockPublicAccess",
            [Ec2Constants.Unblocked, Ec2Constants.BlockNewSharing]) ?? Ec2Constants.Unblocked;

        foreach (var (item, itemPath) in reader.Items(section, path, "volumes"))
        {
            ReadVolume(reader, load, region, item, itemPath);
        }

        foreach (var (item, itemPath) in reader.Items(section, path, "snapshots"))
        {
            ReadSnapshot(reader, load, region, item, itemPath);
        }

        foreach (var (item, itemPath) in reader.Items(section, path, "images"))
        {
            ReadImage(reader, load, region, item, itemPath);
        }
    }

    public void AfterLoad(FixtureContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!s_loads.TryGetValue(context, out var load))
        {
            return;
        }

        s_loads.Remove(context);
        if (Ec2Keys.Access is not { } kms)
        {
            // Without KMS the references stay as written and resolve when a KMS plug-in is there to ask.
            return;
        }

        var world = context.World;
        foreach (var (snapshot, path) in load.Snapshots)
        {
            if (!Ec2Keys.ResolvePending(world, snapshot, kms))
            {
                context.Error(path + ".kmsKeyId", $"no KMS key '{snapshot.PendingKeyReference}' in account {snapshot.OwnerId}, Region {snapshot.Region}");
                continue;
            }

            if (snapshot.Encrypted && kms.FindByArn(world, snapshot.KmsKeyArn!) is { } key)
            {
                if (key.Region != snapshot.Region)
                {
                    context.Error(path + ".kmsKeyId", $"key {key.Arn} is in {key.Region}; an EBS snapshot's key is in the snapshot's Region ({snapshot.Region})");
                }

                if (key.IsAwsManaged && (snapshot.CreateVolumePermission.UserIds.Count > 0 || snapshot.CreateVolumePermission.Public))
                {
                    context.Error(path + ".createVolumePermission", "the snapshot is on the AWS managed key aws/ebs, which AWS never shares (\"Encrypted snapshots with EBS default key cannot be shared\")");
                }
            }
        }

        foreach (var (image, home, path) in load.Images)
        {
            bool shared = image.LaunchPermission.EntityCount > 0 || image.LaunchPermission.Public;
            if (shared && image.BlockDevices.Any(d => d.SnapshotId is { } id && home.Snapshots.TryGetValue(id, out var s) && Ec2Keys.IsAwsManaged(world, s)))
            {
                context.Error(path + ".launchPermission", "a backing snapshot is on the AWS managed key aws/ebs, so AWS refuses to share this AMI");
            }
        }

        foreach (var (region, path) in load.DefaultKeys)
        {
            if (kms.Resolve(world, Ec2Keys.OwnerAsCaller(region.Account), region.Ec2.DefaultKmsKeyId!, region.Name) is null)
            {
                context.Error(path, $"no KMS key '{region.Ec2.DefaultKmsKeyId}' in account {region.Account.Id}, Region {region.Name}");
            }
        }
    }

    /// <summary>
    /// A key became unusable while copies may be in flight. EBS copies that have not yet reached their key step
    /// (source or target on that key) fail there with the key error; copies past it keep their data keys and complete,
    /// as AWS documents for data keys already in use. The copy reads as completed, under a key that is now unusable.
    /// </summary>
    public void KeyBecameUnusable(World world, string keyArn, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(world);
        var snapshots = world.Accounts.Values.SelectMany(a => a.Regions.Values).SelectMany(r => r.Ec2.Snapshots.Values).ToList();
        var byId = snapshots.ToDictionary(s => s.Id, StringComparer.Ordinal);
        foreach (var snapshot in snapshots)
        {
            if (snapshot.Copy is not { } copy || at >= copy.KeyStepAt || (copy.FailureMessage is not null && copy.FailureAt <= copy.KeyStepAt))
            {
                continue;
            }

            string? sourceKey = byId.TryGetValue(copy.SourceSnapshotId, out var source) ? source.KmsKeyArn : null;
            if (string.Equals(snapshot.KmsKeyArn, keyArn, StringComparison.Ordinal) || string.Equals(sourceKey, keyArn, StringComparison.Ordinal))
            {
                copy.FailedByKeyArn = keyArn;
                copy.FailureBeforeKeyChange = (copy.FailureMessage, copy.FailureAt);
                copy.FailureMessage = Ec2Lifecycle.KeyNotAccessible;
                copy.FailureAt = copy.KeyStepAt;
            }
        }
    }

    /// <summary>A key enabled again before a copy's key step: the copy it failed goes on as it was.</summary>
    public void KeyBecameUsable(World world, string keyArn, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(world);
        foreach (var region in world.Accounts.Values.SelectMany(a => a.Regions.Values))
        {
            foreach (var snapshot in region.Ec2.Snapshots.Values)
            {
                if (snapshot.Copy is { } copy && at < copy.KeyStepAt && string.Equals(copy.FailedByKeyArn, keyArn, StringComparison.Ordinal))
                {
                    (copy.FailureMessage, copy.FailureAt) = copy.FailureBeforeKeyChange;
                    copy.FailedByKeyArn = null;
                }
            }
        }
    }

    public JsonNode? DescribeRegion(AccountRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var state = region.Ec2;
        if (state.Snapshots.Count == 0 && state.Images.Count == 0 && state.Volumes.Count == 0
            && !state.EncryptionByDefault && state.DefaultKmsKeyId is null
            && state.SnapshotBlockPublicAccess == Ec2Constants.Unblocked && state.ImageBlockPublicAccess == Ec2Constants.Unblocked)
        {
            return null;
        }

        return new JsonObject
        {
            ["encryptionByDefault"] = state.EncryptionByDefault,
            ["defaultKmsKeyId"] = state.DefaultKmsKeyId,
            ["snapshotBlockPublicAccess"] = state.SnapshotBlockPublicAccess,
            ["imageBlockPublicAccess"] = state.ImageBlockPublicAccess,
            ["volumes"] = new JsonArray(state.Volumes.Values.Select(v => (JsonNode?)new JsonObject
            {
                ["id"] = v.Id,
                ["size"] = v.Size,
                ["encrypted"] = v.Encrypted,
                ["kmsKeyId"] = v.KmsKeyId,
            }).ToArray()),
            ["snapshots"] = new JsonArray(state.Snapshots.Values.Select(s => (JsonNode?)DescribeSnapshot(s)).ToArray()),
            ["images"] = new JsonArray(state.Images.Values.Select(i => (JsonNode?)DescribeImage(i)).ToArray()),
        };
    }

    private static JsonObject DescribeSnapshot(Ec2Snapshot snapshot) => new()
    {
        ["id"] = snapshot.Id,
        ["volumeId"] = snapshot.VolumeId,
        ["volumeSize"] = snapshot.VolumeSize,
        ["encrypted"] = snapshot.Encrypted,
        ["kmsKeyId"] = snapshot.KmsKeyArn ?? snapshot.PendingKeyReference,
        ["description"] = snapshot.Description,
        ["startTime"] = AwsFormat.Iso8601(snapshot.StartTime),
        ["state"] = snapshot.Copy is null ? snapshot.FixedState : null,
        ["copy"] = snapshot.Copy is not { } copy ? null : new JsonObject
        {
            ["source"] = copy.SourceRegion + "/" + copy.SourceSnapshotId,
            ["forImage"] = copy.ImageId,
            ["completesAt"] = AwsFormat.Iso8601(copy.CompletesAt),
            ["failsAt"] = copy.FailureMessage is null ? null : AwsFormat.Iso8601(copy.FailureAt),
            ["failure"] = copy.FailureMessage,
        },
        ["createVolumePermission"] = Permissions(snapshot.CreateVolumePermission),
        ["tags"] = Tags(snapshot.Tags),
        ["lock"] = snapshot.Lock is not { } held ? null : new JsonObject
        {
            ["mode"] = held.Mode,
            ["createdOn"] = AwsFormat.Iso8601(held.CreatedOn),
            ["durationDays"] = held.DurationDays,
            ["expirationDate"] = held.ExpirationDate is { } date ? AwsFormat.Iso8601(date) : null,
            ["coolOffHours"] = held.CoolOffHours,
            ["coolOffStart"] = AwsFormat.Iso8601(held.CoolOffStart),
        },
    };

    private static JsonObject DescribeImage(Ec2Image image) => new()
    {
        ["id"] = image.Id,
        ["name"] = image.Name,
        ["description"] = image.Description,
        ["state"] = image.Copy is null ? image.FixedState : null,
        ["copiedFrom"] = image.Copy is { } copy ? copy.SourceRegion + "/" + copy.SourceImageId : null,
        ["blockDeviceMappings"] = new JsonArray(image.BlockDevices.Select(d => (JsonNode?)new JsonObject
        {
            ["deviceName"] = d.DeviceName,
            ["snapshotId"] = d.SnapshotId,
            ["volumeSize"] = d.VolumeSize,
            ["encrypted"] = d.Encrypted,
        }).ToArray()),
        ["billingProducts"] = new JsonArray(image.BillingProducts.Select(b => (JsonNode?)b).ToArray()),
        ["launchPermission"] = Permissions(image.LaunchPermission),
        ["tags"] = Tags(image.Tags),
        ["deregistrationProtection"] = image.DeregistrationProtection is not { } protection ? null : new JsonObject
        {
            ["withCooldown"] = protection.WithCooldown,
            ["disabledAt"] = protection.DisabledAt is { } at ? AwsFormat.Iso8601(at) : null,
        },
    };

    private static JsonObject Permissions(Ec2Permissions permissions) => new()
    {
        ["userIds"] = new JsonArray(permissions.UserIds.Select(u => (JsonNode?)u).ToArray()),
        ["public"] = permissions.Public,
        ["organizationArns"] = new JsonArray(permissions.OrganizationArns.Select(u => (JsonNode?)u).ToArray()),
        ["organizationalUnitArns"] = new JsonArray(permissions.OrganizationalUnitArns.Select(u => (JsonNode?)u).ToArray()),
    };

    private static JsonObject Tags(Ec2Tags tags)
    {
        var result = new JsonObject();
        foreach (var (account, values) in tags.All)
        {
            result[account] = new JsonObject(values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));
        }

        return result;
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    private static void ReadVolume(Reader reader, LoadState load, AccountRegion region, JsonElement item, string path)
    {
        if (!reader.ExpectObject(item, path, "id", "size", "encrypted", "kmsKeyId", "tags"))
        {
            return;
        }

        string? id = reader.RequiredString(item, path, "id");
        int? size = reader.Int(item, path, "size", 1, 65536);
        if (size is null)
        {
            reader.Error(path + ".size", "required: the volume size in GiB (1-65536)");
        }

        if (id is null || !load.Claim(reader, id, path + ".id", Ec2Ids.IsVolumeId, "vol-"))
        {
            return;
        }

        string? key = reader.String(item, path, "kmsKeyId");
        var volume = new Ec2Volume
        {
            Id = id,
            OwnerId = region.Account.Id,
            Region = region.Name,
            Size = size ?? 1,
            Encrypted = reader.Bool(item, path, "encrypted") ?? key is not null,
            KmsKeyId = key,
        };
        reader.Tags(item, path, volume.Tags.Edit(region.Account.Id));
        region.Ec2.Volumes[id] = volume;
    }

    private static void ReadSnapshot(Reader reader, LoadState load, AccountRegion region, JsonElement item, string path)
    {
        if (!reader.ExpectObject(item, path,
            "id", "volumeId", "volumeSize", "encrypted", "kmsKeyId", "awsManagedKey", "state", "progress", "stateMessage",
            "startTime", "description", "tags", "createVolumePermission"))
        {
            return;
        }

        string? id = reader.RequiredString(item, path, "id");
        if (id is null || !load.Claim(reader, id, path + ".id", Ec2Ids.IsSnapshotId, "snap-"))
        {
            return;
        }

        string account = region.Account.Id;
        string volumeId = reader.String(item, path, "volumeId") ?? Ec2Ids.CopyVolumeId;
        if (!Ec2Ids.IsVolumeId(volumeId))
        {
            reader.Error(path + ".volumeId", $"'{volumeId}' is not a volume id (vol- and 8 or 17 lower-case hex digits)");
        }

        int? size = reader.Int(item, path, "volumeSize", 1, 65536)
            ?? (region.Ec2.Volumes.TryGetValue(volumeId, out var volume) ? volume.Size : null);
        if (size is null)
        {
            reader.Error(path + ".volumeSize", "required (the size in GiB, 1-65536) unless volumeId names a volume of the fixture");
        }

        string? kmsKeyId = reader.String(item, path, "kmsKeyId");
        bool awsManaged = reader.Bool(item, path, "awsManagedKey") ?? false;
        bool encrypted = reader.Bool(item, path, "encrypted") ?? (kmsKeyId is not null || awsManaged);
        if (kmsKeyId is not null && awsManaged)
        {
            reader.Error(path, "give kmsKeyId or awsManagedKey: true, not both");
        }

        if (encrypted && kmsKeyId is null && !awsManaged)
        {
            reader.Error(path + ".kmsKeyId", "an encrypted snapshot needs its key: kmsKeyId (key id, alias or ARN) or awsManagedKey: true");
        }

        if (!encrypted && (kmsKeyId is not null || awsManaged))
        {
            reader.Error(path + ".encrypted", "an unencrypted snapshot has no key");
        }

        string state = reader.Enum(item, path, "state", ["pending", "completed", "error"]) ?? "completed";
        string? progress = reader.String(item, path, "progress");
        if (progress is not null && !ProgressPattern().IsMatch(progress))
        {
            reader.Error(path + ".progress", $"'{progress}' is not a percentage such as \"80%\"");
        }

        var snapshot = new Ec2Snapshot
        {
            Id = id,
            OwnerId = account,
            Region = region.Name,
            VolumeId = volumeId,
            VolumeSize = size ?? 1,
            Description = reader.String(item, path, "description") ?? string.Empty,
            StartTime = reader.Time(item, path, "startTime") ?? reader.LoadTime,
            Encrypted = encrypted,
            PendingKeyReference = kmsKeyId,
            AwsManagedKeyHint = awsManaged,
            FixedState = state,
            FixedProgress = progress,
            FixedStateMessage = reader.String(item, path, "stateMessage"),
        };
        reader.Tags(item, path, snapshot.Tags.Edit(account));
        ReadPermissions(reader, item, path, "createVolumePermission", snapshot.CreateVolumePermission, allowOrganizations: false);
        var permission = snapshot.CreateVolumePermission;
        if (awsManaged && (permission.UserIds.Count > 0 || permission.Public))
        {
            reader.Error(path + ".createVolumePermission", "AWS never shares a snapshot on the AWS managed key aws/ebs (\"Encrypted snapshots with EBS default key cannot be shared\")");
        }

        if (encrypted && permission.Public)
        {
            reader.Error(path + ".createVolumePermission", "an encrypted snapshot cannot be public");
        }

        region.Ec2.Snapshots[id] = snapshot;
        load.Snapshots.Add((snapshot, path));
    }

    private static void ReadImage(Reader reader, LoadState load, AccountRegion region, JsonElement item, string path)
    {
        if (!reader.ExpectObject(item, path,
            "id", "name", "description", "state", "stateReason", "creationDate", "architecture", "rootDeviceName",
            "virtualizationType", "enaSupport", "bootMode", "imdsSupport", "blockDeviceMappings", "billingProducts",
            "tags", "launchPermission", "isPublic"))
        {
            return;
        }

        string? id = reader.RequiredString(item, path, "id");
        string? name = reader.RequiredString(item, path, "name");
        if (id is null || name is null || !load.Claim(reader, id, path + ".id", Ec2Ids.IsImageId, "ami-"))
        {
            return;
        }

        if (!Ec2Ids.IsImageName(name))
        {
            reader.Error(path + ".name", $"'{name}' is not an AMI name (3-128 of letters, digits, spaces and ()[]./-'@_)");
        }
        else if (region.Ec2.Images.Values.FirstOrDefault(i => i.Name == name) is { } other)
        {
            reader.Error(path + ".name", $"AMI name '{name}' is already used by {other.Id} in this account and Region");
        }

        string account = region.Account.Id;
        string? reasonCode = null;
        string? reasonMessage = null;
        if (item.TryGetProperty("stateReason", out var reason))
        {
            if (reader.ExpectObject(reason, path + ".stateReason", "code", "message"))
            {
                reasonCode = reader.String(reason, path + ".stateReason", "code");
                reasonMessage = reader.String(reason, path + ".stateReason", "message");
            }
        }

        var image = new Ec2Image
        {
            Id = id,
            OwnerId = account,
            Region = region.Name,
            Name = name,
            Description = reader.String(item, path, "description"),
            FixedState = reader.Enum(item, path, "state", ["available", "pending", "failed", "error", "invalid", "disabled"]) ?? "available",
            FixedStateReasonCode = reasonCode,
            FixedStateReasonMessage = reasonMessage,
            CreationDate = reader.Time(item, path, "creationDate") ?? reader.LoadTime,
            Architecture = reader.Enum(item, path, "architecture", ["i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"]) ?? "x86_64",
            RootDeviceName = reader.String(item, path, "rootDeviceName") ?? "/dev/xvda",
            VirtualizationType = reader.Enum(item, path, "virtualizationType", ["hvm", "paravirtual"]) ?? "hvm",
            EnaSupport = reader.Bool(item, path, "enaSupport") ?? true,
            BootMode = reader.Enum(item, path, "bootMode", ["legacy-bios", "uefi", "uefi-preferred"]),
            ImdsSupport = reader.Enum(item, path, "imdsSupport", ["v2.0"]),
        };

        int devices = 0;
        foreach (var (mapping, mappingPath) in reader.Items(item, path, "blockDeviceMappings"))
        {
            devices++;
            if (!reader.ExpectObject(mapping, mappingPath, "deviceName", "snapshotId", "volumeSize", "volumeType", "deleteOnTermination"))
            {
                continue;
            }

            string? deviceName = reader.RequiredString(mapping, mappingPath, "deviceName");
            string? snapshotId = reader.RequiredString(mapping, mappingPath, "snapshotId");
            if (deviceName is null || snapshotId is null)
            {
                continue;
            }

            // An AMI's backing snapshots are its owner's, in its Region: list them first in the same section.
            if (!region.Ec2.Snapshots.TryGetValue(snapshotId, out var snapshot))
            {
                reader.Error(mappingPath + ".snapshotId", $"no snapshot '{snapshotId}' of account {account} in {region.Name} (list it under snapshots of this section)");
                continue;
            }

            int size = reader.Int(mapping, mappingPath, "volumeSize", 1, 65536) ?? snapshot.VolumeSize;
            if (size < snapshot.VolumeSize)
            {
                reader.Error(mappingPath + ".volumeSize", $"{size} GiB is smaller than the snapshot ({snapshot.VolumeSize} GiB)");
            }

            image.BlockDevices.Add(new Ec2BlockDevice
            {
                DeviceName = deviceName,
                SnapshotId = snapshotId,
                VolumeSize = size,
                VolumeType = reader.Enum(mapping, mappingPath, "volumeType", ["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"]) ?? "gp3",
                DeleteOnTermination = reader.Bool(mapping, mappingPath, "deleteOnTermination") ?? true,
                Encrypted = snapshot.Encrypted,
            });
        }

        if (devices == 0)
        {
            reader.Error(path + ".blockDeviceMappings", "required: at least one mapping with a snapshotId (the emulator has EBS-backed AMIs only)");
        }

        foreach (var (product, productPath) in reader.Items(item, path, "billingProducts"))
        {
            if (product.ValueKind != JsonValueKind.String || !BillingProductPattern().IsMatch(product.GetString()!))
            {
                reader.Error(productPath, "must be a billing product code such as \"bp-6ba54002\"");
                continue;
            }

            image.BillingProducts.Add(product.GetString()!);
        }

        reader.Tags(item, path, image.Tags.Edit(account));
        ReadPermissions(reader, item, path, "launchPermission", image.LaunchPermission, allowOrganizations: true);
        if (reader.Bool(item, path, "isPublic") == true)
        {
            image.LaunchPermission.Public = true;
        }

        var backing = image.BlockDevices.Select(d => region.Ec2.Snapshots[d.SnapshotId!]).ToList();
        bool shared = image.LaunchPermission.EntityCount > 0 || image.LaunchPermission.Public;
        if (shared && backing.Any(s => s.AwsManagedKeyHint))
        {
            reader.Error(path + ".launchPermission", "a backing snapshot is on the AWS managed key aws/ebs, so AWS refuses to share this AMI");
        }

        if (image.LaunchPermission.Public && backing.Any(s => s.Encrypted))
        {
            reader.Error(path + ".isPublic", "an AMI with encrypted snapshots cannot be public");
        }

        region.Ec2.Images[id] = image;
        load.Images.Add((image, region.Ec2, path));
    }

    private static void ReadPermissions(Reader reader, JsonElement item, string path, string name, Ec2Permissions target, bool allowOrganizations)
    {
        foreach (var (entry, entryPath) in reader.Items(item, path, name))
        {
            string[] allowed = allowOrganizations ? ["userId", "group", "organizationArn", "organizationalUnitArn"] : ["userId", "group"];
            if (!reader.ExpectObject(entry, entryPath, allowed))
            {
                continue;
            }

            int fields = entry.EnumerateObject().Count(p => !p.Name.StartsWith('$'));
            if (fields != 1)
            {
                reader.Error(entryPath, "give exactly one of " + string.Join(", ", allowed));
                continue;
            }

            if (reader.String(entry, entryPath, "userId") is { } user)
            {
                if (!Ec2Ids.IsAccountId(user))
                {
                    reader.Error(entryPath + ".userId", $"'{user}' is not an AWS account id (12 digits)");
                }
                else if (!target.UserIds.Contains(user))
                {
                    target.UserIds.Add(user);
                }
            }
            else if (reader.String(entry, entryPath, "group") is { } group)
            {
                if (group != Ec2Constants.GroupAll)
                {
                    reader.Error(entryPath + ".group", $"'{group}' is not a permission group; the only group is \"all\"");
                }

                target.Public = true;
            }
            else if (reader.String(entry, entryPath, "organizationArn") is { } org)
            {
                target.OrganizationArns.Add(org);
            }
            else if (reader.String(entry, entryPath, "organizationalUnitArn") is { } unit)
            {
                target.OrganizationalUnitArns.Add(unit);
            }
        }
    }

    [GeneratedRegex("^[0-9]{1,3}%$")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex("^bp-[0-9a-f]{8}$")]
    private static partial Regex BillingProductPattern();

    /// <summary>What one fixture load collects for the checks that need every account loaded.</summary>
    private sealed class LoadState
    {
        private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);

        public List<(Ec2Snapshot Snapshot, string Path)> Snapshots { get; } = [];

        public List<(Ec2Image Image, Ec2RegionState Home, string Path)> Images { get; } = [];

        public List<(AccountRegion Region, string Path)> DefaultKeys { get; } = [];

        /// <summary>Resource ids are unique in the whole world, as AWS's are.</summary>
        public bool Claim(Reader reader, string id, string path, Func<string, bool> isValid, string prefix)
        {
            if (!isValid(id))
            {
                reader.Error(path, $"'{id}' is not an id of the form {prefix} and 8 or 17 lower-case hex digits");
                return false;
            }

            if (_ids.TryGetValue(id, out var other))
            {
                reader.Error(path, $"duplicate id '{id}' (also at {other})");
                return false;
            }

            _ids[id] = path;
            return true;
        }
    }

    /// <summary>Strict JSON readers with path-qualified errors, in the style of the core fixture loader.</summary>
    private sealed class Reader(FixtureContext context)
    {
        public DateTimeOffset LoadTime => context.LoadTime;

        public void Error(string path, string message) => context.Error(path, message);

        public bool ExpectObject(JsonElement element, string path, params string[] allowed)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, "must be an object");
                return false;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (!allowed.Contains(property.Name, StringComparer.Ordinal) && !property.Name.StartsWith('$'))
                {
                    Error($"{path}.{property.Name}", "unknown property (allowed: " + string.Join(", ", allowed) + ")");
                }
            }

            return true;
        }

        public IEnumerable<(JsonElement Item, string Path)> Items(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out var array))
            {
                yield break;
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                Error($"{path}.{name}", "must be an array");
                yield break;
            }

            int index = 0;
            foreach (var item in array.EnumerateArray())
            {
                yield return (item, string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{index++}]"));
            }
        }

        public string? RequiredString(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out _))
            {
                Error($"{path}.{name}", "required");
                return null;
            }

            return String(element, path, name);
        }

        public string? String(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                Error($"{path}.{name}", "must be a string");
                return null;
            }

            return value.GetString();
        }

        public bool? Bool(JsonElement element, string path, string name)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error($"{path}.{name}", "must be true or false");
                return null;
            }

            return value.GetBoolean();
        }

        public int? Int(JsonElement element, string path, string name, int min, int max)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < min || number > max)
            {
                Error($"{path}.{name}", $"must be a whole number from {min} to {max}");
                return null;
            }

            return number;
        }

        public string? Enum(JsonElement element, string path, string name, string[] values)
        {
            string? value = String(element, path, name);
            if (value is not null && !values.Contains(value, StringComparer.Ordinal))
            {
                Error($"{path}.{name}", $"'{value}' is not one of {string.Join(", ", values)}");
                return null;
            }

            return value;
        }

        public DateTimeOffset? Time(JsonElement element, string path, string name)
        {
            string? text = String(element, path, name);
            if (text is null)
            {
                return null;
            }

            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            {
                Error($"{path}.{name}", $"'{text}' is not an ISO 8601 time such as 2026-01-31T12:00:00Z");
                return null;
            }

            return time;
        }

        /// <summary>A tags object (key → value) with EC2's limits: 50 tags besides aws: ones, keys 1-128, values up to
        /// 256. aws: keys are allowed here: AWS Backup and CloudFormation put them on snapshots and AMIs; only a caller
        /// may not write them.</summary>
        public void Tags(JsonElement element, string path, Dictionary<string, string> target)
        {
            if (!element.TryGetProperty("tags", out var tags))
            {
                return;
            }

            string tagsPath = path + ".tags";
            if (tags.ValueKind != JsonValueKind.Object)
            {
                Error(tagsPath, "must be an object of tag key → value");
                return;
            }

            foreach (var tag in tags.EnumerateObject())
            {
                if (tag.Value.ValueKind != JsonValueKind.String)
                {
                    Error($"{tagsPath}.{tag.Name}", "must be a string");
                    continue;
                }

                string value = tag.Value.GetString()!;
                if (tag.Name.Length is 0 or > 128)
                {
                    Error($"{tagsPath}.{tag.Name}", "tag keys are 1-128 characters");
                }
                else if (value.Length > 256)
                {
                    Error($"{tagsPath}.{tag.Name}", "tag values are at most 256 characters");
                }
                else
                {
                    target[tag.Name] = value;
                }
            }

            if (Ec2Tags.UserTagCount(target.Keys) > 50)
            {
                Error(tagsPath, "a resource has at most 50 tags besides aws: ones");
            }
        }
    }
}
