namespace VaultCopy.Core.Resources;

/// <summary>
/// A VaultCopy output that names a backup — a <see cref="VaultResource"/>, a <see cref="Sharing.VaultShare"/>, a
/// <see cref="Copies.VaultCopyJob"/> (its source) — so that any of them pipes into any cmdlet that takes backups
/// (their typed -InputObject). Implemented explicitly: it adds nothing to what PowerShell shows or JSON holds.
/// </summary>
public interface INamesBackup
{
    /// <summary>The backup's ARN (or id), as <see cref="ResourceReference.Parse"/> reads it.</summary>
    string BackupIdOrArn { get; }
}
