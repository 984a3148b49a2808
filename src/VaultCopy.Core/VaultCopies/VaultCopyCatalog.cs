using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.VaultCopies;

/// <summary>Which vault copies to list. Null or empty means "no restriction".</summary>
public sealed class VaultCopyQuery
{
    public IReadOnlyCollection<VaultResourceType> Types { get; init; } = [];

    public string? SourceAccountId { get; init; }

    /// <summary>The source's id (snap-…, ami-…, RDS identifier) or ARN.</summary>
    public string? SourceId { get; init; }

    public DateTime? CreatedAfter { get; init; }

    public DateTime? CreatedBefore { get; init; }

    /// <summary>Also read whom each copy is shared with (one call per copy; a plain listing leaves it out).</summary>
    public bool ReadShares { get; init; }
}

/// <summary>
/// Lists the copies in the vault by their lineage tags (purpose "vault"), as copy jobs: the same shape
/// Copy-VaultSnapshot returns, so a listing can be waited on, verified or saved as JSON like a fresh copy.
/// </summary>
public sealed class VaultCopyCatalog : IDisposable
{
    private readonly ResourceInventory _inventory;
    private readonly Aws.Ec2Gateway _ec2;
    private readonly Aws.AwsClients? _ownedClients;

    public VaultCopyCatalog(VaultAccount destination, string? region = null)
        : this(destination, region, null)
    {
    }

    /// <summary>Lists with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal VaultCopyCatalog(VaultAccount destination, string? region, Aws.AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (clients is null)
        {
            clients = _ownedClients = new Aws.AwsClients();
        }

        _inventory = new ResourceInventory(destination, region, clients);
        _ec2 = clients.Ec2(destination.Session, string.IsNullOrEmpty(region) ? destination.Region : region);
    }

    public async IAsyncEnumerable<VaultCopyJob> ListAsync(VaultCopyQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach ((VaultCopyJob job, VaultResource _) in ListCopiesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return job;
        }
    }

    /// <summary>The copies as jobs, each with the resource it was read from (an AMI's backing snapshots, its protection).</summary>
    internal async IAsyncEnumerable<(VaultCopyJob Job, VaultResource Copy)> ListCopiesAsync(VaultCopyQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var tags = new Dictionary<string, string?>(StringComparer.Ordinal) { [CopyNaming.PurposeTag] = VaultCopier.Purpose };
        if (!string.IsNullOrEmpty(query.SourceAccountId))
        {
            tags[CopyNaming.SourceAccountTag] = query.SourceAccountId;
        }

        bool byArn = query.SourceId?.StartsWith("arn:", StringComparison.Ordinal) == true;
        if (!string.IsNullOrEmpty(query.SourceId))
        {
            tags[byArn ? CopyNaming.SourceArnTag : CopyNaming.SourceIdTag] = query.SourceId;
        }

        // A listing of copies shows their shares only when asked: reading them costs one call per copy.
        var resources = new ResourceQuery { Types = query.Types, Tags = tags, CreatedAfter = query.CreatedAfter, CreatedBefore = query.CreatedBefore, ReadShares = query.ReadShares };
        var locks = new Lifecycle.CopyLockReader(_ec2);
        await foreach (VaultResource copy in _inventory.ListAsync(resources, cancellationToken).ConfigureAwait(false))
        {
            // The snapshots behind an AMI copy carry its lineage too; they are listed as part of the AMI.
            if (copy.Type == VaultResourceType.EbsSnapshot && copy.Tags.TryGetValue(CopyNaming.SourceIdTag, out string? source)
                && source.StartsWith("ami-", StringComparison.Ordinal))
            {
                continue;
            }

            VaultCopyJob job = ToJob(copy);
            await LockedAsync(locks, job, copy, cancellationToken).ConfigureAwait(false);
            yield return (job, copy);
        }
    }

    public void Dispose() => _ownedClients?.Dispose();

    private static Task LockedAsync(Lifecycle.CopyLockReader locks, VaultCopyJob job, VaultResource copy, CancellationToken cancellationToken) =>
        locks.FillAsync(job, copy, cancellationToken);

    /// <summary>A copy job describing an existing copy, from its lineage tags and its description.</summary>
    internal static VaultCopyJob ToJob(VaultResource copy)
    {
        string Tag(string key) => copy.Tags.TryGetValue(key, out string? value) ? value : string.Empty;
        string sourceKey = Tag(CopyNaming.SourceKeyTag);
        CopyJobState state = copy.State switch
        {
            "completed" or "available" => CopyJobState.Completed,
            "pending" or "creating" or "copying" or "transient" => CopyJobState.InProgress,
            _ => CopyJobState.Failed,
        };
        return new VaultCopyJob
        {
            // Stable per copy, so two listings name the same copy alike.
            JobId = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(copy.Arn))[..16]),
            Purpose = VaultCopier.Purpose,
            Type = copy.Type,
            SourceId = Tag(CopyNaming.SourceIdTag),
            SourceArn = Tag(CopyNaming.SourceArnTag),
            SourceAccountId = Tag(CopyNaming.SourceAccountTag),
            SourceRegion = Tag(CopyNaming.SourceRegionTag),
            SourceKeyArn = sourceKey is "" or "none" ? null : sourceKey,
            SizeGiB = copy.SizeGiB,
            TargetId = copy.Id,
            TargetArn = copy.Arn,
            TargetAccountId = copy.AccountId,
            TargetRegion = copy.Region,
            TargetKeyArn = copy.KmsKeyArn,
            State = state,
            Progress = state == CopyJobState.Completed ? 100 : 0,
            ServiceState = copy.State,
            Failure = state == CopyJobState.Failed
                ? new CopyFailure { Kind = Errors.VaultCopyErrorKind.InvalidState, ErrorId = "VaultCopyFailed", Message = $"The copy {copy.Id} is {copy.State}.", Remediation = "Delete it and copy again." }
                : null,
            StartTime = DateTime.TryParse(Tag(CopyNaming.CopiedAtTag), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out DateTime copiedAt)
                ? copiedAt : copy.CreationTime,
        };
    }
}
