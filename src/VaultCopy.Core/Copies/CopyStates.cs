using System.Globalization;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Copies;

/// <summary>Maps the services' state words onto a job, and their failure texts onto plain words.</summary>
internal static class CopyStates
{
    private const string KeyNotAccessibleText = "Given key ID is not accessible";

    /// <summary>EBS: pending | completed | error | recoverable | recovering.</summary>
    public static void ApplySnapshot(VaultCopyJob job, CopyObservation copy, string? stateMessage, DateTime now)
    {
        Apply(job, copy, now, copy.ServiceState switch
        {
            "completed" => CopyJobState.Completed,
            "error" => CopyJobState.Failed,
            _ => CopyJobState.InProgress,
        }, () => Failure(job, "EBS", stateMessage));
    }

    /// <summary>AMI: pending | available | failed | error | invalid | deregistered | transient | disabled.</summary>
    public static void ApplyImage(VaultCopyJob job, CopyObservation copy, string? stateReason, DateTime now)
    {
        Apply(job, copy, now, copy.ServiceState switch
        {
            "available" => CopyJobState.Completed,
            "pending" or "transient" => CopyJobState.InProgress,
            _ => CopyJobState.Failed,
        }, () => Failure(job, "EC2", stateReason));
    }

    /// <summary>RDS: creating | copying | pending | available | failed | deleting | deleted …</summary>
    public static void ApplyRds(VaultCopyJob job, CopyObservation copy, DateTime now)
    {
        Apply(job, copy, now, copy.ServiceState switch
        {
            "available" => CopyJobState.Completed,
            "creating" or "copying" or "pending" => CopyJobState.InProgress,
            _ => CopyJobState.Failed,
        }, () => Failed(job, VaultCopyErrorKind.InvalidState, $"The copy {copy.TargetId} ended in state '{copy.ServiceState}'.", "Delete it and copy again."));
    }

    /// <summary>
    /// One describe call's answer applied to the jobs it was about: each job's copy found by its id (compared by
    /// <paramref name="ids"/>, default ordinal), a copy that is no longer there as missing.
    /// </summary>
    public static void ApplyDescribed<T>(
        IReadOnlyList<VaultCopyJob> jobs, IReadOnlyList<T> copies, Func<T, string> idOf, Action<VaultCopyJob, T> apply, DateTime now, StringComparer? ids = null)
        where T : class
    {
        StringComparer compare = ids ?? StringComparer.Ordinal;
        foreach (VaultCopyJob job in jobs)
        {
            T? copy = copies.FirstOrDefault(c => compare.Equals(idOf(c), job.TargetId));
            if (copy is null)
            {
                ApplyMissing(job, now);
            }
            else
            {
                apply(job, copy);
            }
        }
    }

    /// <summary>Verifies a job against the copy last observed, looking once more when it was not seen yet.</summary>
    public static async Task VerifyObservedAsync(
        VaultCopyJob job, IReadOnlyDictionary<string, CopyObservation> observed, Func<IReadOnlyList<VaultCopyJob>, CancellationToken, Task> refresh,
        CancellationToken cancellationToken)
    {
        if (!observed.TryGetValue(job.TargetId!, out CopyObservation? copy))
        {
            await refresh([job], cancellationToken).ConfigureAwait(false);
            copy = observed.GetValueOrDefault(job.TargetId!);
        }

        if (copy is not null)
        {
            CopyVerifier.Verify(job, copy);
        }
    }

    /// <summary>The copy is gone: deleted (or deregistered) while it ran.</summary>
    public static void ApplyMissing(VaultCopyJob job, DateTime now)
    {
        bool completed = job.State == CopyJobState.Completed;
        job.ServiceState = "missing";
        job.Verified = completed ? false : job.Verified;
        job.MarkFailed(Failed(job, completed ? VaultCopyErrorKind.NotFound : VaultCopyErrorKind.InvalidState,
            completed
                ? $"The copy {job.TargetId} no longer exists in account {job.TargetAccountId} ({job.TargetRegion}): it was deleted after the job was saved, or the job names a copy that was never there."
                : $"The copy {job.TargetId} no longer exists in account {job.TargetAccountId} ({job.TargetRegion}); it was deleted while copying.",
            "Copy again: run the copy command for the source again (it copies what has no copy in the vault)."), now);
    }

