namespace VaultCopy.Core.Preflight;

/// <summary>What a preflight is asked to prove, beyond the two accounts it runs between.</summary>
public sealed class PrereqRequest
{
    /// <summary>Ids or ARNs of the source account's backups to be copied (snap-…, ami-…, RDS identifiers, ARNs).</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>The vault key the copies are to be encrypted under (id, alias or ARN in the destination account).</summary>
    public string? KmsKeyId { get; init; }
}
