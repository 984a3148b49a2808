using System.Diagnostics;
using System.Threading.Channels;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Orchestration;

/// <summary>Where a run stands, for the progress bar.</summary>
public sealed record VaultCopyRunProgress(string Phase, string Status, int PercentComplete);

/// <summary>
/// Executes a <see cref="VaultCopyRunPlan"/> phase by phase — key access, conversions, shares, copies — through the
/// engine's machinery (<see cref="KeyAccessManager"/>, <see cref="SnapshotKeyConverter"/>, <see cref="ShareManager"/>,
/// <see cref="CopyEngine"/>). The copies of every origin go through one scheduler per vault Region, so many origins
/// share that Region's quotas; each backup's share is withdrawn as soon as all its copies are verified. Every step is
/// journaled, and every backup ends in exactly one <see cref="VaultCopyOutcome"/>.
/// </summary>
public sealed class VaultCopyOrchestrator
{
    private const string ResumeAdvice = "Run the same command again: it continues from the journal and the copies' lineage tags, copying nothing twice.";

    private readonly VaultCopyRunPlan _plan;
    private readonly VaultCopyRequest _request;
    private readonly VaultCopyRunOptions _options;
    private readonly object _sync = new();
    private readonly Stopwatch _clock = new();

    public VaultCopyOrchestrator(VaultCopyRunPlan plan, VaultCopyRequest request, VaultCopyRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        _plan = plan;
        _request = request;
        _options = options;
    }

    public async Task<VaultCopyRunResult> RunAsync(IProgress<VaultCopyRunProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _clock.Restart();
        using VaultCopyJournal? journal = _options.JournalPath is null ? null : VaultCopyJournal.Open(_options.JournalPath);
        journal?.Write("run-start", detail: _plan.Summary);
        var runs = _plan.Items.Select(i => new ItemRun(i)).ToList();
        foreach (ItemRun run in runs.Where(r => r.Item.Action != PlanAction.Convert))
        {
            run.Copied = run.Item.Converted ?? run.Item.Source;
        }
        foreach (ItemRun run in runs)
        {
            journal?.Write("planned", run.Item.Arn, detail: $"{string.Join(",", run.Item.Steps)}{(run.Item.Cause is null ? string.Empty : $": {run.Item.Cause}")}");
        }

        var startedBefore = new HashSet<string>(
            (journal?.Earlier ?? []).Where(e => e.Event == "copy-started" && e.Arn is not null).Select(e => $"{e.Arn}|{e.Region}"), StringComparer.Ordinal);
        var shareManagers = new Dictionary<string, ShareManager>(StringComparer.Ordinal);
        try
        {
            foreach (VaultAccount origin in _plan.Origins)
            {
                shareManagers[origin.AccountId] = new ShareManager(origin, _plan.Vault, _plan.Clients);
            }

            await GrantKeyAccessAsync(runs, journal, progress, cancellationToken).ConfigureAwait(false);
            await ConvertAsync(runs, journal, progress, cancellationToken).ConfigureAwait(false);
            await ShareAsync(runs, shareManagers, journal, progress, cancellationToken).ConfigureAwait(false);
            bool timedOut = await CopyAsync(runs, shareManagers, startedBefore, journal, progress, cancellationToken).ConfigureAwait(false);

            var outcomes = new List<VaultCopyOutcome>();
            foreach (ItemRun run in runs)
            {
                VaultCopyOutcome outcome = OutcomeOf(run);
                if (outcome.Outcome is OutcomeKind.Vaulted or OutcomeKind.AlreadyVaulted && _options.AfterVerified is { } afterVerified)
                {
                    await afterVerified(outcome, cancellationToken).ConfigureAwait(false);
                }

                journal?.Write("outcome", run.Item.Arn, target: outcome.VaultCopies, detail: outcome.Cause is null ? outcome.Outcome.ToString() : $"{outcome.Outcome}: {outcome.Cause}");
                outcomes.Add(outcome);
            }

            var summary = new VaultCopyRunSummary
            {
                Total = outcomes.Count,
                Vaulted = outcomes.Count(o => o.Outcome == OutcomeKind.Vaulted),
                AlreadyVaulted = outcomes.Count(o => o.Outcome == OutcomeKind.AlreadyVaulted),
                Refused = outcomes.Count(o => o.Outcome == OutcomeKind.Refused),
                Failed = outcomes.Count(o => o.Outcome == OutcomeKind.Failed),
                Pending = outcomes.Count(o => o.Outcome == OutcomeKind.Pending),
                SharesLeft = runs.Count(r => r.Item.Action != PlanAction.Refuse && r.SharedNow && !r.Withdrawn),
                ElapsedSeconds = Math.Round(_clock.Elapsed.TotalSeconds, 1),
                TimedOut = timedOut,
                JournalPath = journal?.Path,
            };
            journal?.Write("run-end", detail: summary.ToString());
            progress?.Report(new VaultCopyRunProgress("Done", summary.ToString(), 100));
            return new VaultCopyRunResult { Outcomes = outcomes, Summary = summary };
        }
        finally
        {
            foreach (ShareManager manager in shareManagers.Values)
            {
                manager.Dispose();
            }
        }
    }

