using System.Xml.Linq;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>CreateTags, DeleteTags, DescribeTags and block public access for snapshots and AMIs.</summary>
public sealed partial class Ec2Service
{
    private static readonly HashSet<string> s_tagFilters = new(StringComparer.Ordinal) { "key", "value", "resource-id", "resource-type" };

    private sealed record TagTarget(string Id, string Type, string Arn, Ec2Tags Tags);

    /// <summary>
    /// A resource the caller may tag: its own, or a snapshot/AMI shared with it (those tags stay the caller's and
    /// only the caller sees them, as AWS keeps tags per account on shared AMIs).
    /// </summary>
    private static TagTarget TagTargetOf(AwsRequest request, string id)
    {
        string partition = request.Caller.Partition;
        if (id.StartsWith("snap-", StringComparison.Ordinal))
        {
            var (snapshot, _) = VisibleSnapshot(request, request.Region, id, "resourceId");
            return new TagTarget(id, "snapshot", Ec2Ids.SnapshotArn(partition, request.Region, id), snapshot.Tags);
        }

        if (id.StartsWith("ami-", StringComparison.Ordinal))
        {
            var (image, _) = VisibleImage(request, request.Region, id);
            return new TagTarget(id, "image", Ec2Ids.ImageArn(partition, request.Region, id), image.Tags);
        }

        if (Ec2Ids.IsVolumeId(id))
        {
            if (request.CallerRegion.Ec2.Volumes.TryGetValue(id, out var volume))
            {
                return new TagTarget(id, "volume", Ec2Ids.VolumeArn(partition, request.Region, volume.OwnerId, id), volume.Tags);
            }

            throw new AwsServiceException("InvalidVolume.NotFound", $"The volume '{id}' does not exist.");
        }

        throw Ec2Errors.InvalidId(id);
    }

    private static AwsResponse CreateTags(AwsRequest request)
    {
        var p = request.Parameters;
        var ids = p.GetFlatList("ResourceId") ?? throw Ec2Errors.Missing("ResourceId");
        var items = p.GetStructList("Tag");
        if (items.Count == 0)
        {
            throw Ec2Errors.Missing("Tag");
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var (key, value) = ReadTag(item, requireValue: false);
            tags[key] = value ?? string.Empty;
        }

        string me = request.Caller.AccountId;
        var targets = ids.Select(id => TagTargetOf(request, id)).ToList();
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:TagKeys"] = tags.Keys.ToList(),
        };
        foreach (var tag in tags)
        {
            context["aws:RequestTag/" + tag.Key] = [tag.Value];
        }

        foreach (var target in targets)
        {
            Authorize(request, target.Arn, context);
        }

        DryRunGate(request);
        foreach (var target in targets)
        {
            var existing = target.Tags.For(me);
            if (Ec2Tags.UserTagCount(existing.Keys.Union(tags.Keys, StringComparer.Ordinal)) > MaxTags)
            {
                throw Ec2Errors.TagLimit();
            }
        }

        foreach (var target in targets)
        {
            var edit = target.Tags.Edit(me);
            foreach (var tag in tags)
            {
                edit[tag.Key] = tag.Value;
            }
        }

