using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Conversion;

/// <summary>What to do with one resource: convert it (Job), leave it (SkipReason), or refuse it (Refusal).</summary>
public sealed class ConversionPlan
{
    public required VaultResource Source { get; init; }

    public VaultCopyJob? Job { get; init; }

    /// <summary>Why nothing needs doing (a manual snapshot or an AMI already on customer managed keys).</summary>
    public string? SkipReason { get; init; }

    public VaultCopyException? Refusal { get; init; }
}

/// <summary>How removing an original went.</summary>
public sealed record SourceRemoval(bool Removed, string Message);

/// <summary>
/// Re-encrypts resources under a customer managed key of their own account, so that they can be shared: EBS
/// snapshots (CopySnapshot), AMIs (CopyImage: every backing snapshot), RDS DB snapshots (CopyDBSnapshot) and Aurora
/// cluster snapshots (CopyDBClusterSnapshot); an automated RDS or Aurora snapshot becomes a manual one, keeping its
/// customer managed key if it has one. Unencrypted EBS snapshots, AMIs and DB snapshots are encrypted the same way;
/// an unencrypted Aurora snapshot cannot be, and is refused as the preflight refuses it. Copies carry the lineage
/// tags with purpose "convert", so a second run finds them instead of copying again.
/// </summary>
public sealed class SnapshotKeyConverter : IDisposable
{
    /// <summary>The lineage purpose of a conversion copy.</summary>
    public const string Purpose = "convert";

    private readonly VaultAccount _account;
    private readonly KmsGateway _kms;
    private readonly Ec2Gateway _ec2;
    private readonly RdsGateway _rds;
    private readonly AwsClients? _ownedClients;

    public SnapshotKeyConverter(VaultAccount account)
        : this(account, null)
    {
    }

    /// <summary>A conversion with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal SnapshotKeyConverter(VaultAccount account, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        if (clients is null)
        {
            clients = _ownedClients = new AwsClients();
        }

