using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Copies;

/// <summary>
/// One resource type's copy calls, in one destination account and Region. The scheduler decides when; a backend
/// only knows how. Every method may be called with jobs of its type only.
/// </summary>
internal interface ICopyBackend
{
    VaultResourceType Type { get; }

    /// <summary>
    /// Looks for a copy this job already made (same source ARN, purpose and destination key, by lineage tags).
    /// When found, the job takes it over (TargetId, state, Reused = true) and true is returned.
    /// </summary>
    Task<bool> AdoptExistingAsync(VaultCopyJob job, CancellationToken cancellationToken);

    /// <summary>Copies of this type already in flight into the destination Region (anyone's, ours included).</summary>
    Task<int> CountInFlightAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts the copy: the job gets its TargetId and becomes InProgress. Throws <see cref="CopyDeferredException"/>
    /// when AWS says "not now" (quota, throttling) and a VaultCopyException when the copy cannot be made.
    /// </summary>
    Task StartAsync(VaultCopyJob job, CancellationToken cancellationToken);

    /// <summary>Brings every job up to date with ONE describe call (throws CopyDeferredException when throttled).</summary>
    Task RefreshAsync(IReadOnlyList<VaultCopyJob> jobs, CancellationToken cancellationToken);

    /// <summary>Checks a completed copy stands on its own; sets Verified and VerificationMessage.</summary>
    Task VerifyAsync(VaultCopyJob job, CancellationToken cancellationToken);
}

/// <summary>AWS said "not now" — a concurrency quota is full or the call was throttled: wait, then try again.</summary>
internal sealed class CopyDeferredException : Exception
{
    public CopyDeferredException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
