using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

public sealed partial class RdsService
{
    /// <summary>AddTagsToResource (no result wrapper in the model: the response carries only ResponseMetadata).</summary>
    private static AwsResponse AddTags(AwsRequest request)
    {
        string resourceName = Required(request, "ResourceName");
        var tags = ReadTags(request, "Tags");
        if (tags.Count == 0)
        {
            throw RdsErrors.MissingParameter("Tags");
        }

        Authorize(request, "AddTagsToResource", resourceName);
        var snapshot = TaggedSnapshot(request, resourceName);
        var merged = snapshot.Tags.ToList();
        RdsTags.Apply(merged, tags);
        if (merged.Count(t => !RdsTags.IsAwsTag(t.Key)) > RdsTags.MaxTagsPerResource)
        {
            throw RdsErrors.InvalidParameterValue($"A resource can have at most {RdsTags.MaxTagsPerResource} tags.");
        }

        snapshot.Tags.Clear();
        snapshot.Tags.AddRange(merged);
        return AwsResponse.QueryWithoutResult(request);
    }

    /// <summary>ListTagsForResource: <c>&lt;ListTagsForResourceResult&gt;&lt;TagList&gt;&lt;Tag&gt;…</c>. Filters is not supported by RDS and is ignored.</summary>
    private static AwsResponse ListTags(AwsRequest request)
    {
        string resourceName = Required(request, "ResourceName");
        Authorize(request, "ListTagsForResource", resourceName);
        var snapshot = TaggedSnapshot(request, resourceName);
        return AwsResponse.Query(request, RdsXml.TagList(snapshot.Tags));
    }

    /// <summary>RemoveTagsFromResource: TagKeys.member.N (KeyList has no member locationName); unknown keys are ignored.</summary>
    private static AwsResponse RemoveTags(AwsRequest request)
    {
        string resourceName = Required(request, "ResourceName");
        var keys = request.Parameters.GetList("TagKeys");
        if (keys is null || keys.Count == 0)
        {
            throw RdsErrors.MissingParameter("TagKeys");
        }

        // aws: tags are AWS's own (AWS Backup, CloudFormation): a caller removes them no more than it writes them.
        if (keys.FirstOrDefault(RdsTags.IsAwsTag) is { } reserved)
        {
            throw RdsErrors.InvalidParameterValue(RdsTags.Problem(reserved, string.Empty)!);
        }

        Authorize(request, "RemoveTagsFromResource", resourceName);
        var snapshot = TaggedSnapshot(request, resourceName);
        snapshot.Tags.RemoveAll(t => keys.Contains(t.Key, StringComparer.Ordinal));
        return AwsResponse.QueryWithoutResult(request);
    }

    /// <summary>
    /// The snapshot a tagging call names by ARN. Tags are the owner's: another account's ARN, even of a snapshot
    /// shared with the caller, is not found. DB instances and clusters are not modelled by this emulator.
    /// </summary>
    private static RdsSnapshot TaggedSnapshot(AwsRequest request, string resourceName)
    {
        if (Arn.TryParse(resourceName, out var arn) && arn.Service == "rds"
            && string.Equals(arn.Region, request.Region, StringComparison.Ordinal)
            && string.Equals(arn.Partition, Partition(request), StringComparison.Ordinal))
        {
            int colon = arn.Resource.IndexOf(':', StringComparison.Ordinal);
            string type = colon > 0 ? arn.Resource[..colon] : arn.Resource;
            string name = colon > 0 ? arn.Resource[(colon + 1)..] : string.Empty;
            switch (type)
            {
                case "snapshot" or "cluster-snapshot" when RdsNames.TryParseSnapshotArn(resourceName, out var snapshotArn):
                {
                    var kind = RdsKind.Of(snapshotArn.Kind);
                    return FindOwn(request, kind, resourceName) ?? throw RdsErrors.NotFound(kind, name);
                }

                case "db" when name.Length > 0:
                    throw new AwsServiceException("DBInstanceNotFound", $"DBInstance {name} not found.", 404);
                case "cluster" when name.Length > 0:
                    throw new AwsServiceException("DBClusterNotFoundFault", $"DBCluster {name} not found.", 404);
            }
        }

        throw RdsErrors.InvalidParameterValue("The specified resource name does not match an RDS resource in this region.");
    }

    /// <summary>Tags.Tag.N.Key / Tags.Tag.N.Value (TagList member locationName <c>Tag</c>).</summary>
    private static List<KeyValuePair<string, string>> ReadTags(AwsRequest request, string name)
    {
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var item in request.Parameters.GetStructList(name, "Tag"))
        {
            string key = item.Get("Key") ?? throw RdsErrors.MissingParameter("Tag.Key");
            string value = item.Get("Value") ?? string.Empty;
            if (RdsTags.Problem(key, value) is { } problem)
            {
                throw RdsErrors.InvalidParameterValue(problem);
            }

            RdsTags.Apply(tags, [new KeyValuePair<string, string>(key, value)]);
        }

        return tags;
    }
}
