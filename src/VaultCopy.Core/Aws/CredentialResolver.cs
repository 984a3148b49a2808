using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Aws;

/// <summary>
/// The SDK's side of a connection: credentials from keys, profiles (following role_arn/source_profile chains), a
/// connected account or the SDK default chain, a profile's Region, and role sessions. The precedence between them is
/// <see cref="AccountConnector"/>'s; this is where the SDK credential types live.
/// </summary>
internal static class CredentialResolver
{
    private const int DefaultRoleSessionSeconds = 3600;
    private const int MaxSourceProfileDepth = 5;

    public static string? ProfileRegion(ConnectionRequest request)
    {
        string name = request.ProfileName ?? request.SessionDefaultProfileName
            ?? Blank(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        var chain = new CredentialProfileStoreChain(request.ProfileLocation);
        return chain.TryGetProfile(name, out CredentialProfile? profile) ? profile.Region?.SystemName : null;
    }

    public static ResolvedCredentials Resolve(ConnectionRequest request)
    {
        if (request.AccessKey is not null && request.SecretKey is not null)
        {
            AWSCredentials keys = request.SessionToken is null
                ? new BasicAWSCredentials(request.AccessKey, request.SecretKey)
                : new SessionAWSCredentials(request.AccessKey, request.SecretKey, request.SessionToken);
            string kind = request.SessionToken is null ? "access key" : "temporary access key";
            return new(keys, $"{kind} {MaskKey(request.AccessKey)} from {request.ExplicitKeySourceDescription ?? "-AccessKey/-SecretKey"}", null, null);
        }

        if (request.ProfileName is not null)
        {
            return FromProfile(request.ProfileName, request.ProfileLocation, "-ProfileName");
        }

        if (request.RoleArn is not null && request.SourceAccount is not null)
        {
            AwsSession source = request.SourceAccount.Session;
            return new(source.Credentials, $"the credentials of {request.SourceAccount.Arn}", source.ProfileName, source.ProfileLocation);
        }

        if (request.SessionDefaultProfileName is not null)
        {
            return FromProfile(request.SessionDefaultProfileName, request.ProfileLocation, "$StoredAWSCredentials");
        }

        try
        {
            AWSCredentials chain = DefaultAWSCredentialsIdentityResolver.GetCredentials();
            return new(chain, DescribeDefaultChain(chain), null, request.ProfileLocation);
        }
        catch (AmazonClientException error)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidConfiguration, "CredentialsNotFound",
                "No AWS credentials were found: none were passed, the session has no defaults, and the SDK's default chain found nothing.",
                "Pass -ProfileName, -AccessKey and -SecretKey, or -Credential; or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE.",
                innerException: error);
        }
    }

    private static ResolvedCredentials FromProfile(string profileName, string? profileLocation, string via, int depth = 0)
    {
        var chain = new CredentialProfileStoreChain(profileLocation);
        if (!chain.TryGetProfile(profileName, out CredentialProfile? profile))
        {
            string where = profileLocation is null ? "the shared credentials and config files" : profileLocation;
            throw new VaultCopyException(
                VaultCopyErrorKind.NotFound, "ProfileNotFound",
                $"The profile '{profileName}' ({via}) was not found in {where}.",
                "Check the name with Get-AWSCredential -ListProfileDetail, or pass -ProfileLocation to the file that holds it.");
        }

        CredentialProfileOptions options = profile.Options;
        if (!string.IsNullOrEmpty(options.RoleArn) && !string.IsNullOrEmpty(options.SourceProfile))
        {
            if (depth >= MaxSourceProfileDepth)
            {
                throw new VaultCopyException(
                    VaultCopyErrorKind.InvalidConfiguration, "ProfileChainTooLong",
                    $"The profile '{profileName}' is reached through more than {MaxSourceProfileDepth} source_profile links.",
                    "Check the profiles' source_profile settings for a loop.");
            }

            ResolvedCredentials sourceCredentials = FromProfile(
                options.SourceProfile, profileLocation, $"the source_profile of profile '{profileName}'", depth + 1);
            var role = new ProfileRole(profileName, options.RoleArn, Blank(options.RoleSessionName), Blank(options.ExternalID));
            // A chain of role profiles is assumed from the innermost source outwards.
            return sourceCredentials with { ProfileName = profileName, ProfileRoles = [.. sourceCredentials.ProfileRoles, role] };
        }

        if (!chain.TryGetAWSCredentials(profileName, out AWSCredentials? credentials))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidConfiguration, "ProfileHasNoCredentials",
                $"The profile '{profileName}' ({via}) exists but holds no usable credentials.",
                "Give it aws_access_key_id and aws_secret_access_key, a role_arn with source_profile, or an SSO configuration.");
        }

        string file = profile.CredentialProfileStore is SharedCredentialsFile shared ? shared.FilePath : (profileLocation ?? "the shared files");
        return new(credentials, $"profile '{profileName}' in {file}", profileName, profileLocation);
    }

    private static string DescribeDefaultChain(AWSCredentials credentials) => credentials switch
    {
        EnvironmentVariablesAWSCredentials => "environment variables (AWS_ACCESS_KEY_ID)",
        _ => $"the SDK default credential chain ({credentials.GetType().Name})",
    };

    public static async Task<(AwsSession Session, DateTime? Expiration)> AssumeRoleAsync(
        AwsSession source, string roleArn, string? sessionName, string? externalId, int? durationSeconds,
        Func<Exception, VaultCopyException> explain)
    {
        var roleCredentials = new RoleSessionCredentials(
            source,
            roleArn,
            sessionName ?? $"vaultcopy-{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}",
            externalId,
            durationSeconds ?? DefaultRoleSessionSeconds);
        try
        {
            // The first assumption happens here, so that a refused role is reported by Connect-VaultAccount.
            await roleCredentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            throw explain(error);
        }

        var session = new AwsSession(roleCredentials, source.Region, source.ExplicitEndpointUrl, source.ProfileName, source.ProfileLocation);
        return (session, roleCredentials.Expiration);
    }

    private static string MaskKey(string accessKey) =>
        accessKey.Length <= 8 ? "****" : $"{accessKey[..4]}****{accessKey[^4..]}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

internal sealed record ResolvedCredentials(AWSCredentials Credentials, string Description, string? ProfileName, string? ProfileLocation)
{
    /// <summary>The role_arn of each profile on the way, innermost first, still to be assumed.</summary>
    public IReadOnlyList<ProfileRole> ProfileRoles { get; init; } = [];

    /// <summary>When these credentials expire, if they are temporary ones the SDK refreshes.</summary>
    public DateTime? Expiration =>
        Credentials is RefreshingAWSCredentials refreshing && refreshing.Expiration is DateTime expires && expires != DateTime.MinValue ? expires : null;

    public AwsSession ToSession(string region, string? endpointUrl) => new(Credentials, region, endpointUrl, ProfileName, ProfileLocation);
}

/// <summary>A profile's role_arn, still to be assumed.</summary>
internal sealed record ProfileRole(string ProfileName, string RoleArn, string? SessionName, string? ExternalId);
