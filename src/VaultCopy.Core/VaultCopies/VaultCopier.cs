using System.Collections.Concurrent;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Core.VaultCopies;

/// <summary>What to do with one source: copy it (Job) or refuse it (Refusal).</summary>
public sealed class VaultCopyPlan
{
    public required VaultResource Source { get; init; }

    public VaultCopyJob? Job { get; init; }

    public VaultCopyException? Refusal { get; init; }
}

/// <summary>
/// The vault copy, run with the vault's (destination's) credentials: finds each source (in the origin when its
/// connection is given, else as shared with the vault), refuses a copy that would still depend on the origin's
/// key, and hands the jobs to the copy machinery (purpose "vault") in the destination Region.
/// </summary>
public sealed class VaultCopier : IDisposable
{
    /// <summary>The lineage purpose of a vault copy.</summary>
    public const string Purpose = "vault";

    private readonly VaultAccount _destination;
    private readonly VaultAccount? _source;
    private readonly string _sourceRegion;
    private readonly ConcurrentDictionary<string, ResourceInventory> _inventories = new(StringComparer.Ordinal);
    private readonly AwsClients _clients;
    private readonly bool _ownsClients;
    private readonly KmsGateway _kms;

    /// <param name="destination">The vault account; its credentials make the copies.</param>
    /// <param name="destinationRegion">Where the copies go (default: the vault's Region).</param>
    /// <param name="source">The origin account, when connected: sources are then read with its credentials.</param>
    /// <param name="sourceRegion">Where sources given by id live (default: the origin's Region, else the vault's).</param>
    public VaultCopier(VaultAccount destination, string? destinationRegion = null, VaultAccount? source = null, string? sourceRegion = null)
        : this(destination, destinationRegion, source, sourceRegion, null)
    {
    }

    /// <summary>A vault copy with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal VaultCopier(VaultAccount destination, string? destinationRegion, VaultAccount? source, string? sourceRegion, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (source is not null && AccountRules.CheckPair(source, destination) is VaultCopyException refused)
        {
            throw refused;
        }

