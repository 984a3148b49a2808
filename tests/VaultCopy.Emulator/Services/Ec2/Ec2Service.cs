using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// Amazon EC2 (ec2 query protocol, 2016-11-15) for EBS snapshots and AMIs: describe, share, copy, tag and delete,
/// per aws-models/ec2/service-2.json and aws-behaviour.md §1, §2 and §9. Authorization is identity policies only
/// (EC2 has no resource policies); sharing is the resource side, checked here. Every operation runs under World.Sync.
/// </summary>
public sealed partial class Ec2Service : IAwsService
{
    /// <summary>Tags per resource (and per account, since each account keeps its own).</summary>
    private const int MaxTags = 50;

    public string SigningName => "ec2";

    public AwsProtocol Protocol => AwsProtocol.Ec2;

    public IReadOnlyCollection<string> Operations { get; } =
    [
        "DescribeSnapshots", "DescribeSnapshotAttribute", "ModifySnapshotAttribute", "ResetSnapshotAttribute", "CopySnapshot",
        "DeleteSnapshot", "DescribeImages", "DescribeImageAttribute", "ModifyImageAttribute", "ResetImageAttribute", "CopyImage",
        "DeregisterImage", "RegisterImage", "CreateTags", "DeleteTags", "DescribeTags", "EnableSnapshotBlockPublicAccess",
        "DisableSnapshotBlockPublicAccess", "GetSnapshotBlockPublicAccessState", "EnableImageBlockPublicAccess",
        "DisableImageBlockPublicAccess", "GetImageBlockPublicAccessState", "LockSnapshot", "UnlockSnapshot",
        "DescribeLockedSnapshots", "EnableImageDeregistrationProtection", "DisableImageDeregistrationProtection",
    ];

