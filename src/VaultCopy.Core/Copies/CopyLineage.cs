using VaultCopy.Core.Errors;

namespace VaultCopy.Core.Copies;

/// <summary>Where a copy found in the destination stands, for the lineage rule.</summary>
internal enum FoundCopyStanding
{
    /// <summary>In flight or complete: a copy that can be followed and kept.</summary>
    Live,

    /// <summary>Ended in error (EBS error, AMI failed, RDS failed): no copy at all, only something in the way.</summary>
    Failed,

    /// <summary>Anything else (an AMI disabled or deregistered, an RDS snapshot being deleted): neither kept nor removed.</summary>
    Other,
}

/// <summary>
/// A copy found in the destination account and Region by a job's lineage (tags, or the RDS name): its id, standing,
/// start time as AWS reports it, the key it is under when known (an AMI: the key its snapshots share), and its tags.
/// </summary>
internal sealed record FoundCopy(string Id, FoundCopyStanding Standing, DateTime? StartTime, string? KeyArn, IReadOnlyDictionary<string, string> Tags);

/// <summary>What the copies found for a job mean: the copy to follow, and VaultCopy's own failed copies in the way.</summary>
internal sealed record LineageDecision(FoundCopy? Winner, IReadOnlyList<FoundCopy> FailedToRemove);

/// <summary>
/// The one rule for earlier copies of a lineage (purpose + source ARN + destination key), for every copy type:
/// <list type="bullet">
/// <item>The copy kept is the live one with the earliest start time, then the lowest id (ordinal). Both are fixed
/// when AWS creates the copy and never change, so every run that sees the same copies keeps the same one; and a copy
/// made later can never displace it, so a run arriving late never undoes what an earlier run settled. (Preferring a
/// completed copy would not do: two runs looking at different moments could see different ones completed.)</item>
/// <item>A run removes only a loser it started itself, then follows the winner.</item>
/// <item>A failed copy is removed only when it carries VaultCopy's lineage tags, purpose vault or convert, the job's
/// purpose and source ARN (and its key, when known): never a copy without lineage, never anything else.</item>
/// </list>
/// </summary>
internal static class CopyLineage
{
    /// <summary>The lineage purposes whose failed copies VaultCopy may remove.</summary>
    public static readonly IReadOnlySet<string> RemovablePurposes = new HashSet<string>(StringComparer.Ordinal) { VaultCopies.VaultCopier.Purpose, Conversion.SnapshotKeyConverter.Purpose };

    /// <summary>Whether <paramref name="tags"/> are the lineage of <paramref name="job"/>: its purpose (vault or convert) and its source ARN.</summary>
    public static bool Carries(VaultCopyJob job, IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(CopyNaming.PurposeTag, out string? purpose) && purpose == job.Purpose && RemovablePurposes.Contains(purpose)
        && tags.TryGetValue(CopyNaming.SourceArnTag, out string? source) && source == job.SourceArn;

    public static LineageDecision Decide(VaultCopyJob job, IEnumerable<FoundCopy> found)
    {
        var mine = found.Where(c => Carries(job, c.Tags)).ToList();
        FoundCopy? winner = mine
            .Where(c => c.Standing == FoundCopyStanding.Live && (job.TargetKeyArn is null || c.KeyArn == job.TargetKeyArn))
            .OrderBy(c => c.StartTime ?? DateTime.MaxValue)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        var failed = mine
            .Where(c => c.Standing == FoundCopyStanding.Failed && (c.KeyArn is null || job.TargetKeyArn is null || c.KeyArn == job.TargetKeyArn))
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToList();
        return new LineageDecision(winner, failed);
    }

    /// <summary>
    /// Removes the failed copies (one call each through <paramref name="remove"/>, which treats "already gone" as done:
    /// an overlapping run may have removed it first) and records the first on the job. A removal AWS refuses fails
    /// the job: the copy cannot be made again beside it.
    /// </summary>
    public static async Task RemoveFailedAsync(VaultCopyJob job, IReadOnlyList<FoundCopy> failed, Func<string, Task> remove, Func<Exception, string, Exception> translate)
    {
        foreach (FoundCopy copy in failed)
        {
            try
            {
                await remove(copy.Id).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                Exception translated = translate(error, $"Removing the failed earlier copy {copy.Id} of {job.SourceId}");
                throw translated is VaultCopyException refusal
                    ? new VaultCopyException(refusal.Kind, "FailedCopyNotRemoved",
                        $"The earlier copy {copy.Id} of {job.SourceId} failed, and VaultCopy could not remove it to copy again: {refusal.Message}",
                        $"Delete {copy.Id} in account {job.TargetAccountId} ({job.TargetRegion}), or allow the vault to delete it, then copy again.",
                        refusal.AwsErrorCode, refusal)
                    : translated;
            }

            job.ReplacedFailedCopyId ??= copy.Id;
        }
    }
}
