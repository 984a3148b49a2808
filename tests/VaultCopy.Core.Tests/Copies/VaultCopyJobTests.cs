using System.Text.Json;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

public class VaultCopyJobTests
{
    [Fact]
    public void A_job_round_trips_through_json_with_every_field()
    {
        var job = new VaultCopyJob
        {
            JobId = Guid.Parse("8d0c3d4e-5c4a-4f35-9a52-0f8b6a1c2d3e"),
            Purpose = "vault",
            Type = VaultResourceType.Ami,
            SourceId = "ami-0123456789abcdef0",
            SourceArn = "arn:aws:ec2:eu-west-1::image/ami-0123456789abcdef0",
            SourceAccountId = "111111111111",
            SourceRegion = "eu-west-1",
            SourceKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/k1",
            SizeGiB = 30,
            TargetId = "ami-0fedcba9876543210",
            TargetArn = "arn:aws:ec2:eu-central-1::image/ami-0fedcba9876543210",
            TargetAccountId = "222222222222",
            TargetRegion = "eu-central-1",
            TargetKeyArn = "arn:aws:kms:eu-central-1:222222222222:key/k2",
            State = CopyJobState.Completed,
            Progress = 100,
            ServiceState = "available",
            StartTime = new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc),
            EndTime = new DateTime(2026, 11, 28, 10, 5, 0, DateTimeKind.Utc),
            Reused = true,
            Verified = true,
            VerificationMessage = "encrypted under a key of 222222222222; 30 GiB as the source",
        };

        string json = job.ToJson();
        VaultCopyJob back = VaultCopyJob.FromJson(json);

        Assert.Equal(json, back.ToJson());
        Assert.Contains("\"State\":\"Completed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"Type\":\"Ami\"", json, StringComparison.Ordinal);
        Assert.Equal(job.EndTime, back.EndTime);
        Assert.True(back.IsFinished);
    }

    [Fact]
    public void A_failed_job_keeps_its_typed_failure_through_json()
    {
        var job = new VaultCopyJob
        {
            JobId = Guid.NewGuid(), Purpose = "vault", Type = VaultResourceType.EbsSnapshot, SourceId = "snap-1", SourceArn = "arn:aws:ec2:eu-west-1::snapshot/snap-1",
            SourceAccountId = "111111111111", SourceRegion = "eu-west-1", TargetAccountId = "222222222222", TargetRegion = "eu-west-1",
            State = CopyJobState.Failed,
            Failure = new CopyFailure
            {
                Kind = VaultCopyErrorKind.PermissionDenied, ErrorId = "VaultCopyKeyNotAccessible", Message = "Account 222222222222 could not use a KMS key.",
                Remediation = "Run Grant-VaultKeyAccess.", AwsErrorCode = "KMSKeyNotAccessibleFault",
            },
        };

        VaultCopyJob back = VaultCopyJob.FromJson(job.ToJson());

        Assert.Equal(VaultCopyErrorKind.PermissionDenied, back.Failure?.Kind);
        Assert.Equal("VaultCopyKeyNotAccessible", back.Failure?.ErrorId);
        Assert.Equal("Run Grant-VaultKeyAccess.", back.Failure?.Remediation);
        Assert.Equal("KMSKeyNotAccessibleFault", back.Failure?.AwsErrorCode);
        Assert.Equal("Account 222222222222 could not use a KMS key. Run Grant-VaultKeyAccess.", back.FailureReason);
        Assert.Equal(job.ToJson(), back.ToJson());
    }

    [Fact]
    public void A_queued_job_omits_what_is_not_known_yet()
    {
        var job = new VaultCopyJob
        {
            JobId = Guid.NewGuid(), Purpose = "vault", Type = VaultResourceType.EbsSnapshot, SourceId = "snap-1", SourceArn = "arn:aws:ec2:eu-west-1::snapshot/snap-1",
            SourceAccountId = "111111111111", SourceRegion = "eu-west-1", TargetAccountId = "222222222222", TargetRegion = "eu-west-1",
        };

        string json = job.ToJson();

        Assert.DoesNotContain("TargetId", json, StringComparison.Ordinal);
        Assert.Equal(CopyJobState.Queued, VaultCopyJob.FromJson(json).State);
        Assert.False(job.IsFinished);
    }

    [Fact]
    public void Json_without_the_required_fields_is_refused()
    {
        Assert.ThrowsAny<JsonException>(() => VaultCopyJob.FromJson("{\"Type\":\"Ami\"}"));
    }

    [Theory]
    [InlineData(true, 15, 0, null)]
    [InlineData(false, 1, 90, 90)]
    public void Every_copy_command_means_the_same_by_its_wait_parameters(bool wait, int poll, int timeout, int? expectedTimeout)
    {
        CopyRunOptions options = CopyRunOptions.ForWait(wait, poll, timeout);

        Assert.Equal(wait, options.UntilFinished);
        Assert.Equal(TimeSpan.FromSeconds(poll), options.PollInterval);
        Assert.Equal(expectedTimeout is int seconds ? TimeSpan.FromSeconds(seconds) : null, options.Timeout);
        Assert.Same(CopyQuotas.Default, options.Quotas);
    }
}