    /// <summary>A copy that AWS accepted and then failed: the error id says which command's copy it was.</summary>
    public static CopyFailure Failed(VaultCopyJob job, VaultCopyErrorKind kind, string message, string? remediation) => new()
    {
        Kind = kind,
        ErrorId = job.Purpose == Conversion.SnapshotKeyConverter.Purpose ? "ConversionFailed" : "VaultCopyFailed",
        Message = message,
        Remediation = remediation,
    };

    public static int ParsePercent(string? progress) =>
        int.TryParse((progress ?? string.Empty).TrimEnd('%'), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? Math.Clamp(value, 0, 100) : 0;

    /// <summary>The failure of a copy whose key could not be used, as EBS/EC2 report it only later and RDS at once.</summary>
    public static CopyFailure KeyNotAccessible(VaultCopyJob job, string service, string serviceText)
    {
        // The service does not say which key: name every key the copy depends on, each backing snapshot's for an AMI.
        IReadOnlyList<string> sourceKeys = job.SourceKeyArns ?? (job.SourceKeyArn is null ? [] : [job.SourceKeyArn]);
        string named = sourceKeys.Count switch
        {
            0 => string.Empty,
            1 => $" or the source key {sourceKeys[0]}",
            _ => $" or one of the source keys {string.Join(", ", sourceKeys)}",
        };
        string remediation;
        if (sourceKeys.Count > 0 && job.SourceAccountId != job.TargetAccountId)
        {
            remediation = $"The vault cannot use the origin key: run Grant-VaultKeyAccess -Source <origin {job.SourceAccountId}> -Destination <vault {job.TargetAccountId}> -KeyId {sourceKeys[0]}"
                + (job.TargetKeyArn is null ? string.Empty : $" -KmsKeyId {job.TargetKeyArn}")
                + (sourceKeys.Count > 1 ? $" (and the same for {string.Join(", ", sourceKeys.Skip(1))})" : job.Type == Resources.VaultResourceType.Ami && job.SourceKeyArns is null ? " (and the same for every other key of the AMI's snapshots; Test-VaultCopyPrereq lists them)" : string.Empty)
                + ", then copy again.";
        }
        else if (job.SourceAccountId == job.TargetAccountId)
        {
            // A copy inside one account (a conversion): no other account is involved, the key policies are.
            string keys = string.Join(", ", sourceKeys.Prepend(job.TargetKeyArn ?? "the account's default EBS key").Distinct(StringComparer.Ordinal));
            remediation = $"Let the principal of account {job.TargetAccountId} use {keys} through {service} (the key policy, or an IAM policy where the key policy defers to IAM: kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, kms:CreateGrant, kms:DescribeKey), then run the command again.";
        }
        else
        {
            remediation = "Run Grant-VaultKeyAccess for that key (Test-VaultCopyPrereq shows which one), then copy again.";
        }

        return new CopyFailure
        {
            Kind = VaultCopyErrorKind.PermissionDenied,
            ErrorId = "VaultCopyKeyNotAccessible",
            Message = $"Account {job.TargetAccountId} could not use a KMS key the copy needs — the destination key {job.TargetKeyArn ?? "(the account's default EBS key)"}"
                + named
                + $" — so the copy {job.TargetId} failed ({service} said: \"{serviceText}\").",
            Remediation = remediation,
        };
    }

    private static void Apply(VaultCopyJob job, CopyObservation copy, DateTime now, CopyJobState state, Func<CopyFailure> failure)
    {
        job.ServiceState = copy.ServiceState;
        job.State = state;
        job.Progress = state == CopyJobState.Completed ? 100 : copy.Progress;
        if (copy.KeyArn is not null)
        {
            job.TargetKeyArn ??= copy.KeyArn;
        }

        if (state == CopyJobState.Failed)
        {
            job.Failure ??= failure();
        }

        if (job.IsFinished)
        {
            job.EndTime ??= now;
        }
    }

    private static CopyFailure Failure(VaultCopyJob job, string service, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Failed(job, VaultCopyErrorKind.InvalidState, $"The copy {job.TargetId} failed and {service} gave no reason.", "Delete it and copy again.");
        }

        // The service's state message is the only place EBS and EC2 say why; the KMS wording is theirs, read here once.
        return text.Contains(KeyNotAccessibleText, StringComparison.OrdinalIgnoreCase)
            ? KeyNotAccessible(job, service, text)
            : Failed(job, VaultCopyErrorKind.InvalidState, $"The copy {job.TargetId} failed: {service} said \"{text}\".", "Delete it and copy again.");
    }
}
