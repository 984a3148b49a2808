using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies.Backends;

/// <summary>
/// RDS DB snapshots (CopyDBSnapshot) or Aurora cluster snapshots (CopyDBClusterSnapshot): the target identifier
/// is deterministic (CopyNaming.RdsIdentifier), so an earlier copy is found by name and confirmed by its lineage
/// tags and key. RDS refuses an unusable key at once, unlike EBS.
/// </summary>
internal sealed class RdsCopyBackend : ICopyBackend
{
    private readonly RdsGateway _rds;
    private readonly bool _cluster;
    private readonly string _accountId;
    private readonly string _region;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CopyObservation> _observed = new(StringComparer.OrdinalIgnoreCase);

    public RdsCopyBackend(RdsGateway rds, bool cluster, string accountId, string region, TimeProvider? time = null)
    {
        _rds = rds;
        _cluster = cluster;
        _accountId = accountId;
        _region = region;
        _time = time ?? TimeProvider.System;
    }

    public VaultResourceType Type => _cluster ? VaultResourceType.AuroraClusterSnapshot : VaultResourceType.RdsSnapshot;

    public async Task<bool> AdoptExistingAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        RdsSnapshotRecord? existing = (await Describe([job.TargetId!], job, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (existing is null)
        {
            return false;
        }

        if (!existing.Tags.TryGetValue(CopyNaming.SourceArnTag, out string? source) || source != job.SourceArn
            || !existing.Tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) || purpose != job.Purpose)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyNameInUse",
                $"Account {_accountId} already has a snapshot named {existing.Identifier} that is not VaultCopy's {job.Purpose} copy of {job.SourceId} (its lineage tags differ).",
                $"Rename or delete {existing.Identifier}, then copy again.");
        }

        if (job.TargetKeyArn is not null && existing.KmsKeyId != job.TargetKeyArn)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyUnderOtherKey",
                $"{job.SourceId} was already copied to {existing.Identifier}, under key {existing.KmsKeyId ?? "(none)"} rather than {job.TargetKeyArn}.",
                $"Use that copy, or delete {existing.Identifier} and copy again under the new key.");
        }

        job.Reused = true;
        job.TargetArn = existing.Arn;
        job.StartTime = existing.CreateTime;
        Apply(job, existing);
        return true;
    }

    public async Task<int> CountInFlightAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _rds.CountSnapshotsInProgressAsync(_cluster, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.IsThrottling)
        {
            throw new CopyDeferredException(error.Message, error);
        }
    }

    public async Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        DateTime now = _time.GetUtcNow().UtcDateTime;

        // Only an own snapshot of this Region may be named by identifier; anything else by ARN.
        bool local = job.SourceAccountId == _accountId && job.SourceRegion == _region;
        RdsSnapshotRecord copy;
        try
        {
            copy = await _rds.CopySnapshotAsync(
                _cluster, local ? job.SourceId : job.SourceArn, job.SourceRegion, job.TargetId!, job.TargetKeyArn,
                CopyNaming.LineageTags(job.Purpose, job.SourceResource(), now), _region, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.DBSnapshotAlreadyExists or QueryErrorCodes.DBClusterSnapshotAlreadyExists)
        {
            // Made by a run that went on at the same time: take it over if it is ours.
            if (await AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            throw Translate(error, job);
        }
        catch (QueryServiceException error)
        {
            throw Translate(error, job);
        }
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException)
        {
            throw AwsErrorTranslator.Translate(error, $"Copying {job.SourceId}", $"account {_accountId} ({_region})");
        }

        job.MarkStarted(copy.Identifier, copy.Arn, now, copy.Status);
        Apply(job, copy);
    }

    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<RdsSnapshotRecord> records = await Describe(jobs.Select(j => j.TargetId!).ToList(), jobs[0], cancellationToken).ConfigureAwait(false);
        CopyStates.ApplyDescribed(jobs, records, r => r.Identifier, Apply, _time.GetUtcNow().UtcDateTime, StringComparer.OrdinalIgnoreCase);
    }

    public Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken) =>
        CopyStates.VerifyObservedAsync(job, _observed, RefreshAsync, cancellationToken);

    private async Task<IReadOnlyList<RdsSnapshotRecord>> Describe(IReadOnlyList<string> identifiers, VaultCopyJob job, CancellationToken cancellationToken)
    {
        try
        {
            return await _rds.DescribeByIdentifiersAsync(_cluster, identifiers, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.IsThrottling)
        {
            throw new CopyDeferredException(error.Message, error);
        }
        catch (QueryServiceException error)
        {
            throw Translate(error, job);
        }
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException)
        {
            throw AwsErrorTranslator.Translate(error, "Looking at the RDS snapshot copies", $"account {_accountId} ({_region})");
        }
    }

    private void Apply(VaultCopyJob job, RdsSnapshotRecord record)
    {
        var copy = new CopyObservation(record.Identifier, record.Status, record.PercentProgress, record.Encrypted, record.KmsKeyId, record.AllocatedStorage)
        {
            OwnerAccountId = Accounts.Arn.AccountOf(record.Arn),
            Tags = record.Tags,
        };
        _observed[record.Identifier] = copy;
        CopyStates.ApplyRds(job, copy, _time.GetUtcNow().UtcDateTime);
    }

    private Exception Translate(QueryServiceException error, VaultCopyJob job)
    {
        if (error.IsThrottling
            || (error.ErrorCode == QueryErrorCodes.SnapshotQuotaExceeded && error.ServiceMessage.Contains("copy", StringComparison.OrdinalIgnoreCase)))
        {
            // "Cannot copy more than 20 snapshots across regions": the concurrent-copy quota, which frees up.
            return new CopyDeferredException(error.Message, error);
        }

        if (error.ErrorCode == QueryErrorCodes.KmsKeyNotAccessible)
        {
            CopyFailure failure = CopyStates.KeyNotAccessible(job, "RDS", error.ServiceMessage);
            return new VaultCopyException(failure.Kind, failure.ErrorId, failure.Message, failure.Remediation, error.ErrorCode, error);
        }

        (VaultCopyErrorKind kind, string id, string message, string? fix) = error.ErrorCode switch
        {
            QueryErrorCodes.SnapshotQuotaExceeded => (VaultCopyErrorKind.LimitExceeded, "ManualSnapshotQuotaExceeded",
                $"Account {_accountId} has as many manual {(_cluster ? "cluster " : string.Empty)}snapshots in {_region} as its quota allows: {error.ServiceMessage}",
                "Delete manual snapshots that are no longer needed, or ask AWS to raise the quota, then copy again."),
            QueryErrorCodes.DBSnapshotNotFound or QueryErrorCodes.DBClusterSnapshotNotFound => (VaultCopyErrorKind.NotFound, "CopySourceNotFound",
                $"{job.SourceId} was not found, or it is not shared with account {_accountId}.",
                "Check the id; a snapshot of another account must first be shared with this one (Grant-VaultSnapshotAccess)."),
            QueryErrorCodes.InvalidDBSnapshotState or QueryErrorCodes.InvalidDBClusterSnapshotState => (VaultCopyErrorKind.InvalidState, "CopySourceNotReady",
                $"{job.SourceId} cannot be copied now: {error.ServiceMessage}", "Wait until it is available, then copy again."),
            QueryErrorCodes.DBSnapshotAlreadyExists or QueryErrorCodes.DBClusterSnapshotAlreadyExists => (VaultCopyErrorKind.InvalidState, "CopyNameInUse",
                $"Account {_accountId} already has a snapshot named {job.TargetId}: {error.ServiceMessage}", $"Rename or delete {job.TargetId}, then copy again."),
            _ => (VaultCopyErrorKind.ServiceFailure, string.Empty, string.Empty, null),
        };
        if (id.Length == 0)
        {
            // Denials, 5xx and the rest: worded like every other AWS error.
            return AwsErrorTranslator.Translate(error, $"Copying {job.SourceId}", $"account {_accountId} ({_region})",
                action: _cluster ? "rds:CopyDBClusterSnapshot" : "rds:CopyDBSnapshot");
        }

        return new VaultCopyException(kind, id, message, fix, error.ErrorCode, error);
    }
}
