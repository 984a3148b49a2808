using System.Net;
using Amazon.EC2;
using Amazon.KeyManagementService;
using Amazon.Runtime;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Tests.Aws;

/// <summary>One AWS condition, one kind and error id, whichever service (SDK or our query client) met it.</summary>
public sealed class AwsErrorTranslatorTests
{
    public static TheoryData<string, Exception, VaultCopyErrorKind, string> Conditions => new()
    {
        { "EC2 throttled", Ec2("RequestLimitExceeded", HttpStatusCode.ServiceUnavailable), VaultCopyErrorKind.LimitExceeded, "Throttled" },
        { "KMS throttled", Kms("ThrottlingException", HttpStatusCode.BadRequest), VaultCopyErrorKind.LimitExceeded, "Throttled" },
        { "RDS throttled", Query("Throttling", HttpStatusCode.BadRequest), VaultCopyErrorKind.LimitExceeded, "Throttled" },
        { "EC2 5xx", Ec2("InternalError", HttpStatusCode.InternalServerError), VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable" },
        { "KMS 5xx", Kms("KMSInternalException", HttpStatusCode.InternalServerError), VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable" },
        { "RDS 5xx", Query("InternalFailure", HttpStatusCode.InternalServerError), VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable" },
        { "IAM 503", Query("ServiceUnavailable", HttpStatusCode.ServiceUnavailable), VaultCopyErrorKind.ServiceFailure, "AwsServiceUnavailable" },
        { "EC2 denied", Ec2("UnauthorizedOperation", HttpStatusCode.Forbidden), VaultCopyErrorKind.PermissionDenied, "AccessDenied" },
        { "KMS denied", Kms("AccessDeniedException", HttpStatusCode.BadRequest), VaultCopyErrorKind.PermissionDenied, "AccessDenied" },
        { "RDS denied", Query("AccessDenied", HttpStatusCode.Forbidden), VaultCopyErrorKind.PermissionDenied, "AccessDenied" },
        { "STS refuses a value", Query("ValidationError", HttpStatusCode.BadRequest), VaultCopyErrorKind.InvalidArgument, "AwsValidationFailed" },
        { "KMS refuses a value", Kms("ValidationException", HttpStatusCode.BadRequest), VaultCopyErrorKind.InvalidArgument, "AwsValidationFailed" },
        { "EC2 refuses a value", Ec2("InvalidParameterValue", HttpStatusCode.BadRequest), VaultCopyErrorKind.InvalidArgument, "AwsValidationFailed" },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void The_same_condition_gets_the_same_kind_and_error_id(string condition, Exception error, VaultCopyErrorKind kind, string errorId)
    {
        VaultCopyException translated = AwsErrorTranslator.Translate(error, "Reading the copies", "account 222222222222 (eu-west-1)",
            "arn:aws:iam::222222222222:role/VaultCopyVault", "ec2:DescribeSnapshots");

        Assert.True(kind == translated.Kind, condition);
        Assert.Equal(errorId, translated.ErrorId);
        Assert.NotNull(translated.Remediation);
        if (kind == VaultCopyErrorKind.LimitExceeded)
        {
            Assert.Contains("Run it again", translated.Remediation, StringComparison.Ordinal);
        }

        if (kind == VaultCopyErrorKind.PermissionDenied)
        {
            Assert.Contains("arn:aws:iam::222222222222:role/VaultCopyVault", translated.Message, StringComparison.Ordinal);
            Assert.Contains("ec2:DescribeSnapshots", translated.Message, StringComparison.Ordinal);
        }
    }

    private static AmazonEC2Exception Ec2(string code, HttpStatusCode status) => new("EC2 said no", null, ErrorType.Sender, code, "r-1", status);

    private static AmazonKeyManagementServiceException Kms(string code, HttpStatusCode status) => new("KMS said no", null, ErrorType.Sender, code, "r-2", status);

    private static QueryServiceException Query(string code, HttpStatusCode status) => new("RDS", code, "RDS said no", status, "Sender", "r-3");
}
