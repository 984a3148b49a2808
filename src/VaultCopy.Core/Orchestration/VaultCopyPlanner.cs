using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;
using VaultCopy.Core.Sharing;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Orchestration;

/// <summary>A planned key-access document and the manager that writes it.</summary>
internal sealed record PlannedKeyAccessEdit(PlannedPolicyEdit Edit, KeyAccessManager Manager);

/// <summary>
/// Plans the whole vault copy with reads only: lists each origin's backups (one filtered describe tells which are
/// shared with the vault), lists the vault's copies once per Region (their lineage tags say what is vaulted), and
/// decides per backup with the rules the preflight and the copy use — <see cref="SourceRules"/>,
/// <see cref="KeyRules"/>, <see cref="SharePlanner"/> and <see cref="KeyAccessManager"/>'s plan. Nothing is written.
/// </summary>
public sealed class VaultCopyPlanner
{
    private const string OriginVariable = "$origin";
    private const string VaultVariable = "$vault";

    private readonly VaultCopyRequest _request;
    private readonly HashSet<string> _namedFound = new(StringComparer.Ordinal);

    public VaultCopyPlanner(VaultCopyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        _request = request;
    }

    /// <summary>
    /// How the planning's reads wait out throttling and AWS 5xx answers past the SDK's own retries: each read (a key, an
    /// origin's listing, a Region's copies) is made again from its start, so one bad page never ends the plan.
    /// </summary>
    internal TransientFaultPolicy FaultPolicy { get; init; } = TransientFaultPolicy.Default;

