using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Orchestration;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Lifecycle;

/// <summary>What Invoke-VaultCopy does for the vault after a run: a lock on each verified copy, then retention.</summary>
public sealed class AfterCopyRequest
{
    /// <summary>Lock each verified copy for this many days (null: no lock).</summary>
    public int? LockDays { get; init; }

    public CopyLockMode LockMode { get; init; } = CopyLockMode.Governance;

    /// <summary>Remove VaultCopy's own copies older than this many days, never the newest of a series (null: none).</summary>
    public int? RetainDays { get; init; }
}

/// <summary>One thing done, or refused, after the copy: a lock, a removal, or why a copy was left as it was.</summary>
public sealed record AfterCopyResult(string Step, string TargetId, bool Done, string Message, VaultCopyException? Refusal = null);

/// <summary>
/// Locks and retention after a vault copy, through the same planners and writers as Lock-VaultCopy and
/// Remove-VaultCopy (CopyLocker, CopyRemover): one rule each, whoever calls it.
/// </summary>
public sealed class AfterCopy : IDisposable
{
    private readonly AfterCopyRequest _request;
    private readonly VaultAccount _vault;
    private readonly Aws.AwsClients _clients;
    private readonly Dictionary<string, CopyLocker> _lockers = new(StringComparer.Ordinal);
    private readonly List<AfterCopyResult> _results = [];

    /// <summary>What follows the run of <paramref name="plan"/>, in its vault and with its clients.</summary>
    public AfterCopy(VaultCopyRunPlan plan, AfterCopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        _vault = plan.Vault;
        _clients = plan.Clients;
        _request = request;
        if (request.LockDays is int days)
        {
            new CopyLockRequest { Mode = request.LockMode, Days = days }.Validate();
        }

        if (request.RetainDays is int retain)
        {
            new RetentionRule { OlderThanDays = retain }.Validate(copiesGiven: false);
        }
    }

    public IReadOnlyList<AfterCopyResult> Results => _results;

    /// <summary>The hook for <see cref="VaultCopyRunOptions.AfterVerified"/>: locks the copies of one vaulted backup.</summary>
    public async Task LockAsync(VaultCopyOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (_request.LockDays is not int days)
        {
            return;
        }

        foreach ((string region, string id) in outcome.VaultCopyIds())
        {
            if (!_lockers.TryGetValue(region, out CopyLocker? locker))
            {
                _lockers[region] = locker = new CopyLocker(_vault, region, _clients);
            }

            VaultCopyJob job = await locker.FindCopyAsync(id, cancellationToken).ConfigureAwait(false);
            CopyLockPlan plan = await locker.PlanAsync(job, new CopyLockRequest { Mode = _request.LockMode, Days = days }, cancellationToken).ConfigureAwait(false);
            if (plan.Refusal is not null)
            {
                _results.Add(new AfterCopyResult("Lock", id, false, plan.Refusal.FullMessage, plan.Refusal));
                continue;
            }

            if (!plan.IsNoOp)
            {
                VaultCopyJob locked = await locker.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
                _results.Add(new AfterCopyResult("Lock", id, true, $"{plan.Action}: {locked.LockState} until {locked.LockExpiresOn:u}"));
            }
        }
    }

    /// <summary>
    /// Applies the retention rule after a run, to each origin's copies in every vault Region the run copied into
    /// (and the vault's own Region).
    /// </summary>
    public async Task RetainAsync(VaultCopyRunResult run, IReadOnlyList<VaultAccount> origins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(origins);
        if (_request.RetainDays is null)
        {
            return;
        }

        IEnumerable<string> regions = run.Outcomes.SelectMany(o => o.VaultCopyIds()).Select(copy => copy.Region)
            .Append(_vault.Region).Distinct(StringComparer.Ordinal);
        foreach (string region in regions)
        {
            foreach (VaultAccount origin in origins)
            {
                await RetainAsync(region, origin, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RetainAsync(string region, VaultAccount origin, CancellationToken cancellationToken)
    {
        int days = _request.RetainDays!.Value;

        using var remover = new CopyRemover(_vault, region, _clients);
        IReadOnlyList<RetentionDecision> decisions = await remover
            .PlanAsync(new RetentionRule { OlderThanDays = days }, null, new VaultCopyQuery { SourceAccountId = origin.AccountId }, origin, cancellationToken)
            .ConfigureAwait(false);
        foreach (RetentionDecision decision in decisions)
        {
            string target = decision.Job.TargetId ?? decision.Job.SourceId;
            if (decision.Verdict == RetentionVerdict.Remove)
            {
                VaultCopyRemoval removed = await remover.RemoveAsync(decision, cancellationToken).ConfigureAwait(false);
                _results.Add(new AfterCopyResult("Retain", removed.TargetId, true, CopyRemover.DescribeRemoval(decision)));
            }
            else if (decision.Verdict == RetentionVerdict.Skip)
            {
                _results.Add(new AfterCopyResult("Retain", target, false, decision.Reason));
            }
        }
    }

    public void Dispose()
    {
        foreach (CopyLocker locker in _lockers.Values)
        {
            locker.Dispose();
        }
    }
}
