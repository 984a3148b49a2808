using System.Globalization;
using System.Runtime.CompilerServices;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Posture;

/// <summary>
/// Test-VaultPosture: what could make the backups leak or be lost, in the origin and in the vault. Read-only: it
/// lists, describes and reads policies, never writes and never describes an AWS managed key by alias (that would
/// create it). A check that could not look yields a finding (NotChecked), so a posture that was not seen never passes.
/// </summary>
public sealed class PostureInspector : IDisposable
{
    private readonly VaultAccount? _origin;
    private readonly VaultAccount _vault;
    private readonly string? _region;
    private readonly AwsClients _clients;
    private readonly AwsClients? _ownedClients;

    public PostureInspector(VaultAccount? origin, VaultAccount vault, string? region = null)
        : this(origin, vault, region, null)
    {
    }

    /// <summary>Inspects with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal PostureInspector(VaultAccount? origin, VaultAccount vault, string? region, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(vault);
        if (origin is not null && AccountRules.CheckPair(origin, vault) is VaultCopyException refused)
        {
            throw refused;
        }

        _origin = origin;
        _vault = vault;
        _region = region;
        _clients = clients ?? (_ownedClients = new AwsClients());
    }

    public void Dispose() => _ownedClients?.Dispose();

    private string VaultRegion => _region ?? _vault.Region;

    public async IAsyncEnumerable<VaultPostureFinding> InspectAsync(PostureRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // KeyRules refuses alias/aws/… by its name: describing it would create the AWS managed key, and a read-only check must never do that.
        foreach (string keyId in request.VaultKeyIds)
        {
            if (KeyRules.RefuseByName(keyId, KeyUse.VaultCopy, KeyOwner.Of(_vault, VaultRegion)) is VaultCopyException refused)
            {
                throw refused.About(keyId);
            }
        }

        DateTime now = DateTime.UtcNow;
        var findings = new List<VaultPostureFinding>();

        List<(VaultCopyJob Job, VaultResource Copy)> copies = [];
        await Checked(findings, PostureSide.Vault, _vault.AccountId, VaultRegion, "VaultCopies", async () =>
        {
            using var catalog = new VaultCopyCatalog(_vault, VaultRegion, _clients);
            await foreach ((VaultCopyJob job, VaultResource copy) in catalog.ListCopiesAsync(new VaultCopyQuery { ReadShares = true }, cancellationToken).ConfigureAwait(false))
            {
                copies.Add((job, copy));
            }
        }).ConfigureAwait(false);

        if (_origin is not null)
        {
            string originRegion = _region ?? _origin.Region;
            await Checked(findings, PostureSide.Origin, _origin.AccountId, originRegion, "OriginBackups", async () =>
            {
                using var inventory = new ResourceInventory(_origin, originRegion, _clients);
                var backups = new List<VaultResource>();
                await foreach (VaultResource backup in inventory.ListAsync(new ResourceQuery(), cancellationToken).ConfigureAwait(false))
                {
                    backups.Add(backup);
                }

                findings.AddRange(OriginFindings(backups, copies.Select(c => c.Job).ToList(), _origin.AccountId, originRegion, request, now));
            }).ConfigureAwait(false);
            await BlockPublicAccessAsync(findings, _origin, PostureSide.Origin, originRegion, cancellationToken).ConfigureAwait(false);
        }

        findings.AddRange(CopyFindings(copies, request, now));
        await BlockPublicAccessAsync(findings, _vault, PostureSide.Vault, VaultRegion, cancellationToken).ConfigureAwait(false);
        await KeyFindingsAsync(findings, copies.Select(c => c.Job).ToList(), request, cancellationToken).ConfigureAwait(false);

        foreach (VaultPostureFinding finding in findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Side).ThenBy(f => f.Check, StringComparer.Ordinal))
        {
            yield return finding;
        }
    }

    /// <summary>The origin's backups: public, shared beyond the vault, on AWS managed keys, not vaulted in time.</summary>
    internal IEnumerable<VaultPostureFinding> OriginFindings(
        IReadOnlyList<VaultResource> backups, IReadOnlyList<VaultCopyJob> vaultCopies, string account, string region, PostureRequest request, DateTime now)
    {
        var backing = backups.SelectMany(b => b.BackingSnapshots).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var vaulted = vaultCopies.Where(RetentionPlanner.IsVerified).Select(c => c.SourceArn).ToHashSet(StringComparer.Ordinal);

        // A backup re-encrypted in the origin (Convert-VaultSnapshotKey) is vaulted through its conversion copy.
        var conversions = backups
            .Where(b => b.Tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) && purpose == "convert" && b.Tags.ContainsKey(CopyNaming.SourceArnTag))
            .ToLookup(b => b.Tags[CopyNaming.SourceArnTag], b => b.Arn, StringComparer.Ordinal);
        foreach (VaultResource backup in backups.Where(b => !b.IsSharedWithMe && !backing.Contains(b.Id)))
        {
            if (backup.SharedWith.Contains("all"))
            {
                yield return Finding(PostureSeverity.High, "PublicShare", PostureSide.Origin, backup.Id, account, region,
                    $"{Describe(backup)} is shared publicly: anyone with an AWS account can copy or restore it.", PublicShareRemedy(backup));
            }

            var others = backup.SharedWith.Where(a => a != "all" && a != _vault.AccountId).ToList();
            if (others.Count > 0)
            {
                yield return Finding(PostureSeverity.Info, "SharedWithOtherAccounts", PostureSide.Origin, backup.Id, account, region,
                    $"{Describe(backup)} is shared with {string.Join(", ", others)} besides the vault.",
                    $"If that is not intended: Revoke-VaultSnapshotAccess -Source $origin -Destination <that account's connection> -Id {backup.Id}, or remove the account from the {(backup.Type == VaultResourceType.Ami ? "launch permission" : backup.Type == VaultResourceType.EbsSnapshot ? "createVolumePermission" : "restore attribute")}.");
            }

            if (backup.KeyManager == KeyManager.AwsManaged)
            {
                yield return Finding(PostureSeverity.Medium, "AwsManagedKey", PostureSide.Origin, backup.Id, account, region,
                    $"{Describe(backup)} is encrypted under an AWS managed key ({backup.KmsKeyArn}), which can't be shared: it can never reach the vault as it is.",
                    Rules.SourceRules.ConvertCommand(backup) + ", then copy the result");
            }

            bool ready = backup.State is "completed" or "available";
            double ageHours = backup.CreationTime is DateTime created ? (now - created).TotalHours : 0;
            bool covered = vaulted.Contains(backup.Arn) || conversions[backup.Arn].Any(vaulted.Contains);
            if (ready && !covered && ageHours > request.MaxAgeHours)
            {
                yield return Finding(PostureSeverity.High, "NotVaulted", PostureSide.Origin, backup.Id, account, region,
                    $"{Describe(backup)} was taken {Hours(ageHours)} ago and has no verified copy in vault {_vault.AccountId} ({VaultRegion}); the limit is {Hours(request.MaxAgeHours)}.",
                    backup.Type == VaultResourceType.Ami
                        ? $"Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id {backup.Id} | Copy-VaultImage -Destination $vault -KmsKeyId <vault key> -Wait"
                        : $"Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id {backup.Id} | Copy-VaultSnapshot -Destination $vault -KmsKeyId <vault key> -Wait");
            }
        }
    }

    /// <summary>The vault's copies: on keys the vault does not own, shared onward, unlocked (when required), lock ending soon.</summary>
    internal IEnumerable<VaultPostureFinding> CopyFindings(IReadOnlyList<(VaultCopyJob Job, VaultResource Copy)> copies, PostureRequest request, DateTime now)
    {
        string account = _vault.AccountId;
        string region = VaultRegion;
        foreach ((VaultCopyJob job, VaultResource copy) in copies)
        {
            IEnumerable<VaultResource> parts = copy.Type == VaultResourceType.Ami ? copy.BackingSnapshots : [copy];
            var foreignKeys = parts.Where(p => !p.Encrypted || !CopyVerifier.IsKeyOf(p.KmsKeyArn, account))
                .Select(p => p.Encrypted ? p.KmsKeyArn ?? "(unknown key)" : "(unencrypted)").Distinct().ToList();
            if (foreignKeys.Count > 0)
            {
                yield return Finding(PostureSeverity.High, "ForeignKey", PostureSide.Vault, copy.Id, account, region,
                    $"{Describe(copy)} (copy of {job.SourceId}) is not under a key the vault owns: {string.Join(", ", foreignKeys)}. Whoever controls that key controls the copy.",
                    $"Copy it again under the vault key: Copy-VaultSnapshot/Copy-VaultImage -Destination $vault -KmsKeyId <vault key>, then Remove-VaultCopy -Destination $vault -Id {copy.Id} -IncludeNewest.");
            }

            if (copy.SharedWith.Count > 0)
            {
                yield return Finding(PostureSeverity.High, "SharedOnward", PostureSide.Vault, copy.Id, account, region,
                    $"{Describe(copy)} (copy of {job.SourceId}) is shared with {string.Join(", ", copy.SharedWith.Select(s => s == "all" ? "everyone (public)" : s))}: vault copies should never leave the vault.",
                    $"Revoke-VaultSnapshotAccess -Source $vault -Destination <that account's connection> -Id {copy.Id}, or remove the share with the AWS tools (Edit-EC2SnapshotAttribute / Edit-EC2ImageAttribute / Edit-RDSDBSnapshotAttribute -ValuesToRemove).");
            }

            bool lockable = copy.Type is VaultResourceType.EbsSnapshot or VaultResourceType.Ami;
            if (request.RequireLock)
            {
                if (!lockable)
                {
                    yield return Finding(PostureSeverity.Low, "NotLockable", PostureSide.Vault, copy.Id, account, region,
                        $"{Describe(copy)} (copy of {job.SourceId}) can't be locked by any AWS API.", CopyLocker.RdsProtectionAdvice);
                }
                else if (job.LockState is not (CopyLockState.Governance or CopyLockState.ComplianceCoolOff or CopyLockState.Compliance))
                {
                    yield return Finding(PostureSeverity.Medium, "NotLocked", PostureSide.Vault, copy.Id, account, region,
                        $"{Describe(copy)} (copy of {job.SourceId}) is not locked{(job.LockState == CopyLockState.Expired ? " (its lock expired)" : string.Empty)}: a vault credential can delete it.",
                        $"Lock-VaultCopy -Destination $vault -Id {copy.Id} -Mode Compliance -Days <retention> -CoolOffHours 24");
                }
                else if (copy.Type == VaultResourceType.Ami && !CopyLockStates.ProtectsImage(copy.DeregistrationProtection))
                {
                    yield return Finding(PostureSeverity.Medium, "NotLocked", PostureSide.Vault, copy.Id, account, region,
                        $"{Describe(copy)} (copy of {job.SourceId}) has locked snapshots but no deregistration protection: the AMI itself can be deregistered.",
                        $"Lock-VaultCopy -Destination $vault -Id {copy.Id} -Mode {job.LockState switch { CopyLockState.Governance => "Governance", _ => "Compliance" }} -Days <retention>");
                }
            }

            if (lockable && job.LockExpiresOn is DateTime expires && CopyLockStates.PreventsDeletion(job.LockState ?? CopyLockState.None)
                && expires - now <= TimeSpan.FromDays(request.WarnDays))
            {
                yield return Finding(PostureSeverity.Medium, "LockExpiring", PostureSide.Vault, copy.Id, account, region,
                    $"The {job.LockState} lock of {Describe(copy)} (copy of {job.SourceId}) ends {expires.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture)}, within {request.WarnDays.ToString(CultureInfo.InvariantCulture)} days.",
                    $"Extend it: Lock-VaultCopy -Destination $vault -Id {copy.Id} -Mode {(job.LockState == CopyLockState.Governance ? "Governance" : "Compliance")} -Days <longer>");
            }
        }
    }

    private async Task KeyFindingsAsync(List<VaultPostureFinding> findings, IReadOnlyList<VaultCopyJob> copies, PostureRequest request, CancellationToken cancellationToken)
    {
        string account = _vault.AccountId;
        var keys = copies.Select(c => c.TargetKeyArn).OfType<string>().Where(k => k.StartsWith("arn:", StringComparison.Ordinal) && Arn.AccountOf(k) == account)
            .Concat(request.VaultKeyIds).Distinct(StringComparer.Ordinal).ToList();
        KmsGateway kms = _clients.Kms(_vault.Session, VaultRegion);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string key in keys)
        {
            await Checked(findings, PostureSide.Vault, account, VaultRegion, "VaultKey", async () =>
            {
                KmsKey? facts = await kms.TryDescribeAsync(key, cancellationToken).ConfigureAwait(false);
                if (facts is null)
                {
                    findings.Add(Finding(PostureSeverity.High, "VaultKeyUnreadable", PostureSide.Vault, key, account, VaultRegion,
                        $"The vault key {key} can't be described with the vault's credentials: it is missing, or the vault does not control it.",
                        "Check the key id and that the vault principal may kms:DescribeKey and kms:GetKeyPolicy on it."));
                    return;
                }

                // An alias and the ARN the copies report may name the same key: judge each key once.
                if (!seen.Add(facts.Arn))
                {
                    return;
                }

                if (facts.KeyState is "PendingDeletion" or "PendingReplicaDeletion")
                {
                    findings.Add(Finding(PostureSeverity.High, "VaultKeyPendingDeletion", PostureSide.Vault, facts.Arn, account, VaultRegion,
                        $"The vault key {facts.Arn} is scheduled for deletion: when it goes, every copy under it is unreadable, locked or not.",
                        $"Cancel it now: Stop-KMSKeyDeletion -KeyId {facts.Arn} (then Enable-KMSKey -KeyId {facts.Arn})."));
                }
                else if (!facts.Enabled)
                {
                    findings.Add(Finding(PostureSeverity.High, "VaultKeyDisabled", PostureSide.Vault, facts.Arn, account, VaultRegion,
                        $"The vault key {facts.Arn} is {facts.KeyState}: the copies under it can't be restored or copied until it is enabled.",
                        $"Enable-KMSKey -KeyId {facts.Arn}"));
                }

                if (facts.IsAwsManaged || facts.AccountId != account)
                {
                    return;
                }

                string policy = await kms.GetKeyPolicyAsync(facts.Arn, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<string> foreign = KeyPolicyExposure.ForeignPrincipals(policy, account);
                if (foreign.Count > 0)
                {
                    findings.Add(Finding(PostureSeverity.High, "VaultKeyPolicyForeignPrincipal", PostureSide.Vault, facts.Arn, account, VaultRegion,
                        $"The policy of vault key {facts.Arn} lets principals outside the vault use it: {string.Join(", ", foreign)}.",
                        "Remove those principals from the key policy (Get-KMSKeyPolicy / Write-KMSKeyPolicy, or your infrastructure code): only vault principals should use the vault key."));
                }
            }).ConfigureAwait(false);
        }
    }

    private async Task BlockPublicAccessAsync(List<VaultPostureFinding> findings, VaultAccount account, PostureSide side, string region, CancellationToken cancellationToken)
    {
        string who = side == PostureSide.Origin ? "$origin" : "$vault";
        await Checked(findings, side, account.AccountId, region, "BlockPublicAccess", async () =>
        {
            Ec2Gateway ec2 = _clients.Ec2(account.Session, region);
            string snapshots = await ec2.GetSnapshotBlockPublicAccessAsync(cancellationToken).ConfigureAwait(false);
            if (snapshots == "unblocked")
            {
                findings.Add(Finding(PostureSeverity.Medium, "SnapshotBlockPublicAccess", side, "snapshot-block-public-access", account.AccountId, region,
                    $"Block public access for EBS snapshots is off in account {account.AccountId} ({region}): one call can make a snapshot public.",
                    $"Enable-EC2SnapshotBlockPublicAccess -State block-all-sharing -Region {region} (as {who})"));
            }

            string images = await ec2.GetImageBlockPublicAccessAsync(cancellationToken).ConfigureAwait(false);
            if (images == "unblocked")
            {
                findings.Add(Finding(PostureSeverity.Medium, "ImageBlockPublicAccess", side, "image-block-public-access", account.AccountId, region,
                    $"Block public access for AMIs is off in account {account.AccountId} ({region}): one call can make an AMI public.",
                    $"Enable-EC2ImageBlockPublicAccess -ImageBlockPublicAccessState block-new-sharing -Region {region} (as {who})"));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Runs one check; a failure to look becomes a NotChecked finding rather than a pass or a lost report.</summary>
    private static async Task Checked(List<VaultPostureFinding> findings, PostureSide side, string account, string region, string check, Func<Task> run)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            VaultCopyException known = AwsErrorTranslator.Translate(error, check, $"account {account} ({region})");
            findings.Add(Finding(PostureSeverity.High, "NotChecked", side, check, account, region,
                $"The {check} check could not look{(known.Kind == VaultCopyErrorKind.PermissionDenied ? " (access denied)" : string.Empty)}: {known.Message}",
                known.Remediation ?? "Give the principal read access (Describe*, Get*, List* on EC2, RDS and KMS) and run Test-VaultPosture again."));
        }
    }

    private static VaultPostureFinding Finding(
        PostureSeverity severity, string check, PostureSide side, string resource, string account, string region, string message, string remediation) => new()
    {
        Severity = severity,
        Check = check,
        Side = side,
        Resource = resource,
        Account = account,
        Region = region,
        Message = message,
        Remediation = remediation,
    };

    private static string PublicShareRemedy(VaultResource backup) => backup.Type switch
    {
        VaultResourceType.EbsSnapshot => $"Edit-EC2SnapshotAttribute -SnapshotId {backup.Id} -Attribute createVolumePermission -OperationType remove -GroupName all (as $origin), then Enable-EC2SnapshotBlockPublicAccess -State block-all-sharing.",
        VaultResourceType.Ami => $"Edit-EC2ImageAttribute -ImageId {backup.Id} -Attribute launchPermission -OperationType remove -UserGroup all (as $origin), then Enable-EC2ImageBlockPublicAccess -ImageBlockPublicAccessState block-new-sharing.",
        VaultResourceType.AuroraClusterSnapshot => $"Edit-RDSDBClusterSnapshotAttribute -DBClusterSnapshotIdentifier {backup.Id} -AttributeName restore -ValuesToRemove all (as $origin).",
        _ => $"Edit-RDSDBSnapshotAttribute -DBSnapshotIdentifier {backup.Id} -AttributeName restore -ValuesToRemove all (as $origin).",
    };

    private static string Describe(VaultResource resource) => resource.Type switch
    {
        VaultResourceType.EbsSnapshot => $"EBS snapshot {resource.Id}",
        VaultResourceType.Ami => $"AMI {resource.Id}",
        VaultResourceType.RdsSnapshot => $"DB snapshot {resource.Id}",
        _ => $"Aurora cluster snapshot {resource.Id}",
    };

    private static string Hours(double hours) => hours >= 48
        ? $"{(hours / 24).ToString("0.#", CultureInfo.InvariantCulture)} days"
        : $"{hours.ToString("0.#", CultureInfo.InvariantCulture)} h";
}