    private TimeSpan? Remaining => _options.Timeout is TimeSpan limit ? (limit - _clock.Elapsed) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero : null;

    private bool OutOfTime => Remaining == TimeSpan.Zero;

    private CopyRunOptions CopyOptions(CopyQuotas quotas) => new()
    {
        Quotas = quotas,
        PollInterval = _options.PollInterval,
        MinPollInterval = _options.MinPollInterval,
        Timeout = Remaining,
        UntilFinished = true,
    };

    private async Task GrantKeyAccessAsync(List<ItemRun> runs, VaultCopyJournal? journal, IProgress<VaultCopyRunProgress>? progress, CancellationToken cancellationToken)
    {
        if (!_request.GrantKeyAccess || _plan.KeyAccessEdits.Count == 0)
        {
            return;
        }

        progress?.Report(new VaultCopyRunProgress("Key access", $"{_plan.KeyAccessEdits.Count} documents", 0));
        foreach ((PlannedPolicyEdit edit, KeyAccessManager manager) in _plan.KeyAccessEdits)
        {
            VaultCopyException? failure;
            try
            {
                VaultKeyPolicyChange change = await manager.ApplyAsync(edit, cancellationToken).ConfigureAwait(false);
                journal?.Write("key-access", target: edit.DocumentName, detail: change.Reason);

                // A Deny (or anything else) that still keeps the vault from the key fails its backups now, with
                // Grant-VaultKeyAccess's and the preflight's words, instead of in AWS after the shares and copies.
                failure = edit.AccessBlockedBy(change);
            }
            catch (VaultCopyException error)
            {
                failure = error;
            }

            if (failure is not null)
            {
                journal?.Write("key-access-failed", target: edit.DocumentName, detail: failure.Message);
                foreach (ItemRun run in runs.Where(r => r.Active && r.Item.KeyAccessChanges.Any(c => c.Target == edit.Target && c.PolicyName == edit.Preview.PolicyName)))
                {
                    run.Fail(failure);
                }
            }
        }
    }

