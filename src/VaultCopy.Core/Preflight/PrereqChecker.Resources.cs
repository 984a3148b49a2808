using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Preflight;

public sealed partial class PrereqChecker
{
    private async Task<(CheckedResource? Resource, IReadOnlyList<VaultPrereqResult> Results)> CheckResourceAsync(string text, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.ResourceState;
        ResourceReference reference;
        try
        {
            reference = ResourceReference.Parse(text);
        }
        catch (VaultCopyException error)
        {
            return (null, [Fail(check, PrereqSide.Source, text, error.Message, error.Remediation)]);
        }

        if (reference.AccountId is { Length: > 0 } owner && owner != _source.AccountId)
        {
            return (null, [Fail(check, PrereqSide.Source, text,
                $"{text} belongs to account {owner}; only its owner can share it, and -Source is account {_source.AccountId}.",
                $"Run the preflight with -Source connected to account {owner}.")]);
        }

        if (reference.Region is { Length: > 0 } region && region != _source.Region)
        {
            return (null, [Fail(check, PrereqSide.Source, text,
                $"{text} is in {region}, but -Source is connected in {_source.Region}.",
                $"Connect the origin in that Region (Connect-VaultAccount … -Region {region}) and run the preflight with it.")]);
        }

        VaultResource resource;
        try
        {
            resource = await _inventory.GetAsync(text, cancellationToken).ConfigureAwait(false);
        }
        catch (VaultCopyException error) when (error.Kind == VaultCopyErrorKind.NotFound)
        {
            return (null, [Fail(check, PrereqSide.Source, text,
                $"{text} does not exist in account {_source.AccountId} ({_source.Region}).",
                $"Check the id and the Region; Get-VaultResource -Account {SourceVariable} lists the backups VaultCopy can copy.")]);
        }
        catch (VaultCopyException error)
        {
            return (null, [Fail(check, PrereqSide.Source, text, $"Could not be checked: {error.Message}", error.Remediation)]);
        }

        var results = new List<VaultPrereqResult>();
        string id = resource.Id;
        if (resource.AccountId != _source.AccountId)
        {
            results.Add(Fail(check, PrereqSide.Source, id,
                $"{id} is owned by account {resource.AccountId}, which shared it with {_source.AccountId}; only the owner can share it with the vault.",
                $"Run the preflight with -Source connected to account {resource.AccountId}."));
            return (new CheckedResource(resource, check), results);
        }

        string usable = resource.Type switch
        {
            VaultResourceType.EbsSnapshot => "completed",
            _ => "available",
        };
        results.Add(string.Equals(resource.State, usable, StringComparison.OrdinalIgnoreCase)
            ? Pass(check, PrereqSide.Source, id, $"{Describe(resource)} exists and is {resource.State}.")
            : Fail(check, PrereqSide.Source, id,
                $"{Describe(resource)} is {resource.State}; only a {usable} one can be shared and copied.",
                IsFinal(resource.State)
                    ? "Pick another backup: this one will never become usable."
                    : $"Wait until it is {usable} (Get-VaultResource -Account {SourceVariable} -Id '{id}' shows its state), then run the preflight again."));

        if (resource.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
        {
            results.Add(resource.SnapshotType == "automated"
                ? Fail(PrereqChecks.ManualSnapshot, PrereqSide.Source, id,
                    $"{id} is an automated snapshot: RDS shares only manual snapshots, so it must become a manual snapshot first.",
                    $"{ConvertCommand(resource)} (the copy it makes is a manual snapshot)")
                : Pass(PrereqChecks.ManualSnapshot, PrereqSide.Source, id, $"{id} is a {resource.SnapshotType} snapshot, which RDS can share."));
        }

        if (resource.Type == VaultResourceType.Ami)
        {
            results.Add(resource.BillingProducts.Count > 0
                ? Fail(PrereqChecks.BillingProduct, PrereqSide.Source, id,
                    $"{id} carries a billing product ({string.Join(", ", resource.BillingProducts)}): EC2 refuses to copy such an AMI into another account.",
                    "Launch an instance from the AMI, create a new AMI from that instance, and copy the new AMI instead.")
                : Pass(PrereqChecks.BillingProduct, PrereqSide.Source, id, $"{id} has no billing product code."));
            foreach (VaultResource snapshot in resource.BackingSnapshots)
            {
                results.Add(CheckEncryption(snapshot, resource, $"{id}/{snapshot.Id}"));
            }
        }
        else
        {
            results.Add(CheckEncryption(resource, resource, id));
        }

        string? blockedBy = results.FirstOrDefault(r => r.Status == PrereqStatus.Fail)?.Check;
        return (new CheckedResource(resource, blockedBy), results);
    }

    /// <param name="encrypted">The resource whose key is checked: the resource itself, or one backing snapshot of an AMI.</param>
    /// <param name="copied">The resource that will be copied (the AMI for a backing snapshot).</param>
    /// <param name="target">How the result names what was checked.</param>
    private static VaultPrereqResult CheckEncryption(VaultResource encrypted, VaultResource copied, string target)
    {
        const string check = PrereqChecks.Encryption;
        switch (encrypted.KeyManager)
        {
            case KeyManager.None when copied.Type == VaultResourceType.AuroraClusterSnapshot:
                return Warn(check, PrereqSide.Source, target,
                    $"{copied.Id} is not encrypted, and RDS cannot encrypt an Aurora cluster snapshot while copying it: the vault copy would stay unencrypted.",
                    "Restore it into a cluster encrypted under a customer managed key, snapshot that cluster, and copy the new snapshot instead.");
            case KeyManager.None:
                return Pass(check, PrereqSide.Source, target, $"{encrypted.Id} is not encrypted: its vault copy will be encrypted under the vault key.");
            case KeyManager.Customer:
                return Pass(check, PrereqSide.Source, target, $"{encrypted.Id} is encrypted under the customer managed key {encrypted.KmsKeyArn}.");
            case KeyManager.AwsManaged:
                string alias = encrypted.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot ? "aws/rds" : "aws/ebs";
                return Fail(check, PrereqSide.Source, target,
                    $"{encrypted.Id} is encrypted under the AWS managed key {alias} ({encrypted.KmsKeyArn}), which no other account can ever use: it cannot be shared with the vault.",
                    ConvertCommand(copied));
            default:
                return Warn(check, PrereqSide.Source, target,
                    $"{encrypted.Id} is encrypted under {encrypted.KmsKeyArn}, which account {copied.AccountId} cannot describe (a key of another account?): the vault may not be able to use it.",
                    $"Re-encrypt it under a customer managed key of the origin: {ConvertCommand(copied)}");
        }
    }

    internal static string ConvertCommand(VaultResource resource) =>
        $"Convert-VaultSnapshotKey -Account {SourceVariable} -Id '{resource.Id}' -KmsKeyId <customer managed key>";

    private static bool IsFinal(string state) => state is "error" or "failed" or "invalid" or "deregistered" or "incompatible-parameters";

    private static string Describe(VaultResource resource) => resource.Type switch
    {
        VaultResourceType.EbsSnapshot => $"EBS snapshot {resource.Id}",
        VaultResourceType.Ami => $"AMI {resource.Id}",
        VaultResourceType.RdsSnapshot => $"RDS DB snapshot {resource.Id}",
        _ => $"Aurora cluster snapshot {resource.Id}",
    };

    private static string ServiceOf(VaultResourceType type) =>
        type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami ? "ec2" : "rds";

    /// <summary>The services that will use the keys on the vault's behalf; both when no resource narrows it.</summary>
    private static IReadOnlyCollection<string> ServicesOf(IReadOnlyList<CheckedResource> resources)
    {
        var services = resources.Select(r => ServiceOf(r.Resource.Type)).ToHashSet(StringComparer.Ordinal);
        return services.Count > 0 ? services.Order(StringComparer.Ordinal).ToList() : ["ec2", "rds"];
    }

    /// <summary>Each customer managed source key once, with the services that will decrypt it and the resources on it.</summary>
    private static IReadOnlyList<SourceKey> SourceKeysOf(IReadOnlyList<CheckedResource> resources)
    {
        var keys = new Dictionary<string, (SortedSet<string> Services, List<string> Resources)>(StringComparer.Ordinal);
        foreach (CheckedResource checkedResource in resources)
        {
            VaultResource resource = checkedResource.Resource;
            IEnumerable<VaultResource> encrypted = resource.Type == VaultResourceType.Ami ? resource.BackingSnapshots : [resource];
            foreach (VaultResource item in encrypted.Where(e => e.KeyManager == KeyManager.Customer && e.KmsKeyArn is not null))
            {
                if (!keys.TryGetValue(item.KmsKeyArn!, out var entry))
                {
                    entry = (new SortedSet<string>(StringComparer.Ordinal), []);
                    keys[item.KmsKeyArn!] = entry;
                }

                entry.Services.Add(ServiceOf(resource.Type));
                if (!entry.Resources.Contains(resource.Id))
                {
                    entry.Resources.Add(resource.Id);
                }
            }
        }

        return keys.Select(k => new SourceKey(k.Key, k.Value.Services.ToList(), k.Value.Resources)).ToList();
    }

    private sealed record SourceKey(string Arn, IReadOnlyList<string> Services, IReadOnlyList<string> UsedBy);
}
