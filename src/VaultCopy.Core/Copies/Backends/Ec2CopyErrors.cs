using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>What EC2's answers to CopySnapshot/CopyImage and the describes mean for a copy job.</summary>
internal static class Ec2CopyErrors
{
    public static bool IsDeferral(AwsServiceException error) =>
        error.ErrorCode == "ResourceLimitExceeded" || QueryErrorCodes.Throttling.Contains(error.ErrorCode ?? string.Empty);

    /// <summary>An EC2 call of the copy machinery, its failure translated once, about <paramref name="job"/>.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> call, VaultCopyJob job, string operation)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw Translate(error, job, operation);
        }
    }

    public static Exception Translate(Exception error, VaultCopyJob job, string operation)
    {
        if (error is not AwsServiceException ec2)
        {
            return error is OperationCanceledException or VaultCopyException ? error : AwsErrorTranslator.Translate(error, operation, Where(job));
        }

        if (IsDeferral(ec2))
        {
            return new CopyDeferredException($"{operation}: {ec2.ErrorCode}: {ec2.ServiceMessage}", ec2);
        }

        return ec2.ErrorCode switch
        {
            "InvalidSnapshot.NotFound" or "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable" => new VaultCopyException(
                VaultCopyErrorKind.NotFound, "CopySourceNotFound",
                $"{job.SourceId} was not found in {job.SourceRegion}, or it is not shared with account {job.TargetAccountId}.",
                "Check the id; a resource of another account must first be shared with this one (Grant-VaultSnapshotAccess).", ec2.ErrorCode, ec2),
            "IncorrectState" => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopySourceNotReady",
                $"{job.SourceId} cannot be copied yet: {ec2.ServiceMessage}", "Wait until it is completed (EBS) or available (AMI), then copy again.", ec2.ErrorCode, ec2),
            "InvalidAMIName.Duplicate" => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyNameInUse",
                $"The copy of {job.SourceId} cannot be named as VaultCopy names it, because another AMI of account {job.TargetAccountId} already has that name: {ec2.ServiceMessage} It is probably an earlier copy of the same AMI under another key.",
                "Deregister that AMI if it is no longer needed, then copy again.", ec2.ErrorCode, ec2),
            "InvalidRequest" or "IdempotentParameterMismatch" or "InvalidParameterValue" or "InvalidParameterCombination" or "InvalidParameter" => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyRefused",
                $"EC2 refused to copy {job.SourceId} into account {job.TargetAccountId}: {ec2.ErrorCode}: {ec2.ServiceMessage}", null, ec2.ErrorCode, ec2),
            _ => AwsErrorTranslator.Translate(ec2, operation, Where(job)),
        };
    }

    private static string Where(VaultCopyJob job) => $"account {job.TargetAccountId} ({job.TargetRegion})";
}
