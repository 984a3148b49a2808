using System.Globalization;
using System.Text;
using System.Xml.Linq;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// CopySnapshot and CopyImage: they answer at once with a pending resource whose progress follows the world clock.
/// Key access is decided as the service starts copying; a refusal never fails the call, it turns the copy to
/// error/failed shortly after (aws-behaviour.md §1.4, §2.1, §9 rules 2, 6, 9, 12, 13, 15).
/// </summary>
public sealed partial class Ec2Service
{
    private static readonly string[] s_notFingerprinted = ["Action", "Version", "ClientToken", "DryRun"];

    private static AwsResponse CopySnapshot(AwsRequest request)
    {
        var p = request.Parameters;
        var world = request.World;
        string me = request.Caller.AccountId;
        var now = request.Clock.UtcNow;
        string sourceId = p.Required("SourceSnapshotId");
        string sourceRegion = p.Required("SourceRegion");
        CheckSourceRegion(request, sourceRegion);
        bool encryptRequested = p.GetBool("Encrypted") == true;
        string? kmsKeyId = p.Get("KmsKeyId");
        if (kmsKeyId is not null && !encryptRequested)
        {
            throw Ec2Errors.KmsKeyNeedsEncrypted();
        }

        int? completion = ReadCompletionDuration(p.GetLong("CompletionDurationMinutes"), "completionDurationMinutes");
        string? description = ReadDescription(p.Get("Description"));
        var tags = TagsOf(ReadTagSpecifications(p, "snapshot"), "snapshot");
        RefuseUnsupportedDestinations(p, "DestinationOutpostArn", "DestinationAvailabilityZone");

        // PresignedUrl and DestinationRegion, which the SDKs add, point at real AWS hosts: accepted, never fetched.
        var (source, _) = VisibleSnapshot(request, sourceRegion, sourceId, "sourceSnapshotId");
        string newId = Ec2Ids.NewSnapshotId();
        string newArn = Ec2Ids.SnapshotArn(request.Caller.Partition, request.Region, newId);
        Authorize(request, SnapshotArn(request, source), SnapshotContext(world, source, me));
        Authorize(request, newArn);
        AuthorizeCreateTags(request, newArn, tags);
        DryRunGate(request);

        var sourceStatus = Ec2Lifecycle.Status(source, now);
        if (sourceStatus.State != "completed")
        {
            throw Ec2Errors.IncorrectState("Snapshot", sourceStatus.State);
        }

        var destination = request.CallerRegion.Ec2;
        int limit = request.Settings.Ec2.ConcurrentSnapshotCopies;
        int inFlight = destination.Snapshots.Values.Count(s => s.Copy is { ImageId: null } && Ec2Lifecycle.InProgress(s, now));
        if (inFlight >= limit)
        {
            throw Ec2Errors.TooManySnapshotCopies(limit);
        }

        var plan = PlanEncryption(request, source, destination, encryptRequested, kmsKeyId, keepOwnKeyByDefault: false);
        var injected = request.Settings.TakeCopyFailure(request.SigningName, request.Action, me, request.Region);
        var copy = NewSnapshotCopy(request, newId, source, plan, description ?? $"[Copied {source.Id} from {source.Region}]", null, completion, injected);
        foreach (var tag in tags)
        {
            copy.Tags.Edit(me)[tag.Key] = tag.Value;
        }

        destination.Snapshots[newId] = copy;
        return AwsResponse.Ec2(request, new XElement("snapshotId", newId), Ec2Xml.TagSet(tags));
    }

    private static AwsResponse CopyImage(AwsRequest request)
    {
        var p = request.Parameters;
        var world = request.World;
        string me = request.Caller.AccountId;
        string partition = request.Caller.Partition;
        var now = request.Clock.UtcNow;
        string name = p.Required("Name");
        string sourceId = p.Required("SourceImageId");
        string sourceRegion = p.Required("SourceRegion");
        CheckImageName(name);
        CheckSourceRegion(request, sourceRegion);
        string? description = ReadDescription(p.Get("Description"));
        string? token = p.Get("ClientToken");
        if (token is { Length: > 128 })
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({token}) for parameter clientToken is invalid. Length exceeds maximum of 128.");
        }

