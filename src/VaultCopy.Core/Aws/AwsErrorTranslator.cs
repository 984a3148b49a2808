using Amazon.Runtime;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Turns SDK and query-client failures into errors that say what to check, keeping the AWS code for scripts. The same
/// AWS condition gets the same kind and error id whichever service answered: throttling is LimitExceeded
/// "Throttled" (run it again), a 5xx is ServiceFailure "AwsServiceUnavailable", a denial is PermissionDenied
/// "AccessDenied" naming the principal and the action.
/// </summary>
internal static class AwsErrorTranslator
{
    /// <summary>The error id of a call AWS kept throttling past every retry.</summary>
    public const string ThrottledId = "Throttled";

    /// <summary>The error id of a call AWS kept failing on its side (5xx) past every retry.</summary>
    public const string ServiceUnavailableId = "AwsServiceUnavailable";

    /// <summary>Codes of the services' own failures (beside any 5xx status).</summary>
    private static readonly HashSet<string> s_serviceSide = new(StringComparer.Ordinal)
    {
        "InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException",
        "Unavailable", "KMSInternalException", "KMSInternalFailure", "DependencyTimeoutException", "ServiceFailure",
    };

    /// <summary>Codes with which a service refuses a parameter's value or shape (the caller's to fix, not AWS's).</summary>
    private static readonly HashSet<string> s_validation = new(StringComparer.Ordinal)
    {
        "ValidationError", "ValidationException", "InvalidParameter", "InvalidParameterValue", "InvalidParameterValueException",
        "InvalidParameterCombination", "InvalidParameterException", "MissingParameter", "UnknownParameter", "InvalidInput",
    };

    /// <param name="error">What the SDK or the query client threw.</param>
    /// <param name="operation">What VaultCopy was doing, in words (Describing KMS key …).</param>
    /// <param name="target">The account and Region it was done in.</param>
    /// <param name="principalArn">Who asked, for a denial's message.</param>
    /// <param name="action">The IAM action (kms:DescribeKey), for a denial's message and remediation.</param>
    public static VaultCopyException Translate(Exception error, string operation, string target, string? principalArn = null, string? action = null)
    {
        switch (error)
        {
            case VaultCopyException known:
                return known;
            case AwsServiceException aws:
                return TranslateCode(aws.ErrorCode, aws.ServiceMessage, (int)aws.StatusCode, new Caller(operation, target, principalArn, action), aws,
                    aws is not Query.QueryServiceException && aws.ServiceMessage.Contains("signature", StringComparison.OrdinalIgnoreCase), aws.RoleSessionRenewed);
            case AmazonServiceException service:
                return TranslateCode(service.ErrorCode ?? "Unknown", service.Message, (int)service.StatusCode, new Caller(operation, target, principalArn, action), service, IsSignatureProblem(service));
            case HttpRequestException or TaskCanceledException { InnerException: TimeoutException }:
                return new VaultCopyException(
                    VaultCopyErrorKind.InvalidConfiguration, "EndpointUnreachable",
                    $"{operation} could not reach AWS for {target}: {error.Message}",
                    "Check -EndpointUrl, AWS_ENDPOINT_URL and the network path to the service.", innerException: error);
            case AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return new VaultCopyException(
                    VaultCopyErrorKind.InvalidConfiguration, "CredentialsNotFound",
                    $"No AWS credentials were found for {target}.",
                    "Pass -ProfileName, -AccessKey and -SecretKey, or -Credential; or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE.",
                    innerException: error);
            default:
                return new VaultCopyException(
                    VaultCopyErrorKind.ServiceFailure, "AwsCallFailed", $"{operation} failed for {target}: {error.Message}",
                    innerException: error);
        }
    }

    /// <summary>Whether AWS said "slow down", whichever service (EC2 RequestLimitExceeded, KMS ThrottlingException, RDS Throttling…).</summary>
    public static bool IsThrottling(string? code) => code is not null && Query.QueryErrorCodes.Throttling.Contains(code);

    /// <summary>Whether AWS failed on its side (a 5xx, or a service-failure code whatever the status).</summary>
    public static bool IsServiceSide(string? code, int status) => status >= 500 || (code is not null && s_serviceSide.Contains(code));

