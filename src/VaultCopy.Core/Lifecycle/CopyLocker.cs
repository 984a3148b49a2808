using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Lifecycle;

/// <summary>A planned lock of one vault copy: its snapshot decisions, the AMI protection step, or why it can't be locked.</summary>
public sealed class CopyLockPlan
{
    public required VaultCopyJob Job { get; init; }

    public required CopyLockRequest Request { get; init; }

    public IReadOnlyList<SnapshotLockDecision> Snapshots { get; init; } = [];

    /// <summary>For an AMI: turn deregistration protection on (with cooldown for compliance locks).</summary>
    public bool EnableProtection { get; init; }

    public bool ProtectionWithCooldown { get; init; }

    /// <summary>Why the copy is not locked at all (an RDS copy, a refused shortening, not a vault copy); null to go on.</summary>
    public VaultCopyException? Refusal { get; init; }

    public bool IsNoOp => Refusal is null && !EnableProtection && Snapshots.All(s => s.Step == LockStep.Unchanged);

    /// <summary>What ShouldProcess shows: the lock, and for compliance the consequence that cannot be undone.</summary>
    public string Action
    {
        get
        {
            string term = Request.DescribeTerm();
            string what = Job.Type == VaultResourceType.Ami
                ? $"Lock the AMI's {Snapshots.Count} snapshot{(Snapshots.Count == 1 ? string.Empty : "s")} {term} and protect the AMI from deregistration{(ProtectionWithCooldown ? " (24-hour cooldown)" : string.Empty)}"
                : $"Lock the snapshot {term}";
            string changes = string.Join("; ", Snapshots.Where(s => s.Step == LockStep.Change && s.Reason is not null).Select(s => $"{s.SnapshotId}: {s.Reason}"));
            if (changes.Length > 0)
            {
                what += $" ({changes})";
            }

            if (Request.Mode == CopyLockMode.Governance)
            {
                return what + " in governance mode: nobody can delete it, but a principal allowed ec2:UnlockSnapshot can remove or shorten the lock.";
            }

            string coolOff = Request.CoolOffHours is int hours
                ? $"During a {hours}-hour cool-off the lock can still be removed; after it"
                : "At once";
            return what + $" in COMPLIANCE mode. {coolOff} nobody — not the account's root user, not AWS — can delete the copy or remove or shorten the lock until it expires.";
        }
    }
}

/// <summary>
/// Locks vault copies after they are verified: EBS snapshots by Snapshot Lock, an AMI by a lock on each of its
/// snapshots plus deregistration protection. Two steps, so the caller confirms between them: <see cref="PlanAsync"/>
/// only reads; <see cref="ApplyAsync"/> makes the planned calls and reads the result back into the job. A copy
/// command calls the same two after CopyEngine verified a job (see docs/ARCHITECTURE.md, "Lifecycle").
/// </summary>
public sealed class CopyLocker : IDisposable
{
    /// <summary>What protects RDS and Aurora copies instead (aws-behaviour-lifecycle.md §3).</summary>
    public const string RdsProtectionAdvice =
        "RDS and Aurora snapshots have no lock in AWS. Protect them with a service control policy on the vault account that denies " +
        "rds:DeleteDBSnapshot and rds:DeleteDBClusterSnapshot, or keep them in an AWS Backup vault with Vault Lock in compliance mode " +
        "(or a logically air-gapped vault).";

    private readonly VaultAccount _vault;
    private readonly string _region;
    private readonly Ec2Gateway _ec2;
    private readonly ResourceInventory _inventory;
    private readonly AwsClients _clients = new();

    public CopyLocker(VaultAccount vault, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(vault);
        _vault = vault;
        _region = region ?? vault.Region;
        _ec2 = _clients.Ec2(vault.Session, _region);
        _inventory = new ResourceInventory(vault, _region, _clients);
    }

    /// <summary>The copy named by id or ARN in the vault, as a job (it must carry VaultCopy's lineage).</summary>
    public async Task<VaultCopyJob> FindCopyAsync(string idOrArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idOrArn);
        VaultResource copy = await _inventory.GetAsync(idOrArn.Trim(), _vault.AccountId, "the vault (-Destination)", cancellationToken).ConfigureAwait(false);
        if (copy.AccountId != _vault.AccountId || !VaultCopyLineage.IsVaultCopy(copy))
        {
            throw VaultCopyLineage.NotAVaultCopy(copy.Id, _vault.AccountId);
        }

