using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

public sealed partial class RdsService
{
    /// <summary>AWS time a copy takes before the time scale: a fixed start plus a rate per GiB (see README "RDS").</summary>
    public static readonly TimeSpan CopyBaseDuration = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan CopyPerGiB = TimeSpan.FromSeconds(6);

    /// <summary>
    /// CopyDBSnapshot / CopyDBClusterSnapshot into the caller's account in the request's Region. Everything RDS checks
    /// synchronously fails the call at once (KMS included, unlike EBS); the copy then progresses with the world clock.
    /// </summary>
    private static AwsResponse Copy(AwsRequest request, RdsKind kind)
    {
        var p = request.Parameters;
        string sourceParameter = "Source" + kind.IdentifierParameter;
        string targetParameter = "Target" + kind.IdentifierParameter;
        string source = Required(request, sourceParameter);
        string target = Required(request, targetParameter);
        string? kmsKeyId = Optional(request, "KmsKeyId");
        bool copyTags = p.GetBool("CopyTags") ?? false;
        var tags = ReadTags(request, "Tags");

        // PreSignedUrl (and SourceRegion inside it) is accepted and never followed: SDKs presign it for the real
        // rds.<region>.amazonaws.com, and outside GovCloud RDS ignores it; the source comes from the ARN.
        if (!RdsNames.IsValidIdentifier(target, kind.MaxIdentifierLength))
        {
            throw RdsErrors.InvalidIdentifier(targetParameter);
        }

        string caller = request.Caller.AccountId;
        string targetArn = RdsNames.SnapshotArnFor(Partition(request), request.Region, caller, kind, target);
        Authorize(request, "Copy" + kind.Element, ArnOf(request, kind, source));
        Authorize(request, "Copy" + kind.Element, targetArn);

        var sourceSnapshot = FindVisible(request, kind, source) ?? throw RdsErrors.NotFound(kind, source);
        Prepared(request, sourceSnapshot);
        if (!sourceSnapshot.IsAvailable)
        {
            throw RdsErrors.InvalidState(kind, $"{kind.NotFoundNoun} {source} must be in the available state to be copied; its status is {sourceSnapshot.Status}.");
        }

        var own = Own(request, kind);
        string targetId = RdsNames.Normalize(target);
        if (own.ContainsKey(targetId))
        {
            throw RdsErrors.AlreadyExists(kind, targetId);
        }

        bool crossAccount = !string.Equals(sourceSnapshot.AccountId, caller, StringComparison.Ordinal);
        bool crossRegion = !string.Equals(sourceSnapshot.Region, request.Region, StringComparison.Ordinal);

        // Tags never cross accounts: CopyTags copies the source's tags only from the caller's own snapshot. Explicit
        // Tags are applied after them and win on the same key.
        var copyTagList = new List<KeyValuePair<string, string>>();
        // aws: tags stay with the source: AWS generated them for it, and no copy may write them.
        if (copyTags && !crossAccount)
        {
            RdsTags.Apply(copyTagList, sourceSnapshot.Tags.Where(t => !RdsTags.IsAwsTag(t.Key)));
        }

        RdsTags.Apply(copyTagList, tags);
        if (copyTagList.Count > RdsTags.MaxTagsPerResource)
        {
            throw RdsErrors.InvalidParameterValue($"A resource can have at most {RdsTags.MaxTagsPerResource} tags.");
        }

        if (copyTagList.Count > 0)
        {
            // Tagging on create needs the tagging permission as well (RDS "tagging on creation" IAM rules).
            Authorize(request, "AddTagsToResource", targetArn);
        }

        var encryption = CopyEncryption(request, kind, sourceSnapshot, kmsKeyId, crossAccount, crossRegion);

        int manual = own.Values.Count(s => s.IsManual);
        int manualQuota = request.Settings.Rds.ManualQuota(kind.Kind);
        if (manual >= manualQuota)
        {
            throw RdsErrors.ManualSnapshotQuota(manualQuota);
        }

        int copying = own.Values.Count(s => s.IsCopyInProgress);
        int copyQuota = request.Settings.Rds.CopyQuota(kind.Kind);
        if (copying >= copyQuota)
        {
            throw RdsErrors.CopyQuota(copyQuota);
        }

        var now = request.Clock.UtcNow;
        var awsDuration = CopyBaseDuration + (CopyPerGiB * Math.Max(sourceSnapshot.AllocatedStorage, 1));
        if (crossRegion)
        {
            awsDuration *= 2;
        }

        double scale = request.Settings.TimeScale > 0 ? request.Settings.TimeScale : 1;
        var copy = new RdsSnapshot
        {
            Kind = kind.Kind,
            Identifier = targetId,
            AccountId = caller,
            Region = request.Region,
            Partition = Partition(request),
            SourceDatabase = sourceSnapshot.SourceDatabase,
            Engine = sourceSnapshot.Engine,
            EngineVersion = sourceSnapshot.EngineVersion,
            AllocatedStorage = sourceSnapshot.AllocatedStorage,

            // A copy is always a manual snapshot, whatever it was copied from.
            SnapshotType = "manual",
            Status = RdsSnapshot.CopyingStatus(kind.Kind, crossRegion, 0),
            PercentProgress = 0,
            SnapshotCreateTime = now,
            OriginalSnapshotCreateTime = sourceSnapshot.OriginalSnapshotCreateTime,
            Encrypted = encryption is not null,
            KmsKeyArn = encryption?.Arn,
            KmsKeyIsAwsManaged = encryption?.IsAwsManaged ?? false,
            CopyStartedAt = now,
            CopyDuration = awsDuration / scale,
            CopyIsCrossRegion = crossRegion,
            CopiedFromArn = sourceSnapshot.Arn,
            CopiedFromRegion = sourceSnapshot.Region,
            CopiedAcrossAccountOrRegion = crossAccount || crossRegion,
        };

        if (request.Settings.TakeCopyFailure(request.SigningName, request.Action, caller, request.Region) is { } injected)
        {
            copy.CopyFailsAt = injected.FailsAt(now, copy.CopyDuration);
        }

        copy.Tags.AddRange(copyTagList);
        own[copy.Identifier] = copy;
        return AwsResponse.Query(request, RdsXml.Snapshot(copy, caller));
    }