    private async Task ConvertAsync(List<ItemRun> runs, VaultCopyJournal? journal, IProgress<VaultCopyRunProgress>? progress, CancellationToken cancellationToken)
    {
        var converting = runs.Where(r => r.Active && r.Item.Action == PlanAction.Convert).ToList();
        foreach (ItemRun run in converting.Where(r => r.Item.Converted is { State: "completed" or "available" }))
        {
            run.Copied = run.Item.Converted!;
        }

        converting = converting.Where(r => r.Copied is null).ToList();
        if (converting.Count == 0)
        {
            return;
        }

        progress?.Report(new VaultCopyRunProgress("Converting", $"{converting.Count} backups to re-encrypt in the origin", 0));
        await Task.WhenAll(converting.GroupBy(r => r.Item.OriginAccountId).Select(async group =>
        {
            VaultAccount origin = group.First().Item.Origin;
            using var converter = new SnapshotKeyConverter(origin, _plan.Clients);
            var jobs = new List<(ItemRun Run, VaultCopyJob Job)>();
            foreach (ItemRun run in group)
            {
                ConversionPlan conversion = converter.Plan(run.Item.Source, _plan.ConvertKeys[origin.AccountId]);
                if (conversion.Job is not null)
                {
                    jobs.Add((run, conversion.Job));
                }
                else
                {
                    run.Fail(conversion.Refusal ?? new VaultCopyException(VaultCopyErrorKind.InvalidState, "NotConverted", conversion.SkipReason ?? $"{run.Item.Id} was not converted.", null));
                }
            }

            if (jobs.Count == 0 || OutOfTime)
            {
                return;
            }

            List<VaultCopyJob> all = jobs.Select(j => j.Job).ToList();
            await converter.Engine.AdoptExistingAsync(all, cancellationToken).ConfigureAwait(false);
            await converter.Engine.RunAsync(all, CopyOptions(CopyQuotas.Default), null, cancellationToken).ConfigureAwait(false);
            foreach ((ItemRun run, VaultCopyJob job) in jobs)
            {
                if (job.State == CopyJobState.Completed && job.Verified == true)
                {
                    try
                    {
                        run.Copied = await converter.Inventory.GetAsync(job.TargetArn ?? job.TargetId!, cancellationToken).ConfigureAwait(false);
                        journal?.Write("converted", run.Item.Arn, origin.Region, job.TargetId);
                    }
                    catch (VaultCopyException error)
                    {
                        run.Fail(error);
                    }
                }
                else if (job.State == CopyJobState.Failed)
                {
                    run.Fail(job.Failure?.ToException() ?? new VaultCopyException(VaultCopyErrorKind.ServiceFailure, "ConversionFailed", $"The conversion of {run.Item.Id} failed.", ResumeAdvice));
                }
                else if (job.State == CopyJobState.Completed)
                {
                    run.Fail(new VaultCopyException(VaultCopyErrorKind.InvalidState, "ConversionNotVerified",
                        $"The conversion {job.TargetId} of {run.Item.Id} could not be verified: {job.VerificationMessage}", "Look at it with Get-VaultResource -Account $origin, then run the command again."));
                }
            }
        })).ConfigureAwait(false);

        // A conversion still running when the time ran out (or never started for lack of it) leaves its backup
        // Pending: the next run adopts the conversion by its lineage and goes on from there.
        foreach (ItemRun run in converting.Where(r => r.Active && r.Copied is null))
        {
            run.Pending = true;
        }
    }

    private async Task ShareAsync(
        List<ItemRun> runs, Dictionary<string, ShareManager> managers, VaultCopyJournal? journal, IProgress<VaultCopyRunProgress>? progress, CancellationToken cancellationToken)
    {
        var sharing = runs.Where(r => r.Active && r.Item.Action is PlanAction.Copy or PlanAction.Convert).ToList();
        // A vaulted backup keeps nothing shared: whatever share is left (an AMI's snapshot included) is withdrawn
        // once its copies are verified again.
        foreach (ItemRun run in runs.Where(r => r.Active && r.Item.Action == PlanAction.Reuse))
        {
            run.SharedNow = VaultCopyPlanner.HasShareWithVault(run.Copied ?? run.Item.Source, _plan.Vault.AccountId);
        }

        var unshared = sharing.Where(r => !VaultCopyPlanner.IsSharedWithVault(r.Copied!, _plan.Vault.AccountId)).ToList();
        foreach (ItemRun run in sharing.Except(unshared))
        {
            run.SharedNow = true;
        }

        if (unshared.Count == 0)
        {
            return;
        }

        progress?.Report(new VaultCopyRunProgress("Sharing", $"{unshared.Count} backups with the vault", 0));
        await Task.WhenAll(unshared.GroupBy(r => r.Item.OriginAccountId).Select(async group =>
        {
            ShareManager manager = managers[group.Key];
            foreach (ItemRun run in group)
            {
                try
                {
                    SharePlan plan = SharePlanner.PlanGrant(run.Copied!, run.Item.OriginAccountId, _plan.Vault.AccountId);
                    await manager.ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
                    run.SharedNow = true;
                    journal?.Write("shared", run.Item.Arn, target: run.Copied!.Arn);
                }
                catch (VaultCopyException error)
                {
                    run.Fail(error);
                }
            }
        })).ConfigureAwait(false);
    }

