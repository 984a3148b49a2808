using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies.Backends;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Copies;

/// <summary>
/// Makes copies in one destination account and Region: takes over copies earlier runs made (found by their
/// lineage), starts the rest as the concurrency quotas allow, follows them with one describe call per type per
/// poll, and verifies each finished copy. Used by Convert-VaultSnapshotKey (purpose "convert", inside the origin)
/// and by the vault copy (purpose "vault").
/// </summary>
public sealed class CopyEngine : IDisposable
{
    private readonly IReadOnlyList<ICopyBackend> _backends;
    private readonly AwsClients? _ownedClients;
    private readonly string? _accountId;
    private readonly string? _region;
    private readonly KeyResolver? _copyKeys;

    /// <summary>Copies into <paramref name="destination"/>, in <paramref name="region"/> (default: the account's Region).</summary>
    public CopyEngine(VaultAccount destination, string? region = null)
        : this(destination, region, null)
    {
    }

    /// <summary>Copies with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal CopyEngine(VaultAccount destination, string? region, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(destination);
        _accountId = destination.AccountId;
        _region = string.IsNullOrEmpty(region) ? destination.Region : region;
        if (clients is null)
        {
            clients = _ownedClients = new AwsClients();
        }

        _copyKeys = new KeyResolver(clients.Kms(destination.Session, _region), new KeyOwner(destination.AccountId, _region, destination.PrincipalArn));
        Ec2Gateway ec2 = clients.Ec2(destination.Session, _region);
        RdsGateway rds = clients.Rds(destination.Session, _region);
        _backends =
        [
            new EbsSnapshotCopyBackend(ec2, destination.Partition, _region),
            new AmiCopyBackend(ec2, destination.Partition, _region),
            new RdsCopyBackend(rds, cluster: false, _accountId, _region),
            new RdsCopyBackend(rds, cluster: true, _accountId, _region),
        ];
    }

    internal CopyEngine(IReadOnlyList<ICopyBackend> backends)
    {
        _backends = backends;
    }

    /// <summary>
    /// Takes over copies that earlier runs already made or started (same source, purpose and destination key):
    /// such jobs get Reused = true and the copy's id and state. Reads only.
    /// </summary>
    public async Task AdoptExistingAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken = default)
    {
        CheckDestination(jobs);
        await Scheduler(new CopyRunOptions()).AdoptExistingAsync(jobs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the queued jobs and, with <see cref="CopyRunOptions.UntilFinished"/>, waits for every copy to finish
    /// and verifies it. Failures are recorded on each job (State Failed, FailureReason), never thrown; an error
    /// that concerns the whole run (the destination cannot be read) is a VaultCopyException.
    /// </summary>
    public async Task<CopyRunOutcome> RunAsync(
        IReadOnlyList<VaultCopyJob> jobs, CopyRunOptions options, IProgress<CopyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckDestination(jobs);
        return await Scheduler(options).RunAsync(jobs, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One look at the copies in flight (one describe call per type), verifying those that completed.</summary>
    public async Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken = default)
    {
        CheckDestination(jobs);
        CopyScheduler scheduler = Scheduler(new CopyRunOptions());
        await scheduler.RefreshAsync(jobs, cancellationToken).ConfigureAwait(false);
        await scheduler.VerifyCompletedAsync(jobs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How transient AWS faults are waited out (tests make it fast).</summary>
    internal TransientFaultPolicy FaultPolicy { get; set; } = TransientFaultPolicy.Default;

    public void Dispose() => _ownedClients?.Dispose();

    private CopyScheduler Scheduler(CopyRunOptions options) => new(_backends, options, faults: FaultPolicy) { CopyKeys = _copyKeys };

    private void CheckDestination(IReadOnlyList<VaultCopyJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        VaultCopyJob? foreign = jobs.FirstOrDefault(j => (_accountId is not null && j.TargetAccountId != _accountId) || (_region is not null && j.TargetRegion != _region));
        if (foreign is not null)
        {
            throw new ArgumentException($"Job {foreign.JobId} copies into {foreign.TargetAccountId} ({foreign.TargetRegion}), not into {_accountId} ({_region}).", nameof(jobs));
        }
    }
}
