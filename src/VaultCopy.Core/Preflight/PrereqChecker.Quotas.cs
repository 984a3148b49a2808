using VaultCopy.Core.Aws;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Preflight;

public sealed partial class PrereqChecker
{
    private static readonly VaultResourceType[] s_allTypes =
        [VaultResourceType.EbsSnapshot, VaultResourceType.Ami, VaultResourceType.RdsSnapshot, VaultResourceType.AuroraClusterSnapshot];

    /// <summary>
    /// The destination's room for the planned copies: manual RDS snapshots (a hard limit: Fail when they will not fit)
    /// and copies in flight (a queue: Warning). Without resources, every kind is measured with nothing planned.
    /// </summary>
    private async Task<IReadOnlyList<VaultPrereqResult>> CheckQuotasAsync(IReadOnlyList<CheckedResource> resources, CancellationToken cancellationToken)
    {
        IEnumerable<VaultResourceType> types = resources.Count == 0 ? s_allTypes : s_allTypes.Where(t => resources.Any(r => r.Resource.Type == t));
        var results = new List<VaultPrereqResult>();
        foreach (VaultResourceType type in types)
        {
            int planned = resources.Count(r => r.Resource.Type == type && r.BlockedBy is null);
            string target = $"{_destination.AccountId} {_destination.Region} {type}";
            if (type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
            {
                bool cluster = type == VaultResourceType.AuroraClusterSnapshot;
                results.AddRange(await GuardAsync(PrereqChecks.ManualSnapshotQuota, PrereqSide.Destination, target, async () =>
                {
                    IReadOnlyList<RdsSnapshotRecord> manual = await ManualSnapshotsAsync(cluster, cancellationToken).ConfigureAwait(false);
                    int inFlight = manual.Count(s => s.Status is "creating" or "pending" or "copying");
                    return [ManualSnapshotHeadroom(target, cluster, manual.Count, planned), CopyQueue(target, type, inFlight, planned)];
                }).ConfigureAwait(false));
            }
            else
            {
                results.AddRange(await GuardAsync(PrereqChecks.ConcurrentCopyQuota, PrereqSide.Destination, target, async () =>
                {
                    int inFlight = type == VaultResourceType.EbsSnapshot
                        ? await _destinationEc2.CountPendingSnapshotCopiesAsync(cancellationToken).ConfigureAwait(false)
                        : await _destinationEc2.CountPendingImagesAsync(cancellationToken).ConfigureAwait(false);
                    return [CopyQueue(target, type, inFlight, planned)];
                }).ConfigureAwait(false));
            }
        }

        return results;
    }

    private async Task<IReadOnlyList<RdsSnapshotRecord>> ManualSnapshotsAsync(bool cluster, CancellationToken cancellationToken)
    {
        var manual = new List<RdsSnapshotRecord>();
        await foreach (IReadOnlyList<RdsSnapshotRecord> page in _destinationRds.DescribeSnapshotPagesAsync(cluster, null, "manual", false, cancellationToken).ConfigureAwait(false))
        {
            manual.AddRange(page);
        }

        return manual;
    }

    private VaultPrereqResult ManualSnapshotHeadroom(string target, bool cluster, int existing, int planned)
    {
        const string check = PrereqChecks.ManualSnapshotQuota;
        const int quota = PrereqQuotas.RdsManualSnapshots;
        string kind = cluster ? "manual cluster snapshots" : "manual DB snapshots";
        string where = $"{_destination.AccountId} ({_destination.Region})";
        string usage = $"{where} has {existing} of at most {quota} {kind}";
        string free = $"Delete {kind} the vault no longer needs, or ask AWS for a higher quota (Service Quotas: Amazon RDS, {(cluster ? "Manual cluster snapshots" : "Manual DB instance snapshots")}).";
        if (existing + planned > quota)
        {
            return Fail(check, PrereqSide.Destination, target,
                existing >= quota
                    ? $"{usage}: it is full, and every copy of this kind would fail."
                    : $"{usage}: only {quota - existing} of the {planned} planned copies fit.",
                free);
        }

        return existing + planned > quota * PrereqQuotas.NearlyFull
            ? Warn(check, PrereqSide.Destination, target, $"{usage}; with the {planned} planned copies it is nearly full.", free)
            : Pass(check, PrereqSide.Destination, target, $"{usage}: room for the {planned} planned copies.");
    }

    private VaultPrereqResult CopyQueue(string target, VaultResourceType type, int inFlight, int planned)
    {
        const string check = PrereqChecks.ConcurrentCopyQuota;
        (int quota, string kind) = type switch
        {
            VaultResourceType.EbsSnapshot => (Copies.CopyQuotas.Default.EbsSnapshots, "EBS snapshot copies"),
            VaultResourceType.Ami => (Copies.CopyQuotas.Default.Images, "AMI copies"),
            VaultResourceType.RdsSnapshot => (Copies.CopyQuotas.Default.RdsSnapshots, "RDS DB snapshot copies"),
            _ => (Copies.CopyQuotas.Default.AuroraClusterSnapshots, "Aurora cluster snapshot copies"),
        };
        string where = $"{_destination.AccountId} ({_destination.Region})";
        return inFlight + planned > quota
            ? Warn(check, PrereqSide.Destination, target,
                $"{inFlight} {kind} are already in flight into {where} and {planned} are planned, against a limit of {quota} at a time: copies will queue until slots free up.",
                "Nothing to fix: the vault copy waits for free slots. Copy in smaller batches to finish sooner.")
            : Pass(check, PrereqSide.Destination, target, $"{inFlight} {kind} in flight into {where}: the {planned} planned fit under the limit of {quota} at a time.");
    }
}