        bool encryptRequested = p.GetBool("Encrypted") == true;
        string? kmsKeyId = p.Get("KmsKeyId");
        if (kmsKeyId is not null && !encryptRequested)
        {
            throw Ec2Errors.KmsKeyNeedsEncrypted();
        }

        bool copyTags = p.GetBool("CopyImageTags") == true;
        var specs = ReadTagSpecifications(p, "image", "snapshot");
        var imageTags = TagsOf(specs, "image");
        var snapshotTags = TagsOf(specs, "snapshot");
        int? completion = ReadCompletionDuration(p.GetLong("SnapshotCopyCompletionDurationMinutes"), "snapshotCopyCompletionDurationMinutes");
        RefuseUnsupportedDestinations(p, "DestinationOutpostArn", "DestinationAvailabilityZone", "DestinationAvailabilityZoneId");
        CheckImageId(sourceId);

        var destination = request.CallerRegion.Ec2;
        string fingerprint = Fingerprint(p);
        if (token is not null && destination.CopyImageTokens.TryGetValue(token, out var previous))
        {
            // Same token, same parameters: the same image, not a second copy (aws-behaviour.md §2.3).
            if (previous.Fingerprint != fingerprint)
            {
                throw Ec2Errors.IdempotentMismatch();
            }

            Authorize(request, Ec2Ids.ImageArn(partition, sourceRegion, sourceId));
            Authorize(request, Ec2Ids.ImageArn(partition, request.Region, previous.ImageId));
            DryRunGate(request);
            return AwsResponse.Ec2(request, new XElement("imageId", previous.ImageId));
        }

        var (source, sourceHome) = VisibleImage(request, sourceRegion, sourceId);
        string newId = Ec2Ids.NewImageId();
        string newArn = Ec2Ids.ImageArn(partition, request.Region, newId);
        var devices = source.BlockDevices
            .Select(d => (Device: d, NewSnapshotId: d.SnapshotId is null ? null : Ec2Ids.NewSnapshotId()))
            .ToList();
        Authorize(request, Ec2Ids.ImageArn(partition, source.Region, source.Id), ImageContext(source, me));
        Authorize(request, newArn);
        AuthorizeCreateTags(request, newArn, imageTags);
        foreach (var (_, newSnapshotId) in devices)
        {
            if (newSnapshotId is not null)
            {
                AuthorizeCreateTags(request, Ec2Ids.SnapshotArn(partition, request.Region, newSnapshotId), snapshotTags);
            }
        }

        DryRunGate(request);

        var sourceStatus = Ec2Lifecycle.Status(source, sourceHome, now);
        if (sourceStatus.State != "available")
        {
            throw Ec2Errors.IncorrectState("Image", sourceStatus.State);
        }

        bool crossAccount = source.OwnerId != me;
        if (crossAccount && source.BillingProducts.Count > 0)
        {
            throw Ec2Errors.BillingProductCopy();
        }

        // aws-behaviour.md §2.2: across accounts the launch permission is not enough, every backing snapshot must
        // be readable (createVolumePermission) too.
        var sourceSnapshots = new Dictionary<string, Ec2Snapshot>(StringComparer.Ordinal);
        foreach (var (device, _) in devices)
        {
            if (device.SnapshotId is null)
            {
                continue;
            }

            if (!sourceHome.Snapshots.TryGetValue(device.SnapshotId, out var snapshot)
                || (crossAccount && !CanSee(me, snapshot, sourceHome)))
            {
                throw Ec2Errors.NoStorageAccess();
            }

            sourceSnapshots[device.SnapshotId] = snapshot;
        }

        CheckImageNameFree(destination, name);
        int limit = request.Settings.Ec2.ConcurrentImageCopies;
        int inFlight = destination.Images.Values.Count(i => i.Copy is not null && Ec2Lifecycle.Status(i, destination, now).State == "pending");
        if (inFlight >= limit)
        {
            throw Ec2Errors.TooManyImageCopies(limit);
        }

