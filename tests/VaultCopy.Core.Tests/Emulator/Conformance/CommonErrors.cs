namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// Errors any operation of a service may answer although its model does not list them (the service models list only
/// operation-specific errors). Each entry has the wire code, the HTTP status when the source gives one, and its source.
/// </summary>
internal static class CommonErrors
{
    // The common errors every Query and JSON service documents on its "Common Errors" API Reference page, e.g.
    // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html,
    // https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html,
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/CommonErrors.html,
    // https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html.
    private static readonly (string Code, int? Status)[] s_documented =
    [
        ("AccessDeniedException", 400),
        ("IncompleteSignature", 400),
        ("InternalFailure", 500),
        ("InvalidAction", 400),
        ("InvalidClientTokenId", 403),
        ("NotAuthorized", 400),
        ("OptInRequired", 403),
        ("RequestExpired", 400),
        ("ServiceUnavailable", 503),
        ("ThrottlingException", 400),
    ];

    private static readonly (string Code, int? Status)[] s_query =
    [
        .. s_documented,
        ("ValidationError", 400),
        // The code IAM, STS and RDS actually send for a denial (403, Type Sender), as in the real bodies quoted in
        // aws-behaviour.md §0.2 and engineering-notes.md §1.6; the Common Errors pages name it AccessDeniedException.
        ("AccessDenied", 403),
        // SigV4 failures, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html; the
        // global endpoints answer a wrong credential-scope Region with SignatureDoesNotMatch (aws-behaviour.md §7.2).
        ("SignatureDoesNotMatch", 403),
        ("MissingAuthenticationToken", 403),
        ("ExpiredToken", 403),
        ("MissingAction", 400),
    ];

    // RDS documents the generic parameter errors of the Query API (RDS Common Errors page, older edition) as well.
    private static readonly (string Code, int? Status)[] s_rds =
    [
        .. s_query,
        ("InvalidParameterValue", 400),
        ("InvalidParameterCombination", 400),
        ("MissingParameter", 400),
    ];

    // JSON 1.1 services send the exception-style names (aws-behaviour.md §0.2; botocore protocol tests,
    // https://github.com/boto/botocore/blob/HEAD/tests/unit/protocols/output/json.json) and ValidationException for
    // constraint violations (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html).
    private static readonly (string Code, int? Status)[] s_json =
    [
        .. s_documented,
        ("ValidationException", 400),
        ("UnrecognizedClientException", 400),
        ("InvalidSignatureException", 400),
        ("MissingAuthenticationTokenException", 400),
        ("IncompleteSignatureException", 400),
        ("ExpiredTokenException", 400),
        ("SerializationException", 400),
        ("UnknownOperationException", 400),
    ];

    // EC2 models no errors at all; every code is documented on one page:
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (common client and server errors,
    // and the client errors for specific resources that the snapshot/AMI/KMS paths of a vault copy can meet).
    private static readonly (string Code, int? Status)[] s_ec2 =
    [
        ("AuthFailure", 401),
        ("Blocked", null),
        ("DryRunOperation", 412),
        ("IdempotentParameterMismatch", null),
        ("IncompleteSignature", 400),
        ("InvalidAction", null),
        ("InvalidCharacter", null),
        ("InvalidClientTokenId", null),
        ("InvalidPaginationToken", null),
        ("InvalidParameter", null),
        ("InvalidParameterCombination", null),
        ("InvalidParameterDependency", null),
        ("InvalidParameterValue", null),
        ("InvalidQueryParameter", null),
        ("MalformedQueryString", null),
        ("MissingAction", null),
        ("MissingAuthenticationToken", 401),
        ("MissingParameter", null),
        ("NoSuchVersion", null),
        ("OptInRequired", null),
        ("PendingVerification", null),
        ("RequestExpired", 400),
        ("UnauthorizedOperation", 403),
        ("UnknownParameter", null),
        ("UnsupportedOperation", null),
        ("UnsupportedProtocol", null),
        ("ValidationError", null),
        ("InternalError", 500),
        ("RequestLimitExceeded", 503),
        ("ServiceUnavailable", 503),
        ("Unavailable", 503),
        ("IncorrectState", null),
        ("InvalidAMIAttributeItemValue", null),
        ("InvalidAMIID.Malformed", null),
        ("InvalidAMIID.NotFound", null),
        ("InvalidAMIID.Unavailable", null),
        ("InvalidAMIName.Duplicate", null),
        ("InvalidAMIName.Malformed", null),
        ("InvalidID", null),
        ("InvalidRegion", null),
        ("InvalidRequest", null),
        ("InvalidSnapshot.InUse", null),
        ("InvalidSnapshot.NotFound", null),
        ("InvalidSnapshotID.Malformed", null),
        ("InvalidState", null),
        ("InvalidTagKey.Malformed", null),
        ("InvalidUserID.Malformed", null),
        ("InvalidVolume.NotFound", null),
        ("OperationNotPermitted", null),
        ("ResourceLimitExceeded", null),
        ("SnapshotLimitExceeded", null),
        ("TagLimitExceeded", null),
    ];

    /// <summary>The documented status of a common error of <paramref name="service"/>; false when it is not one.</summary>
    public static bool TryGet(string service, string protocol, string code, out int? status)
    {
        var table = protocol switch
        {
            "ec2" => s_ec2,
            "json" => s_json,
            _ => service == "rds" ? s_rds : s_query,
        };
        foreach (var entry in table)
        {
            if (string.Equals(entry.Code, code, StringComparison.Ordinal))
            {
                status = entry.Status;
                return true;
            }
        }

        status = null;
        return false;
    }
}
