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
        if (value.StartsWith("snap-", StringComparison.Ordinal))
        {
            return new(value, VaultResourceType.EbsSnapshot, value, null, null);
        }

        if (value.StartsWith("ami-", StringComparison.Ordinal))
        {
            return new(value, VaultResourceType.Ami, value, null, null);
        }

        if (value.StartsWith("arn:", StringComparison.Ordinal))
        {
            string[] parts = value.Split(':', 7);
            if (parts.Length >= 6)
            {
                string service = parts[2];
                string region = parts[3];
                string account = parts[4];
                if (service == "ec2" && parts[5].StartsWith("snapshot/", StringComparison.Ordinal))
                {
                    return new(value, VaultResourceType.EbsSnapshot, parts[5]["snapshot/".Length..], NullIfEmpty(account), region);
                }

                if (service == "ec2" && parts[5].StartsWith("image/", StringComparison.Ordinal))
                {
                    return new(value, VaultResourceType.Ami, parts[5]["image/".Length..], NullIfEmpty(account), region);
                }

                if (service == "rds" && parts.Length == 7 && parts[5] == "snapshot")
                {
                    return new(value, VaultResourceType.RdsSnapshot, parts[6], account, region);
                }

                if (service == "rds" && parts.Length == 7 && parts[5] == "cluster-snapshot")
                {
                    return new(value, VaultResourceType.AuroraClusterSnapshot, parts[6], account, region);
                }
            }

            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "UnsupportedArn",
                $"'{value}' is not the ARN of an EBS snapshot, an AMI, an RDS DB snapshot or an Aurora cluster snapshot.",
                "Pass a snap-/ami- id, an RDS snapshot identifier, or the ARN of one of those.");
        }

        if (value.Length is >= 1 and <= 255 && char.IsAsciiLetter(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == ':'))
        {
            return new(value, null, value, null, null);
        }

        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidArgument, "InvalidResourceId",
            $"'{value}' is not a resource id VaultCopy knows.",
            "Pass a snap-/ami- id, an RDS snapshot identifier, or an ARN.");
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
