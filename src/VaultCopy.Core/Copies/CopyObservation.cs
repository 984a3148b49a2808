using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Copies;

/// <summary>One EBS snapshot as a describe call showed it (an AMI copy's backing snapshot, or the copy itself).</summary>
internal sealed record ObservedSnapshot(string SnapshotId, bool Encrypted, string? KeyArn, int? SizeGiB);

/// <summary>What the last describe call showed of a copy: enough to map its state and to verify it.</summary>
internal sealed record CopyObservation(
    string TargetId, string ServiceState, int Progress, bool Encrypted, string? KeyArn, int? SizeGiB)
{
    /// <summary>For an AMI: its backing snapshots, once read (verification reads them).</summary>
    public IReadOnlyList<ObservedSnapshot>? BackingSnapshots { get; init; }

    /// <summary>The account that owns the copy, as AWS reports it (a describe by id also shows what others shared).</summary>
    public string? OwnerAccountId { get; init; }

    /// <summary>The copy's tags as AWS reports them: its lineage says which source and purpose it is the copy of.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>
/// Whether a completed copy stands on its own, as AWS shows it now (never as a job says it was): owned by the job's
/// account, carrying the job's lineage (purpose and source), encrypted under a key the intended account owns (the
/// key asked for, when one was), and as large as its source. For an AMI every backing snapshot is checked. The key
/// itself must still be usable (<see cref="CheckKeyAsync"/>).
/// </summary>
internal static class CopyVerifier
{
    /// <summary>
    /// After <see cref="Verify"/> passed: the copy's key is described again in the job's account and Region and held
    /// to <see cref="KeyRules.CheckCopyKey"/> (there and enabled). A key disabled or pending deletion makes the copy
    /// unverified, with the rule's words and remedy. AWS errors are left to the caller.
    /// </summary>
    public static async Task CheckKeyAsync(VaultCopyJob job, KeyResolver keys, CancellationToken cancellationToken)
    {
        if (job.Verified != true || job.TargetKeyArn is not string keyArn || !keyArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return;
        }

        KeyUse use = job.Purpose == Conversion.SnapshotKeyConverter.Purpose ? KeyUse.ConversionTarget : KeyUse.VaultCopy;
        if (await keys.CheckCopyKeyAsync(keyArn, use, cancellationToken).ConfigureAwait(false) is VaultCopyException refusal)
        {
            job.Verified = false;
            job.VerificationMessage = $"Not verified: {refusal.Message}";
            job.VerificationRefusal = refusal;
        }
    }

    /// <summary>The rule a vault copy stands on: encrypted under a key of the account that holds it, never the origin's.</summary>
    public static bool IsKeyOf(string? keyArn, string accountId) => keyArn is not null && Arn.AccountOf(keyArn) == accountId;

    public static void Verify(VaultCopyJob job, CopyObservation copy)
    {
        var problems = new List<string>();
        if (copy.OwnerAccountId is string holder && holder.Length > 0 && holder != job.TargetAccountId)
        {
            problems.Add($"{copy.TargetId} belongs to account {holder}, not to the {(job.Purpose == VaultCopies.VaultCopier.Purpose ? "vault " : string.Empty)}account {job.TargetAccountId}");
        }

        if (copy.Tags is { } tags
            && (!tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) || purpose != job.Purpose
                || !tags.TryGetValue(CopyNaming.SourceArnTag, out string? sourceArn) || sourceArn != job.SourceArn))
        {
            problems.Add($"{copy.TargetId} is not VaultCopy's {job.Purpose} copy of {job.SourceId}: its lineage tags name "
                + (tags.TryGetValue(CopyNaming.SourceArnTag, out string? named) ? $"{tags.GetValueOrDefault(CopyNaming.PurposeTag) ?? "no purpose"} / {named}" : "no source"));
        }

        IReadOnlyList<ObservedSnapshot> parts = copy.BackingSnapshots
            ?? [new ObservedSnapshot(copy.TargetId, copy.Encrypted, copy.KeyArn, copy.SizeGiB)];
        if (parts.Count == 0)
        {
            problems.Add($"{copy.TargetId} has no backing snapshots");
        }

        foreach (ObservedSnapshot part in parts)
        {
            string what = part.SnapshotId == copy.TargetId ? copy.TargetId : $"backing snapshot {part.SnapshotId}";
            if (!part.Encrypted || part.KeyArn is null)
            {
                problems.Add($"{what} is not encrypted");
                continue;
            }

            string owner = Arn.AccountOf(part.KeyArn);
            if (!IsKeyOf(part.KeyArn, job.TargetAccountId))
            {
                problems.Add($"{what} is encrypted under key {part.KeyArn} of account {owner}, not of {job.TargetAccountId}");
            }
            else if (job.TargetKeyArn is not null && job.TargetKeyArn.StartsWith("arn:", StringComparison.Ordinal)
                && !string.Equals(part.KeyArn, job.TargetKeyArn, StringComparison.Ordinal))
            {
                problems.Add($"{what} is encrypted under key {part.KeyArn}, not under the requested {job.TargetKeyArn}");
            }
        }

        int? size = copy.BackingSnapshots is { } backing ? (backing.All(b => b.SizeGiB is not null) ? backing.Sum(b => b.SizeGiB!.Value) : null) : copy.SizeGiB;
        if (job.SizeGiB is int expected && size is int actual && expected != actual)
        {
            problems.Add($"the copy holds {actual} GiB but the source {expected} GiB");
        }

        job.Verified = problems.Count == 0;
        job.VerificationMessage = problems.Count == 0
            ? $"Encrypted under {(parts.Count > 1 ? $"{parts.Count} snapshots on " : string.Empty)}key {parts[0].KeyArn} of account {job.TargetAccountId}; {(size is null ? "size not reported" : $"{size} GiB as the source")}."
            : "Not verified: " + string.Join("; ", problems) + ".";
    }
}
