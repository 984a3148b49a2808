using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>
/// RDS errors with the model's codes and HTTP statuses (aws-models/rds/service-2.json) and, where a real response has
/// been seen, its message text. Sources and UNVERIFIED items: README "RDS" → "Errors".
/// </summary>
internal static class RdsErrors
{
    public const string InvalidParameterValueCode = "InvalidParameterValue";
    public const string InvalidParameterCombinationCode = "InvalidParameterCombination";

    public static AwsServiceException InvalidParameterValue(string message) => new(InvalidParameterValueCode, message);

    public static AwsServiceException InvalidParameterCombination(string message) => new(InvalidParameterCombinationCode, message);

    /// <summary>RDS answers a missing or empty required parameter this way (seen on CreateDBParameterGroup).</summary>
    public static AwsServiceException MissingParameter(string name) =>
        InvalidParameterValue($"The parameter {name} must be provided and must not be empty.");

    /// <summary>Seen on ModifyDBSnapshotAttribute with an automated (<c>rds:</c>) snapshot (aws/aws-cli#8296).</summary>
    public static AwsServiceException InvalidIdentifier(string parameter) =>
        InvalidParameterValue($"The parameter {parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.");

    /// <summary><c>DBSnapshotNotFound</c> / <c>DBClusterSnapshotNotFoundFault</c>, 404: "DBSnapshot not found: x".</summary>
    public static AwsServiceException NotFound(RdsKind kind, string identifier) =>
        new(kind.NotFoundCode, $"{kind.NotFoundNoun} not found: {identifier}", 404);

    public static AwsServiceException AlreadyExists(RdsKind kind, string identifier) => kind.Kind == SnapshotKind.Db
        ? new(kind.AlreadyExistsCode, $"Cannot create the snapshot because a snapshot with the identifier {identifier} already exists.")
        : new(kind.AlreadyExistsCode, $"Cannot create the cluster snapshot because one with the identifier {identifier} already exists.");

    public static AwsServiceException InvalidState(RdsKind kind, string message) => new(kind.InvalidStateCode, message);

    /// <summary>"The source snapshot KMS key [arn] does not exist, is not enabled or you do not have permissions to access it."</summary>
    public static AwsServiceException SourceKeyNotAccessible(string keyArn) =>
        new("KMSKeyNotAccessibleFault", $"The source snapshot KMS key [{keyArn}] does not exist, is not enabled or you do not have permissions to access it.");

    /// <summary>"The target KMS key [x] does not exist, …"; x is <c>None</c> when no KmsKeyId was given.</summary>
    public static AwsServiceException TargetKeyNotAccessible(RdsKind kind, string? keyId) => kind.Kind == SnapshotKind.Db
        ? new("KMSKeyNotAccessibleFault", $"The target KMS key [{keyId ?? "None"}] does not exist, is not enabled or you do not have permissions to access it.")
        : new("KMSKeyNotAccessibleFault", $"Specified KMS key [{keyId ?? "None"}] does not exist, is not enabled or you do not have permissions to access it.");

    public static AwsServiceException ManualSnapshotQuota(int quota) =>
        new("SnapshotQuotaExceeded", $"Cannot create more than {quota} manual snapshots");

    public static AwsServiceException CopyQuota(int quota) =>
        new("SnapshotQuotaExceeded", $"Cannot copy more than {quota} snapshots across regions");

    public static AwsServiceException SharedQuota(int quota) =>
        new("SharedSnapshotQuotaExceeded", $"You have exceeded the maximum number of accounts ({quota}) that a snapshot can be shared with.");
}