    /// <summary>Whether AWS said the request's session or signature had expired.</summary>
    public static bool IsExpiry(string? code) => code is "ExpiredToken" or "ExpiredTokenException" or "RequestExpired";

    private sealed record Caller(string Operation, string Target, string? PrincipalArn, string? Action);

    private static VaultCopyException TranslateCode(
        string code, string serviceMessage, int status, Caller caller, Exception error, bool signatureProblem = false, bool roleSessionRenewed = false)
    {
        (string operation, string target) = (caller.Operation, caller.Target);
        if (IsThrottling(code))
        {
            return new VaultCopyException(VaultCopyErrorKind.LimitExceeded, ThrottledId,
                $"{operation} was throttled by AWS for {target} after retries ({code}).",
                "Run it again later or with fewer parallel calls: VaultCopy picks up what was already done.", code, error);
        }

        if (IsServiceSide(code, status))
        {
            return new VaultCopyException(VaultCopyErrorKind.ServiceFailure, ServiceUnavailableId,
                $"{operation} failed for {target} because AWS had a problem on its side ({code}, HTTP {status}): {serviceMessage}",
                "Run it again in a few minutes: VaultCopy picks up what was already done. If it persists, check the AWS Health Dashboard.", code, error);
        }

        (VaultCopyErrorKind kind, string id, string message, string? fix) = code switch
        {
            "InvalidClientTokenId" or "UnrecognizedClientException" or "AuthFailure" when !signatureProblem =>
                (VaultCopyErrorKind.AuthenticationFailed, "AccessKeyNotRecognized",
                 $"AWS does not recognise the access key used for {target}.",
                 "Check the access key ID (-AccessKey or the profile's aws_access_key_id): it must be active and belong to this partition."),
            "SignatureDoesNotMatch" or "InvalidSignatureException" or "AuthFailure" =>
                (VaultCopyErrorKind.AuthenticationFailed, "SignatureDoesNotMatch",
                 $"AWS rejected the signature of the request for {target}: the secret access key does not match the access key ID.",
                 "Check -SecretKey or the profile's aws_secret_access_key, and that this machine's clock is correct."),
            _ when IsExpiry(code) && roleSessionRenewed =>
                (VaultCopyErrorKind.AuthenticationFailed, "RoleSessionExpired",
                 $"AWS called the role session used for {target} expired ({code}) even after VaultCopy assumed the role again.",
                 "Check that this machine's clock is within five minutes of the right time, and whether the role's sessions were revoked (an AWSRevokeOlderSessions policy); then connect again with Connect-VaultAccount."),
            _ when IsExpiry(code) =>
                (VaultCopyErrorKind.AuthenticationFailed, "CredentialsExpired",
                 $"The temporary credentials used for {target} have expired.",
                 "Get fresh credentials (or use -RoleArn, which VaultCopy renews by itself) and connect again."),
            "MissingAuthenticationToken" or "MissingAuthenticationTokenException" =>
                (VaultCopyErrorKind.AuthenticationFailed, "MissingCredentials",
                 $"The request for {target} carried no credentials.", "Connect with -ProfileName or -AccessKey/-SecretKey."),
            _ when s_validation.Contains(code) =>
                (VaultCopyErrorKind.InvalidArgument, "AwsValidationFailed",
                 $"{operation} failed for {target}: AWS refused a value it was given ({code}): {serviceMessage}",
                 "Check the value the message names against what AWS accepts (length, characters, format) and run it again."),
            "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" or "AuthorizationError" =>
                (VaultCopyErrorKind.PermissionDenied, "AccessDenied",
                 $"{caller.PrincipalArn ?? "The caller"} may not call {caller.Action ?? "the action"} ({operation}) in {target}: {serviceMessage}",
                 $"Allow {caller.Action ?? "the action"} to {caller.PrincipalArn ?? "the principal"} (its IAM policy{(caller.Action?.StartsWith("kms:", StringComparison.Ordinal) == true ? " and the key policy" : string.Empty)}), then run it again."),
            _ => (VaultCopyErrorKind.ServiceFailure, code, $"{operation} failed for {target}: {code}: {serviceMessage}", null),
        };
        return new VaultCopyException(kind, id, message, fix, code, error);
    }

    private static bool IsSignatureProblem(AmazonServiceException error) =>
        error.Message.Contains("signature", StringComparison.OrdinalIgnoreCase);
}
