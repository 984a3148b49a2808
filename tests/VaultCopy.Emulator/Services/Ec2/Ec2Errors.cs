using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>
/// Every EC2 error this plug-in returns, in one place so that codes and texts stay consistent. Where a text was
/// observed from real AWS the source is named; the rest are marked UNVERIFIED here and in the README (EC2 section).
/// </summary>
internal static class Ec2Errors
{
    public const string DryRunMessage = "Request would have succeeded, but DryRun flag is set.";

    /// <summary>DryRun with permission: HTTP 412 (aws-behaviour.md §1.1, a real response quoted in moto#1980).</summary>
    public static AwsServiceException DryRun() => new("DryRunOperation", DryRunMessage, 412);

    /// <summary>Observed: "The snapshot 'snap-0643b6dcd0a6f01f0' does not exist." (AWS CLI output in public workshops).</summary>
    public static AwsServiceException SnapshotNotFound(string id) =>
        new("InvalidSnapshot.NotFound", $"The snapshot '{id}' does not exist.");

    /// <summary>Observed: "The image id '[ami-0f123456789abcdef]' does not exist" (AWS CLI output).</summary>
    public static AwsServiceException ImageNotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new("InvalidAMIID.NotFound", $"The image id '[{ids[0]}]' does not exist")
        : new("InvalidAMIID.NotFound", $"The image ids '[{string.Join(", ", ids)}]' do not exist");

    /// <summary>Observed for AMIs: Invalid id: "ami-…" (expecting "ami-..."); the snapshot text follows it (UNVERIFIED).</summary>
    public static AwsServiceException SnapshotMalformed(string id) =>
        new("InvalidSnapshotID.Malformed", $"Invalid id: \"{id}\" (expecting \"snap-...\")");

    public static AwsServiceException ImageMalformed(string id) =>
        new("InvalidAMIID.Malformed", $"Invalid id: \"{id}\" (expecting \"ami-...\")");

    /// <summary>Something that is not an id at all (errors-overview; text as observed for volumeId).</summary>
    public static AwsServiceException NotAnId(string parameter, string value, string prefix) => value.Length == 0
        ? new("InvalidParameterValue", $"Value () for parameter {parameter} is invalid. Parameter may not be null or empty.")
        : new("InvalidParameterValue", $"Value ({value}) for parameter {parameter} is invalid. Expected: '{prefix}-...'.");

    public static AwsServiceException InvalidId(string id) => new("InvalidID", $"The ID '{id}' is not valid");

    /// <summary>
    /// Owner-only operations on a resource the caller can see but does not own. Observed for images:
    /// "AuthFailure: Not authorized for image:ami-26ebbc5c" (DescribeImageAttribute); the snapshot form is UNVERIFIED.
    /// </summary>
    public static AwsServiceException NotAuthorizedFor(string kind, string id) =>
        new("AuthFailure", $"Not authorized for {kind}:{id}", 401);

    public static AwsServiceException InvalidParameterValue(string message) => new("InvalidParameterValue", message);

    public static AwsServiceException InvalidParameterCombination(string message) => new("InvalidParameterCombination", message);

    public static AwsServiceException Missing(string parameter) =>
        new("MissingParameter", $"The request must contain the parameter {parameter}");

    /// <summary>Observed (CreateVolume): "The parameter [KmsKeyId] requires the parameter Encrypted to be set."</summary>
    public static AwsServiceException KmsKeyNeedsEncrypted() =>
        new("InvalidParameterDependency", "The parameter [KmsKeyId] requires the parameter Encrypted to be set.");

    /// <summary>Observed: "'instance' is not a valid taggable resource type for this operation."</summary>
    public static AwsServiceException NotTaggable(string resourceType) =>
        new("InvalidParameterValue", $"'{resourceType}' is not a valid taggable resource type for this operation.");

    /// <summary>Observed for ModifyImageAttribute: InvalidAMIAttributeItemValue, Invalid attribute item value "x" for userId item type.</summary>
    public static AwsServiceException InvalidAttributeItem(string value, string itemType) =>
        new("InvalidAMIAttributeItemValue", $"Invalid attribute item value \"{value}\" for {itemType} item type.");

    /// <summary>Observed: OperationNotPermitted "Encrypted snapshots with EBS default key cannot be shared" (packer#7499).</summary>
    public static AwsServiceException DefaultKeySnapshotShare() =>
        new("OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared");

    /// <summary>UNVERIFIED: the documented rule "encrypted snapshots cannot be made public"; code chosen to match the default-key refusal.</summary>
    public static AwsServiceException EncryptedSnapshotPublic() =>
        new("OperationNotPermitted", "Encrypted snapshots cannot be made public.");

