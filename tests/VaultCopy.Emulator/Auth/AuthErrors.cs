using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Auth;

/// <summary>
/// The error each protocol family really returns for an authentication failure. Sources and the UNVERIFIED ones
/// are listed in the emulator README ("Authentication errors").
/// </summary>
public static class AuthErrors
{
    public const string InvalidTokenMessage = "The security token included in the request is invalid.";
    public const string ExpiredTokenMessage = "The security token included in the request is expired";
    public const string SignatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    public const string Ec2AuthFailureMessage = "AWS was not able to validate the provided access credentials";
    public const string Ec2RequestExpiredMessage = "Request has expired.";

    public static AwsServiceException For(AwsProtocol protocol, AuthFailure failure, string? message) => protocol switch
    {
        AwsProtocol.Ec2 => Ec2(failure, message),
        AwsProtocol.Json => Json(failure, message),
        _ => Query(failure, message),
    };

    private static AwsServiceException Query(AuthFailure failure, string? message) => failure switch
    {
        AuthFailure.Missing => new("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
        AuthFailure.Incomplete => new("IncompleteSignature", message ?? "The request signature does not conform to AWS standards.", 400),
        AuthFailure.UnknownKey or AuthFailure.InvalidToken => new("InvalidClientTokenId", InvalidTokenMessage, 403),
        AuthFailure.ExpiredToken => new("ExpiredToken", ExpiredTokenMessage, 403),
        _ => new("SignatureDoesNotMatch", message ?? SignatureMismatchMessage, 403),
    };

    private static AwsServiceException Ec2(AuthFailure failure, string? message) => failure switch
    {
        AuthFailure.Missing => new("MissingAuthenticationToken", "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.", 401),
        AuthFailure.Incomplete => new("IncompleteSignature", message ?? "The request signature does not conform to AWS standards.", 400),
        AuthFailure.ExpiredToken or AuthFailure.SignatureExpired or AuthFailure.SignatureNotYetCurrent =>
            new("RequestExpired", Ec2RequestExpiredMessage, 400),
        // EC2 words a scope problem as the Coral services do (UNVERIFIED for EC2; the code and status are its
        // signature failure's).
        AuthFailure.WrongScope => new("AuthFailure", message ?? Ec2AuthFailureMessage, 401),
        _ => new("AuthFailure", Ec2AuthFailureMessage, 401),
    };

    private static AwsServiceException Json(AuthFailure failure, string? message) => failure switch
    {
        AuthFailure.Missing => new("MissingAuthenticationTokenException", "Missing Authentication Token", 400),
        AuthFailure.Incomplete => new("IncompleteSignatureException", message ?? "The request signature does not conform to AWS standards.", 400),
        AuthFailure.UnknownKey or AuthFailure.InvalidToken => new("UnrecognizedClientException", InvalidTokenMessage, 400),
        AuthFailure.ExpiredToken => new("ExpiredTokenException", ExpiredTokenMessage, 400),
        _ => new("InvalidSignatureException", message ?? SignatureMismatchMessage, 400),
    };
}
