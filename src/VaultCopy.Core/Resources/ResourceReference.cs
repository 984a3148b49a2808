using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Resources;

/// <summary>An id or ARN a user gave, with what it can be told to be from its shape.</summary>
public sealed record ResourceReference(string Text, VaultResourceType? Type, string Id, string? AccountId, string? Region)
{
    /// <summary>
    /// snap-… and ami-… ids; EC2 and RDS ARNs; a bare RDS identifier (DB snapshot or cluster snapshot — the
    /// type is then found by asking RDS).
    /// </summary>
    public static ResourceReference Parse(string text)
    {
        string value = text.Trim();
        if (value.Contains('*', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidResourceId",
                $"'{value}' has a wildcard: ids and ARNs name one backup each, and AWS matches them exactly.",
                "To select many backups, list them with Get-VaultResource -Account <account> -Type <type> -Tag @{ <key> = <value> } and pipe the ones you want.");
        }

        if (value.StartsWith("snap-", StringComparison.Ordinal))
        {
            return new(Ec2Id(value, "snap-"), VaultResourceType.EbsSnapshot, value, null, null);
        }

        if (value.StartsWith("ami-", StringComparison.Ordinal))
        {
            return new(Ec2Id(value, "ami-"), VaultResourceType.Ami, value, null, null);
        }

        if (value.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (Accounts.Arn.TryParse(value, out Accounts.Arn arn) && arn.ResourceName.Length > 0)
            {
                bool ec2 = arn.Service == "ec2" && arn.Resource.Contains('/', StringComparison.Ordinal);
                bool rds = arn.Service == "rds" && arn.Resource.Contains(':', StringComparison.Ordinal);
                VaultResourceType? type = (ec2, rds, arn.ResourceType) switch
                {
                    (true, _, "snapshot") => VaultResourceType.EbsSnapshot,
                    (true, _, "image") => VaultResourceType.Ami,
                    (_, true, "snapshot") => VaultResourceType.RdsSnapshot,
                    (_, true, "cluster-snapshot") => VaultResourceType.AuroraClusterSnapshot,
                    _ => null,
                };
                if (type is not null)
                {
                    return new(value, type, arn.ResourceName, ec2 ? NullIfEmpty(arn.AccountId) : arn.AccountId, arn.Region);
                }
            }

            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "UnsupportedArn",
                $"'{value}' is not the ARN of an EBS snapshot, an AMI, an RDS DB snapshot or an Aurora cluster snapshot.",
                "Pass a snap-/ami- id, an RDS snapshot identifier, or the ARN of one of those.");
        }

        if (value.Length is >= 1 and <= 255 && char.IsAsciiLetter(value[0]) && !value.EndsWith(':') && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == ':'))
        {
            return new(value, null, value, null, null);
        }

        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidArgument, "InvalidResourceId",
            $"'{value}' is not a resource id VaultCopy knows.",
            "Pass a snap-/ami- id, an RDS snapshot identifier, or an ARN.");
    }

    /// <summary>An EC2 id as AWS writes them: the prefix, then letters and digits (what a typo, a paste or another alphabet breaks).</summary>
    private static string Ec2Id(string value, string prefix)
    {
        string rest = value[prefix.Length..];
        if (rest.Length is >= 1 and <= 64 && rest.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return value;
        }

        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidArgument, "InvalidResourceId",
            $"'{value}' is not a well-formed {(prefix == "snap-" ? "EBS snapshot" : "AMI")} id.",
            $"Check the id: EC2 ids are {prefix} followed by 8 or 17 letters and digits, such as {prefix}0123456789abcdef0.");
    }

    /// <summary>The partition an ARN names (null for a bare id).</summary>
    public string? Partition => Text.StartsWith("arn:", StringComparison.Ordinal) ? Accounts.Arn.PartitionOf(Text) : null;

    /// <summary>
    /// The one rule for where an id or ARN may be resolved: an ARN names its partition, its Region and (RDS, or an
    /// EC2 ARN written with one) its account, and is never taken for the resource of the same name in another
    /// partition, Region or account. Null when it may be read in <paramref name="partition"/>/<paramref name="region"/>
    /// as a resource of <paramref name="ownerAccountId"/> (null: of any account), which is <paramref name="ownerRole"/>
    /// to the command ("the origin (-Source)", "the vault (-Destination)"). A bare id names neither, so it is read where
    /// the command reads.
    /// </summary>
    public VaultCopyException? RefuseOutside(string partition, string region, string? ownerAccountId, string ownerRole)
    {
        if (Partition is string named && named != partition)
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "ArnOfOtherPartition",
                $"{Text} is in partition {named}, but {ownerRole} is connected in partition {partition}: VaultCopy never takes it for the resource of that name in {partition}.",
                $"Connect to the account in partition {named} (Connect-VaultAccount … -Region <a Region of {named}>) and pass that connection, or pass the id or ARN of the resource in {partition}.");
        }

        if (ownerAccountId is not null && AccountId is string account && account != ownerAccountId)
        {
            return OtherAccount(account, ownerAccountId, ownerRole);
        }

        if (Region is { Length: > 0 } arnRegion && arnRegion != region)
        {
            return new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "ArnOfOtherRegion",
                $"{Text} is in {arnRegion}, but this command reads {ownerRole} in {region}: VaultCopy never takes it for the resource of that name in {region}.",
                $"Run the command in {arnRegion}: connect in that Region (Connect-VaultAccount … -Region {arnRegion}), or pass -Region {arnRegion} (-SourceRegion for the copy commands) where the command has it.");
        }

        return null;
    }

    /// <summary>What AWS returned for this reference belongs to <paramref name="actualOwner"/>: refused when the ARN names another account.</summary>
    public VaultCopyException? RefuseOwner(string actualOwner) =>
        AccountId is string account && account != actualOwner
            ? new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "ArnOfOtherAccount",
                $"{Text} names account {account}, but {Id} belongs to account {actualOwner}: VaultCopy never takes it for the resource of that id in another account.",
                $"Pass the resource's own ARN (Get-VaultResource shows it), or connect to account {account} (Connect-VaultAccount) if that is the account meant.")
            : null;

    private VaultCopyException OtherAccount(string account, string ownerAccountId, string ownerRole) =>
        new(VaultCopyErrorKind.InvalidArgument, "ArnOfOtherAccount",
            $"{Text} belongs to account {account}, but {ownerRole} is account {ownerAccountId}: VaultCopy never takes it for the resource of that name in {ownerAccountId}.",
            $"Pass a backup of account {ownerAccountId}, or connect to account {account} (Connect-VaultAccount) and pass that connection.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
