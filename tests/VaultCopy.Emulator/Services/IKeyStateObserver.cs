using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Services;

/// <summary>
/// A world extension that must learn when a KMS key becomes unusable (DisableKey, ScheduleKeyDeletion): EBS copies
/// that have not yet asked KMS for their data keys fail, those that have complete on the data keys they hold
/// (KMS Developer Guide, "How unusable KMS keys affect data keys"). Called by KMS under <c>World.Sync</c>.
/// </summary>
public interface IKeyStateObserver
{
    void KeyBecameUnusable(World world, string keyArn, DateTimeOffset at);

    /// <summary>The key was enabled again (EnableKey): copies it had failed that have not reached their key step yet
    /// find it usable after all.</summary>
    void KeyBecameUsable(World world, string keyArn, DateTimeOffset at);
}