        var image = new Ec2Image
        {
            Id = newId,
            OwnerId = me,
            Region = request.Region,
            Name = name,
            Description = description ?? source.Description,
            CreationDate = now,
            Architecture = source.Architecture,
            RootDeviceName = source.RootDeviceName,
            VirtualizationType = source.VirtualizationType,
            EnaSupport = source.EnaSupport,
            BootMode = source.BootMode,
            ImdsSupport = source.ImdsSupport,
            Copy = new Ec2ImageCopy { SourceImageId = source.Id, SourceRegion = source.Region },
        };

        // Billing codes stay with copies inside the account; launch permissions never travel (§9 rule 15).
        if (!crossAccount)
        {
            image.BillingProducts.AddRange(source.BillingProducts);
        }

        // One armed failure per CopyImage call: every backing snapshot copy fails at that point, so the image fails.
        var injected = request.Settings.TakeCopyFailure(request.SigningName, request.Action, me, request.Region);
        string taskCreated = now.ToUnixTimeMilliseconds().ToString("N0", CultureInfo.InvariantCulture);
        foreach (var (device, newSnapshotId) in devices)
        {
            if (device.SnapshotId is null || newSnapshotId is null)
            {
                image.BlockDevices.Add(device);
                continue;
            }

            var sourceSnapshot = sourceSnapshots[device.SnapshotId];
            var plan = PlanEncryption(request, sourceSnapshot, destination, encryptRequested, kmsKeyId, keepOwnKeyByDefault: true);
            // The description AWS gives the backing snapshots of a copied AMI.
            string snapshotDescription =
                $"Copied for DestinationAmi {newId} from SourceAmi {source.Id} for SourceSnapshot {sourceSnapshot.Id}. Task created on {taskCreated}.";
            var copy = NewSnapshotCopy(request, newSnapshotId, sourceSnapshot, plan, snapshotDescription, newId, completion, injected);
            foreach (var tag in snapshotTags)
            {
                copy.Tags.Edit(me)[tag.Key] = tag.Value;
            }

            destination.Snapshots[newSnapshotId] = copy;
            image.BlockDevices.Add(new Ec2BlockDevice
            {
                DeviceName = device.DeviceName,
                SnapshotId = newSnapshotId,
                VolumeSize = device.VolumeSize,
                VolumeType = device.VolumeType,
                DeleteOnTermination = device.DeleteOnTermination,
                Encrypted = plan.Encrypted,
            });
        }