        _ownsClients = clients is null;
        _clients = clients ?? new AwsClients();
        _destination = destination;
        _source = source;
        DestinationRegion = string.IsNullOrEmpty(destinationRegion) ? destination.Region : destinationRegion;
        _sourceRegion = !string.IsNullOrEmpty(sourceRegion) ? sourceRegion : source?.Region ?? destination.Region;
        _kms = _clients.Kms(destination.Session, DestinationRegion);
        Engine = new CopyEngine(destination, DestinationRegion, _clients);
    }

    public string DestinationRegion { get; }

    public string DestinationAccountId => _destination.AccountId;

    /// <summary>Makes and follows the copies in the destination account and Region.</summary>
    public CopyEngine Engine { get; }

    /// <summary>
    /// The vault key, by <see cref="KeyRules"/> for <see cref="KeyUse.VaultCopy"/>: a customer managed, enabled,
    /// symmetric key of the vault account in the destination Region (alias names resolve there). A key of any other
    /// account is refused unless <paramref name="keepSourceKey"/>, because copies under it would still depend on it.
    /// </summary>
    public Task<KmsKey> ResolveKeyAsync(string kmsKeyId, bool keepSourceKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kmsKeyId);
        return new KeyResolver(_kms, KeyOwner.Of(_destination, DestinationRegion)).ResolveAsync(kmsKeyId, KeyUse.VaultCopy, keepSourceKey, cancellationToken);
    }

    /// <summary>
    /// A source by id or ARN: read in the origin when it is connected, else as the vault sees it (shared). A bare
    /// RDS identifier of another account is turned into its ARN with <paramref name="sourceAccountId"/>.
    /// </summary>
    public async Task<VaultResource> FindSourceAsync(string idOrArn, string? sourceAccountId, CancellationToken cancellationToken = default)
    {
        ResourceReference reference = ResourceReference.Parse(idOrArn);
        string region = reference.Region is { Length: > 0 } arnRegion ? arnRegion : _sourceRegion;
        bool ec2 = reference.Type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami;
        // An ARN is read in its own Region (as -SourceRegion would), and only ever as the origin's resource.
        if (_source is not null)
        {
            return await Inventory(_source, region).GetAsync(reference.Text, sourceAccountId ?? _source.AccountId, "the origin (-Source)", cancellationToken).ConfigureAwait(false);
        }

        if (ec2 || reference.Text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return await Inventory(_destination, region).GetAsync(reference.Text, sourceAccountId, "the origin (-SourceAccountId)", cancellationToken).ConfigureAwait(false);
        }

        string owner = sourceAccountId ?? throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "SourceAccountNeeded",
            $"'{reference.Text}' is an RDS snapshot identifier, and RDS finds a snapshot shared by another account only by its ARN.",
            "Pass the snapshot's ARN, or add -SourceAccount <12 digits> (and -SourceRegion), or -Source with the origin's connection.");
        ResourceInventory inventory = Inventory(_destination, region);
        string partition = _destination.Partition;
        try
        {
            return await inventory.GetAsync($"arn:{partition}:rds:{region}:{owner}:snapshot:{reference.Id}", cancellationToken).ConfigureAwait(false);
        }
        catch (VaultCopyException error) when (error.Kind == VaultCopyErrorKind.NotFound)
        {
            return await inventory.GetAsync($"arn:{partition}:rds:{region}:{owner}:cluster-snapshot:{reference.Id}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A resource read earlier (Get-VaultResource), read again: what it said of its shares, state, encryption or key
    /// may be stale (a share granted since it was read) or edited, so only its ARN is taken from it.
    /// </summary>
    public Task<VaultResource> FindSourceAsync(VaultResource resource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return FindSourceAsync(resource.Arn, resource.AccountId, cancellationToken);
    }

    /// <summary>The resource a share (Grant-VaultSnapshotAccess) is about.</summary>
    public Task<VaultResource> FindSourceAsync(VaultShare share, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(share);
        return FindSourceAsync(share.Arn, share.OwnerAccountId, cancellationToken);
    }

    /// <summary>
    /// Decides whether and how <paramref name="source"/> is copied into the vault. With the origin connected, the keys
    /// the source is encrypted under are first described in the origin, so a key the preflight fails (disabled,
    /// pending deletion) refuses the copy with the preflight's words before anything is written.
    /// </summary>
    public async Task<VaultCopyPlan> PlanAsync(
        VaultResource source, KmsKey? key, bool keepSourceKey, IReadOnlyCollection<VaultResourceType> allowedTypes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sourceKeys = new Dictionary<string, KmsKey?>(StringComparer.Ordinal);
        if (_source is not null && _source.AccountId == source.AccountId)
        {
            IReadOnlyList<VaultResource> parts = source.Type == VaultResourceType.Ami ? source.BackingSnapshots : [source];
            foreach (string keyArn in parts.Where(p => p.KeyManager == KeyManager.Customer && p.KmsKeyArn is not null).Select(p => p.KmsKeyArn!).Distinct(StringComparer.Ordinal))
            {
                try
                {
                    sourceKeys[keyArn] = await SourceKms(source.Region).TryDescribeAsync(keyArn, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    throw AwsErrorTranslator.Translate(error, $"Describing KMS key {keyArn}", $"account {_source.AccountId} ({source.Region})");
                }
            }
        }

        return Plan(source, key, keepSourceKey, allowedTypes, sourceKeys);
    }

    /// <summary>
    /// Decides, without calling AWS, whether and how <paramref name="source"/> is copied into the vault: the source
    /// rules (<see cref="SourceRules"/>) and the state of each of <paramref name="sourceKeys"/>
    /// (<see cref="KeyRules.SourceKeyState"/>) are the preflight's, then what only a copy decides (type, shares, vault key).
    /// </summary>
    public VaultCopyPlan Plan(
        VaultResource source, KmsKey? key, bool keepSourceKey, IReadOnlyCollection<VaultResourceType> allowedTypes,
        IReadOnlyDictionary<string, KmsKey?>? sourceKeys = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(allowedTypes);
        source = WithOwnersIdentifier(source);
        if (!allowedTypes.Contains(source.Type))
        {
            return source.Type == VaultResourceType.Ami
                ? Refuse(source, VaultCopyErrorKind.InvalidArgument, "UseCopyVaultImage", $"{source.Id} is an AMI.", $"Copy it with Copy-VaultImage.")
                : Refuse(source, VaultCopyErrorKind.InvalidArgument, "UseCopyVaultSnapshot", $"{source.Id} is a {source.Type}, not an AMI.", "Copy it with Copy-VaultSnapshot.");
        }

        if (source.AccountId == _destination.AccountId)
        {
            return Refuse(source, VaultCopyErrorKind.InvalidArgument, "AlreadyInVault",
                $"{source.Id} already belongs to the vault account {_destination.AccountId}; a vault copy copies backups of another account into it.",
                "Pass a backup of the origin account (shared with the vault: Grant-VaultSnapshotAccess).");
        }

        if (SourceRules.FirstFailure(source) is SourceFinding failed)
        {
            return new VaultCopyPlan { Source = source, Refusal = failed.Finding.ToException() };
        }

        foreach ((string keyArn, KmsKey? described) in sourceKeys ?? new Dictionary<string, KmsKey?>())
        {
            Finding state = KeyRules.SourceKeyState(keyArn, described, source.Id, KeyOwner.Of(_source!, source.Region));
            if (state.Failed)
            {
                return new VaultCopyPlan { Source = source, Refusal = state.ToException() };
            }
        }

        IReadOnlyList<VaultResource> parts = source.Type == VaultResourceType.Ami ? source.BackingSnapshots : [source];
        if (_source is not null && _source.AccountId == source.AccountId)
        {
            // Read with the origin's credentials: its shares are known, so a missing one is said before copying.
            var unshared = parts.Where(p => !p.SharedWith.Contains(_destination.AccountId, StringComparer.Ordinal)).Select(p => p.Id).ToList();
            if (source.Type == VaultResourceType.Ami && !source.SharedWith.Contains(_destination.AccountId, StringComparer.Ordinal))
            {
                unshared.Insert(0, source.Id);
            }

            if (unshared.Count > 0)
            {
                return Refuse(source, VaultCopyErrorKind.PermissionDenied, "SourceNotShared",
                    $"{string.Join(", ", unshared.Distinct(StringComparer.Ordinal))} {(unshared.Count == 1 ? "is" : "are")} not shared with the vault account {_destination.AccountId}, so it cannot copy {source.Id}.",
                    $"Share it first: Grant-VaultSnapshotAccess -Source <origin> -Destination <vault> -Id {source.Id}.");
            }
        }

        bool encrypted = parts.Any(p => p.Encrypted);
        string? targetKey = key?.Arn;
        if (key is null && encrypted)
        {
            if (!keepSourceKey)
            {
                return Refuse(source, VaultCopyErrorKind.InvalidArgument, "VaultKeyRequired",
                    $"{source.Id} is encrypted under {source.KmsKeyArn ?? "a key"} of account {source.AccountId}, and no vault key was given: a vault copy must be re-encrypted under a key of the vault account {_destination.AccountId}, or it still depends on the origin's key, which defeats the vault.",
                    "Add -KmsKeyId <vault key> (for example alias/vault-backup), or -KeepSourceKey if the copy is meant to stay on the origin's key.");
            }

            // EBS and RDS copy a shared encrypted source only under a key named here: the source's own.
            targetKey = source.Type == VaultResourceType.Ami ? null : source.KmsKeyArn;
        }

        return new VaultCopyPlan { Source = source, Job = VaultCopyJob.Create(Purpose, source, _destination.AccountId, DestinationRegion, targetKey) };
    }

    public void Dispose()
    {
        if (_ownsClients)
        {
            _clients.Dispose();
        }
    }

    /// <summary>
    /// RDS names a snapshot shared with the caller by its ARN; the copy is named and tagged after the owner's
    /// identifier, so that a run from the vault alone and one with the origin connected find the same copy.
    /// </summary>
    internal static VaultResource WithOwnersIdentifier(VaultResource source)
    {
        if (source.Type is not (VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
            || !source.Id.StartsWith("arn:", StringComparison.Ordinal))
        {
            return source;
        }

        return new VaultResource
        {
            Type = source.Type,
            Id = ResourceReference.Parse(source.Id).Id,
            Arn = source.Arn,
            AccountId = source.AccountId,
            Region = source.Region,
            State = source.State,
            CreationTime = source.CreationTime,
            SizeGiB = source.SizeGiB,
            Encrypted = source.Encrypted,
            KmsKeyArn = source.KmsKeyArn,
            KeyManager = source.KeyManager,
            SharedWith = source.SharedWith,
            Tags = source.Tags,
            BackingSnapshots = source.BackingSnapshots,
            SnapshotType = source.SnapshotType,
            Name = source.Name,
            Engine = source.Engine,
            BillingProducts = source.BillingProducts,
            IsSharedWithMe = source.IsSharedWithMe,
        };
    }

    private KmsGateway SourceKms(string region) => _clients.Kms(_source!.Session, region);

    private ResourceInventory Inventory(VaultAccount account, string region) =>
        _inventories.GetOrAdd($"{account.AccountId}|{region}", _ => new ResourceInventory(account, region, _clients));

    private static VaultCopyPlan Refuse(VaultResource source, VaultCopyErrorKind kind, string id, string message, string fix) =>
        new() { Source = source, Refusal = new VaultCopyException(kind, id, message, fix) };
}
