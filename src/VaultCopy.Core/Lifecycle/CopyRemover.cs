using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.VaultCopies;
using VaultCopy.Core.Output;

namespace VaultCopy.Core.Lifecycle;

/// <summary>What Remove-VaultCopy did with one copy.</summary>
public sealed class VaultCopyRemoval
{
    public required VaultResourceType Type { get; init; }

    public required string TargetId { get; init; }

    public required string SourceId { get; init; }

    public required string SourceArn { get; init; }

    public DateTime? CopiedAt { get; init; }

    /// <summary>The snapshots deleted with an AMI copy.</summary>
    public IReadOnlyList<string> DeletedSnapshots { get; init => field = ValueList.Of(value); } = ValueList.Of<string>([]);

    /// <summary>Snapshots of an AMI copy that could not be deleted (locked, or used by another AMI); the AMI is gone.</summary>
    public IReadOnlyList<string> KeptSnapshots { get; init => field = ValueList.Of(value); } = ValueList.Of<string>([]);

    public required string Reason { get; init; }
}

/// <summary>
/// Retention in the vault: lists VaultCopy's own copies, plans with <see cref="RetentionPlanner"/> (pure), and
/// removes one decision at a time so the caller confirms each right before its deletes. Every removal reads the copy
/// again and requires its lineage tags; locks are re-read too, since they may have changed since the listing.
/// </summary>
public sealed class CopyRemover : IDisposable
{
    private readonly VaultAccount _vault;
    private readonly string _region;
    private readonly VaultCopyCatalog _catalog;
    private readonly ResourceInventory _inventory;
    private readonly Ec2Gateway _ec2;
    private readonly RdsGateway _rds;
    private readonly AwsClients _clients;
    private readonly AwsClients? _ownedClients;

    public CopyRemover(VaultAccount vault, string? region = null)
        : this(vault, region, null)
    {
    }

