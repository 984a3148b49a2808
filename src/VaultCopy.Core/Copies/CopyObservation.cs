using VaultCopy.Core.Accounts;

namespace VaultCopy.Core.Copies;

/// <summary>One EBS snapshot as a describe call showed it (an AMI copy's backing snapshot, or the copy itself).</summary>
internal sealed record ObservedSnapshot(string SnapshotId, bool Encrypted, string? KeyArn, int? SizeGiB);

/// <summary>What the last describe call showed of a copy: enough to map its state and to verify it.</summary>
internal sealed record CopyObservation(
    string TargetId, string ServiceState, int Progress, bool Encrypted, string? KeyArn, int? SizeGiB)
{
    /// <summary>For an AMI: its backing snapshots, once read (verification reads them).</summary>
    public IReadOnlyList<ObservedSnapshot>? BackingSnapshots { get; init; }
}

/// <summary>
/// Whether a completed copy stands on its own: encrypted, under a key the intended account owns (the key asked
/// for, when one was), and as large as its source. For an AMI every backing snapshot is checked.
/// </summary>
internal static class CopyVerifier
{
    public static void Verify(VaultCopyJob job, CopyObservation copy)
    {
        var problems = new List<string>();
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
            if (owner != job.TargetAccountId)
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
