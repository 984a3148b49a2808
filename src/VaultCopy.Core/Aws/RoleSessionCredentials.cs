using Amazon.Runtime;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Assumed-role credentials that renew themselves before they expire, so a copy that waits for hours keeps
/// working. Unlike the SDK's own AssumeRoleAWSCredentials, STS is reached through the same endpoint settings as
/// every other call of the source account.
/// </summary>
internal sealed class RoleSessionCredentials : RefreshingAWSCredentials
{
    private readonly AwsSession _sourceSession;
    private readonly AssumeRoleRequest _template;

    public RoleSessionCredentials(AwsSession sourceSession, string roleArn, string sessionName, string? externalId, int durationSeconds)
    {
        _sourceSession = sourceSession;

        // Renew well before expiry (an RDS PreSignedUrl signed now must stay valid for its 15 minutes), but never so
        // early that a short session would be renewed on every call.
        PreemptExpiryTime = TimeSpan.FromSeconds(Math.Min(900, durationSeconds / 4));
        _template = new AssumeRoleRequest
        {
            RoleArn = roleArn,
            RoleSessionName = sessionName,
            ExternalId = externalId,
            DurationSeconds = durationSeconds,
        };
    }

    /// <summary>
    /// After AWS called the session expired though our clock says it is not (AWS's clock ahead of ours, a session ended
    /// early): the next call assumes the role again. False for any other credentials, which VaultCopy cannot renew.
    /// </summary>
    public static bool Renew(AWSCredentials credentials)
    {
        if (credentials is not RoleSessionCredentials role)
        {
            return false;
        }

        role.ClearCredentials();
        return true;
    }

    protected override CredentialsRefreshState GenerateNewCredentials() =>
        Task.Run(GenerateNewCredentialsAsync).GetAwaiter().GetResult();

    protected override async Task<CredentialsRefreshState> GenerateNewCredentialsAsync()
    {
        using var sts = ClientFactory.CreateSts(_sourceSession);
        var request = new AssumeRoleRequest
        {
            RoleArn = _template.RoleArn,
            RoleSessionName = _template.RoleSessionName,
            ExternalId = _template.ExternalId,
            DurationSeconds = _template.DurationSeconds,
        };
        AssumeRoleResponse response = await sts.AssumeRoleAsync(request).ConfigureAwait(false);
        Credentials issued = response.Credentials;
        DateTime expiration = issued.Expiration ?? DateTime.UtcNow.AddSeconds(_template.DurationSeconds ?? 3600);
        return new CredentialsRefreshState(
            new ImmutableCredentials(issued.AccessKeyId, issued.SecretAccessKey, issued.SessionToken),
            expiration.ToUniversalTime());
    }
}