    /// <summary>Removes with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal CopyRemover(VaultAccount vault, string? region, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        _region = region ?? vault.Region;
        _clients = clients ??= _ownedClients = new AwsClients();
        _catalog = new VaultCopyCatalog(vault, _region, clients);
        _inventory = new ResourceInventory(vault, _region, clients);
        _ec2 = clients.Ec2(vault.Session, _region);
        _rds = clients.Rds(vault.Session, _region);
    }

    /// <summary>
    /// Lists the vault's copies (all, or those of the given copies' sources) and decides. <paramref name="selected"/>:
    /// the copies given explicitly (jobs or ids); only they can be removed, but every copy of their series is listed
    /// so the newest-copy and keep-last rules see the whole history. <paramref name="origin"/>, when connected, tells
    /// which volume each EBS source was taken of, so the copies of one volume's nightly snapshots form one series.
    /// </summary>
    public async Task<IReadOnlyList<RetentionDecision>> PlanAsync(
        RetentionRule rule, IReadOnlyCollection<VaultCopyJob>? selected, VaultCopyQuery? query = null, VaultAccount? origin = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate(selected is not null);
        var listed = new List<(VaultCopyJob Job, VaultResource Copy)>();
        await foreach ((VaultCopyJob job, VaultResource copy) in _catalog.ListCopiesAsync(query ?? new VaultCopyQuery(), cancellationToken).ConfigureAwait(false))
        {
            // Age is measured from the creation time AWS reports, never from the copied-at tag: a tag can be
            // edited by anyone allowed to tag, and must not make a fresh copy look old.
            if (copy.CreationTime is DateTime created)
            {
                job.StartTime = created;
            }

            listed.Add((job, copy));
        }

        IReadOnlyDictionary<string, string> volumes = await VolumesOfSourcesAsync(origin, listed.Select(l => l.Job).ToList(), cancellationToken).ConfigureAwait(false);
        var candidates = listed.DistinctBy(l => l.Job.TargetArn)
            .Select(l => new RetentionCandidate(l.Job, SeriesOf(l.Job, l.Copy, volumes), l.Copy.Type == VaultResourceType.Ami ? CopyLockReader.SnapshotIdsOf(l.Copy) : []))
            .ToList();
        HashSet<string>? chosen = null;
        if (selected is not null)
        {
            chosen = selected.Where(s => s.TargetId is not null).Select(s => s.TargetId!).ToHashSet(StringComparer.Ordinal);
            var seriesOfChosen = candidates.Where(c => chosen.Contains(c.Job.TargetId!)).Select(c => c.Series).ToHashSet(StringComparer.Ordinal);
            candidates = candidates.Where(c => seriesOfChosen.Contains(c.Series)).ToList();
        }

        return RetentionPlanner.Plan(candidates, chosen, rule, DateTime.UtcNow);
    }

    /// <summary>
    /// The series a copy belongs to: RDS and Aurora copies keep the DB instance or cluster they were taken of; an EBS
    /// copy's volume is known from the origin (a copy's own volume id means nothing); otherwise the source backup.
    /// </summary>
    internal static string SeriesOf(VaultCopyJob job, VaultResource copy, IReadOnlyDictionary<string, string> sourceVolumes)
    {
        if (copy.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot && !string.IsNullOrEmpty(copy.Name))
        {
            return $"{job.SourceAccountId}/{job.SourceRegion}/{copy.Type}/{copy.Name}";
        }

        if (copy.Type == VaultResourceType.EbsSnapshot && sourceVolumes.TryGetValue(job.SourceId, out string? volume))
        {
            return $"{job.SourceAccountId}/{job.SourceRegion}/volume/{volume}";
        }

        return job.SourceArn;
    }

    private async Task<IReadOnlyDictionary<string, string>> VolumesOfSourcesAsync(VaultAccount? origin, IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken)
    {
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (origin is null)
        {
            return volumes;
        }

        foreach (IGrouping<string, VaultCopyJob> region in jobs.Where(j => j.Type == VaultResourceType.EbsSnapshot && j.SourceAccountId == origin.AccountId)
            .GroupBy(j => j.SourceRegion, StringComparer.Ordinal))
        {
            Ec2Gateway ec2 = _clients.Ec2(origin.Session, region.Key);
            try
            {
                foreach (var pair in await ec2.GetSourceVolumesAsync(region.Select(j => j.SourceId).Distinct().ToList(), cancellationToken).ConfigureAwait(false))
                {
                    volumes[pair.Key] = pair.Value;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                throw AwsErrorTranslator.Translate(error, "Reading the volumes of the source snapshots", $"origin account {origin.AccountId} ({region.Key})");
            }
        }

        return volumes;
    }

    /// <summary>The copy named by id or ARN, as a job, when it is one of VaultCopy's.</summary>
    public Task<VaultCopyJob> FindCopyAsync(string idOrArn, CancellationToken cancellationToken = default) =>
        VaultCopyLineage.FindOwnCopyAsync(_inventory, _vault, idOrArn, cancellationToken);

    /// <summary>Why a job handed in is not a copy of this vault and Region (null when it is): such a job is never planned.</summary>
    public VaultCopyException? RefuseOfAnotherVault(VaultCopyJob job) => VaultCopyLineage.OfAnotherVault(job, _vault, _region);

    /// <summary>What -WhatIf and the confirmation show, in one short line: exactly what the delete calls remove.</summary>
    public static string DescribeRemoval(RetentionDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        VaultCopyJob job = decision.Job;
        string what = job.Type == VaultResourceType.Ami && decision.BackingSnapshotIds.Count > 0
            ? $"{job.TargetId} + {string.Join(" + ", decision.BackingSnapshotIds)}"
            : job.TargetId ?? "(unknown)";

        // An RDS copy's identifier is made from its source's (CopyNaming.RdsIdentifier): it already says what it copies.
        string source = job.Type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami ? $"copy of {job.SourceId}, " : string.Empty;
        string age = job.StartTime is DateTime started
            ? $"{(DateTime.UtcNow - started).TotalDays.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}d old"
            : "age unknown";
        return $"Remove {job.Type} {what} ({source}{age})";
    }

    /// <summary>Removes one copy the plan chose; locked or protected at this moment is an InvalidState error.</summary>
    public async Task<VaultCopyRemoval> RemoveAsync(RetentionDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Verdict != RetentionVerdict.Remove)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "NotPlannedForRemoval",
                $"{decision.Job.TargetId} was not planned for removal: {decision.Reason}.");
        }

        VaultCopyJob job = decision.Job;
        VaultResource copy = await VaultCopyLineage.ReadOwnCopyAsync(_inventory, _vault, _region, job, cancellationToken).ConfigureAwait(false);
        try
        {
            return copy.Type switch
            {
                VaultResourceType.EbsSnapshot => await RemoveSnapshotAsync(job, copy, decision.Reason, cancellationToken).ConfigureAwait(false),
                VaultResourceType.Ami => await RemoveImageAsync(job, copy, decision.Reason, cancellationToken).ConfigureAwait(false),
                _ => await RemoveRdsAsync(job, copy, decision.Reason, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw Translate(error, copy);
        }
    }

    public void Dispose() => _ownedClients?.Dispose();

    private async Task<VaultCopyRemoval> RemoveSnapshotAsync(VaultCopyJob job, VaultResource copy, string reason, CancellationToken cancellationToken)
    {
        await RefuseIfLockedAsync(copy, [copy.Id], cancellationToken).ConfigureAwait(false);
        await _ec2.DeleteSnapshotIfExistsAsync(copy.Id, cancellationToken).ConfigureAwait(false);
        return Removal(job, copy, reason, [], []);
    }

    /// <summary>aws-behaviour-lifecycle.md §4 retention order: deregister with the snapshots, check each return code,
    /// then delete leftovers of our own lineage, treating "not found" as done.</summary>
    private async Task<VaultCopyRemoval> RemoveImageAsync(VaultCopyJob job, VaultResource copy, string reason, CancellationToken cancellationToken)
    {
        if (CopyLockStates.ProtectsImage(copy.DeregistrationProtection))
        {
            throw Locked(copy, $"the AMI has deregistration protection ({copy.DeregistrationProtection})", "Disable it (Disable-EC2ImageDeregistrationProtection); with a cooldown it holds 24 more hours.");
        }

        IReadOnlyList<string> snapshotIds = CopyLockReader.SnapshotIdsOf(copy);
        await RefuseIfLockedAsync(copy, snapshotIds, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<SnapshotDeletionRecord> results = await _ec2.DeregisterImageAsync(copy.Id, cancellationToken).ConfigureAwait(false);
        var deleted = results.Where(r => r.ReturnCode == "success").Select(r => r.SnapshotId).ToList();
        var kept = new List<string>();
        foreach (VaultResource snapshot in copy.BackingSnapshots.Where(s => !deleted.Contains(s.Id)))
        {
            // Only snapshots that carry the AMI copy's lineage are ours to delete.
            if (!VaultCopyLineage.IsVaultCopy(snapshot))
            {
                kept.Add(snapshot.Id);
                continue;
            }

            try
            {
                await _ec2.DeleteSnapshotIfExistsAsync(snapshot.Id, cancellationToken).ConfigureAwait(false);
                deleted.Add(snapshot.Id);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                kept.Add(snapshot.Id);
            }
        }

        return Removal(job, copy, reason, deleted, kept);
    }

    private async Task<VaultCopyRemoval> RemoveRdsAsync(VaultCopyJob job, VaultResource copy, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await _rds.DeleteSnapshotAsync(copy.Type == VaultResourceType.AuroraClusterSnapshot, copy.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.DBSnapshotNotFound or QueryErrorCodes.DBClusterSnapshotNotFound)
        {
            // Gone already: retention's goal is met.
        }

        return Removal(job, copy, reason, [], []);
    }

    private async Task RefuseIfLockedAsync(VaultResource copy, IReadOnlyList<string> snapshotIds, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, SnapshotLockRecord> locks = await _ec2.DescribeLocksAsync(snapshotIds, cancellationToken).ConfigureAwait(false);

        // Any snapshot still locked stops the removal (the longest lock is the one to name).
        SnapshotLockRecord? binding = locks.Values.Where(l => CopyLockStates.PreventsDeletion(CopyLockStates.FromEc2(l.State)))
            .OrderByDescending(l => l.ExpiresOn ?? DateTime.MaxValue).FirstOrDefault();
        if (binding is not null)
        {
            throw Locked(copy, $"{binding.SnapshotId} is locked ({binding.State}) until {LockPlanner.Format(binding.ExpiresOn)}",
                "It can be removed after the lock expires; a governance lock can be lifted earlier by a principal allowed ec2:UnlockSnapshot.");
        }
    }

    private VaultCopyException Locked(VaultResource copy, string why, string remediation) => new(
        VaultCopyErrorKind.InvalidState, "VaultCopyLocked", $"{copy.Id} in vault account {_vault.AccountId} was kept: {why}.", remediation);

    private VaultCopyException Translate(Exception error, VaultResource copy) => error switch
    {
        QueryServiceException { ErrorCode: QueryErrorCodes.InvalidDBSnapshotState or QueryErrorCodes.InvalidDBClusterSnapshotState } state =>
            new VaultCopyException(VaultCopyErrorKind.InvalidState, "VaultCopyNotDeletable",
                $"{copy.Id} can't be deleted now: {state.ServiceMessage}", "Run the retention again once the snapshot is available.", state.ErrorCode, state),
        _ => AwsErrorTranslator.Translate(error, "Removing " + copy.Id, $"vault account {_vault.AccountId} ({_region})"),
    };

    private static VaultCopyRemoval Removal(VaultCopyJob job, VaultResource copy, string reason, IReadOnlyList<string> deleted, IReadOnlyList<string> kept) => new()
    {
        Type = copy.Type,
        TargetId = copy.Id,
        SourceId = job.SourceId,
        SourceArn = job.SourceArn,
        CopiedAt = job.StartTime,
        DeletedSnapshots = deleted,
        KeptSnapshots = kept,
        Reason = reason,
    };
}
