using VaultCopy.Core.Aws;

namespace VaultCopy.Core.Accounts;

/// <summary>
/// A connected AWS account: who we are there, in which Region, and where the credentials came from.
/// It carries the credentials for later calls but never exposes a secret.
/// </summary>
public sealed class VaultAccount
{
    internal VaultAccount(
        string accountId, string arn, string userId, string region, string credentialSource,
        string? endpointUrl, DateTime? credentialExpiration, AwsSession session)
    {
        AccountId = accountId;
        Arn = arn;
        UserId = userId;
        Region = region;
        CredentialSource = credentialSource;
        EndpointUrl = endpointUrl;
        CredentialExpiration = credentialExpiration;
        Session = session;
        session.AccountId = accountId;
        Partition = global::VaultCopy.Core.Accounts.Arn.PartitionOf(arn);
    }

    public string AccountId { get; }

    /// <summary>aws, aws-cn or aws-us-gov: accounts can only exchange backups within one partition.</summary>
    public string Partition { get; }

    public string Region { get; }

    /// <summary>The caller's ARN: an IAM user, or an assumed-role session.</summary>
    public string Arn { get; }

    public string UserId { get; }

    /// <summary>A description of where the credentials came from; never the secret.</summary>
    public string CredentialSource { get; }

    /// <summary>The endpoint override in force, if any (from -EndpointUrl, AWS_ENDPOINT_URL* or a profile).</summary>
    public string? EndpointUrl { get; }

    /// <summary>When temporary credentials expire (refreshed automatically for roles VaultCopy assumed).</summary>
    public DateTime? CredentialExpiration { get; }

    /// <summary>The IAM principal policies apply to: the role for an assumed-role session, else the ARN.</summary>
    public string PrincipalArn => global::VaultCopy.Core.Accounts.Arn.PrincipalOf(Arn);

    internal AwsSession Session { get; }

    public override string ToString() => $"{AccountId} {Arn} ({Region})";
}