    private async Task<bool> CopyAsync(
        List<ItemRun> runs, Dictionary<string, ShareManager> managers, HashSet<string> startedBefore, VaultCopyJournal? journal,
        IProgress<VaultCopyRunProgress>? progress, CancellationToken cancellationToken)
    {
        var copying = runs.Where(r => r.Active && r.Item.Action != PlanAction.Refuse).ToList();
        foreach (ItemRun run in copying)
        {
            run.Copied ??= run.Item.Converted ?? run.Item.Source;
        }

        if (copying.Count == 0)
        {
            return false;
        }

        if (OutOfTime)
        {
            foreach (ItemRun run in copying)
            {
                run.Pending = true;
            }

            return true;
        }

        var withdrawals = Channel.CreateUnbounded<ItemRun>(new UnboundedChannelOptions { SingleReader = true });
        Task withdrawing = WithdrawAsync(withdrawals.Reader, managers, journal, cancellationToken);
        var byJob = new Dictionary<Guid, ItemRun>();
        var journaled = new HashSet<string>(StringComparer.Ordinal);
        var regionProgress = new Dictionary<string, CopyProgress>(StringComparer.Ordinal);
        bool timedOut = false;
        try
        {
            await Task.WhenAll(_plan.DestinationRegions.Select(async region =>
            {
                using var engine = new CopyEngine(_plan.Vault, region, _plan.Clients);
                var jobs = new List<VaultCopyJob>();
                var adopt = new List<VaultCopyJob>();
                foreach (ItemRun run in copying)
                {
                    VaultCopyPlanDestination? destination = run.Item.Destinations.FirstOrDefault(d => d.Region == region);
                    if (destination is null)
                    {
                        continue;
                    }

                    VaultCopyJob job = VaultCopyJob.Create(VaultCopier.Purpose, VaultCopier.WithOwnersIdentifier(run.Copied!), _plan.Vault.AccountId, region, destination.KmsKeyArn);
                    lock (_sync)
                    {
                        run.Jobs.Add(job);
                        byJob[job.JobId] = run;
                    }

                    jobs.Add(job);

                    // Only a copy known to exist is looked up by its lineage: the plan's listing, or a killed run's journal.
                    if (destination.ExistingCopyId is not null || startedBefore.Contains($"{run.Item.Arn}|{region}") || run.Item.Action == PlanAction.Convert)
                    {
                        adopt.Add(job);
                    }
                }

                if (adopt.Count > 0)
                {
                    await engine.AdoptExistingAsync(adopt, cancellationToken).ConfigureAwait(false);
                }

                var report = new Progress(this, region, byJob, journaled, regionProgress, withdrawals.Writer, journal, progress);
                CopyRunOutcome outcome = await engine.RunAsync(jobs, CopyOptions(_options.Quotas), report, cancellationToken).ConfigureAwait(false);
                report.Report(null);
                if (outcome == CopyRunOutcome.TimedOut)
                {
                    timedOut = true;
                }
            })).ConfigureAwait(false);
        }
        finally
        {
            withdrawals.Writer.TryComplete();
            await withdrawing.ConfigureAwait(false);
        }

        foreach (ItemRun run in copying.Where(r => r.Jobs.Any(j => !j.IsFinished)))
        {
            run.Pending = true;
        }

        return timedOut;
    }

