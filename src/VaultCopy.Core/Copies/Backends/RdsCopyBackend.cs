using System.Collections.Concurrent;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

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
    private readonly ConcurrentDictionary<Guid, IReadOnlyList<FoundCopy>> _failedEarlier = new();

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

        if (!CopyLineage.Carries(job, existing.Tags))
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyNameInUse",
                $"Account {_accountId} already has a snapshot named {existing.Identifier} that is not VaultCopy's {job.Purpose} copy of {job.SourceId} (its lineage tags differ).",
                $"Rename or delete {existing.Identifier}, then copy again.");
        }

        FoundCopyStanding standing = existing.Status switch
        {
            "available" or "creating" or "copying" or "pending" => FoundCopyStanding.Live,
            "failed" => FoundCopyStanding.Failed,
            _ => FoundCopyStanding.Other,
        };

        // The name is the lineage's whatever the key, so a failed copy under another key is in the way too.
        LineageDecision decision = CopyLineage.Decide(job, [new FoundCopy(existing.Identifier, standing, existing.CreateTime,
            standing == FoundCopyStanding.Failed ? null : existing.KmsKeyId, existing.Tags)]);
        if (decision.FailedToRemove.Count > 0)
        {
            // A failed copy is no copy: StartAsync deletes it and copies again.
            _failedEarlier[job.JobId] = decision.FailedToRemove;
            return false;
        }

        if (standing == FoundCopyStanding.Live && decision.Winner is null)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "CopyUnderOtherKey",
                $"{job.SourceId} was already copied to {existing.Identifier}, under key {existing.KmsKeyId ?? "(none)"} rather than {job.TargetKeyArn}.",
                $"Use that copy, or delete {existing.Identifier} and copy again under the new key.");
        }

        if (decision.Winner is null)
        {
            return false;
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
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException and not CopyDeferredException)
        {
            throw AwsErrorTranslator.Translate(error, $"Counting the {(_cluster ? "cluster " : string.Empty)}snapshot copies in flight", $"account {_accountId} ({_region})");
        }
    }

    public async Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken)
    {
        if (_cluster && job.SourceKeyArn is null && job.TargetKeyArn is not null)
        {
            // RDS answers a KmsKeyId for an unencrypted cluster snapshot with an error, and without one the copy would
            // stay unencrypted: refused as the source rules refuse it, before any call.
            throw SourceRules.UnencryptedAuroraSnapshot(job.SourceResource()).ToException();
        }

        for (int attempt = 1; ; attempt++)
        {
            if (_failedEarlier.TryRemove(job.JobId, out IReadOnlyList<FoundCopy>? failed))
            {
                await CopyLineage.RemoveFailedAsync(job, failed, id => DeleteAsync(id, cancellationToken), (error, _) => Translate(error, job)).ConfigureAwait(false);
            }

            try
            {
                await CopyAsync(job, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.DBSnapshotAlreadyExists or QueryErrorCodes.DBClusterSnapshotAlreadyExists)
            {
                // Made by a run that went on at the same time (taken over if it is ours), or a failed copy of ours
                // nobody looked up before (deleted, and copied again once).
                if (await AdoptExistingAsync(job, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                if (attempt > 1 || !_failedEarlier.ContainsKey(job.JobId))
                {
                    throw Translate(error, job);
                }
            }
        }
    }

    private async Task CopyAsync(VaultCopyJob job, CancellationToken cancellationToken)
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
            throw;
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

    /// <summary>Deletes a snapshot of ours; one already gone (an overlapping run removed it) is done.</summary>
    private async Task DeleteAsync(string identifier, CancellationToken cancellationToken)
    {
        try
        {
            await _rds.DeleteSnapshotAsync(_cluster, identifier, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.DBSnapshotNotFound or QueryErrorCodes.DBClusterSnapshotNotFound)
        {
        }
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

    private Exception Translate(Exception error, VaultCopyJob job) => error is QueryServiceException query
        ? Translate(query, job)
        : error is VaultCopyException or OperationCanceledException ? error : AwsErrorTranslator.Translate(error, $"Copying {job.SourceId}", $"account {_accountId} ({_region})");

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
