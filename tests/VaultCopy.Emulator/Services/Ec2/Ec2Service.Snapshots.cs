using System.Xml.Linq;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>EBS snapshots: describe, share, copy, delete (aws-behaviour.md §1).</summary>
public sealed partial class Ec2Service
{
    /// <summary>The modelled limit of ModifySnapshotAttribute (aws-behaviour.md §1.5).</summary>
    public const int MaxSnapshotModifications = 500;

    private static readonly HashSet<string> s_snapshotFilters = new(StringComparer.Ordinal)
    {
        "description", "encrypted", "owner-alias", "owner-id", "progress", "snapshot-id", "start-time", "status",
        "storage-tier", "transfer-type", "volume-id", "volume-size",
    };

    private static AwsResponse DescribeSnapshots(AwsRequest request)
    {
        var p = request.Parameters;
        var world = request.World;
        string me = request.Caller.AccountId;
        var now = request.Clock.UtcNow;
        var ids = p.GetFlatList("SnapshotId");
        var owners = p.GetFlatList("Owner");
        var restorableBy = p.GetFlatList("RestorableBy");
        var filters = Ec2Query.Filters(p, s_snapshotFilters);
        int? maxResults = Ec2Query.MaxResults(p);
        if (maxResults is not null && ids is { Count: > 0 })
        {
            throw Ec2Errors.InvalidParameterCombination("The parameter snapshotSet cannot be used with the parameter maxResults");
        }

        foreach (string id in ids ?? [])
        {
            CheckSnapshotId(id);
        }

        CheckUserIds(owners, "self", "amazon");
        CheckUserIds(restorableBy, "self", Ec2Constants.GroupAll);
        Authorize(request, "*");
        DryRunGate(request);

        var visible = new List<(Ec2Snapshot Snapshot, Ec2RegionState Home)>();
        foreach (var (_, state) in RegionStates(world, request.Region))
        {
            visible.AddRange(state.Snapshots.Values.Where(s => CanSee(me, s, state)).Select(s => (s, state)));
        }

        if (ids is { Count: > 0 })
        {
            var wanted = new HashSet<string>(ids, StringComparer.Ordinal);
            if (ids.FirstOrDefault(id => !visible.Any(v => v.Snapshot.Id == id)) is { } missing)
            {
                throw Ec2Errors.SnapshotNotFound(missing);
            }

            visible.RemoveAll(v => !wanted.Contains(v.Snapshot.Id));
        }

        if (owners is { Count: > 0 })
        {
            var ownerIds = owners.Select(o => o == "self" ? me : o).ToHashSet(StringComparer.Ordinal);
            visible.RemoveAll(v => !ownerIds.Contains(v.Snapshot.OwnerId));
        }

        if (restorableBy is { Count: > 0 })
        {
            visible.RemoveAll(v => !restorableBy.Any(r => RestorableBy(v.Snapshot, v.Home, r, me)));
        }

        var matching = visible
            .Select(v => (v.Snapshot, Status: Ec2Lifecycle.Status(v.Snapshot, now)))
            .Where(v => filters.All(f => SnapshotFilter(f, v.Snapshot, v.Status, me)))
            .OrderBy(v => v.Snapshot.Id, StringComparer.Ordinal)
            .ToList();
        var (page, next) = Ec2Query.Page(matching, v => v.Snapshot.Id, maxResults, p.Get("NextToken"));
        return AwsResponse.Ec2(request,
            new XElement("snapshotSet", page.Select(v => Ec2Xml.Snapshot(world, v.Snapshot, v.Status, me))),
            AwsFormat.Optional("nextToken", next));
    }

    // DescribeSnapshots RestorableBy: all = public; self (or the caller's id) = owned or explicitly shared with the
    // caller; another account id = the caller's own snapshots shared with that account.
    private static bool RestorableBy(Ec2Snapshot snapshot, Ec2RegionState home, string who, string me)
    {
        var permission = snapshot.CreateVolumePermission;
        if (who == Ec2Constants.GroupAll)
        {
            return permission.Public && !home.HidesPublicSnapshots;
        }

        if (who == "self" || who == me)
        {
            return snapshot.OwnerId == me || permission.UserIds.Contains(me);
        }

        return snapshot.OwnerId == me && permission.UserIds.Contains(who);
    }