    /// <summary>Withdraws each share as soon as its backup's copies are all verified, while the other copies go on.</summary>
    private async Task WithdrawAsync(ChannelReader<ItemRun> reader, Dictionary<string, ShareManager> managers, VaultCopyJournal? journal, CancellationToken cancellationToken)
    {
        await foreach (ItemRun run in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                continue;
            }

            try
            {
                SharePlan plan = SharePlanner.PlanRevoke(AsSharedWithVault(run.Copied!), run.Item.OriginAccountId, _plan.Vault.AccountId);
                await managers[run.Item.OriginAccountId].ApplyAsync(plan, cancellationToken).ConfigureAwait(false);
                run.Withdrawn = true;
                journal?.Write("withdrawn", run.Item.Arn, target: run.Copied!.Arn);
            }
            catch (VaultCopyException error)
            {
                run.WithdrawError = error;
                journal?.Write("withdraw-failed", run.Item.Arn, detail: error.Message);
            }
            catch (OperationCanceledException)
            {
                // Stopped: the next run withdraws it.
            }
        }
    }

    /// <summary>The backup as it stands once shared: a revoke plan then removes every share with the vault, an AMI's snapshots included.</summary>
    private VaultResource AsSharedWithVault(VaultResource resource)
    {
        string vault = _plan.Vault.AccountId;
        IReadOnlyList<string> With(IReadOnlyList<string> current) => current.Contains(vault, StringComparer.Ordinal) ? current : [.. current, vault];
        return new VaultResource
        {
            Type = resource.Type,
            Id = resource.Id,
            Arn = resource.Arn,
            AccountId = resource.AccountId,
            Region = resource.Region,
            State = resource.State,
            CreationTime = resource.CreationTime,
            SizeGiB = resource.SizeGiB,
            Encrypted = resource.Encrypted,
            KmsKeyArn = resource.KmsKeyArn,
            KeyManager = resource.KeyManager,
            SharedWith = With(resource.SharedWith),
            Tags = resource.Tags,
            BackingSnapshots = resource.BackingSnapshots.Select(s => new VaultResource
            {
                Type = s.Type, Id = s.Id, Arn = s.Arn, AccountId = s.AccountId, Region = s.Region, State = s.State, SizeGiB = s.SizeGiB,
                Encrypted = s.Encrypted, KmsKeyArn = s.KmsKeyArn, KeyManager = s.KeyManager, SharedWith = With(s.SharedWith), Tags = s.Tags,
            }).ToList(),
            SnapshotType = resource.SnapshotType,
            Name = resource.Name,
            Engine = resource.Engine,
            BillingProducts = resource.BillingProducts,
        };
    }

    private void OnCopyProgress(
        string region, CopyProgress? value, Dictionary<Guid, ItemRun> byJob, HashSet<string> journaled, Dictionary<string, CopyProgress> regionProgress,
        ChannelWriter<ItemRun> withdrawals, VaultCopyJournal? journal, IProgress<VaultCopyRunProgress>? progress)
    {
        lock (_sync)
        {
            if (value is not null)
            {
                regionProgress[region] = value;
            }

            foreach (VaultCopyJob job in regionProgress.TryGetValue(region, out CopyProgress? known) ? known.Jobs : [])
            {
                ItemRun run = byJob[job.JobId];
                if (job.TargetId is not null && job.State != CopyJobState.Queued && journaled.Add($"start|{job.JobId}"))
                {
                    journal?.Write("copy-started", run.Item.Arn, region, job.TargetId, job.Reused ? "reused" : null);
                }

                if (job.State == CopyJobState.Completed && job.Verified == true && journaled.Add($"verified|{job.JobId}"))
                {
                    journal?.Write("verified", run.Item.Arn, region, job.TargetId);
                }

                if (!_request.KeepShares && run.SharedNow && !run.WithdrawQueued && run.Jobs.All(j => j.State == CopyJobState.Completed && j.Verified == true))
                {
                    run.WithdrawQueued = true;
                    withdrawals.TryWrite(run);
                }
            }

            if (progress is not null && regionProgress.Count > 0)
            {
                int total = regionProgress.Values.Sum(p => p.Jobs.Count);
                int percent = total == 0 ? 100 : regionProgress.Values.Sum(p => p.PercentComplete * p.Jobs.Count) / total;
                string status = string.Join("; ", regionProgress.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
                progress.Report(new VaultCopyRunProgress("Copying", status, percent));
            }
        }
    }

    private VaultCopyOutcome OutcomeOf(ItemRun run)
    {
        VaultCopyPlanItem item = run.Item;
        string copies = string.Join("; ", run.Jobs.Where(j => j.TargetId is not null).Select(j => $"{j.TargetRegion}:{j.TargetId}"));
        VaultCopyOutcome Make(OutcomeKind kind, string? errorId = null, string? cause = null, string? remediation = null) => new()
        {
            Outcome = kind,
            OriginAccountId = item.OriginAccountId,
            SourceRegion = item.SourceRegion,
            Type = item.Type,
            Id = item.Id,
            Arn = item.Arn,
            SizeGiB = item.SizeGiB,
            Planned = item.Action,
            VaultCopies = copies,
            ReplacedFailedCopies = string.Join("; ", run.Jobs.Where(j => j.ReplacedFailedCopyId is not null).Select(j => $"{j.TargetRegion}:{j.ReplacedFailedCopyId}")),
            ConvertedId = run.Copied is not null && run.Copied.Arn != item.Arn ? run.Copied.Id : item.ConvertedId,
            ShareWithdrawn = run.Withdrawn,
            ErrorId = errorId,
            Cause = cause,
            Remediation = remediation,
        };

        if (item.Action == PlanAction.Refuse)
        {
            return Make(OutcomeKind.Refused, item.ErrorId, item.Cause, item.Remediation);
        }

        if (run.Failure is not null)
        {
            return Make(OutcomeKind.Failed, run.Failure.ErrorId, run.Failure.Message, run.Failure.Remediation);
        }

        if (run.Jobs.FirstOrDefault(j => j.State == CopyJobState.Failed) is { } failed)
        {
            return Make(OutcomeKind.Failed, failed.Failure?.ErrorId ?? "VaultCopyFailed", failed.Failure?.Message ?? $"The copy of {item.Id} into {failed.TargetRegion} failed.",
                failed.Failure?.Remediation ?? ResumeAdvice);
        }

        if (run.Jobs.FirstOrDefault(j => j.State == CopyJobState.Completed && j.Verified == false) is { } unverified)
        {
            return Make(OutcomeKind.Failed, "CopyNotVerified", $"The copy {unverified.TargetId} ({unverified.TargetRegion}) of {item.Id} is not verified: {unverified.VerificationMessage}",
                "Look at the copy (Get-VaultCopy -Destination $vault), remove it if it is wrong, and run the command again.");
        }

        if (run.Pending || run.Jobs.Count == 0 || run.Jobs.Any(j => !j.IsFinished || j.Verified is null))
        {
            return Make(OutcomeKind.Pending, "VaultCopyPending",
                $"{item.Id} was not finished when the run stopped ({string.Join(", ", run.Jobs.Select(j => $"{j.TargetRegion}: {j.State}"))}).", ResumeAdvice);
        }

        if (run.WithdrawError is not null)
        {
            return Make(run.Jobs.All(j => j.Reused) ? OutcomeKind.AlreadyVaulted : OutcomeKind.Vaulted, run.WithdrawError.ErrorId,
                $"Vaulted, but the share could not be withdrawn: {run.WithdrawError.Message}", run.WithdrawError.Remediation);
        }

        return Make(run.Jobs.All(j => j.Reused) ? OutcomeKind.AlreadyVaulted : OutcomeKind.Vaulted);
    }

    /// <summary>One backup's way through the run.</summary>
    private sealed class ItemRun
    {
        public ItemRun(VaultCopyPlanItem item)
        {
            Item = item;
        }

        public VaultCopyPlanItem Item { get; }

        /// <summary>What is shared and copied: the backup, or its conversion.</summary>
        public VaultResource? Copied { get; set; }

        public List<VaultCopyJob> Jobs { get; } = [];

        public VaultCopyException? Failure { get; private set; }

        public VaultCopyException? WithdrawError { get; set; }

        public bool Pending { get; set; }

        public bool SharedNow { get; set; }

        public bool WithdrawQueued { get; set; }

        public bool Withdrawn { get; set; }

        public bool Active => Item.Action != PlanAction.Refuse && Failure is null && !Pending;

        public void Fail(VaultCopyException error) => Failure ??= error;
    }

    /// <summary>The scheduler's progress, per Region, turned into journal lines, withdrawals and the run's progress.</summary>
    private sealed class Progress : IProgress<CopyProgress?>
    {
        private readonly VaultCopyOrchestrator _owner;
        private readonly string _region;
        private readonly Dictionary<Guid, ItemRun> _byJob;
        private readonly HashSet<string> _journaled;
        private readonly Dictionary<string, CopyProgress> _regions;
        private readonly ChannelWriter<ItemRun> _withdrawals;
        private readonly VaultCopyJournal? _journal;
        private readonly IProgress<VaultCopyRunProgress>? _progress;

        public Progress(
            VaultCopyOrchestrator owner, string region, Dictionary<Guid, ItemRun> byJob, HashSet<string> journaled, Dictionary<string, CopyProgress> regions,
            ChannelWriter<ItemRun> withdrawals, VaultCopyJournal? journal, IProgress<VaultCopyRunProgress>? progress)
        {
            _owner = owner;
            _region = region;
            _byJob = byJob;
            _journaled = journaled;
            _regions = regions;
            _withdrawals = withdrawals;
            _journal = journal;
            _progress = progress;
        }

        public void Report(CopyProgress? value) => _owner.OnCopyProgress(_region, value, _byJob, _journaled, _regions, _withdrawals, _journal, _progress);
    }
}
