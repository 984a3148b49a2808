using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

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

        if (reference.RefuseOutside(_source.Partition, _source.Region, _source.AccountId, "the origin (-Source)") is VaultCopyException outside)
        {
            return (null, [Fail(check, PrereqSide.Source, text, outside.Message, outside.Remediation)]);
        }

        VaultResource resource;
        try
        {
            resource = await _inventory.GetAsync(text, _source.AccountId, "the origin (-Source)", cancellationToken).ConfigureAwait(false);
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

        // The copy commands refuse a source on the first of these that fails, with the same words.
        foreach (SourceFinding finding in SourceRules.Check(resource))
        {
            results.Add(Result(finding.Check, PrereqSide.Source, finding.Target, finding.Finding));
        }

        string? blockedBy = results.FirstOrDefault(r => r.Status == PrereqStatus.Fail)?.Check;
        return (new CheckedResource(resource, blockedBy), results);
    }

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
