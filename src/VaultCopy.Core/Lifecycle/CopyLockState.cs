using System.Text.Json.Serialization;
using VaultCopy.Core.Aws;

namespace VaultCopy.Core.Lifecycle;

/// <summary>
/// How a vault copy is locked against deletion. For an AMI it is the weakest lock among its snapshots (the AMI is
/// only as safe as its least protected snapshot). RDS and Aurora copies cannot be locked by any AWS API.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<CopyLockState>))]
public enum CopyLockState
{
    /// <summary>Not locked: anyone allowed by IAM can delete it.</summary>
    None,

    /// <summary>The lock has run out; the copy can be deleted.</summary>
    Expired,

    /// <summary>Nobody can delete it, but a principal allowed ec2:UnlockSnapshot can remove or shorten the lock.</summary>
    Governance,

    /// <summary>A compliance lock still in its cool-off: it can still be removed, shortened or changed.</summary>
    ComplianceCoolOff,

    /// <summary>Nobody, the root user and AWS included, can delete the copy or remove or shorten the lock until it expires.</summary>
    Compliance,

    /// <summary>RDS and Aurora snapshots: no lock exists in AWS (protect them with SCPs or AWS Backup Vault Lock).</summary>
    NotLockable,
}

/// <summary>The lock mode Lock-VaultCopy asks for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CopyLockMode>))]
public enum CopyLockMode
{
    Governance,
    Compliance,
}

/// <summary>EC2's lock words and how strong each state is.</summary>
internal static class CopyLockStates
{
    public static CopyLockState FromEc2(string? state) => state switch
    {
        "governance" => CopyLockState.Governance,
        "compliance-cooloff" => CopyLockState.ComplianceCoolOff,
        "compliance" => CopyLockState.Compliance,
        "expired" => CopyLockState.Expired,
        _ => CopyLockState.None,
    };

    /// <summary>True while the lock stops DeleteSnapshot (every state but expired and none).</summary>
    public static bool PreventsDeletion(CopyLockState state) =>
        state is CopyLockState.Governance or CopyLockState.ComplianceCoolOff or CopyLockState.Compliance;

    /// <summary>The weakest of the snapshot locks (an AMI's), with the earliest expiry among them.</summary>
    public static (CopyLockState State, DateTime? ExpiresOn) Weakest(IEnumerable<string> snapshotIds, IReadOnlyDictionary<string, SnapshotLockRecord> locks)
    {
        CopyLockState? weakest = null;
        DateTime? expires = null;
        foreach (string id in snapshotIds)
        {
            locks.TryGetValue(id, out SnapshotLockRecord? record);
            CopyLockState state = FromEc2(record?.State);
            if (weakest is null || state < weakest)
            {
                weakest = state;
            }

            if (record?.ExpiresOn is DateTime end && (expires is null || end < expires))
            {
                expires = end;
            }
        }

        CopyLockState result = weakest ?? CopyLockState.None;
        return (result, PreventsDeletion(result) || result == CopyLockState.Expired ? expires : null);
    }

    /// <summary>True when deregistration protection (or its cooldown) still stops DeregisterImage.</summary>
    public static bool ProtectsImage(string? protection) =>
        protection is not null && protection != "disabled";
}
