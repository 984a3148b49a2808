using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Amazon.SecurityToken.Model;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Accounts;

/// <summary>
/// Resolves Region and credentials the way AWS Tools for PowerShell does, optionally assumes a role, and proves
/// the result with sts:GetCallerIdentity (which no policy can deny, so it tests credentials, not permissions).
/// </summary>
public static partial class AccountConnector
{
    private const int DefaultRoleSessionSeconds = 3600;
    private const int MaxSourceProfileDepth = 5;

    public static async Task<VaultAccount> ConnectAsync(ConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateShape(request);

        string region = ResolveRegion(request);
        ResolvedCredentials resolved = ResolveCredentials(request);
        string? endpoint = request.EndpointUrl ?? request.SourceAccount?.Session.ExplicitEndpointUrl;
        var session = new AwsSession(resolved.Credentials, region, endpoint, resolved.ProfileName, resolved.ProfileLocation);
        string source = resolved.Description;
        DateTime? expiration = null;

        // The SDK would assume a profile's role_arn through its own STS client, which ignores -EndpointUrl; our role
        // sessions use the same endpoint settings as every other call.
        foreach (ProfileRole profileRole in resolved.ProfileRoles)
        {
            (session, expiration) = await AssumeRoleAsync(
                session, profileRole.RoleArn, profileRole.SessionName, profileRole.ExternalId, null,
                error => ExplainAssumeRoleFailure(error, profileRole.RoleArn, profileRole.ProfileName)).ConfigureAwait(false);
            source = $"role {profileRole.RoleArn} of profile '{profileRole.ProfileName}' assumed with {source}";
        }

        if (request.RoleArn is not null)
        {
            (session, expiration) = await AssumeRoleAsync(
                session, request.RoleArn, request.RoleSessionName, request.ExternalId, request.DurationSeconds,
                error => ExplainAssumeRoleFailure(error, request.RoleArn, null)).ConfigureAwait(false);
            source = $"role {request.RoleArn} assumed with {source}";
        }
        else if (resolved.Credentials is RefreshingAWSCredentials refreshing && refreshing.Expiration is DateTime expires && expires != DateTime.MinValue)
        {
            expiration = expires;
        }

        try
        {
            using var sts = ClientFactory.CreateSts(session);
            GetCallerIdentityResponse identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken)
                .ConfigureAwait(false);
            string? shownEndpoint = session.DescribeEndpoint(sts.Config as ClientConfig ?? throw new InvalidOperationException());
            return new VaultAccount(identity.Account, identity.Arn, identity.UserId, region, source, shownEndpoint, expiration, session);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            throw AwsErrorTranslator.Translate(error, "Connecting", $"the account behind {source}");
        }
    }

    private static async Task<(AwsSession Session, DateTime? Expiration)> AssumeRoleAsync(
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

    private static void ValidateShape(ConnectionRequest request)
    {
        if ((request.AccessKey is null) != (request.SecretKey is null))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "IncompleteAccessKey",
                "An access key needs both its ID and its secret.", "Pass -AccessKey and -SecretKey together.");
        }

        if (request.SourceAccount is not null && request.RoleArn is null)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "SourceAccountWithoutRole",
                "-SourceAccount supplies the credentials to assume a role with, but no role was named.", "Add -RoleArn.");
        }

        if (request.RoleArn is not null && !RoleArnPattern().IsMatch(request.RoleArn))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidRoleArn",
                $"'{request.RoleArn}' is not an IAM role ARN.", "Use the form arn:aws:iam::123456789012:role/RoleName.");
        }

        if (request.RoleSessionName is not null && !SessionNamePattern().IsMatch(request.RoleSessionName))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidRoleSessionName",
                $"'{request.RoleSessionName}' is not a valid role session name.",
                "Use 2 to 64 letters, digits or the characters +=,.@_-.");
        }

        if (request.EndpointUrl is not null &&
            !(Uri.TryCreate(request.EndpointUrl, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidEndpointUrl",
                $"'{request.EndpointUrl}' is not an absolute http or https URL.", "Pass a URL such as https://vpce-example.amazonaws.com.");
        }
    }

    private static string ResolveRegion(ConnectionRequest request)
    {
        string? region = Blank(request.Region)
            ?? Blank(request.SessionDefaultRegion)
            ?? (request.RoleArn is not null ? request.SourceAccount?.Region : null)
            ?? Blank(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? Blank(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? ProfileRegion(request);

        if (region is null)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidConfiguration, "RegionNotSet",
                "No AWS Region was given, and none was found in the session, the environment or the profile.",
                "Pass -Region (for example -Region eu-west-1), run Set-DefaultAWSRegion, or set the AWS_REGION environment variable.");
        }

        if (!RegionPattern().IsMatch(region))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidArgument, "InvalidRegion",
                $"'{region}' is not an AWS Region name.", "Use a Region code such as eu-west-1 or us-gov-west-1.");
        }

        return region;
    }

    private static string? ProfileRegion(ConnectionRequest request)
    {
        string name = request.ProfileName ?? request.SessionDefaultProfileName
            ?? Blank(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        var chain = new CredentialProfileStoreChain(request.ProfileLocation);
        return chain.TryGetProfile(name, out CredentialProfile? profile) ? profile.Region?.SystemName : null;
    }

    private static ResolvedCredentials ResolveCredentials(ConnectionRequest request)
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

    /// <summary>A refused role, for -RoleArn or for a profile's role_arn (<paramref name="profileName"/>).</summary>
    private static VaultCopyException ExplainAssumeRoleFailure(Exception error, string roleArn, string? profileName)
    {
        Exception root = error is AggregateException { InnerException: Exception inner } ? inner : error;
        if (root is AwsServiceException { ErrorCode: "AccessDenied" } denied)
        {
            string refused = denied.ServiceMessage.TrimEnd('.');
            return profileName is null
                ? new VaultCopyException(
                    VaultCopyErrorKind.PermissionDenied, "AssumeRoleDenied",
                    $"AWS refused to let the caller assume {roleArn}: {refused}.",
                    "The role's trust policy must trust the calling account or principal (with the same -ExternalId, if it asks for one), " +
                    "and the caller's own policy must allow sts:AssumeRole on the role.",
                    denied.ErrorCode, denied)
                : new VaultCopyException(
                    VaultCopyErrorKind.PermissionDenied, "AssumeRoleDenied",
                    $"AWS refused to let profile '{profileName}' assume its role_arn {roleArn}: {refused}.",
                    $"Check profile '{profileName}': the role's trust policy must trust the account or principal of its source_profile " +
                    "(with the same external_id, if it asks for one), and the source_profile's own policy must allow sts:AssumeRole on the role.",
                    denied.ErrorCode, denied);
        }

        return AwsErrorTranslator.Translate(root, profileName is null ? "Assuming the role" : $"Assuming the role_arn of profile '{profileName}'", roleArn);
    }

    private static string MaskKey(string accessKey) =>
        accessKey.Length <= 8 ? "****" : $"{accessKey[..4]}****{accessKey[^4..]}";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d$")]
    private static partial Regex RegionPattern();

    private sealed record ResolvedCredentials(AWSCredentials Credentials, string Description, string? ProfileName, string? ProfileLocation)
    {
        /// <summary>The role_arn of each profile on the way, innermost first, still to be assumed.</summary>
        public IReadOnlyList<ProfileRole> ProfileRoles { get; init; } = [];
    }

    private sealed record ProfileRole(string ProfileName, string RoleArn, string? SessionName, string? ExternalId);
}