    /// <summary>The vault key chosen for each destination Region (after <see cref="PlanAsync"/>).</summary>
    internal Dictionary<string, KmsKey> VaultKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>The conversion key of each origin (after <see cref="PlanAsync"/>, with -ConvertKeyId).</summary>
    internal Dictionary<string, KmsKey> ConvertKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Plans with reads only. The plan owns the clients the planning opened (one per service, account and Region), and
    /// the run executes with them.
    /// </summary>
    public async Task<VaultCopyRunPlan> PlanAsync(CancellationToken cancellationToken = default)
    {
        CheckAccounts();
        var clients = new AwsClients();
        var keyAccess = new KeyAccessPlans(_request, clients);
        try
        {
            return await PlanWithAsync(clients, keyAccess, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            keyAccess.Dispose();
            clients.Dispose();
            throw;
        }
    }

    private async Task<VaultCopyRunPlan> PlanWithAsync(AwsClients clients, KeyAccessPlans keyAccess, CancellationToken cancellationToken)
    {
        VaultAccount vault = _request.Vault;
        IReadOnlyList<string> regions = _request.Regions;
        foreach (string region in regions)
        {
            string keyId = _request.KmsKeyIds.TryGetValue(region, out string? perRegion) ? perRegion
                : _request.KmsKeyIds.TryGetValue(VaultCopyRequest.EveryRegion, out string? every) ? every
                : throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "VaultKeyRequired",
                    $"No vault key was given for {region}.",
                    $"Pass -KmsKeyId @{{ '{region}' = '<vault key>' }} with one key per destination Region, or a key alias that exists in each.");
            try
            {
                VaultKeys[region] = await FaultPolicy.RunAsync(
                    () => new KeyResolver(clients.Kms(vault.Session, region), KeyOwner.Of(vault, region)).ResolveAsync(keyId, KeyUse.VaultCopy, keepSourceKey: false, cancellationToken),
                    $"Resolving the vault key {keyId}", cancellationToken).ConfigureAwait(false);
            }
            catch (VaultCopyException error) when (error.Subject is null)
            {
                throw error.About(keyId);
            }
        }

        if (_request.ConvertKeyId is string convertKeyId)
        {
            foreach (VaultAccount origin in _request.Origins)
            {
                try
                {
                    ConvertKeys[origin.AccountId] = await FaultPolicy.RunAsync(
                        () => new KeyResolver(clients.Kms(origin.Session), KeyOwner.Of(origin)).ResolveAsync(convertKeyId, KeyUse.ConversionTarget, keepSourceKey: false, cancellationToken),
                        $"Resolving the conversion key {convertKeyId}", cancellationToken).ConfigureAwait(false);
                }
                catch (VaultCopyException error) when (error.Subject is null)
                {
                    throw error.About(convertKeyId);
                }
            }
        }

        // What is vaulted already, by source ARN: one listing per Region, never one lookup per backup.
        var vaulted = new Dictionary<string, ILookup<string, VaultCopyJob>>(StringComparer.Ordinal);
        foreach (string region in regions)
        {
            using var catalog = new VaultCopyCatalog(vault, region, clients);
            List<VaultCopyJob> copies = await FaultPolicy.RunAsync(async () =>
            {
                var listed = new List<VaultCopyJob>();
                await foreach (VaultCopyJob copy in catalog.ListAsync(new VaultCopyQuery(), cancellationToken).ConfigureAwait(false))
                {
                    listed.Add(copy);
                }

                return listed;
            }, $"Listing the vault's copies in {region}", cancellationToken).ConfigureAwait(false);

            vaulted[region] = copies.ToLookup(c => c.SourceArn, StringComparer.Ordinal);
        }

        var items = new List<VaultCopyPlanItem>();
        var warnings = new List<string>();
        var listed = new List<(VaultAccount Origin, IReadOnlyList<VaultResource> Backups)>();
        foreach (VaultAccount origin in _request.Origins)
        {
            listed.Add((origin, await FaultPolicy.RunAsync(
                () => ListBackupsAsync(origin, clients, cancellationToken), $"Listing the backups of {origin.AccountId}", cancellationToken).ConfigureAwait(false)));
        }

        // A backup named by a bare id that none of several origins has is an error, never silently nothing.
        if (_request.Ids.Distinct(StringComparer.Ordinal).FirstOrDefault(id => !_namedFound.Contains(id) && ResourceReference.Parse(id).AccountId is null) is string missing)
        {
            throw new VaultCopyException(VaultCopyErrorKind.NotFound, "ResourceNotFound",
                $"{missing} was found in none of the origins ({string.Join(", ", _request.Origins.Select(o => $"{o.AccountId} in {o.Region}"))}).",
                "Check the id and the Region; pass the backup's ARN to name its account and Region.") { Subject = missing };
        }

        foreach ((VaultAccount origin, IReadOnlyList<VaultResource> backups) in listed)
        {
            KmsGateway originKms = clients.Kms(origin.Session);
            foreach ((VaultResource backup, VaultResource? converted) in Pair(backups))
            {
                items.Add(await DecideAsync(origin, backup, converted, originKms, vaulted, keyAccess, cancellationToken).ConfigureAwait(false));
            }
        }

        List<PlannedKeyAccessEdit> edits = keyAccess.NeededEdits(items);
        return new VaultCopyRunPlan
        {
            Items = items,
            KeyAccessChanges = edits.Select(e => e.Edit.Preview).ToList(),
            KeyAccessEdits = edits,
            DestinationRegions = regions,
            Warnings = warnings.Concat(keyAccess.Warnings).Distinct(StringComparer.Ordinal).ToList(),
            Origins = _request.Origins,
            Vault = vault,
            VaultKeys = new Dictionary<string, KmsKey>(VaultKeys, StringComparer.Ordinal),
            ConvertKeys = new Dictionary<string, KmsKey>(ConvertKeys, StringComparer.Ordinal),
            Clients = clients,
            Owned = keyAccess,
        };
    }