    public Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (request.World.Sync)
        {
            return Task.FromResult(request.Action switch
            {
                "DescribeSnapshots" => DescribeSnapshots(request),
                "DescribeSnapshotAttribute" => DescribeSnapshotAttribute(request),
                "ModifySnapshotAttribute" => ModifySnapshotAttribute(request),
                "ResetSnapshotAttribute" => ResetSnapshotAttribute(request),
                "CopySnapshot" => CopySnapshot(request),
                "DeleteSnapshot" => DeleteSnapshot(request),
                "DescribeImages" => DescribeImages(request),
                "DescribeImageAttribute" => DescribeImageAttribute(request),
                "ModifyImageAttribute" => ModifyImageAttribute(request),
                "ResetImageAttribute" => ResetImageAttribute(request),
                "CopyImage" => CopyImage(request),
                "DeregisterImage" => DeregisterImage(request),
                "RegisterImage" => RegisterImage(request),
                "CreateTags" => CreateTags(request),
                "DeleteTags" => DeleteTags(request),
                "DescribeTags" => DescribeTags(request),
                "EnableSnapshotBlockPublicAccess" => EnableSnapshotBlockPublicAccess(request),
                "DisableSnapshotBlockPublicAccess" => DisableSnapshotBlockPublicAccess(request),
                "GetSnapshotBlockPublicAccessState" => GetSnapshotBlockPublicAccessState(request),
                "EnableImageBlockPublicAccess" => EnableImageBlockPublicAccess(request),
                "DisableImageBlockPublicAccess" => DisableImageBlockPublicAccess(request),
                "GetImageBlockPublicAccessState" => GetImageBlockPublicAccessState(request),
                "LockSnapshot" => LockSnapshot(request),
                "UnlockSnapshot" => UnlockSnapshot(request),
                "DescribeLockedSnapshots" => DescribeLockedSnapshots(request),
                "EnableImageDeregistrationProtection" => EnableImageDeregistrationProtection(request),
                "DisableImageDeregistrationProtection" => DisableImageDeregistrationProtection(request),
                _ => throw request.UnknownAction(),
            });
        }
    }

    // ---- authorization and DryRun -------------------------------------------------------------------------------

    /// <summary>ec2:&lt;Op&gt; (or <paramref name="action"/>) on <paramref name="resource"/>, identity policies only.</summary>
    private static void Authorize(AwsRequest request, string resource, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>? context = null, string? action = null) =>
        request.Authorize(action ?? request.IamAction, resource, context, error: AccessDeniedError.Ec2);

    /// <summary>After authorization: a permitted DryRun stops here with 412 DryRunOperation.</summary>
    private static void DryRunGate(AwsRequest request)
    {
        if (request.Parameters.GetBool("DryRun") == true)
        {
            throw Ec2Errors.DryRun();
        }
    }

    /// <summary>Tag-on-create needs ec2:CreateTags on the new resource, with ec2:CreateAction naming the operation.</summary>
    private static void AuthorizeCreateTags(AwsRequest request, string resourceArn, IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count == 0)
        {
            return;
        }

        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["ec2:CreateAction"] = [request.Action],
            ["aws:TagKeys"] = tags.Keys.ToList(),
        };
        foreach (var tag in tags)
        {
            context["aws:RequestTag/" + tag.Key] = [tag.Value];
        }

        Authorize(request, resourceArn, context, "ec2:CreateTags");
    }

    private static Dictionary<string, IReadOnlyList<string>> SnapshotContext(World world, Ec2Snapshot snapshot, string viewer)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["ec2:Encrypted"] = [AwsFormat.Bool(snapshot.Encrypted)],
            ["ec2:Owner"] = [snapshot.OwnerId],
            ["ec2:VolumeSize"] = [snapshot.VolumeSize.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ["ec2:SnapshotTime"] = [AwsFormat.Iso8601Seconds(snapshot.StartTime)],
        };
        if (Ec2Keys.DisplayKeyId(world, snapshot) is { } key)
        {
            context["ec2:KmsKeyId"] = [key];
        }

        AddResourceTags(context, snapshot.Tags.For(viewer));
        return context;
    }

    private static Dictionary<string, IReadOnlyList<string>> ImageContext(Ec2Image image, string viewer)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["ec2:Owner"] = [image.OwnerId],
            ["ec2:Public"] = [AwsFormat.Bool(image.LaunchPermission.Public)],
            ["ec2:ImageType"] = ["machine"],
            ["ec2:RootDeviceType"] = ["ebs"],
        };
        AddResourceTags(context, image.Tags.For(viewer));
        return context;
    }

    private static void AddResourceTags(Dictionary<string, IReadOnlyList<string>> context, IReadOnlyDictionary<string, string> tags)
    {
        foreach (var tag in tags)
        {
            context["aws:ResourceTag/" + tag.Key] = [tag.Value];
            context["ec2:ResourceTag/" + tag.Key] = [tag.Value];
        }
    }

    // ---- finding resources --------------------------------------------------------------------------------------

    /// <summary>Every account's EC2 state in <paramref name="region"/> that exists (never creates one).</summary>
    internal static IEnumerable<(Account Account, Ec2RegionState State)> RegionStates(World world, string region)
    {
        foreach (var account in world.Accounts.Values)
        {
            if (account.Regions.TryGetValue(region, out var state))
            {
                yield return (account, state.Ec2);
            }
        }
    }

    internal static (Ec2Snapshot Snapshot, Ec2RegionState Home)? FindSnapshot(World world, string region, string id)
    {
        foreach (var (_, state) in RegionStates(world, region))
        {
            if (state.Snapshots.TryGetValue(id, out var snapshot))
            {
                return (snapshot, state);
            }
        }

        return null;
    }

    internal static (Ec2Image Image, Ec2RegionState Home)? FindImage(World world, string region, string id)
    {
        foreach (var (_, state) in RegionStates(world, region))
        {
            if (state.Images.TryGetValue(id, out var image))
            {
                return (image, state);
            }
        }

        return null;
    }

    /// <summary>aws-behaviour.md §9 rule 1: owner, an explicit createVolumePermission, or public (unless block-all-sharing).</summary>
    internal static bool CanSee(string accountId, Ec2Snapshot snapshot, Ec2RegionState home) =>
        snapshot.OwnerId == accountId
        || snapshot.CreateVolumePermission.UserIds.Contains(accountId)
        || (snapshot.CreateVolumePermission.Public && !home.HidesPublicSnapshots);

    /// <summary>Owner, public, or a launch permission for the account, its organization or one of its OUs.</summary>
    internal static bool CanSee(World world, string accountId, Ec2Image image) =>
        image.OwnerId == accountId || image.LaunchPermission.Public || HasExplicitLaunchPermission(world, accountId, image, includeOrganizations: true);

    internal static bool HasExplicitLaunchPermission(World world, string accountId, Ec2Image image, bool includeOrganizations)
    {
        var permission = image.LaunchPermission;
        if (permission.UserIds.Contains(accountId))
        {
            return true;
        }

        if (!includeOrganizations || world.FindAccount(accountId) is not { OrganizationId: { } org } account)
        {
            return false;
        }

        // arn:aws:organizations::<management>:organization/o-xxxx
        if (permission.OrganizationArns.Any(arn => arn.EndsWith("/" + org, StringComparison.Ordinal)))
        {
            return true;
        }

        // arn:aws:organizations::<management>:ou/o-xxxx/ou-xxxx-yyyy, matched against the account's o-…/r-…/ou-…/ path.
        if (account.OrganizationPath is not { } path)
        {
            return false;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return permission.OrganizationalUnitArns.Any(arn =>
        {
            var parts = arn.Split('/');
            return parts.Length >= 3 && parts[^2] == org && segments.Contains(parts[^1], StringComparer.Ordinal);
        });
    }

    /// <summary>A snapshot id parameter: malformed ids and invisible snapshots fail as AWS fails them.</summary>
    private static (Ec2Snapshot Snapshot, Ec2RegionState Home) VisibleSnapshot(AwsRequest request, string region, string id, string parameter = "snapshotId")
    {
        CheckSnapshotId(id, parameter);
        if (FindSnapshot(request.World, region, id) is { } found && CanSee(request.Caller.AccountId, found.Snapshot, found.Home))
        {
            return found;
        }

        throw Ec2Errors.SnapshotNotFound(id);
    }

    /// <summary>For owner-only operations: others who can see the snapshot get AuthFailure, the rest NotFound.</summary>
    private static (Ec2Snapshot Snapshot, Ec2RegionState Home) OwnedSnapshot(AwsRequest request, string id)
    {
        var found = VisibleSnapshot(request, request.Region, id);
        if (found.Snapshot.OwnerId != request.Caller.AccountId)
        {
            throw Ec2Errors.NotAuthorizedFor("snapshot", id);
        }

        return found;
    }

    private static (Ec2Image Image, Ec2RegionState Home) VisibleImage(AwsRequest request, string region, string id)
    {
        CheckImageId(id);
        if (FindImage(request.World, region, id) is { } found && CanSee(request.World, request.Caller.AccountId, found.Image))
        {
            return found;
        }

        throw Ec2Errors.ImageNotFound([id]);
    }

    private static (Ec2Image Image, Ec2RegionState Home) OwnedImage(AwsRequest request, string id)
    {
        var found = VisibleImage(request, request.Region, id);
        if (found.Image.OwnerId != request.Caller.AccountId)
        {
            throw Ec2Errors.NotAuthorizedFor("image", id);
        }

        return found;
    }

    private static void CheckSnapshotId(string id, string parameter = "snapshotId")
    {
        if (Ec2Ids.IsSnapshotId(id))
        {
            return;
        }

        // errors-overview: a malformed snap- id is InvalidSnapshotID.Malformed; something that is no id at all is
        // InvalidParameterValue.
        throw id.StartsWith("snap-", StringComparison.Ordinal) ? Ec2Errors.SnapshotMalformed(id) : Ec2Errors.NotAnId(parameter, id, "snap");
    }

    private static void CheckImageId(string id)
    {
        if (!Ec2Ids.IsImageId(id))
        {
            throw Ec2Errors.ImageMalformed(id);
        }
    }

    // ---- tags ---------------------------------------------------------------------------------------------------

    /// <summary>
    /// TagSpecification.N for the resource types an operation accepts; any other type fails the request
    /// ("'x' is not a valid taggable resource type for this operation.").
    /// </summary>
    private static Dictionary<string, Dictionary<string, string>> ReadTagSpecifications(QueryParameters parameters, params string[] allowedTypes)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var spec in parameters.GetStructList("TagSpecification"))
        {
            string type = spec.Get("ResourceType") ?? throw Ec2Errors.InvalidParameterValue("Tag specification resource type must have a value");
            if (!allowedTypes.Contains(type, StringComparer.Ordinal))
            {
                throw Ec2Errors.NotTaggable(type);
            }

            if (!result.TryGetValue(type, out var tags))
            {
                tags = new Dictionary<string, string>(StringComparer.Ordinal);
                result[type] = tags;
            }

            foreach (var tag in spec.GetStructList("Tag"))
            {
                var (key, value) = ReadTag(tag, requireValue: false, inTagSpecification: true);
                tags[key] = value ?? string.Empty;
            }

            if (tags.Count > MaxTags)
            {
                throw Ec2Errors.TagLimit();
            }
        }

        return result;
    }

    /// <summary>A Tag.N structure: key 1–128 characters, not aws:-prefixed (in any case); value up to 256. A caller
    /// never writes or deletes an aws: tag: CreateTags/DeleteTags name the key ("Value ( aws:x ) for parameter key is
    /// invalid. …", observed), a TagSpecification does not ("Tag keys starting with 'aws:' are reserved for internal
    /// use", observed for RunInstances).</summary>
    private static (string Key, string? Value) ReadTag(QueryParameters tag, bool requireValue, bool inTagSpecification = false)
    {
        string key = tag.Get("Key") ?? throw Ec2Errors.InvalidParameterValue("Tag key must have a value");
        string? value = tag.Get("Value");
        if (key.Length is 0 or > 128)
        {
            throw Ec2Errors.InvalidParameterValue($"Tag key exceeds the maximum length of 128 characters or is empty: '{key}'");
        }

        if (Ec2Tags.IsAwsTag(key))
        {
            throw Ec2Errors.InvalidParameterValue(inTagSpecification
                ? "Tag keys starting with 'aws:' are reserved for internal use"
                : $"Value ( {key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use");
        }

        if (value is { Length: > 256 })
        {
            throw Ec2Errors.InvalidParameterValue($"Tag value exceeds the maximum length of 256 characters: '{value}'");
        }

        if (requireValue && value is null)
        {
            throw Ec2Errors.InvalidParameterValue("Tag value must not be null");
        }

        return (key, value);
    }

    private static IReadOnlyDictionary<string, string> TagsOf(Dictionary<string, Dictionary<string, string>> specs, string type) =>
        specs.TryGetValue(type, out var tags) ? tags : new Dictionary<string, string>(StringComparer.Ordinal);

    // ---- shared parameter checks --------------------------------------------------------------------------------

    private static void CheckImageName(string name)
    {
        if (!Ec2Ids.IsImageName(name))
        {
            throw Ec2Errors.ImageNameMalformed();
        }
    }

    private static void CheckImageNameFree(Ec2RegionState state, string name)
    {
        if (state.Images.Values.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal)) is { } existing)
        {
            throw Ec2Errors.ImageNameDuplicate(name, existing.Id);
        }
    }

    /// <summary>Outposts and Local Zones are not emulated; refusing is honest where accepting would fake a copy.</summary>
    private static void RefuseUnsupportedDestinations(QueryParameters parameters, params string[] names)
    {
        foreach (string name in names)
        {
            if (parameters.Get(name) is not null)
            {
                throw Ec2Errors.Unsupported($"The VaultCopy emulator has no Outposts or Local Zones; {name} is not supported.");
            }
        }
    }

    /// <summary>SourceRegion must be a Region of the caller's partition (errors-overview: InvalidRegion, "The specified
    /// region is not valid"): a Region code that does not exist is as invalid as a name.</summary>
    private static void CheckSourceRegion(AwsRequest request, string region)
    {
        if (!Model.Partitions.HasRegion(request.Caller.Partition, region))
        {
            throw Ec2Errors.InvalidRegion(region);
        }
    }
}
