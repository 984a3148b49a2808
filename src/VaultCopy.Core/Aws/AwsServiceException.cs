using System.Net;

namespace VaultCopy.Core.Aws;

/// <summary>
/// The one type an AWS service's error has outside the gateways: the SDK clients' exceptions are turned into it as
/// they leave the client (<see cref="ClientFactory"/>), and the query client (RDS, IAM) throws its subtype
/// <see cref="Query.QueryServiceException"/>. Code that branches on an AWS answer reads <see cref="ErrorCode"/>
/// here, whichever service gave it; <see cref="AwsErrorTranslator"/> words it for users.
/// </summary>
public class AwsServiceException : Exception
{
    public AwsServiceException(string serviceId, string errorCode, string message, HttpStatusCode statusCode, string? requestId, Exception? innerException = null)
        : base($"{serviceId} {errorCode}: {message}", innerException)
    {
        ServiceId = serviceId;
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
    }

    public string ServiceId { get; }

    public string ErrorCode { get; }

    public string ServiceMessage { get; }

    public HttpStatusCode StatusCode { get; }

    public string? RequestId { get; }

    public bool IsThrottling => Query.QueryErrorCodes.Throttling.Contains(ErrorCode);

    /// <summary>
    /// True when the call was made with a role session that was assumed again after AWS called it expired, and AWS
    /// still refused it: renewing cannot help, and the advice must not be "-RoleArn".
    /// </summary>
    public bool RoleSessionRenewed { get; internal set; }
}
