using VaultCopy.Core.Errors;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.KeyAccess;

/// <summary>What <see cref="PolicyWriter.WriteAsync"/> did.</summary>
/// <param name="Before">The document as read just before the (first) write.</param>
/// <param name="After">The document as read back at the end.</param>
/// <param name="Edit">The edit that was written last (or found unnecessary).</param>
/// <param name="Written">True when VaultCopy wrote the document at least once.</param>
/// <param name="Attempts">Read-merge-write rounds taken.</param>
/// <param name="ChangedSincePlan">The document was no longer what the plan (and the confirmation) showed.</param>
/// <param name="ChangedByOthers">Someone else wrote it after VaultCopy did, keeping VaultCopy's statements.</param>
internal sealed record PolicyWriteOutcome(
    string Before, string After, PolicyEditResult Edit, bool Written, int Attempts, bool ChangedSincePlan, bool ChangedByOthers);

/// <summary>
/// Read, merge, write, read back. KMS and IAM have no conditional write, so a concurrent editor is caught the only way
/// left: the merge is always made on a fresh read, and the read-back must still hold VaultCopy's statements. When
/// another writer replaced them (it read before we wrote), the merge is redone on their document, a few times at most.
/// A write by someone else in the instant between our read and our write cannot be seen by anyone without a
/// conditional API; keeping that window to one round trip is all that can be done.
/// </summary>
internal static class PolicyWriter
{
    public const int MaxAttempts = 3;

    public static async Task<PolicyWriteOutcome> WriteAsync(
        IPolicyStore store, Func<string, PolicyEditResult> edit, string plannedBefore, string documentName, CancellationToken cancellationToken)
    {
        string? firstBefore = null;
        bool written = false;
        bool changedSincePlan = false;
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            string current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (firstBefore is null)
            {
                firstBefore = current;
                changedSincePlan = !string.Equals(current, plannedBefore, StringComparison.Ordinal);
            }

            PolicyEditResult result = edit(current);
            if (!result.Changed)
            {
                return new PolicyWriteOutcome(firstBefore, current, result, written, attempt, changedSincePlan, ChangedByOthers: written);
            }

            await store.WriteAsync(result.After, cancellationToken).ConfigureAwait(false);
            written = true;

            string readBack = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (string.Equals(readBack, result.After, StringComparison.Ordinal))
            {
                return new PolicyWriteOutcome(firstBefore, readBack, result, written, attempt, changedSincePlan, ChangedByOthers: false);
            }

            if (!edit(readBack).Changed)
            {
                // Someone wrote after us, or the service reformatted the document, but our statements are there.
                return new PolicyWriteOutcome(firstBefore, readBack, result, written, attempt, changedSincePlan, ChangedByOthers: true);
            }
        }

        throw new VaultCopyException(
            VaultCopyErrorKind.InvalidState, "ConcurrentPolicyEdit",
            $"The {documentName} kept changing while VaultCopy wrote it: {MaxAttempts} times another writer replaced it with a version without VaultCopy's statements. Their latest version is in place; VaultCopy's statements may be missing.",
            "Find out who else is editing it (CloudTrail shows the PutKeyPolicy or PutRolePolicy calls), then run the same command again.");
    }
}
