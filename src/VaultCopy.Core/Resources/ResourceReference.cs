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

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
