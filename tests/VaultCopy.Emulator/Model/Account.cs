namespace VaultCopy.Emulator.Model;

public sealed class Account
{
    public required string Id { get; init; }

    public string Partition { get; init; } = "aws";

    public string? Alias { get; set; }

    /// <summary>AWS Organizations id (<c>o-…</c>) for aws:PrincipalOrgID and AMI org sharing; null outside an org.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>Organization path (<c>o-…/r-…/ou-…/</c>) for aws:PrincipalOrgPaths; null when unknown.</summary>
    public string? OrganizationPath { get; set; }

    /// <summary>IAM users by name (IAM names are unique case-insensitively).</summary>
    public Dictionary<string, IamUser> Users { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, IamRole> Roles { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Customer managed policies by name.</summary>
    public Dictionary<string, ManagedPolicy> ManagedPolicies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Root user access keys (optional; AWS discourages them, tests may want them).</summary>
    public List<AccessKey> RootAccessKeys { get; } = [];

    /// <summary>Per-Region service state; plug-ins add their typed state to <see cref="AccountRegion"/>.</summary>
    public Dictionary<string, AccountRegion> Regions { get; } = new(StringComparer.Ordinal);

    public string RootArn => $"arn:{Partition}:iam::{Id}:root";

    /// <summary>The Region's state, created on first use.</summary>
    public AccountRegion Region(string name)
    {
        if (!Regions.TryGetValue(name, out var region))
        {
            region = new AccountRegion { Name = name, Account = this };
            Regions[name] = region;
        }

        return region;
    }

    /// <summary>A managed policy by name or ARN, including the AWS managed ones the emulator knows.</summary>
    public ManagedPolicy? FindManagedPolicy(string nameOrArn)
    {
        if (nameOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return AwsManagedPolicies.FindByArn(nameOrArn, Partition)
                ?? ManagedPolicies.Values.FirstOrDefault(p => string.Equals(p.Arn, nameOrArn, StringComparison.Ordinal));
        }

        return ManagedPolicies.GetValueOrDefault(nameOrArn);
    }
}

/// <summary>
/// One account's state in one Region. The KMS, EC2 and RDS plug-ins add their typed state here
/// (e.g. <c>public KmsRegionState Kms { get; } = new();</c>) so that reset and fixture loading stay in one place.
/// </summary>
public sealed class AccountRegion
{
    public required string Name { get; init; }

    public required Account Account { get; init; }

    public Services.Kms.KmsRegionState Kms { get; } = new();

    public Services.Rds.RdsRegionState Rds { get; } = new();

    public Services.Ec2.Ec2RegionState Ec2 { get; } = new();
}
