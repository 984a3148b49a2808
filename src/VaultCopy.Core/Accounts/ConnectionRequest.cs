namespace VaultCopy.Core.Accounts;

/// <summary>
/// Everything a user may say about how to reach an account, in AWS Tools for PowerShell terms.
/// Empty means "not said"; the connector applies AWS Tools' precedence.
/// </summary>
public sealed class ConnectionRequest
{
    public string? Region { get; init; }

    public string? ProfileName { get; init; }

    public string? ProfileLocation { get; init; }

    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public string? SessionToken { get; init; }

    /// <summary>Where explicit keys came from, for <see cref="VaultAccount.CredentialSource"/> (e.g. "-Credential").</summary>
    public string? ExplicitKeySourceDescription { get; init; }

    public string? RoleArn { get; init; }

    public string? ExternalId { get; init; }

    public string? RoleSessionName { get; init; }

    public int? DurationSeconds { get; init; }

    /// <summary>Assume <see cref="RoleArn"/> with this account's credentials.</summary>
    public VaultAccount? SourceAccount { get; init; }

    public string? EndpointUrl { get; init; }

    /// <summary>AWS Tools' <c>$StoredAWSRegion</c>, when the session has one.</summary>
    public string? SessionDefaultRegion { get; init; }

    /// <summary>AWS Tools' <c>$StoredAWSCredentials</c> when it names a profile.</summary>
    public string? SessionDefaultProfileName { get; init; }
}