    private void CheckAccounts()
    {
        if (_request.Origins.Count == 0)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "OriginRequired", "No origin account was given.",
                "Pass -Source with one or more origin connections (Connect-VaultAccount).");
        }

        if (_request.Origins.GroupBy(o => o.AccountId).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "DuplicateOrigin",
                $"Account {twice.Key} is given twice in -Source.", "Pass each origin account once.") { Subject = twice.First() };
        }

        foreach (VaultAccount origin in _request.Origins)
        {
            if (AccountRules.CheckPair(origin, _request.Vault) is VaultCopyException refused)
            {
                throw refused;
            }
        }
    }

    /// <summary>The origin's backups as the request selects them; an AMI's backing snapshots are part of the AMI, never items.</summary>
    private async Task<IReadOnlyList<VaultResource>> ListBackupsAsync(VaultAccount origin, AwsClients clients, CancellationToken cancellationToken)
    {
        ResourceQuery query = _request.Query;
        using var inventory = new ResourceInventory(origin, null, clients);
        var found = new List<VaultResource>();
        if (_request.Ids.Count > 0)
        {
            foreach (string id in _request.Ids.Distinct(StringComparer.Ordinal))
            {
                ResourceReference reference;
                try
                {
                    reference = ResourceReference.Parse(id);
                }
                catch (VaultCopyException error)
                {
                    throw error.About(id);
                }

                if (reference.AccountId is string owner && owner != origin.AccountId)
                {
                    // Another origin's backup; an ARN of an account that is no origin at all is refused by ResourceReference.
                    if (_request.Origins.Any(o => o.AccountId == owner))
                    {
                        continue;
                    }

                    throw reference.RefuseOutside(origin.Partition, origin.Region, origin.AccountId, "the origin (-Source)")!.About(id);
                }

                try
                {
                    VaultResource resource = await inventory.GetAsync(id, cancellationToken).ConfigureAwait(false);
                    _namedFound.Add(id);
                    // Named backups are narrowed by the same filters as a listing (as Get-VaultResource does); never another account's.
                    if (query.Matches(resource))
                    {
                        found.Add(resource);
                    }
                }
                catch (VaultCopyException error) when (error.Kind == VaultCopyErrorKind.NotFound && _request.Origins.Count > 1)
                {
                    // Another origin's backup.
                }
            }

            return found;
        }

        var listing = new ResourceQuery
        {
            Types = query.Types,
            Tags = query.Tags,
            CreatedAfter = query.CreatedAfter,
            CreatedBefore = query.CreatedBefore,
            SharesWithAccountId = _request.Vault.AccountId,
        };
        await foreach (VaultResource resource in inventory.ListAsync(listing, cancellationToken).ConfigureAwait(false))
        {
            found.Add(resource);
        }

        // The AMIs a narrower listing left out still own their snapshots.
        var backing = new HashSet<string>(found.SelectMany(r => r.BackingSnapshots).Select(s => s.Id), StringComparer.Ordinal);
        bool everyAmiListed = query.Wants(VaultResourceType.Ami) && query.Tags.Count == 0 && query.CreatedAfter is null && query.CreatedBefore is null;
        if (!everyAmiListed && found.Any(r => r.Type == VaultResourceType.EbsSnapshot))
        {
            await foreach (VaultResource image in inventory.ListAsync(new ResourceQuery { Types = [VaultResourceType.Ami], ReadShares = false }, cancellationToken).ConfigureAwait(false))
            {
                backing.UnionWith(image.BackingSnapshots.Select(s => s.Id));
            }
        }

        return found.Where(r => !(r.Type == VaultResourceType.EbsSnapshot && backing.Contains(r.Id))).ToList();
    }

    /// <summary>A conversion copy (lineage purpose "convert") belongs to its original when the original is still there.</summary>
    private static IEnumerable<(VaultResource Backup, VaultResource? Converted)> Pair(IReadOnlyList<VaultResource> backups)
    {
        var originals = backups.ToDictionary(b => b.Arn, StringComparer.Ordinal);
        var conversions = new Dictionary<string, VaultResource>(StringComparer.Ordinal);
        foreach (VaultResource backup in backups)
        {
            if (backup.Tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) && purpose == Conversion.SnapshotKeyConverter.Purpose
                && backup.Tags.TryGetValue(CopyNaming.SourceArnTag, out string? original) && originals.ContainsKey(original)
                && backup.State is not ("error" or "failed"))
            {
                conversions.TryAdd(original, backup);
            }
        }

        var attached = new HashSet<string>(conversions.Values.Select(c => c.Arn), StringComparer.Ordinal);
        foreach (VaultResource backup in backups.Where(b => !attached.Contains(b.Arn)))
        {
            yield return (backup, conversions.GetValueOrDefault(backup.Arn));
        }
    }

    private async Task<VaultCopyPlanItem> DecideAsync(
        VaultAccount origin, VaultResource backup, VaultResource? converted, KmsGateway originKms,
        Dictionary<string, ILookup<string, VaultCopyJob>> vaulted, KeyAccessPlans keyAccess, CancellationToken cancellationToken)
    {
        var steps = new List<PlanAction>();
        VaultResource copied = backup;
        string? copiedKey;
        IReadOnlyList<SourceFinding> findings = SourceRules.Check(backup);

        // What a conversion does not fix refuses the backup with the preflight's words; what it fixes (a default
        // key, an automated snapshot, an undescribable key) is a conversion with -ConvertKeyId.
        if (findings.FirstOrDefault(f => f.Finding.Failed && f.Conversion != ConversionEffect.Fixes) is SourceFinding failed)
        {
            return Refuse(origin, backup, failed.Finding.ErrorId, failed.Finding.Message, failed.Finding.Remediation);
        }

        bool convertible = SourceRules.NeedsConversion(findings);
        KmsKey? convertKey = null;
        if (convertible && !ConvertKeys.TryGetValue(origin.AccountId, out convertKey))
        {
            SourceFinding fixable = findings.First(f => f.Conversion == ConversionEffect.Fixes);
            return Refuse(origin, backup, fixable.Finding.ErrorId, fixable.Finding.Message,
                $"{fixable.Finding.Remediation} — or run Invoke-VaultCopy again with -ConvertKeyId <customer managed key of {origin.AccountId}>, which converts it first.");
        }

        if (!convertible && findings.FirstOrDefault(f => f.Finding.Status == Preflight.PrereqStatus.Warning) is SourceFinding doubtful)
        {
            // The copy may not be readable.
            return Refuse(origin, backup, doubtful.Finding.ErrorId, doubtful.Finding.Message, doubtful.Finding.Remediation);
        }

        // Every customer managed key the backup is on (each backing snapshot's), converted or not: an unusable one is
        // refused by its own ARN, as the preflight names it.
        IReadOnlyList<VaultResource> parts = backup.Type == VaultResourceType.Ami ? backup.BackingSnapshots : [backup];
        foreach (string keyArn in parts.Where(p => p.KeyManager == KeyManager.Customer && p.KmsKeyArn is not null).Select(p => p.KmsKeyArn!).Distinct(StringComparer.Ordinal))
        {
            KmsKey? described;
            try
            {
                described = await originKms.TryDescribeAsync(keyArn, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                throw AwsErrorTranslator.Translate(error, $"Describing KMS key {keyArn}", $"account {origin.AccountId} ({backup.Region})");
            }

            Finding state = KeyRules.SourceKeyState(keyArn, described, backup.Id, KeyOwner.Of(origin, backup.Region));
            if (state.Status != Preflight.PrereqStatus.Pass)
            {
                return Refuse(origin, backup, state.ErrorId, state.Message, state.Remediation);
            }
        }

        if (convertible)
        {
            steps.Add(PlanAction.Convert);
            copiedKey = Conversion.SnapshotKeyConverter.TargetKeyArn(backup, convertKey!);
            if (converted is not null)
            {
                copied = converted;
            }
        }
        else
        {
            copiedKey = parts.Select(p => p.KmsKeyArn).FirstOrDefault(k => k is not null);
        }

        // Per Region: a complete copy under the vault key is reused; one in flight is followed; else a new copy.
        var destinations = new List<VaultCopyPlanDestination>();
        foreach ((string region, KmsKey vaultKey) in VaultKeys)
        {
            VaultCopyJob? existing = (converted is null && convertible) ? null : vaulted[region][copied.Arn]
                .Where(c => c.State != CopyJobState.Failed && c.TargetKeyArn == vaultKey.Arn)
                .OrderBy(c => c.State == CopyJobState.Completed ? 0 : 1)
                .FirstOrDefault();
            destinations.Add(new VaultCopyPlanDestination
            {
                Region = region,
                KmsKeyArn = vaultKey.Arn,
                Action = existing?.State == CopyJobState.Completed ? PlanAction.Reuse : PlanAction.Copy,
                ExistingCopyId = existing?.TargetId,
            });
        }

        bool shared = IsSharedWithVault(copied) && !(convertible && converted is null);
        if (destinations.All(d => d.Action == PlanAction.Reuse))
        {
            return Item(origin, backup, PlanAction.Reuse, [PlanAction.Reuse], destinations, converted, copiedKey, shared,
                $"Already vaulted: {string.Join(", ", destinations.Select(d => $"{d.ExistingCopyId} ({d.Region})"))}; the copies are verified again, nothing is copied.");
        }

        if (!convertible)
        {
            try
            {
                SharePlanner.PlanGrant(copied, origin.AccountId, _request.Vault.AccountId);
            }
            catch (VaultCopyException refusal)
            {
                return Refuse(origin, backup, refusal.ErrorId, refusal.Message, refusal.Remediation);
            }
        }

        if (!shared)
        {
            steps.Add(PlanAction.Share);
        }

        steps.Add(PlanAction.Copy);
        var changes = new List<VaultKeyPolicyChange>();
        if (copiedKey is not null)
        {
            foreach (VaultCopyPlanDestination destination in destinations.Where(d => d.Action == PlanAction.Copy))
            {
                (IReadOnlyList<PlannedPolicyEdit> edits, VaultCopyException? refusal) =
                    await keyAccess.PlanAsync(origin, copiedKey, destination.Region, VaultKeys[destination.Region], cancellationToken).ConfigureAwait(false);
                if (refusal is not null)
                {
                    return Refuse(origin, backup, refusal.ErrorId, refusal.Message, refusal.Remediation);
                }

                changes.AddRange(edits.Where(e => e.Changed).Select(e => e.Preview));

                // Without the origin key policy and the vault principal's IAM policy the copy fails; the vault key's
                // own users are a tidy-up the vault's root statement usually makes unnecessary.
                var blocking = edits.Where(e => e.Changed && (e.Kind == VaultKeyPolicyKind.IdentityPolicy || e.Preview.AccountId != _request.Vault.AccountId)).ToList();
                if (blocking.Count > 0 && !_request.GrantKeyAccess)
                {
                    return Refuse(origin, backup, "KeyAccessMissing",
                        $"The vault account {_request.Vault.AccountId} may not use {copiedKey} yet ({string.Join("; ", blocking.Select(e => e.DocumentName))} would have to change), so the copy of {backup.Id} would fail.",
                        $"Grant-VaultKeyAccess -Source {OriginVariable} -Destination {VaultVariable} -KeyId {copiedKey} -KmsKeyId {VaultKeys[destination.Region].Arn}, or run Invoke-VaultCopy with -GrantKeyAccess.",
                        changes);
                }
            }
        }

        string reason = convertible
            ? (copiedKey == backup.KmsKeyArn
                ? $"{backup.Id} is an automated snapshot: it is copied to a manual snapshot under its own key {copiedKey} first"
                : $"{backup.Id} is on an AWS managed key or automated: it is re-encrypted under {copiedKey} first")
              + $"{(converted is null ? string.Empty : $" (conversion {converted.Id} exists)")}, then shared and copied."
            : copiedKey is null
                ? $"{backup.Id} is not encrypted: its vault copy is encrypted under the vault key."
                : $"{backup.Id} is on the customer managed key {copiedKey}: it is {(shared ? "already shared" : "shared")} and copied under the vault key.";
        return Item(origin, backup, convertible ? PlanAction.Convert : PlanAction.Copy, steps, destinations, converted, copiedKey, shared, reason, changes.DistinctBy(c => c.Target + c.PolicyName).ToList());
    }

    internal static bool IsSharedWithVault(VaultResource resource, string vaultAccountId) =>
        resource.SharedWith.Contains(vaultAccountId, StringComparer.Ordinal)
        && resource.BackingSnapshots.All(s => s.SharedWith.Contains(vaultAccountId, StringComparer.Ordinal));

    /// <summary>Whether any part of the backup is still shared with the vault: an AMI whose image share was withdrawn
    /// while its snapshot's was not (a run cut between the two calls) still has a share to withdraw.</summary>
    internal static bool HasShareWithVault(VaultResource resource, string vaultAccountId) =>
        resource.SharedWith.Contains(vaultAccountId, StringComparer.Ordinal)
        || resource.BackingSnapshots.Any(s => s.SharedWith.Contains(vaultAccountId, StringComparer.Ordinal));

    private bool IsSharedWithVault(VaultResource resource) => IsSharedWithVault(resource, _request.Vault.AccountId);

    private static VaultCopyPlanItem Item(
        VaultAccount origin, VaultResource backup, PlanAction action, IReadOnlyList<PlanAction> steps, IReadOnlyList<VaultCopyPlanDestination> destinations,
        VaultResource? converted, string? copiedKey, bool shared, string reason, IReadOnlyList<VaultKeyPolicyChange>? changes = null,
        (string ErrorId, string? Remediation)? refusal = null) => new()
    {
        OriginAccountId = origin.AccountId,
        SourceRegion = backup.Region,
        Type = backup.Type,
        Id = backup.Id,
        Arn = backup.Arn,
        SizeGiB = backup.SizeGiB,
        KeyManager = backup.KeyManager,
        SourceKeyArn = backup.KmsKeyArn,
        Action = action,
        Steps = steps,
        Destinations = destinations,
        Reason = reason,
        ErrorId = refusal?.ErrorId,
        Cause = refusal is null ? null : reason,
        Remediation = refusal?.Remediation,
        ConvertedId = converted?.Id,
        SharedWithVault = shared,
        KeyAccessChanges = changes ?? [],
        Source = backup,
        Origin = origin,
        Converted = converted,
        CopiedKeyArn = copiedKey,
    };

    private static VaultCopyPlanItem Refuse(
        VaultAccount origin, VaultResource backup, string errorId, string cause, string? remediation, IReadOnlyList<VaultKeyPolicyChange>? changes = null) =>
        Item(origin, backup, PlanAction.Refuse, [PlanAction.Refuse], [], null, null, shared: false, cause, changes, (errorId, remediation));

    /// <summary>KeyAccessManager's plan for each (origin key, vault key) pair, made once per run.</summary>
    private sealed class KeyAccessPlans : IDisposable
    {
        private readonly VaultCopyRequest _request;
        private readonly AwsClients _clients;
        private readonly Dictionary<string, KeyAccessManager> _managers = new(StringComparer.Ordinal);
        private readonly Dictionary<string, (IReadOnlyList<PlannedPolicyEdit> Edits, VaultCopyException? Refusal)> _plans = new(StringComparer.Ordinal);
        private readonly Dictionary<PlannedPolicyEdit, KeyAccessManager> _writers = [];

        public KeyAccessPlans(VaultCopyRequest request, AwsClients clients)
        {
            _request = request;
            _clients = clients;
        }

        public List<string> Warnings { get; } = [];

        public async Task<(IReadOnlyList<PlannedPolicyEdit> Edits, VaultCopyException? Refusal)> PlanAsync(
            VaultAccount origin, string keyArn, string region, KmsKey vaultKey, CancellationToken cancellationToken)
        {
            string id = $"{origin.AccountId}|{keyArn}|{vaultKey.Arn}";
            if (_plans.TryGetValue(id, out var known))
            {
                return known;
            }

            if (!_managers.TryGetValue(origin.AccountId, out KeyAccessManager? manager))
            {
                manager = new KeyAccessManager(origin, _request.Vault, _clients);
                _managers[origin.AccountId] = manager;
            }

            try
            {
                KeyAccessPlan plan = await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = keyArn, KmsKeyId = vaultKey.Arn }, cancellationToken).ConfigureAwait(false);
                Warnings.AddRange(plan.Warnings);
                known = (plan.Edits, null);
                foreach (PlannedPolicyEdit edit in plan.Edits)
                {
                    _writers[edit] = manager;
                }
            }
            catch (VaultCopyException refusal)
            {
                known = ([], refusal);
            }

            _plans[id] = known;
            return known;
        }

        /// <summary>The edits the items that will be copied need, each document once.</summary>
        public List<PlannedKeyAccessEdit> NeededEdits(IReadOnlyList<VaultCopyPlanItem> items)
        {
            var needed = new HashSet<string>(items.Where(i => i.Action != PlanAction.Refuse).SelectMany(i => i.KeyAccessChanges).Select(c => c.Target + "|" + c.PolicyName), StringComparer.Ordinal);
            return _plans.Values.SelectMany(p => p.Edits).Where(e => e.Changed && needed.Contains(e.Preview.Target + "|" + e.Preview.PolicyName))
                .DistinctBy(e => e.Preview.Target + "|" + e.Preview.PolicyName).Select(e => new PlannedKeyAccessEdit(e, _writers[e])).ToList();
        }

        /// <summary>The managers live as long as the plan: the planned edits are written through them.</summary>
        public void Dispose()
        {
            foreach (KeyAccessManager manager in _managers.Values)
            {
                manager.Dispose();
            }
        }
    }
}