        var tags = image.Tags.Edit(me);
        if (copyTags && !crossAccount)
        {
            // Only the caller's own user tags; aws: tags and tags from other accounts never travel.
            foreach (var tag in source.Tags.For(me).Where(t => !t.Key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)))
            {
                tags[tag.Key] = tag.Value;
            }
        }

        foreach (var tag in imageTags)
        {
            tags[tag.Key] = tag.Value;
        }

        destination.Images[newId] = image;
        if (token is not null)
        {
            destination.CopyImageTokens[token] = new Ec2ClientToken(fingerprint, newId);
        }

        return AwsResponse.Ec2(request, new XElement("imageId", newId));
    }

    /// <summary>Whether the copy ends up encrypted, under which key, and whether EC2 may use the keys involved.</summary>
    private sealed record CopyPlan(bool Encrypted, string? KeyArn, string? FailureMessage);

    /// <summary>
    /// aws-behaviour.md §1.3: an encrypted source stays encrypted; Encrypted=true or encryption by default encrypts
    /// an unencrypted one; the key is KmsKeyId, else (CopyImage only, same account and Region, no encryption
    /// parameters) the source's own key, else the destination account's default EBS key. The caller must be able to
    /// have EC2 decrypt the source key and encrypt under the target key; otherwise the copy fails later.
    /// </summary>
    private static CopyPlan PlanEncryption(AwsRequest request, Ec2Snapshot source, Ec2RegionState destination, bool encryptRequested, string? kmsKeyId, bool keepOwnKeyByDefault)
    {
        var world = request.World;
        var caller = request.Caller;
        string region = request.Region;
        bool encrypt = source.Encrypted || encryptRequested || destination.EncryptionByDefault;
        if (!encrypt)
        {
            return new CopyPlan(false, null, null);
        }

        if (Ec2Keys.Access is not { } kms)
        {
            // Without a KMS plug-in no key is accessible, which is what EC2 would find.
            return new CopyPlan(true, kmsKeyId, Ec2Lifecycle.KeyNotAccessible);
        }

        bool usable = !source.Encrypted || Ec2Keys.CanDecrypt(world, caller, Ec2Keys.KeyOf(world, source), source.Region);
        ServiceKey? target;
        if (kmsKeyId is not null)
        {
            target = kms.Resolve(world, caller, kmsKeyId, region);
        }
        else if (keepOwnKeyByDefault && source.Encrypted && !encryptRequested && source.OwnerId == caller.AccountId && source.Region == region)
        {
            target = Ec2Keys.KeyOf(world, source);
        }
        else
        {
            target = Ec2Keys.DefaultKey(world, caller, region, destination, kms);
        }

        usable &= Ec2Keys.CanEncrypt(world, caller, target, region);
        return new CopyPlan(true, target?.Arn ?? kmsKeyId, usable ? null : Ec2Lifecycle.KeyNotAccessible);
    }

    private static Ec2Snapshot NewSnapshotCopy(
        AwsRequest request, string id, Ec2Snapshot source, CopyPlan plan, string description, string? imageId, int? completion, CopyFailureRule? injected)
    {
        var now = request.Clock.UtcNow;
        double scale = request.Settings.TimeScale;
        var duration = Ec2Lifecycle.CopyDuration(source.VolumeSize, completion, scale);
        string? failure = plan.FailureMessage;
        var keyStepAt = now + Ec2Lifecycle.KeyCheckDelay(duration, scale);
        var failsAt = keyStepAt;

        // An armed failure (control API) that strikes before the key check would is what the copy reports.
        if (injected is not null && (failure is null || injected.FailsAt(now, duration) < failsAt))
        {
            failure = injected.Message ?? Ec2Lifecycle.CopyFailedMessage;
            failsAt = injected.FailsAt(now, duration);
        }

        return new Ec2Snapshot
        {
            Id = id,
            OwnerId = request.Caller.AccountId,
            Region = request.Region,
            VolumeId = Ec2Ids.CopyVolumeId,
            VolumeSize = source.VolumeSize,
            Description = description,
            StartTime = now,
            Encrypted = plan.Encrypted,
            KmsKeyArn = plan.KeyArn,
            Copy = new Ec2CopyJob
            {
                Start = now,
                Duration = duration,
                FailureMessage = failure,
                FailureAt = failsAt,
                KeyStepAt = keyStepAt,
                SourceSnapshotId = source.Id,
                SourceRegion = source.Region,
                ImageId = imageId,
                TransferType = completion is null ? "standard" : "time-based",
                CompletionDurationMinutes = completion,
            },
        };
    }

    /// <summary>Time-based copies: 15-minute increments from 15 minutes to 48 hours (aws-behaviour.md §1.1).</summary>
    private static int? ReadCompletionDuration(long? minutes, string parameter)
    {
        if (minutes is not long value)
        {
            return null;
        }

        if (value is < 15 or > 2880 || value % 15 != 0)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"Value ({value}) for parameter {parameter} is invalid. Specify a completion duration in 15-minute increments between 15 and 2880 minutes.");
        }

        return (int)value;
    }

    private static string? ReadDescription(string? description)
    {
        if (description is { Length: > 255 })
        {
            throw Ec2Errors.InvalidParameterValue("Value for parameter description is invalid. Length exceeds maximum of 255.");
        }

        return description;
    }

    // Every parameter but the token itself and DryRun, in a stable order, so a retried request matches its original.
    private static string Fingerprint(QueryParameters parameters)
    {
        var text = new StringBuilder();
        foreach (var pair in parameters.Where(p => !s_notFingerprinted.Contains(p.Key, StringComparer.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
        }

        return text.ToString();
    }
}
