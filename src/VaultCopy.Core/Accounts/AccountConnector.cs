using System.Text.RegularExpressions;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Accounts;

/// <summary>
/// Resolves Region and credentials the way AWS Tools for PowerShell does, optionally assumes a role, and proves
/// the result with sts:GetCallerIdentity (which no policy can deny, so it tests credentials, not permissions).
/// </summary>
public static partial class AccountConnector
{
    public static async Task<VaultAccount> ConnectAsync(ConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateShape(request);

        string region = ResolveRegion(request);
        if (request.RoleArn is not null && Arn.PartitionOf(request.RoleArn) is var rolePartition && rolePartition != RegionName.PartitionOf(region))
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "InvalidRoleArn",
                $"'{request.RoleArn}' is a role of partition {rolePartition}, but the connection is made in {region} (partition {RegionName.PartitionOf(region)}): STS assumes only roles of its own partition.",
                $"Pass -Region with a Region of {rolePartition}, and credentials of that partition, or the ARN of a role in partition {RegionName.PartitionOf(region)}.");
        }

        ResolvedCredentials resolved = CredentialResolver.Resolve(request);
        string? endpoint = request.EndpointUrl ?? request.SourceAccount?.Session.ExplicitEndpointUrl;
        AwsSession session = resolved.ToSession(region, endpoint);
        string source = resolved.Description;
        DateTime? expiration = resolved.Expiration;

        // The SDK would assume a profile's role_arn through its own STS client, which ignores -EndpointUrl; our role
        // sessions use the same endpoint settings as every other call.
        foreach (ProfileRole profileRole in resolved.ProfileRoles)
        {
            (session, expiration) = await CredentialResolver.AssumeRoleAsync(
                session, profileRole.RoleArn, profileRole.SessionName, profileRole.ExternalId, null,
                error => ExplainAssumeRoleFailure(error, profileRole.RoleArn, profileRole.ProfileName)).ConfigureAwait(false);
            source = $"role {profileRole.RoleArn} of profile '{profileRole.ProfileName}' assumed with {source}";
        }

        if (request.RoleArn is not null)
        {
            (session, expiration) = await CredentialResolver.AssumeRoleAsync(
                session, request.RoleArn, request.RoleSessionName, request.ExternalId, request.DurationSeconds,
                error => ExplainAssumeRoleFailure(error, request.RoleArn, null)).ConfigureAwait(false);
            source = $"role {request.RoleArn} assumed with {source}";
        }

        try
        {
            using var sts = new StsGateway(session);
            CallerIdentity identity = await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false);
            return new VaultAccount(identity.AccountId, identity.Arn, identity.UserId, region, source, sts.Endpoint, expiration, session);
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
            ?? CredentialResolver.ProfileRegion(request);

        if (region is null)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidConfiguration, "RegionNotSet",
                "No AWS Region was given, and none was found in the session, the environment or the profile.",
                "Pass -Region (for example -Region eu-west-1), run Set-DefaultAWSRegion, or set the AWS_REGION environment variable.");
        }

        if (!RegionName.IsValid(region))
        {
            throw RegionName.Refusal(region);
        }

        return region;
    }

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

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{2,64}$")]
    private static partial Regex SessionNamePattern();
}