        return AwsResponse.Ec2(request);
    }

    private static AwsResponse DeleteTags(AwsRequest request)
    {
        var p = request.Parameters;
        var ids = p.GetFlatList("ResourceId") ?? throw Ec2Errors.Missing("ResourceId");
        var removals = p.GetStructList("Tag").Select(t => ReadTag(t, requireValue: false)).ToList();
        var targets = ids.Select(id => TagTargetOf(request, id)).ToList();
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:TagKeys"] = removals.Select(r => r.Key).ToList(),
        };
        foreach (var target in targets)
        {
            Authorize(request, target.Arn, context);
        }

        DryRunGate(request);
        string me = request.Caller.AccountId;
        foreach (var target in targets)
        {
            var edit = target.Tags.Edit(me);
            if (removals.Count == 0)
            {
                // "If you omit this parameter, we delete all user-defined tags … We do not delete AWS-generated tags
                // (tags that have the aws: prefix)." (DeleteTags, EC2 API Reference)
                foreach (string key in edit.Keys.Where(k => !Ec2Tags.IsAwsTag(k)).ToList())
                {
                    edit.Remove(key);
                }

                continue;
            }

            // A Tag with a value only deletes the tag when the value matches; without a value it always does.
            foreach (var (key, value) in removals)
            {
                if (edit.TryGetValue(key, out var current) && (value is null || current == value))
                {
                    edit.Remove(key);
                }
            }
        }

        return AwsResponse.Ec2(request);
    }

    private static AwsResponse DescribeTags(AwsRequest request)
    {
        var p = request.Parameters;
        var world = request.World;
        string me = request.Caller.AccountId;
        var filters = Ec2Query.Filters(p, s_tagFilters);
        int? maxResults = Ec2Query.MaxResults(p);
        Authorize(request, "*");
        DryRunGate(request);

        var rows = new List<(string ResourceId, string Type, string Key, string Value, IReadOnlyDictionary<string, string> All)>();
        foreach (var (_, state) in RegionStates(world, request.Region))
        {
            foreach (var snapshot in state.Snapshots.Values.Where(s => CanSee(me, s, state)))
            {
                var tags = snapshot.Tags.For(me);
                rows.AddRange(tags.Select(t => (snapshot.Id, "snapshot", t.Key, t.Value, tags)));
            }

            foreach (var image in state.Images.Values.Where(i => CanSee(world, me, i)))
            {
                var tags = image.Tags.For(me);
                rows.AddRange(tags.Select(t => (image.Id, "image", t.Key, t.Value, tags)));
            }

            foreach (var volume in state.Volumes.Values.Where(v => v.OwnerId == me))
            {
                var tags = volume.Tags.For(me);
                rows.AddRange(tags.Select(t => (volume.Id, "volume", t.Key, t.Value, tags)));
            }
        }

        var matching = rows
            .Where(r => filters.All(f =>
            {
                bool tagMatch = f.MatchesTags(r.All, out bool handled);
                return handled ? tagMatch : f.Name switch
                {
                    "key" => f.Matches(r.Key),
                    "value" => f.Matches(r.Value),
                    "resource-id" => f.Matches(r.ResourceId),
                    "resource-type" => f.Matches(r.Type),
                    _ => false,
                };
            }))
            .OrderBy(r => r.ResourceId, StringComparer.Ordinal)
            .ThenBy(r => r.Key, StringComparer.Ordinal)
            .ToList();
        var (page, next) = Ec2Query.Page(matching, r => r.ResourceId + "\n" + r.Key, maxResults, p.Get("NextToken"));
        return AwsResponse.Ec2(request,
            AwsFormat.Ec2Set("tagSet", page.Select(r => (object?)new object[]
            {
                new XElement("resourceId", r.ResourceId),
                new XElement("resourceType", r.Type),
                new XElement("key", r.Key),
                new XElement("value", r.Value),
            })),
            AwsFormat.Optional("nextToken", next));
    }

    // ---- block public access (per account and Region) -----------------------------------------------------------

    private static AwsResponse EnableSnapshotBlockPublicAccess(AwsRequest request)
    {
        string state = request.Parameters.Required("State");
        if (state is not (Ec2Constants.BlockAllSharing or Ec2Constants.BlockNewSharing or Ec2Constants.Unblocked))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({state}) for parameter state is invalid. Valid values: block-all-sharing, block-new-sharing, unblocked.");
        }

        Authorize(request, "*");
        DryRunGate(request);
        request.CallerRegion.Ec2.SnapshotBlockPublicAccess = state;
        return AwsResponse.Ec2(request, new XElement("state", state));
    }

    private static AwsResponse DisableSnapshotBlockPublicAccess(AwsRequest request)
    {
        Authorize(request, "*");
        DryRunGate(request);
        request.CallerRegion.Ec2.SnapshotBlockPublicAccess = Ec2Constants.Unblocked;
        return AwsResponse.Ec2(request, new XElement("state", Ec2Constants.Unblocked));
    }

    private static AwsResponse GetSnapshotBlockPublicAccessState(AwsRequest request)
    {
        Authorize(request, "*");
        DryRunGate(request);
        return AwsResponse.Ec2(request,
            new XElement("state", request.CallerRegion.Ec2.SnapshotBlockPublicAccess),
            new XElement("managedBy", "account"));
    }

    // Applied at once; AWS documents up to 10 minutes before it takes effect (aws-behaviour.md §2.4).
    private static AwsResponse EnableImageBlockPublicAccess(AwsRequest request)
    {
        string state = request.Parameters.Required("ImageBlockPublicAccessState");
        if (state != Ec2Constants.BlockNewSharing)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({state}) for parameter imageBlockPublicAccessState is invalid. Valid values: block-new-sharing.");
        }

        Authorize(request, "*");
        DryRunGate(request);
        request.CallerRegion.Ec2.ImageBlockPublicAccess = state;
        return AwsResponse.Ec2(request, new XElement("imageBlockPublicAccessState", state));
    }

    private static AwsResponse DisableImageBlockPublicAccess(AwsRequest request)
    {
        Authorize(request, "*");
        DryRunGate(request);
        request.CallerRegion.Ec2.ImageBlockPublicAccess = Ec2Constants.Unblocked;
        return AwsResponse.Ec2(request, new XElement("imageBlockPublicAccessState", Ec2Constants.Unblocked));
    }

    private static AwsResponse GetImageBlockPublicAccessState(AwsRequest request)
    {
        Authorize(request, "*");
        DryRunGate(request);
        return AwsResponse.Ec2(request,
            new XElement("imageBlockPublicAccessState", request.CallerRegion.Ec2.ImageBlockPublicAccess),
            new XElement("managedBy", "account"));
    }
}