    /// <summary>
    /// The key the copy is encrypted with, or null for an unencrypted copy. Throws RDS's synchronous errors:
    /// KMSKeyNotAccessibleFault when either key is missing, disabled, in another Region or not usable by the caller
    /// through RDS; a missing KmsKeyId where RDS needs one; a KmsKeyId on an unencrypted cluster snapshot.
    /// </summary>
    private static ServiceKey? CopyEncryption(AwsRequest request, RdsKind kind, RdsSnapshot source, string? kmsKeyId, bool crossAccount, bool crossRegion)
    {
        if (!source.Encrypted)
        {
            if (kmsKeyId is null)
            {
                return null;
            }

            if (kind.Kind == SnapshotKind.Cluster)
            {
                throw RdsErrors.InvalidParameterCombination("KmsKeyId can't be specified when copying an unencrypted DB cluster snapshot.");
            }

            // A DB snapshot copied with a KmsKeyId becomes encrypted.
            return TargetKey(request, kind, kmsKeyId);
        }

        var kms = RdsKeys.Required();
        var sourceKey = (source.KmsKeyArn is { } arn ? kms.FindByArn(request.World, arn) : null)
            ?? throw RdsErrors.SourceKeyNotAccessible(source.KmsKeyArn ?? "None");

        if (kmsKeyId is null)
        {
            if (crossRegion && kind.Kind == SnapshotKind.Db)
            {
                throw RdsErrors.InvalidParameterValue("Must specify new KMS key for cross region encrypted snapshot copy.");
            }

            if (crossAccount || crossRegion)
            {
                // Another account's key (or another Region's) is never the default for the copy.
                throw RdsErrors.TargetKeyNotAccessible(kind, null);
            }
        }

        if (kms.CheckUse(request.World, request.Caller, sourceKey, RdsKeys.ViaService(source.Region), KeyUsePurpose.DecryptSource) is not null)
        {
            throw RdsErrors.SourceKeyNotAccessible(sourceKey.Arn);
        }

        return kmsKeyId is null ? CheckTarget(request, kind, sourceKey, sourceKey.Arn) : TargetKey(request, kind, kmsKeyId);
    }

    private static ServiceKey TargetKey(AwsRequest request, RdsKind kind, string kmsKeyId)
    {
        var kms = RdsKeys.Required();
        var key = kms.Resolve(request.World, request.Caller, kmsKeyId, request.Region);

        // KMS keys are Regional: a key from another Region cannot encrypt a snapshot here.
        if (key is null || !string.Equals(key.Region, request.Region, StringComparison.Ordinal))
        {
            throw RdsErrors.TargetKeyNotAccessible(kind, kmsKeyId);
        }

        return CheckTarget(request, kind, key, kmsKeyId);
    }

    private static ServiceKey CheckTarget(AwsRequest request, RdsKind kind, ServiceKey key, string shownId) =>
        RdsKeys.Required().CheckUse(request.World, request.Caller, key, RdsKeys.ViaService(request.Region), KeyUsePurpose.EncryptTarget) is null
            ? key
            : throw RdsErrors.TargetKeyNotAccessible(kind, shownId);
}
