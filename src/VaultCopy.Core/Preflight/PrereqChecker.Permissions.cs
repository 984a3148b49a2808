using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Preflight;

public sealed partial class PrereqChecker
{
    /// <summary>The vault copy tags every copy with its lineage; one such tag makes the DryRun prove tagging too.</summary>
    private static readonly KeyValuePair<string, string> s_purposeTag = new(CopyNaming.PurposeTag, VaultCopies.VaultCopier.Purpose);

    private async Task<IReadOnlyList<VaultPrereqResult>> CheckPermissionsAsync(CheckedResource checkedResource, string? destinationKeyId, CancellationToken cancellationToken)
    {
        VaultResource resource = checkedResource.Resource;
        string id = resource.Id;
        if (checkedResource.BlockedBy is { } blockedBy)
        {
            string message = $"Not checked: {id} cannot be copied until its {blockedBy} check passes.";
            return [Skipped(PrereqChecks.SourceCanShare, PrereqSide.Source, id, message), Skipped(PrereqChecks.DestinationCanCopy, PrereqSide.Destination, id, message)];
        }

        var results = new List<VaultPrereqResult>();
        results.AddRange(await GuardAsync(PrereqChecks.SourceCanShare, PrereqSide.Source, id,
            async () => [await SourceCanShareAsync(resource, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false));
        results.AddRange(await GuardAsync(PrereqChecks.DestinationCanCopy, PrereqSide.Destination, id,
            async () => [await DestinationCanCopyAsync(resource, destinationKeyId, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false));
        if (resource.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
        {
            results.Add(CheckSharedAccounts(resource));
        }

        return results;
    }

    private async Task<VaultPrereqResult> SourceCanShareAsync(VaultResource resource, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.SourceCanShare;
        string who = _source.PrincipalArn;
        string vault = _destination.AccountId;
        switch (resource.Type)
        {
            case VaultResourceType.EbsSnapshot:
            case VaultResourceType.Ami:
                var refused = new List<string>();
                if (resource.Type == VaultResourceType.Ami
                    && await _sourceEc2.DryRunShareImageAsync(resource.Id, vault, cancellationToken).ConfigureAwait(false) != DryRunOutcome.Allowed)
                {
                    refused.Add($"ec2:ModifyImageAttribute on {resource.Id}");
                }

                IEnumerable<string> snapshots = resource.Type == VaultResourceType.Ami ? resource.BackingSnapshots.Select(s => s.Id) : [resource.Id];
                foreach (string snapshot in snapshots)
                {
                    if (await _sourceEc2.DryRunShareSnapshotAsync(snapshot, vault, cancellationToken).ConfigureAwait(false) != DryRunOutcome.Allowed)
                    {
                        refused.Add($"ec2:ModifySnapshotAttribute on {snapshot}");
                    }
                }

                return refused.Count == 0
                    ? Pass(check, PrereqSide.Source, resource.Id, $"{who} may share {resource.Id}{(resource.Type == VaultResourceType.Ami ? " and its snapshots" : string.Empty)} with {vault} (proved by DryRun).")
                    : Fail(check, PrereqSide.Source, resource.Id,
                        $"{who} may not share {resource.Id} with {vault}: EC2 refused {string.Join(", ", refused)} (DryRun).",
                        $"Allow {string.Join(", ", refused)} in the IAM policy of {who}, or connect -Source as a principal that may share.");
            default:
                string action = resource.Type == VaultResourceType.RdsSnapshot ? "rds:ModifyDBSnapshotAttribute" : "rds:ModifyDBClusterSnapshotAttribute";
                Simulation simulation = await SimulateAsync(_sourceIam, _source, [action], [resource.Arn], [], cancellationToken).ConfigureAwait(false);
                if (simulation.Problem is not null)
                {
                    return Warn(check, PrereqSide.Source, resource.Id, $"Could not check: {simulation.Problem}",
                        $"Allow iam:SimulatePrincipalPolicy to {who}, or make sure its IAM policy allows {action} on {resource.Arn}.");
                }

                return simulation.Denied.Count == 0
                    ? Pass(check, PrereqSide.Source, resource.Id, $"{who} may share {resource.Id} with {vault} ({action} allowed by its IAM policies).")
                    : Fail(check, PrereqSide.Source, resource.Id,
                        $"{who} may not share {resource.Id}: its IAM policies do not allow {string.Join("; ", simulation.Denied)}.",
                        $"Allow {action} on {resource.Arn} in the IAM policy of {who}.");
        }
    }

    /// <summary>
    /// EC2 answers a DryRun copy only for a source the vault can already see; before the share, the vault principal's
    /// IAM policies are simulated instead (EC2 has no resource policies, so they decide alone).
    /// </summary>
    private async Task<VaultPrereqResult> DestinationCanCopyAsync(VaultResource resource, string? destinationKeyId, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.DestinationCanCopy;
        string who = _destination.PrincipalArn;
        string partition = _destination.Partition;
        string region = _destination.Region;
        (string action, string[] resources, string tagAction, string tagResource, SimulationContext[] context) = resource.Type switch
        {
            VaultResourceType.EbsSnapshot => ("ec2:CopySnapshot", new[] { resource.Arn, $"arn:{partition}:ec2:{region}::snapshot/*" },
                "ec2:CreateTags", $"arn:{partition}:ec2:{region}::snapshot/*", new SimulationContext[] { new("ec2:CreateAction", "string", "CopySnapshot") }),
            VaultResourceType.Ami => ("ec2:CopyImage", new[] { resource.Arn, $"arn:{partition}:ec2:{region}::image/*" },
                "ec2:CreateTags", $"arn:{partition}:ec2:{region}::image/*", new SimulationContext[] { new("ec2:CreateAction", "string", "CopyImage") }),
            VaultResourceType.RdsSnapshot => ("rds:CopyDBSnapshot", new[] { resource.Arn, $"arn:{partition}:rds:{region}:{_destination.AccountId}:snapshot:*" },
                "rds:AddTagsToResource", $"arn:{partition}:rds:{region}:{_destination.AccountId}:snapshot:*", []),
            _ => ("rds:CopyDBClusterSnapshot", new[] { resource.Arn, $"arn:{partition}:rds:{region}:{_destination.AccountId}:cluster-snapshot:*" },
                "rds:AddTagsToResource", $"arn:{partition}:rds:{region}:{_destination.AccountId}:cluster-snapshot:*", []),
        };

        if (resource.Type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami)
        {
            DryRunOutcome outcome = resource.Type == VaultResourceType.EbsSnapshot
                ? await _destinationEc2.DryRunCopySnapshotAsync(resource.Id, _source.Region, destinationKeyId, s_purposeTag, cancellationToken).ConfigureAwait(false)
                : await _destinationEc2.DryRunCopyImageAsync(resource.Id, _source.Region, destinationKeyId, s_purposeTag, cancellationToken).ConfigureAwait(false);
            if (outcome == DryRunOutcome.Allowed)
            {
                return Pass(check, PrereqSide.Destination, resource.Id, $"{who} may copy {resource.Id} into {_destination.AccountId} ({region}) and tag the copy (proved by DryRun).");
            }

            if (outcome == DryRunOutcome.Denied)
            {
                return Fail(check, PrereqSide.Destination, resource.Id,
                    $"{who} may not copy {resource.Id}: EC2 refused {action} with tags (DryRun).",
                    $"Allow {action} on {string.Join(" and ", resources)}, and {tagAction} on {tagResource}, in the IAM policy of {who}.");
            }
        }

        Simulation simulation = await SimulateAsync(_destinationIam, _destination, [action], resources, context, cancellationToken).ConfigureAwait(false);
        Simulation tagging = simulation.Problem is null
            ? await SimulateAsync(_destinationIam, _destination, [tagAction], [tagResource], context, cancellationToken).ConfigureAwait(false)
            : simulation;
        if (tagging.Problem is not null)
        {
            return Warn(check, PrereqSide.Destination, resource.Id, $"Could not check: {tagging.Problem}",
                $"Allow iam:SimulatePrincipalPolicy to {who}, or make sure its IAM policy allows {action} on {string.Join(" and ", resources)} and {tagAction} on {tagResource}.");
        }

        string how = resource.Type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami
            ? $"{resource.Id} is not shared with {_destination.AccountId} yet, so EC2 cannot answer a DryRun; its IAM policies allow it"
            : "its IAM policies allow it";
        var denied = simulation.Denied.Concat(tagging.Denied).ToList();
        return denied.Count == 0
            ? Pass(check, PrereqSide.Destination, resource.Id, $"{who} may copy {resource.Id} into {_destination.AccountId} ({region}) and tag the copy ({how}).")
            : Fail(check, PrereqSide.Destination, resource.Id,
                $"{who} may not copy {resource.Id}: its IAM policies do not allow {string.Join("; ", denied)}.",
                $"Allow {action} on {string.Join(" and ", resources)}, and {tagAction} on {tagResource}, in the IAM policy of {who}.");
    }

    private VaultPrereqResult CheckSharedAccounts(VaultResource resource)
    {
        const string check = PrereqChecks.SharedAccountsQuota;
        var accounts = resource.SharedWith.Where(a => a != "all").ToList();
        if (accounts.Contains(_destination.AccountId))
        {
            return Pass(check, PrereqSide.Source, resource.Id, $"{resource.Id} is already shared with {_destination.AccountId}.");
        }

        return accounts.Count >= Sharing.SharePlanner.MaxRdsSharedAccounts
            ? Fail(check, PrereqSide.Source, resource.Id,
                $"{resource.Id} is shared with {accounts.Count} accounts, the most RDS allows: it cannot also be shared with {_destination.AccountId}.",
                $"Remove an account that no longer needs it from the snapshot's restore attribute ({(resource.Type == VaultResourceType.RdsSnapshot ? "Edit-RDSDBSnapshotAttribute" : "Edit-RDSDBClusterSnapshotAttribute")} -AttributeName restore -ValuesToRemove <account>), then run the preflight again.")
            : Pass(check, PrereqSide.Source, resource.Id,
                $"{resource.Id} is shared with {accounts.Count} of at most {Sharing.SharePlanner.MaxRdsSharedAccounts} accounts: room to share it with {_destination.AccountId}.");
    }
}