        _kms = clients.Kms(account.Session);
        _ec2 = clients.Ec2(account.Session);
        _rds = clients.Rds(account.Session);
        Engine = new CopyEngine(account, null, clients);
        Inventory = new ResourceInventory(account, null, clients);
    }

    /// <summary>Makes and follows the copies (inside the account, in its Region).</summary>
    public CopyEngine Engine { get; }

    /// <summary>Reads resources of the account.</summary>
    public ResourceInventory Inventory { get; }

    /// <summary>
    /// The key to convert to, by <see cref="KeyRules"/> for <see cref="KeyUse.ConversionTarget"/>: a customer managed,
    /// enabled, symmetric key of this account in its Region. An AWS managed key (alias/aws/ebs, alias/aws/rds) is
    /// refused by its name: nothing on it can ever be shared.
    /// </summary>
    public Task<KmsKey> ResolveKeyAsync(string kmsKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kmsKeyId);
        return new KeyResolver(_kms, KeyOwner.Of(_account)).ResolveAsync(kmsKeyId, KeyUse.ConversionTarget, keepSourceKey: false, cancellationToken);
    }

    /// <summary>
    /// Decides what to do with <paramref name="source"/>, after describing the customer managed keys it is on (each
    /// backing snapshot's for an AMI), so that a key the preflight fails refuses it with the preflight's words,
    /// naming that key, before anything is copied.
    /// </summary>
    public async Task<ConversionPlan> PlanAsync(VaultResource source, KmsKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var sourceKeys = new Dictionary<string, KmsKey?>(StringComparer.Ordinal);
        if (source.AccountId == _account.AccountId && source.Region == _account.Region)
        {
            foreach (string keyArn in CustomerKeysOf(source))
            {
                try
                {
                    sourceKeys[keyArn] = await _kms.TryDescribeAsync(keyArn, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    throw AwsErrorTranslator.Translate(error, $"Describing KMS key {keyArn}", Where, _account.PrincipalArn);
                }
            }
        }

        return Plan(source, key, sourceKeys);
    }

    /// <summary>
    /// Decides, without calling AWS, what to do with <paramref name="source"/>: refuse what the conversion cannot
    /// copy (<see cref="SourceRules"/>: not ready, an unencrypted Aurora snapshot; a source key of
    /// <paramref name="sourceKeys"/> that <see cref="KeyRules.SourceKeyState"/> fails), leave what is already on
    /// customer managed keys and manual, and copy the rest — under <see cref="TargetKeyArn"/>.
    /// </summary>
    public ConversionPlan Plan(VaultResource source, KmsKey key, IReadOnlyDictionary<string, KmsKey?>? sourceKeys = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(key);
        if (source.AccountId != _account.AccountId || source.IsSharedWithMe)
        {
            return Refuse(source, VaultCopyErrorKind.InvalidArgument, "NotOwnResource",
                $"{source.Id} belongs to account {source.AccountId}; Convert-VaultSnapshotKey re-encrypts resources of account {_account.AccountId} only.",
                $"Connect to account {source.AccountId} (Connect-VaultAccount) and convert it there.");
        }

        if (source.Region != _account.Region)
        {
            return Refuse(source, VaultCopyErrorKind.InvalidArgument, "ResourceInOtherRegion",
                $"{source.Id} is in {source.Region}, but the account is connected in {_account.Region}.",
                $"Connect with -Region {source.Region} and a key of that Region.");
        }

        IReadOnlyList<SourceFinding> findings = SourceRules.Check(source);
        if (findings.FirstOrDefault(f => f.Conversion == ConversionEffect.Blocks) is SourceFinding blocked)
        {
            return new ConversionPlan { Source = source, Refusal = blocked.Finding.ToException() };
        }

        foreach ((string keyArn, KmsKey? described) in sourceKeys ?? new Dictionary<string, KmsKey?>())
        {
            Finding state = KeyRules.SourceKeyState(keyArn, described, source.Id, KeyOwner.Of(_account));
            if (state.Failed)
            {
                return new ConversionPlan { Source = source, Refusal = state.ToException() };
            }
        }

        IReadOnlyList<VaultResource> parts = PartsOf(source);
        if (!SourceRules.NeedsConversion(findings) && parts.Count > 0 && parts.All(p => p.KeyManager == KeyManager.Customer))
        {
            string keys = string.Join(", ", parts.Select(p => p.KmsKeyArn).Distinct(StringComparer.Ordinal));
            return new ConversionPlan
            {
                Source = source,
                SkipReason = $"{source.Id} is already encrypted under the customer managed key {keys}: it can be shared as it is (once the vault may use that key: Grant-VaultKeyAccess), so it was not converted.",
            };
        }

        return new ConversionPlan { Source = source, Job = VaultCopyJob.Create(Purpose, source, _account.AccountId, _account.Region, TargetKeyArn(source, key)) };
    }

    /// <summary>
    /// The key a conversion copy of <paramref name="source"/> is made under: an automated RDS or Aurora snapshot
    /// already on a customer managed key keeps it (the copy only makes it manual, which RDS can share); anything else
    /// goes under <paramref name="key"/> — an unencrypted EBS snapshot, AMI or RDS DB snapshot is encrypted by the copy.
    /// </summary>
    internal static string TargetKeyArn(VaultResource source, KmsKey key) =>
        source.SnapshotType == "automated" && source.KeyManager == KeyManager.Customer && source.KmsKeyArn is not null ? source.KmsKeyArn : key.Arn;

    private static IReadOnlyList<VaultResource> PartsOf(VaultResource source) => source.Type == VaultResourceType.Ami ? source.BackingSnapshots : [source];

    /// <summary>Each customer managed key of the source once: its own, or its backing snapshots' in their order.</summary>
    private static IEnumerable<string> CustomerKeysOf(VaultResource source) =>
        PartsOf(source).Where(p => p.KeyManager == KeyManager.Customer && p.KmsKeyArn is not null).Select(p => p.KmsKeyArn!).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Deletes the original of a conversion — only once its copy completed and was verified. An AMI is deregistered
    /// with its snapshots. Automated RDS snapshots are kept: RDS deletes them itself when their retention ends.
    /// </summary>
    public async Task<SourceRemoval> RemoveSourceAsync(VaultCopyJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);

        // A job can come back from JSON or be edited by hand: delete only what this converter's own kind of copy,
        // in this account and Region, replaced.
        if (job.Purpose != Purpose || job.SourceAccountId != _account.AccountId || job.TargetAccountId != _account.AccountId
            || job.SourceRegion != _account.Region || job.TargetRegion != _account.Region)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "NotAConversion",
                $"{job.SourceId} was not removed: the job is a '{job.Purpose}' copy from {job.SourceAccountId} ({job.SourceRegion}) to {job.TargetAccountId} ({job.TargetRegion}), not a conversion in {_account.AccountId} ({_account.Region}).",
                "Remove originals only with Convert-VaultSnapshotKey -RemoveSource, in the account and Region that converted them.");
        }

        if (job.State != CopyJobState.Completed || job.Verified != true)
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidState, "SourceKeptUnverified",
                $"{job.SourceId} was not removed: its copy {job.TargetId ?? "(none)"} is {job.State}{(job.Verified == false ? $" and not verified ({job.VerificationMessage})" : string.Empty)}.",
                "Look at the copy (Get-VaultResource), then remove the original yourself once you are satisfied.");
        }

        try
        {
            switch (job.Type)
            {
                case VaultResourceType.EbsSnapshot:
                    await _ec2.DeleteSnapshotAsync(job.SourceId, cancellationToken).ConfigureAwait(false);
                    return new SourceRemoval(true, $"Deleted snapshot {job.SourceId}; its copy is {job.TargetId}.");
                case VaultResourceType.Ami:
                    await _ec2.DeregisterImageWithSnapshotsAsync(job.SourceId, cancellationToken).ConfigureAwait(false);
                    return new SourceRemoval(true, $"Deregistered AMI {job.SourceId} and deleted its snapshots; its copy is {job.TargetId}.");
                case VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot when job.SourceId.StartsWith("rds:", StringComparison.OrdinalIgnoreCase):
                    return new SourceRemoval(false, $"{job.SourceId} is an automated snapshot: RDS deletes it itself when its retention period ends, so it was kept. Its manual copy is {job.TargetId}.");
                default:
                    bool cluster = job.Type == VaultResourceType.AuroraClusterSnapshot;
                    await _rds.DeleteSnapshotAsync(cluster, job.SourceId, cancellationToken).ConfigureAwait(false);
                    return new SourceRemoval(true, $"Deleted {(cluster ? "cluster snapshot" : "DB snapshot")} {job.SourceId}; its copy is {job.TargetId}.");
            }
        }
        catch (AwsServiceException error) when (error.ErrorCode == "InvalidSnapshot.InUse")
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidState, "SourceInUse",
                $"{job.SourceId} was not removed: {error.ServiceMessage}", "Convert the AMI that uses it (with -RemoveSource), which removes its snapshots with it.", error.ErrorCode, error);
        }
        catch (Exception error) when (error is not OperationCanceledException and not VaultCopyException)
        {
            throw AwsErrorTranslator.Translate(error, $"Removing {job.SourceId}", Where, _account.PrincipalArn);
        }
    }

    public void Dispose() => _ownedClients?.Dispose();

    private string Where => $"account {_account.AccountId} ({_account.Region})";

    private static ConversionPlan Refuse(VaultResource source, VaultCopyErrorKind kind, string id, string message, string fix) =>
        new() { Source = source, Refusal = new VaultCopyException(kind, id, message, fix) };
}
