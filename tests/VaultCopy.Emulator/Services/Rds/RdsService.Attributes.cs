using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

public sealed partial class RdsService
{
    /// <summary>DescribeDBSnapshotAttributes / DescribeDBClusterSnapshotAttributes: the owner's view of the restore list.</summary>
    private static AwsResponse DescribeAttributes(AwsRequest request, RdsKind kind)
    {
        string identifier = Required(request, kind.IdentifierParameter);
        Authorize(request, $"Describe{kind.Element}Attributes", ArnOf(request, kind, identifier));
        var snapshot = FindOwn(request, kind, identifier) ?? throw RdsErrors.NotFound(kind, identifier);
        return AwsResponse.Query(request, RdsXml.Attributes(snapshot));
    }

    /// <summary>
    /// ModifyDBSnapshotAttribute / ModifyDBClusterSnapshotAttribute: share a manual snapshot (attribute <c>restore</c>)
    /// with up to 20 accounts, or make an unencrypted one public with <c>all</c>.
    /// </summary>
    private static AwsResponse ModifyAttribute(AwsRequest request, RdsKind kind)
    {
        string identifier = Required(request, kind.IdentifierParameter);
        string attribute = Required(request, "AttributeName");
        var add = request.Parameters.GetList("ValuesToAdd", "AttributeValue") ?? [];
        var remove = request.Parameters.GetList("ValuesToRemove", "AttributeValue") ?? [];

        // Only manual snapshots have plain identifiers; automated (rds:…) and AWS Backup (awsbackup:…) ones, and ARNs,
        // fail this check, which is how RDS refuses to share them (aws/aws-cli#8296, #5407).
        if (!RdsNames.IsValidIdentifier(identifier, kind.MaxIdentifierLength))
        {
            throw RdsErrors.InvalidIdentifier(kind.IdentifierParameter);
        }

        if (!string.Equals(attribute, RdsShares.RestoreAttribute, StringComparison.Ordinal))
        {
            throw RdsErrors.InvalidParameterValue($"The attribute name {attribute} is not valid. The only attribute that can be modified is restore.");
        }

        foreach (string value in add.Concat(remove))
        {
            if (!RdsNames.IsAccountId(value) && value != RdsShares.Public)
            {
                throw RdsErrors.InvalidParameterValue($"{value} is not a valid AWS account identifier. Specify 12-digit account IDs or all.");
            }
        }

        if (add.Intersect(remove, StringComparer.Ordinal).FirstOrDefault() is { } both)
        {
            throw RdsErrors.InvalidParameterCombination($"The value {both} cannot be both added and removed in the same request.");
        }

        Authorize(request, $"Modify{kind.Element}Attribute", ArnOf(request, kind, identifier));
        var snapshot = FindOwn(request, kind, identifier) ?? throw RdsErrors.NotFound(kind, identifier);
        Prepared(request, snapshot);
        if (!snapshot.IsAvailable)
        {
            throw RdsErrors.InvalidState(kind, $"{kind.NotFoundNoun} {snapshot.Identifier} is not in the available state; its status is {snapshot.Status}.");
        }

        var accountsToAdd = add.Where(v => v != RdsShares.Public && v != snapshot.AccountId).ToList();
        if (snapshot.Encrypted && add.Contains(RdsShares.Public, StringComparer.Ordinal))
        {
            throw RdsErrors.InvalidParameterValue("Encrypted snapshots can't be shared publicly. Specify the AWS account IDs to share the snapshot with instead of all.");
        }

        if (snapshot.Encrypted && (snapshot.KmsKeyIsAwsManaged || snapshot.PendingAwsManagedKey) && accountsToAdd.Count > 0)
        {
            throw RdsErrors.InvalidState(kind, $"{kind.NotFoundNoun} {snapshot.Identifier} is encrypted with the default AWS managed KMS key (aws/rds) and can't be shared. Copy it with a customer managed key and share the copy.");
        }

        var result = snapshot.RestoreAccounts.Where(v => !remove.Contains(v, StringComparer.Ordinal)).ToList();
        foreach (string value in add)
        {
            // Naming the owner changes nothing: the owner can always restore its own snapshot.
            if (value != snapshot.AccountId && !result.Contains(value, StringComparer.Ordinal))
            {
                result.Add(value);
            }
        }

        if (result.Count(v => v != RdsShares.Public) > RdsSharing.MaxSharedAccounts)
        {
            throw RdsErrors.SharedQuota(RdsSharing.MaxSharedAccounts);
        }

        snapshot.RestoreAccounts.Clear();
        snapshot.RestoreAccounts.AddRange(result);
        return AwsResponse.Query(request, RdsXml.Attributes(snapshot));
    }

    /// <summary>DeleteDBSnapshot / DeleteDBClusterSnapshot; deleting a copy in progress cancels the copy.</summary>
    private static AwsResponse Delete(AwsRequest request, RdsKind kind)
    {
        string identifier = Required(request, kind.IdentifierParameter);
        Authorize(request, "Delete" + kind.Element, ArnOf(request, kind, identifier));
        var snapshot = FindOwn(request, kind, identifier) ?? throw RdsErrors.NotFound(kind, identifier);
        Prepared(request, snapshot);
        if (!snapshot.IsManual)
        {
            // Observed texts (aws-behaviour-lifecycle.md §4): terraform-provider-aws#13800, aws-nuke#511.
            throw RdsErrors.InvalidState(kind, kind.Kind == SnapshotKind.Db ? "automated snapshots cannot be deleted." : "Only manual snapshots may be deleted.");
        }

        if (!snapshot.IsAvailable && !snapshot.IsCopyInProgress && snapshot.Status != "failed")
        {
            throw RdsErrors.InvalidState(kind, $"{kind.NotFoundNoun} {snapshot.Identifier} must be in the available state to be deleted; its status is {snapshot.Status}.");
        }

        Own(request, kind).Remove(snapshot.Identifier);
        snapshot.CopyStartedAt = null;

        // RDS answers a DB snapshot delete with Status "deleted" and a cluster snapshot delete with the snapshot as it
        // was (awscli examples delete-db-snapshot / delete-db-cluster-snapshot).
        if (kind.Kind == SnapshotKind.Db)
        {
            snapshot.Status = "deleted";
        }

        return AwsResponse.Query(request, RdsXml.Snapshot(snapshot, request.Caller.AccountId));
    }
}