    private static bool SnapshotFilter(Ec2Filter filter, Ec2Snapshot snapshot, Ec2SnapshotStatus status, string viewer)
    {
        bool tagMatch = filter.MatchesTags(snapshot.Tags.For(viewer), out bool handled);
        if (handled)
        {
            return tagMatch;
        }

        return filter.Name switch
        {
            "description" => filter.Matches(snapshot.Description ?? string.Empty),
            "encrypted" => filter.Matches(snapshot.Encrypted),
            "owner-alias" => false,
            "owner-id" => filter.Matches(snapshot.OwnerId),
            "progress" => filter.Matches(status.Progress),
            "snapshot-id" => filter.Matches(snapshot.Id),
            "start-time" => filter.Matches(AwsFormat.Iso8601(snapshot.StartTime)),
            "status" => filter.Matches(status.State),
            "storage-tier" => filter.Matches("standard"),
            "transfer-type" => filter.Matches(snapshot.Copy?.TransferType ?? "standard"),
            "volume-id" => filter.Matches(snapshot.VolumeId),
            "volume-size" => filter.Matches(snapshot.VolumeSize),
            _ => false,
        };
    }

    private static AwsResponse DescribeSnapshotAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string attribute = p.Required("Attribute");
        string id = p.Required("SnapshotId");
        CheckSnapshotAttributeName(attribute);
        var (snapshot, _) = OwnedSnapshot(request, id);
        Authorize(request, SnapshotArn(request, snapshot), SnapshotContext(request.World, snapshot, request.Caller.AccountId));
        DryRunGate(request);
        return AwsResponse.Ec2(request,
            new XElement("snapshotId", snapshot.Id),
            attribute == "createVolumePermission"
                ? Ec2Xml.CreateVolumePermission(snapshot.CreateVolumePermission)
                : new XElement("productCodes"));
    }

    private static AwsResponse ModifySnapshotAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string id = p.Required("SnapshotId");
        if (p.Get("Attribute") is { } attribute)
        {
            CheckSnapshotAttributeName(attribute);
            if (attribute == "productCodes")
            {
                throw Ec2Errors.InvalidParameterValue("The attribute productCodes cannot be modified; only createVolumePermission can.");
            }
        }

        var changes = ReadVolumePermissionChanges(p);
        var (snapshot, home) = OwnedSnapshot(request, id);
        foreach (var change in changes)
        {
            if (change.UserId is { } user && !Ec2Ids.IsAccountId(user))
            {
                throw Ec2Errors.InvalidAttributeItem(user, "userId");
            }

            if (change.Group is { } group && group != Ec2Constants.GroupAll)
            {
                throw Ec2Errors.InvalidAttributeItem(group, "UserGroup");
            }
        }

        Authorize(request, SnapshotArn(request, snapshot), SnapshotContext(request.World, snapshot, request.Caller.AccountId));
        DryRunGate(request);

        var adds = changes.Where(c => c.Add).ToList();
        if (adds.Count > 0)
        {
            // aws-behaviour.md §9 rules 3 and 4, then block public access (§1.5): nothing is applied on refusal.
            if (Ec2Keys.IsAwsManaged(request.World, snapshot))
            {
                throw Ec2Errors.DefaultKeySnapshotShare();
            }

            bool makesPublic = adds.Any(c => c.Group is not null);
            if (makesPublic && snapshot.Encrypted)
            {
                throw Ec2Errors.EncryptedSnapshotPublic();
            }

            if (makesPublic && !snapshot.CreateVolumePermission.Public && home.SnapshotBlockPublicAccess != Ec2Constants.Unblocked)
            {
                throw Ec2Errors.SnapshotPublicSharingBlocked();
            }
        }

        var permission = snapshot.CreateVolumePermission;
        foreach (var change in changes)
        {
            if (change.Group is not null)
            {
                permission.Public = change.Add;
            }

            if (change.UserId is { } user)
            {
                if (change.Add && !permission.UserIds.Contains(user))
                {
                    permission.UserIds.Add(user);
                }
                else if (!change.Add)
                {
                    permission.UserIds.Remove(user);
                }
            }
        }

        return AwsResponse.Ec2(request);
    }

    private sealed record PermissionChange(bool Add, string? UserId, string? Group);

    // Both request forms of aws-behaviour.md §1.5; add and remove are never mixed, at most 500 modifications.
    private static List<PermissionChange> ReadVolumePermissionChanges(QueryParameters p)
    {
        var userIds = p.GetFlatList("UserId") ?? [];
        var groups = p.GetFlatList("UserGroup") ?? [];
        var adds = p.GetStructList("CreateVolumePermission.Add");
        var removes = p.GetStructList("CreateVolumePermission.Remove");
        var changes = new List<PermissionChange>();
        bool operationForm = userIds.Count > 0 || groups.Count > 0;
        bool structureForm = adds.Count > 0 || removes.Count > 0;
        if (operationForm && structureForm)
        {
            throw Ec2Errors.InvalidParameterCombination("The parameters UserId and UserGroup cannot be used together with CreateVolumePermission.");
        }

        if (operationForm)
        {
            string operation = p.Get("OperationType") ?? throw Ec2Errors.Missing("OperationType");
            bool add = operation switch
            {
                "add" => true,
                "remove" => false,
                _ => throw Ec2Errors.InvalidParameterValue($"Value ({operation}) for parameter operationType is invalid. Valid values: add, remove."),
            };
            changes.AddRange(userIds.Select(u => new PermissionChange(add, u, null)));
            changes.AddRange(groups.Select(g => new PermissionChange(add, null, g)));
        }
        else if (structureForm)
        {
            if (adds.Count > 0 && removes.Count > 0)
            {
                throw Ec2Errors.InvalidParameterCombination("You cannot add and remove create volume permissions in the same request.");
            }

            foreach (var (items, add) in new[] { (adds, true), (removes, false) })
            {
                foreach (var item in items)
                {
                    string? user = item.Get("UserId");
                    string? group = item.Get("Group");
                    if (user is null && group is null)
                    {
                        throw Ec2Errors.InvalidParameterValue("Each createVolumePermission entry must specify a userId or a group.");
                    }

                    if (user is not null)
                    {
                        changes.Add(new PermissionChange(add, user, null));
                    }

                    if (group is not null)
                    {
                        changes.Add(new PermissionChange(add, null, group));
                    }
                }
            }
        }
        else
        {
            throw Ec2Errors.InvalidParameterCombination("No attributes specified.");
        }

        if (changes.Count > MaxSnapshotModifications)
        {
            throw Ec2Errors.InvalidParameterValue(
                $"The request makes {changes.Count} modifications; you can make up to {MaxSnapshotModifications} modifications to a snapshot in a single operation.");
        }

        return changes;
    }

    private static void CheckSnapshotAttributeName(string attribute)
    {
        if (attribute is not ("createVolumePermission" or "productCodes"))
        {
            throw Ec2Errors.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        }
    }

    private static AwsResponse ResetSnapshotAttribute(AwsRequest request)
    {
        var p = request.Parameters;
        string attribute = p.Required("Attribute");
        string id = p.Required("SnapshotId");
        CheckSnapshotAttributeName(attribute);
        var (snapshot, _) = OwnedSnapshot(request, id);
        if (attribute != "createVolumePermission")
        {
            throw Ec2Errors.InvalidParameterValue("The attribute productCodes cannot be reset; only createVolumePermission can.");
        }

        Authorize(request, SnapshotArn(request, snapshot), SnapshotContext(request.World, snapshot, request.Caller.AccountId));
        DryRunGate(request);
        snapshot.CreateVolumePermission.Clear();
        return AwsResponse.Ec2(request);
    }

    private static AwsResponse DeleteSnapshot(AwsRequest request)
    {
        string id = request.Parameters.Required("SnapshotId");
        var (snapshot, home) = OwnedSnapshot(request, id);
        Authorize(request, SnapshotArn(request, snapshot), SnapshotContext(request.World, snapshot, request.Caller.AccountId));
        DryRunGate(request);
        RefuseIfLocked(snapshot, request.Clock.UtcNow);
        if (home.Images.Values.FirstOrDefault(i => i.BlockDevices.Any(d => d.SnapshotId == id)) is { } user)
        {
            throw Ec2Errors.SnapshotInUse(id, user.Id);
        }

        home.Snapshots.Remove(id);
        return AwsResponse.Ec2(request);
    }

    private static string SnapshotArn(AwsRequest request, Ec2Snapshot snapshot) =>
        Ec2Ids.SnapshotArn(request.Caller.Partition, snapshot.Region, snapshot.Id);
}
