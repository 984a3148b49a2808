using Amazon.Runtime;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Aws;

/// <summary>Turns SDK failures into errors that say what to check, keeping the AWS code for scripts.</summary>
internal static class AwsErrorTranslator
{
    public static VaultCopyException Translate(Exception error, string operation, string target)
    {
        switch (error)
        {
            case VaultCopyException known:
                return known;
            case AmazonServiceException service:
                return TranslateService(service, operation, target);
            case Query.QueryServiceException query:
                return TranslateCode(query.ErrorCode, query.ServiceMessage, operation, target, query);
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

    private static VaultCopyException TranslateService(AmazonServiceException error, string operation, string target) =>
        TranslateCode(error.ErrorCode ?? "Unknown", error.Message, operation, target, error, IsSignatureProblem(error));

    private static VaultCopyException TranslateCode(
        string code, string serviceMessage, string operation, string target, Exception error, bool signatureProblem = false)
    {
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
            "ExpiredToken" or "ExpiredTokenException" or "RequestExpired" =>
                (VaultCopyErrorKind.AuthenticationFailed, "CredentialsExpired",
                 $"The temporary credentials used for {target} have expired.",
                 "Get fresh credentials (or use -RoleArn, which VaultCopy renews by itself) and connect again."),
            "MissingAuthenticationToken" or "MissingAuthenticationTokenException" =>
                (VaultCopyErrorKind.AuthenticationFailed, "MissingCredentials",
                 $"The request for {target} carried no credentials.", "Connect with -ProfileName or -AccessKey/-SecretKey."),
            "AccessDenied" or "AccessDeniedException" or "UnauthorizedOperation" =>
                (VaultCopyErrorKind.PermissionDenied, "AccessDenied",
                 $"{operation} was denied for {target}: {serviceMessage}", null),
            "Throttling" or "ThrottlingException" or "RequestLimitExceeded" =>
                (VaultCopyErrorKind.LimitExceeded, "Throttled",
                 $"{operation} was throttled by AWS for {target} after retries.", "Run it again later or with fewer parallel calls."),
            _ => (VaultCopyErrorKind.ServiceFailure, code, $"{operation} failed for {target}: {code}: {serviceMessage}", null),
        };
        return new VaultCopyException(kind, id, message, fix, code, error);
    }

    private static bool IsSignatureProblem(AmazonServiceException error) =>
        error.Message.Contains("signature", StringComparison.OrdinalIgnoreCase);
}
