using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// KMS errors as the service sends them: JSON 1.1, HTTP 400, <c>__type</c> = the model's exception shape name
/// (none of the KMS exception shapes declares another code). Messages are AWS's where a source records them
/// (README "KMS", error table).
/// </summary>
internal static class KmsErrors
{
    public const string LockoutMessage = "The new key policy will not allow you to update the key policy in the future.";
    public const string InvalidPrincipalsMessage = "Policy contains a statement with one or more invalid principals.";
    public const string AliasesNotSupportedMessage = "Key Aliases are not supported for this operation.";
    public const string IncorrectKeyMessage = "The key ID in the request does not identify a CMK that can perform this operation.";
    public const string DryRunMessage = "The request would have succeeded, but the DryRun option is set.";

    public static AwsServiceException Create(string code, string? message) => new(code, message);

    public static AwsServiceException KeyNotFound(string keyArn) => new("NotFoundException", $"Key '{keyArn}' does not exist");

    public static AwsServiceException AliasNotFound(string aliasArn) => new("NotFoundException", $"Alias {aliasArn} is not found.");

    public static AwsServiceException InvalidKeyId(string keyId) => new("NotFoundException", $"Invalid keyId '{keyId}'");

    public static AwsServiceException InvalidArn(string message) => new("InvalidArnException", message);

    public static AwsServiceException Validation(string message) => new("ValidationException", message);

    public static AwsServiceException Malformed(string? message) => new("MalformedPolicyDocumentException", message);

    public static AwsServiceException Disabled(string keyArn) => new("DisabledException", $"{keyArn} is disabled.");

    public static AwsServiceException PendingDeletion(string keyArn) => new("KMSInvalidStateException", $"{keyArn} is pending deletion.");

    public static AwsServiceException NotPendingDeletion(string keyArn) => new("KMSInvalidStateException", $"{keyArn} is not pending deletion.");

    public static AwsServiceException PendingImport(string keyArn) => new("KMSInvalidStateException", $"{keyArn} is pending import.");

    public static AwsServiceException InvalidCiphertext() => new("InvalidCiphertextException", null);

    public static AwsServiceException IncorrectKey() => new("IncorrectKeyException", IncorrectKeyMessage);

    public static AwsServiceException DryRun() => new("DryRunOperationException", DryRunMessage);

    public static AwsServiceException InvalidMarker() => new("InvalidMarkerException", "Invalid marker");

    public static AwsServiceException InvalidGrantToken() => new("InvalidGrantTokenException", "Grant token is invalid");

    public static AwsServiceException InvalidGrantId(string grantId) => new("InvalidGrantIdException", $"Invalid grant id '{grantId}'");

    public static AwsServiceException InvalidKeyUsage(KmsKey key, string operation) =>
        new("InvalidKeyUsageException", $"{key.Arn} key usage is {key.KeyUsage} which is not valid for {operation}.");
}
