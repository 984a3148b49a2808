using System.Net;

namespace VaultCopy.Core.Aws.Query;

/// <summary>
/// An error answered by a query-protocol service (RDS, IAM), with the code exactly as the service model names it.
/// <see cref="QueryErrorCodes"/> lists the modelled codes VaultCopy branches on.
/// </summary>
public sealed class QueryServiceException : AwsServiceException
{
    public QueryServiceException(string serviceId, string errorCode, string message, HttpStatusCode statusCode, string? errorType, string? requestId)
        : base(serviceId, errorCode, message, statusCode, requestId)
    {
        ErrorType = errorType;
    }

    /// <summary>Sender or Receiver.</summary>
    public string? ErrorType { get; }
}

/// <summary>Error codes from the RDS and IAM service models (aws-models), spelled exactly as on the wire.</summary>
public static class QueryErrorCodes
{
    public const string DBSnapshotNotFound = "DBSnapshotNotFound";
    public const string DBSnapshotAlreadyExists = "DBSnapshotAlreadyExists";
    public const string InvalidDBSnapshotState = "InvalidDBSnapshotState";
    public const string DBClusterSnapshotNotFound = "DBClusterSnapshotNotFoundFault";
    public const string DBClusterSnapshotAlreadyExists = "DBClusterSnapshotAlreadyExistsFault";
    public const string InvalidDBClusterSnapshotState = "InvalidDBClusterSnapshotStateFault";
    public const string InvalidDBClusterState = "InvalidDBClusterStateFault";
    public const string KmsKeyNotAccessible = "KMSKeyNotAccessibleFault";
    public const string SnapshotQuotaExceeded = "SnapshotQuotaExceeded";
    public const string SharedSnapshotQuotaExceeded = "SharedSnapshotQuotaExceeded";
    public const string CustomAvailabilityZoneNotFound = "CustomAvailabilityZoneNotFound";
    public const string DBInstanceNotFound = "DBInstanceNotFound";
    public const string DBClusterNotFound = "DBClusterNotFoundFault";
    public const string NoSuchEntity = "NoSuchEntity";
    public const string MalformedPolicyDocument = "MalformedPolicyDocument";
    public const string LimitExceeded = "LimitExceeded";
    public const string UnmodifiableEntity = "UnmodifiableEntity";
    public const string InvalidInput = "InvalidInput";
    public const string PolicyEvaluation = "PolicyEvaluation";
    public const string ServiceFailure = "ServiceFailure";
    public const string AccessDenied = "AccessDenied";

    /// <summary>Codes that mean "slow down and try again", across the query services.</summary>
    public static IReadOnlySet<string> Throttling { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "SlowDown", "PriorRequestNotComplete",
        "BandwidthLimitExceeded", "EC2ThrottledException",
    };
}