        return VaultCopyCatalog.ToJob(copy);
    }

    /// <summary>Reads the copy and its locks and decides; nothing is changed.</summary>
    public async Task<CopyLockPlan> PlanAsync(VaultCopyJob job, CopyLockRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();

        // The plan reports on its own copy of the job: the caller's object (a listing, a run's output) stays as it was.
        job = VaultCopyJob.FromJson(job.ToJson());
        if (job.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
        {
            job.LockState = CopyLockState.NotLockable;
            return new CopyLockPlan
            {
                Job = job,
                Request = request,
                Refusal = new VaultCopyException(VaultCopyErrorKind.InvalidState, "RdsCopyNotLockable",
                    $"{job.TargetId ?? job.SourceId} is an {(job.Type == VaultResourceType.RdsSnapshot ? "RDS DB" : "Aurora cluster")} snapshot copy: no EC2 API can lock it, so it was not locked.",
                    RdsProtectionAdvice),
            };
        }

        VaultResource copy = await VaultCopyLineage.ReadOwnCopyAsync(_inventory, _vault, _region, job, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string> snapshotIds = CopyLockReader.SnapshotIdsOf(copy);
        IReadOnlyDictionary<string, SnapshotLockRecord> locks = await Guard(
            () => _ec2.DescribeLocksAsync(snapshotIds, cancellationToken), "Reading the locks of " + copy.Id).ConfigureAwait(false);
        CopyLockReader.Apply(job, copy, locks);

        var decisions = snapshotIds.Select(id => LockPlanner.Decide(id, locks.GetValueOrDefault(id), request)).ToList();
        SnapshotLockDecision? refused = decisions.FirstOrDefault(d => d.Step == LockStep.Refused);
        if (refused is not null)
        {
            return new CopyLockPlan
            {
                Job = job,
                Request = request,
                Snapshots = decisions,
                Refusal = new VaultCopyException(VaultCopyErrorKind.InvalidState, "ComplianceLockCannotChange", refused.Reason!,
                    $"Ask for an end on or after {LockPlanner.Format(refused.CurrentExpiresOn)} in compliance mode (-Mode Compliance), or leave the lock as it is."),
            };
        }

        bool withCooldown = request.Mode == CopyLockMode.Compliance;
        bool protect = copy.Type == VaultResourceType.Ami
            && (!CopyLockStates.ProtectsImage(copy.DeregistrationProtection)
                || (withCooldown && copy.DeregistrationProtection != "enabled-with-cooldown"));
        return new CopyLockPlan
        {
            Job = job,
            Request = request,
            Snapshots = decisions,
            EnableProtection = protect,
            ProtectionWithCooldown = withCooldown,
        };
    }

    /// <summary>Makes the planned calls and returns the job with the lock as EC2 now reports it.</summary>
    public async Task<VaultCopyJob> ApplyAsync(CopyLockPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Refusal is not null)
        {
            throw plan.Refusal;
        }

        var results = new Dictionary<string, SnapshotLockRecord>(StringComparer.Ordinal);
        foreach (SnapshotLockDecision decision in plan.Snapshots.Where(d => d.Step is LockStep.Lock or LockStep.Change))
        {
            results[decision.SnapshotId] = await Guard(() => _ec2.LockSnapshotAsync(
                decision.SnapshotId, plan.Request.Mode == CopyLockMode.Compliance, decision.DurationDays, decision.ExpirationDate,
                decision.CoolOffHours, cancellationToken), "Locking " + decision.SnapshotId).ConfigureAwait(false);
        }

        if (plan.EnableProtection)
        {
            plan.Job.DeregistrationProtection = await Guard(
                () => _ec2.EnableDeregistrationProtectionAsync(plan.Job.TargetId!, plan.ProtectionWithCooldown, cancellationToken),
                "Protecting " + plan.Job.TargetId).ConfigureAwait(false);
        }

        IReadOnlyDictionary<string, SnapshotLockRecord> locks = await Guard(
            () => _ec2.DescribeLocksAsync(plan.Snapshots.Select(s => s.SnapshotId).ToList(), cancellationToken), "Reading the locks of " + plan.Job.TargetId).ConfigureAwait(false);
        (plan.Job.LockState, plan.Job.LockExpiresOn) = CopyLockStates.Weakest(plan.Snapshots.Select(s => s.SnapshotId), locks);
        return plan.Job;
    }

    public void Dispose() => _clients.Dispose();

    private async Task<T> Guard<T>(Func<Task<T>> call, string operation)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw AwsErrorTranslator.Translate(error, operation, $"vault account {_vault.AccountId} ({_region})");
        }
    }
}
