using System.Runtime.CompilerServices;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Resources;

/// <summary>
/// Lists and looks up the backups of one account and Region. Listing streams page by page, so the first resource
/// appears before the account has been read to the end.
/// </summary>
public sealed class ResourceInventory : IDisposable
{
    private readonly VaultAccount _account;
    private readonly Ec2Gateway _ec2;
    private readonly RdsGateway _rds;
    private readonly KmsGateway _kms;
    private readonly string _region;
    private readonly AwsClients? _ownedClients;

    /// <summary>Reads <paramref name="account"/> in <paramref name="region"/> (default: the Region it was connected in).</summary>
    public ResourceInventory(VaultAccount account, string? region = null)
        : this(account, region, null)
    {
    }

    /// <summary>Reads with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal ResourceInventory(VaultAccount account, string? region, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(account);
        _account = account;
        _region = string.IsNullOrEmpty(region) ? account.Region : region;
        if (clients is null)
        {
            clients = _ownedClients = new AwsClients();
        }

        _ec2 = clients.Ec2(account.Session, _region);
        _rds = clients.Rds(account.Session, _region);
        _kms = clients.Kms(account.Session, _region);
    }

    public async IAsyncEnumerable<VaultResource> ListAsync(ResourceQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var shares = new ShareLookup(this, query.SharesWithAccountId, query.ReadShares);
        if (query.Wants(VaultResourceType.EbsSnapshot))
        {
            await foreach (VaultResource resource in ListSnapshotsAsync(query, shares, cancellationToken).ConfigureAwait(false))
            {
                yield return resource;
            }
        }

        if (query.Wants(VaultResourceType.Ami))
        {
            await foreach (VaultResource resource in ListImagesAsync(query, shares, cancellationToken).ConfigureAwait(false))
            {
                yield return resource;
            }
        }

        foreach (bool cluster in new[] { false, true })
        {
            if (!query.Wants(cluster ? VaultResourceType.AuroraClusterSnapshot : VaultResourceType.RdsSnapshot))
            {
                continue;
            }

            await foreach (IReadOnlyList<RdsSnapshotRecord> page in Guard(
                _rds.DescribeSnapshotPagesAsync(cluster, null, null, query.IncludeShared, cancellationToken), "Listing RDS snapshots", cancellationToken).ConfigureAwait(false))
            {
                foreach (RdsSnapshotRecord record in page)
                {
                    VaultResource resource = await Translated(() => FromRdsAsync(record, shares.Read, cancellationToken), $"Describing {record.Identifier}").ConfigureAwait(false);
                    if (query.Matches(resource))
                    {
                        yield return resource;
                    }
                }
            }
        }
    }

    /// <summary>
    /// One resource by id or ARN. Not found (or not shared with this account) is a NotFound error; an ARN of another
    /// partition or Region, or naming another owner than AWS reports, is refused (<see cref="ResourceReference.RefuseOutside"/>).
    /// </summary>
    public Task<VaultResource> GetAsync(string idOrArn, CancellationToken cancellationToken = default) =>
        GetAsync(idOrArn, null, null, cancellationToken);

    /// <summary>
    /// One resource by id or ARN that must belong to <paramref name="ownerAccountId"/> (null: any account), which is
    /// <paramref name="ownerRole"/> to the command: an ARN naming another account is refused before anything is read.
    /// </summary>
    public async Task<VaultResource> GetAsync(string idOrArn, string? ownerAccountId, string? ownerRole, CancellationToken cancellationToken = default)
    {
        ResourceReference reference = ResourceReference.Parse(idOrArn);
        if (reference.RefuseOutside(_account.Partition, _region, ownerAccountId, ownerRole ?? $"account {_account.AccountId}") is VaultCopyException outside)
        {
            throw outside;
        }

        VaultResource resource = await ReadAsync(reference, cancellationToken).ConfigureAwait(false);
        return reference.RefuseOwner(resource.AccountId) is VaultCopyException other ? throw other : resource;
    }

    private async Task<VaultResource> ReadAsync(ResourceReference reference, CancellationToken cancellationToken)
    {
        try
        {
            switch (reference.Type)
            {
                case VaultResourceType.EbsSnapshot:
                    IReadOnlyList<Ec2SnapshotRecord> snapshots = await _ec2.DescribeSnapshotsAsync([reference.Id], cancellationToken).ConfigureAwait(false);
                    return snapshots.Count == 1 ? await FromSnapshotAsync(snapshots[0], AllShares, cancellationToken).ConfigureAwait(false) : throw NotFound(reference);
                case VaultResourceType.Ami:
                    IReadOnlyList<Ec2ImageRecord> images = await _ec2.DescribeImagesAsync([reference.Id], cancellationToken).ConfigureAwait(false);
                    return images.Count == 1 ? await FromImageAsync(images[0], AllShares, cancellationToken).ConfigureAwait(false) : throw NotFound(reference);
                case VaultResourceType.RdsSnapshot:
                case VaultResourceType.AuroraClusterSnapshot:
                    return await GetRdsAsync(reference, reference.Type == VaultResourceType.AuroraClusterSnapshot, cancellationToken).ConfigureAwait(false)
                        ?? throw NotFound(reference);
                default:
                    return await GetRdsAsync(reference, cluster: false, cancellationToken).ConfigureAwait(false)
                        ?? await GetRdsAsync(reference, cluster: true, cancellationToken).ConfigureAwait(false)
                        ?? throw NotFound(reference);
            }
        }
        catch (AwsServiceException error) when (error.ErrorCode is "InvalidSnapshot.NotFound" or "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable")
        {
            throw NotFound(reference);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "InvalidSnapshotID.Malformed" or "InvalidAMIID.Malformed" or "InvalidParameterValue")
        {
            throw new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "InvalidResourceId",
                $"'{reference.Text}' is not a well-formed id: {error.ServiceMessage}", "Check the id; EC2 ids look like snap-0123456789abcdef0.", error.ErrorCode, error);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw Translate(error, $"Looking up {reference.Text}");
        }
    }

    public void Dispose() => _ownedClients?.Dispose();

    private async Task<VaultResource?> GetRdsAsync(ResourceReference reference, bool cluster, CancellationToken cancellationToken)
    {
        // A snapshot shared with us is visible only by its ARN and only with IncludeShared; automated ones only with
        // SnapshotType. Ask for the identifier as given and let RDS decide.
        bool foreign = reference.AccountId is not null && reference.AccountId != _account.AccountId;
        string identifier = reference.Text.StartsWith("arn:", StringComparison.Ordinal) && foreign ? reference.Text : reference.Id;
        try
        {
            await foreach (IReadOnlyList<RdsSnapshotRecord> page in _rds.DescribeSnapshotPagesAsync(cluster, identifier, null, foreign, cancellationToken).ConfigureAwait(false))
            {
                foreach (RdsSnapshotRecord record in page)
                {
                    return await FromRdsAsync(record, readShares: true, cancellationToken).ConfigureAwait(false);
                }
            }

            return null;
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.DBSnapshotNotFound or QueryErrorCodes.DBClusterSnapshotNotFound)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<VaultResource> ListSnapshotsAsync(ResourceQuery query, ShareLookup shares, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2Filter> filters = TagFilters(query);
        await foreach (IReadOnlyList<Ec2SnapshotRecord> page in Guard(_ec2.DescribeSnapshotPagesAsync(["self"], null, filters, cancellationToken), "Listing EBS snapshots", cancellationToken).ConfigureAwait(false))
        {
            foreach (Ec2SnapshotRecord snapshot in page)
            {
                shares.Seen[snapshot.SnapshotId] = snapshot;
                VaultResource resource = await Translated(() => FromSnapshotAsync(snapshot, shares, cancellationToken), $"Describing {snapshot.SnapshotId}").ConfigureAwait(false);
                if (query.Matches(resource))
                {
                    yield return resource;
                }
            }
        }

        if (query.IncludeShared)
        {
            await foreach (IReadOnlyList<Ec2SnapshotRecord> page in Guard(_ec2.DescribeSnapshotPagesAsync(null, ["self"], filters, cancellationToken), "Listing shared EBS snapshots", cancellationToken).ConfigureAwait(false))
            {
                foreach (Ec2SnapshotRecord snapshot in page.Where(s => s.OwnerId != _account.AccountId))
                {
                    VaultResource resource = await Translated(() => FromSnapshotAsync(snapshot, shares, cancellationToken), $"Describing {snapshot.SnapshotId}").ConfigureAwait(false);
                    if (query.Matches(resource))
                    {
                        yield return resource;
                    }
                }
            }
        }
    }

    private async IAsyncEnumerable<VaultResource> ListImagesAsync(ResourceQuery query, ShareLookup shares, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IReadOnlyList<Ec2Filter> filters = TagFilters(query);
        await foreach (IReadOnlyList<Ec2ImageRecord> page in Guard(_ec2.DescribeImagePagesAsync(["self"], null, filters, cancellationToken), "Listing AMIs", cancellationToken).ConfigureAwait(false))
        {
            foreach (Ec2ImageRecord image in page)
            {
                VaultResource resource = await Translated(() => FromImageAsync(image, shares, cancellationToken), $"Describing {image.ImageId}").ConfigureAwait(false);
                if (query.Matches(resource))
                {
                    yield return resource;
                }
            }
        }

        if (query.IncludeShared)
        {
            await foreach (IReadOnlyList<Ec2ImageRecord> page in Guard(_ec2.DescribeImagePagesAsync(null, ["self"], filters, cancellationToken), "Listing shared AMIs", cancellationToken).ConfigureAwait(false))
            {
                foreach (Ec2ImageRecord image in page.Where(i => i.OwnerId != _account.AccountId))
                {
                    VaultResource resource = await Translated(() => FromImageAsync(image, shares, cancellationToken), $"Describing {image.ImageId}").ConfigureAwait(false);
                    if (query.Matches(resource))
                    {
                        yield return resource;
                    }
                }
            }
        }
    }

    private ShareLookup AllShares => new(this, null, read: true);

    private async Task<VaultResource> FromSnapshotAsync(Ec2SnapshotRecord snapshot, ShareLookup shares, CancellationToken cancellationToken)
    {
        bool mine = snapshot.OwnerId == _account.AccountId;
        (KeyManager manager, string? keyArn) = await KeyOfAsync(snapshot.Encrypted, snapshot.KmsKeyId, cancellationToken).ConfigureAwait(false);
        return new VaultResource
        {
            Type = VaultResourceType.EbsSnapshot,
            Id = snapshot.SnapshotId,
            Arn = $"arn:{_account.Partition}:ec2:{_region}::snapshot/{snapshot.SnapshotId}",
            AccountId = snapshot.OwnerId,
            Region = _region,
            State = snapshot.State,
            CreationTime = snapshot.StartTime,
            SizeGiB = snapshot.VolumeSize,
            Encrypted = snapshot.Encrypted,
            KmsKeyArn = keyArn,
            KeyManager = manager,
            SharedWith = mine ? await shares.SnapshotAsync(snapshot.SnapshotId, cancellationToken).ConfigureAwait(false) : [],
            Tags = snapshot.Tags,
            Name = snapshot.Description,
            IsSharedWithMe = !mine,
        };
    }

    private async Task<VaultResource> FromImageAsync(Ec2ImageRecord image, ShareLookup shares, CancellationToken cancellationToken)
    {
        bool mine = image.OwnerId == _account.AccountId;
        IReadOnlyList<string> backingIds = image.SnapshotIds;
        var backing = new List<VaultResource>();
        if (backingIds.Count > 0)
        {
            // A listing that read the snapshots already does not read them again.
            IReadOnlyList<Ec2SnapshotRecord> visible = backingIds.All(shares.Seen.ContainsKey)
                ? backingIds.Select(id => shares.Seen[id]).ToList()
                : await TryDescribeSnapshotsAsync(backingIds, cancellationToken).ConfigureAwait(false);
            foreach (string id in backingIds)
            {
                Ec2SnapshotRecord? snapshot = visible.FirstOrDefault(s => s.SnapshotId == id);
                backing.Add(snapshot is not null
                    ? await FromSnapshotAsync(snapshot, shares, cancellationToken).ConfigureAwait(false)
                    : Unseen(id, image));
            }
        }

        // The AMI is as shareable as its least shareable snapshot: an AWS managed key anywhere blocks it.
        VaultResource? decisive = backing.OrderBy(b => b.KeyManager switch
        {
            KeyManager.AwsManaged => 0,
            KeyManager.Unknown => 1,
            KeyManager.Customer => 2,
            _ => 3,
        }).FirstOrDefault();
        return new VaultResource
        {
            Type = VaultResourceType.Ami,
            Id = image.ImageId,
            Arn = $"arn:{_account.Partition}:ec2:{_region}::image/{image.ImageId}",
            AccountId = image.OwnerId,
            Region = _region,
            State = image.State,
            CreationTime = image.CreationTime,
            SizeGiB = backing.Sum(b => b.SizeGiB ?? 0),
            Encrypted = backing.Count > 0 && backing.All(b => b.Encrypted),
            KmsKeyArn = decisive?.KmsKeyArn,
            KeyManager = decisive?.KeyManager ?? KeyManager.None,
            SharedWith = mine ? await shares.ImageAsync(image.ImageId, cancellationToken).ConfigureAwait(false) : [],
            Tags = image.Tags,
            BackingSnapshots = backing,
            Name = image.Name,
            BillingProducts = BillingProductsOf(image),
            DeregistrationProtection = image.DeregistrationProtection,
            IsSharedWithMe = !mine,
        };
    }

    private VaultResource Unseen(string snapshotId, Ec2ImageRecord image) => new()
    {
        Type = VaultResourceType.EbsSnapshot,
        Id = snapshotId,
        Arn = $"arn:{_account.Partition}:ec2:{_region}::snapshot/{snapshotId}",
        AccountId = image.OwnerId,
        Region = _region,
        State = "not-visible",
        Encrypted = image.Volumes.FirstOrDefault(v => v.SnapshotId == snapshotId)?.Encrypted ?? false,
        KeyManager = KeyManager.Unknown,
        SizeGiB = image.Volumes.FirstOrDefault(v => v.SnapshotId == snapshotId)?.VolumeSize,
        IsSharedWithMe = image.OwnerId != _account.AccountId,
    };

    private async Task<IReadOnlyList<Ec2SnapshotRecord>> TryDescribeSnapshotsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            return await _ec2.DescribeSnapshotsAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode == "InvalidSnapshot.NotFound")
        {
            // A shared AMI whose snapshots were not shared with us: describe them one by one to see which are visible.
            var visible = new List<Ec2SnapshotRecord>();
            foreach (string id in ids)
            {
                try
                {
                    visible.AddRange(await _ec2.DescribeSnapshotsAsync([id], cancellationToken).ConfigureAwait(false));
                }
                catch (AwsServiceException inner) when (inner.ErrorCode == "InvalidSnapshot.NotFound")
                {
                }
            }

            return visible;
        }
    }

    private async Task<VaultResource> FromRdsAsync(RdsSnapshotRecord record, bool readShares, CancellationToken cancellationToken)
    {
        string owner = Arn.AccountOf(record.Arn);
        bool mine = owner == _account.AccountId;
        (KeyManager manager, string? keyArn) = await KeyOfAsync(record.Encrypted, record.KmsKeyId, cancellationToken).ConfigureAwait(false);
        bool shareable = readShares && mine && record.SnapshotType == "manual";
        return new VaultResource
        {
            Type = record.IsCluster ? VaultResourceType.AuroraClusterSnapshot : VaultResourceType.RdsSnapshot,
            Id = record.Identifier,
            Arn = record.Arn,
            AccountId = owner,
            Region = _region,
            State = record.Status,
            CreationTime = record.CreateTime,
            SizeGiB = record.AllocatedStorage,
            Encrypted = record.Encrypted,
            KmsKeyArn = keyArn,
            KeyManager = manager,
            SharedWith = shareable ? await _rds.GetRestoreAccountsAsync(record.IsCluster, record.Identifier, cancellationToken).ConfigureAwait(false) : [],
            Tags = record.Tags,
            SnapshotType = record.SnapshotType,
            Name = record.SourceIdentifier,
            Engine = record.Engine,
            IsSharedWithMe = !mine,
        };
    }

    private async Task<(KeyManager Manager, string? KeyArn)> KeyOfAsync(bool encrypted, string? keyId, CancellationToken cancellationToken)
    {
        if (!encrypted || keyId is null)
        {
            return (KeyManager.None, null);
        }

        Keys.KmsKey? facts = await _kms.TryDescribeAsync(keyId, cancellationToken).ConfigureAwait(false);
        return facts is null ? (KeyManager.Unknown, keyId) : (facts.IsAwsManaged ? KeyManager.AwsManaged : KeyManager.Customer, facts.Arn);
    }

    private static IReadOnlyList<string> BillingProductsOf(Ec2ImageRecord image)
    {
        // A billing product shows as a usage operation other than plain Linux/UNIX (RunInstances) or as a
        // Marketplace product code; either way the AMI cannot be copied to another account.
        var products = new List<string>();
        if (!string.IsNullOrEmpty(image.UsageOperation) && image.UsageOperation != "RunInstances")
        {
            products.Add(image.UsageOperation);
        }

        products.AddRange(image.MarketplaceProductCodes);
        return products;
    }

    private static IReadOnlyList<Ec2Filter> TagFilters(ResourceQuery query) => Ec2Filter.Tags(query.Tags);

    private VaultCopyException NotFound(ResourceReference reference) => new(
        VaultCopyErrorKind.NotFound, "ResourceNotFound",
        $"{reference.Text} was not found in account {_account.AccountId} ({_region}), or it is not shared with this account.",
        "Check the id and the Region; a resource of another account must be shared with this one first (Grant-VaultSnapshotAccess), and RDS resources of another account are addressed by ARN.");

    // RDS's answers are worded like EC2's: the same AWS condition, the same kind, id and advice.
    private VaultCopyException Translate(Exception error, string operation) =>
        AwsErrorTranslator.Translate(error, operation, $"account {_account.AccountId} ({_region})");

    /// <summary>The per-resource reads of a listing (shares, key) fail like the paging itself: as VaultCopy errors.</summary>
    private async Task<T> Translated<T>(Func<Task<T>> read, string operation)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw Translate(error, operation);
        }
    }

    /// <summary>Turns AWS failures while paging into VaultCopy errors without losing the streaming.</summary>
    private async IAsyncEnumerable<T> Guard<T>(IAsyncEnumerable<T> source, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using IAsyncEnumerator<T> pages = source.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            T current;
            try
            {
                if (!await pages.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }

                current = pages.Current;
            }
            catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
            {
                throw Translate(error, operation);
            }

            yield return current;
        }
    }

    /// <summary>
    /// How a listing reads EC2 shares: every share of each resource (one attribute call each), or only whether each
    /// is shared with one account — one filtered describe per type for the whole listing.
    /// </summary>
    private sealed class ShareLookup
    {
        private readonly ResourceInventory _inventory;
        private readonly string? _accountId;
        private Task<HashSet<string>>? _snapshots;
        private Task<HashSet<string>>? _images;

        /// <summary>The snapshots the listing already read, by id (an AMI's backing snapshots are among them).</summary>
        public Dictionary<string, Ec2SnapshotRecord> Seen { get; } = new(StringComparer.Ordinal);

        public ShareLookup(ResourceInventory inventory, string? accountId, bool read)
        {
            _inventory = inventory;
            _accountId = accountId;
            Read = read;
        }

        public bool Read { get; }

        public async Task<IReadOnlyList<string>> SnapshotAsync(string snapshotId, CancellationToken cancellationToken)
        {
            if (!Read)
            {
                return [];
            }

            if (_accountId is null)
            {
                return await _inventory._ec2.GetSnapshotSharesAsync(snapshotId, cancellationToken).ConfigureAwait(false);
            }

            _snapshots ??= CollectAsync(_inventory._ec2.DescribeSnapshotPagesAsync(["self"], [_accountId], [], cancellationToken), s => s.SnapshotId);
            return (await _snapshots.ConfigureAwait(false)).Contains(snapshotId) ? [_accountId] : [];
        }

        public async Task<IReadOnlyList<string>> ImageAsync(string imageId, CancellationToken cancellationToken)
        {
            if (!Read)
            {
                return [];
            }

            if (_accountId is null)
            {
                return await _inventory._ec2.GetImageSharesAsync(imageId, cancellationToken).ConfigureAwait(false);
            }

            _images ??= CollectAsync(_inventory._ec2.DescribeImagePagesAsync(["self"], [_accountId], [], cancellationToken), i => i.ImageId);
            return (await _images.ConfigureAwait(false)).Contains(imageId) ? [_accountId] : [];
        }

        private static async Task<HashSet<string>> CollectAsync<T>(IAsyncEnumerable<IReadOnlyList<T>> pages, Func<T, string> id)
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            await foreach (IReadOnlyList<T> page in pages.ConfigureAwait(false))
            {
                ids.UnionWith(page.Select(id));
            }

            return ids;
        }
    }
}