    /// <summary>Observed: InvalidParameter "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot." (HTTP 400).</summary>
    public static AwsServiceException DefaultKeyImageShare() =>
        new("InvalidParameter", "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot.");

    /// <summary>UNVERIFIED wording of the documented rule that AMIs with encrypted volumes cannot be made public.</summary>
    public static AwsServiceException EncryptedImagePublic() =>
        new("InvalidParameter", "Images with encrypted snapshots cannot be made public.");

    /// <summary>Observed for AMIs (OperationNotPermitted, hortonworks/cloudbreak-images#926).</summary>
    public static AwsServiceException ImagePublicSharingBlocked() =>
        new("OperationNotPermitted", "You can’t publicly share this image because block public access for AMIs is enabled for this account. To publicly share the image, you must call the DisableImageBlockPublicAccess API.");

    /// <summary>UNVERIFIED: modelled on the observed AMI text (aws-behaviour.md §10 lists the code as open).</summary>
    public static AwsServiceException SnapshotPublicSharingBlocked() =>
        new("OperationNotPermitted", "You can’t publicly share this snapshot because block public access for snapshots is enabled for this account. To publicly share the snapshot, you must call the DisableSnapshotBlockPublicAccess API.");

    /// <summary>Observed: InvalidRequest "You do not have permission to access the storage of this ami." (CopyImage).</summary>
    public static AwsServiceException NoStorageAccess() =>
        new("InvalidRequest", "You do not have permission to access the storage of this ami.");

    /// <summary>Observed: InvalidRequest "Images with EC2 BillingProduct codes cannot be copied to another AWS account."</summary>
    public static AwsServiceException BillingProductCopy() =>
        new("InvalidRequest", "Images with EC2 BillingProduct codes cannot be copied to another AWS account.");

    /// <summary>The standard EC2 idempotency text (errors-overview: IdempotentParameterMismatch).</summary>
    public static AwsServiceException IdempotentMismatch() =>
        new("IdempotentParameterMismatch", "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).");

    /// <summary>errors-overview: ResourceLimitExceeded ("…too many snapshot copies in progress"); the wording is UNVERIFIED.</summary>
    public static AwsServiceException TooManySnapshotCopies(int limit) =>
        new("ResourceLimitExceeded", $"Too many snapshot copies in progress. The limit is {limit} for this destination region.");

    /// <summary>UNVERIFIED code (aws-behaviour.md §2.6) and wording.</summary>
    public static AwsServiceException TooManyImageCopies(int limit) =>
        new("ResourceLimitExceeded", $"Too many image copies in progress. The limit is {limit} for this destination region.");

    /// <summary>UNVERIFIED code and wording for the 1,000 sharing entities per AMI quota.</summary>
    public static AwsServiceException TooManyImageShares(int limit) =>
        new("ResourceLimitExceeded", $"You have exceeded the maximum number of {limit} accounts, organizations or organizational units an AMI can be shared with.");

    /// <summary>The text of the errors-overview entry for InvalidAMIName.Malformed.</summary>
    public static AwsServiceException ImageNameMalformed() =>
        new("InvalidAMIName.Malformed", "AMI names must be between 3 and 128 characters long, and may only contain letters, numbers, and the following special characters: '-', '_', '.', '/', '(', and ')'.");

    /// <summary>errors-overview: InvalidRegion ("For copying a snapshot or image, specify the source Region using its Region code").</summary>
    public static AwsServiceException InvalidRegion(string region) =>
        new("InvalidRegion", $"The specified region '{region}' is not valid. Specify the source Region using its Region code, for example us-west-2.");

    public static AwsServiceException ImageNameDuplicate(string name, string imageId) =>
        new("InvalidAMIName.Duplicate", $"AMI name {name} is already in use by AMI {imageId}");

    /// <summary>Observed: "The snapshot snap-… is currently in use by ami-…".</summary>
    public static AwsServiceException SnapshotInUse(string snapshotId, string imageId) =>
        new("InvalidSnapshot.InUse", $"The snapshot {snapshotId} is currently in use by {imageId}");

    /// <summary>UNVERIFIED wording for a source that is not ready yet.</summary>
    public static AwsServiceException IncorrectState(string kind, string state) =>
        new("IncorrectState", $"{kind} is in invalid state - {state}");

    /// <summary>errors-overview: InvalidPaginationToken.</summary>
    public static AwsServiceException BadNextToken(string token) =>
        new("InvalidPaginationToken", $"Invalid token: {token}");

    /// <summary>errors-overview: TagLimitExceeded.</summary>
    public static AwsServiceException TagLimit() =>
        new("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.");

    public static AwsServiceException Unsupported(string message) => new("UnsupportedOperation", message);
}
