using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>
/// A test-only stand-in for the KMS plug-in's <see cref="IServiceKeyAccess"/> until branch kms provides the real one.
/// Rules it mimics (aws-behaviour.md §4): aliases and key ids resolve in the caller's account, ARNs anywhere; a key
/// is usable through RDS by its own account, and by the accounts its "key policy" names; AWS managed keys only by
/// their own account (kms:CallerAccount); disabled keys and keys of another Region by nobody.
/// </summary>
internal sealed class FakeKeyAccess : IServiceKeyAccess
{
    private readonly List<FakeKey> _keys = [];
    private readonly object _lock = new();

    public FakeKey Add(string account, string region, string alias, bool awsManaged = false, string state = "Enabled", params string[] sharedWith)
    {
        string id = Guid.NewGuid().ToString();
        var key = new FakeKey(
            new ServiceKey($"arn:aws:kms:{region}:{account}:key/{id}", id, account, region, awsManaged, state, "SYMMETRIC_DEFAULT"),
            alias,
            sharedWith);
        lock (_lock)
        {
            _keys.Add(key);
        }

        return key;
    }

    public ServiceKey? Resolve(World world, Caller caller, string keyIdentifier, string region)
    {
        lock (_lock)
        {
            if (keyIdentifier.StartsWith("arn:", StringComparison.Ordinal))
            {
                return _keys.FirstOrDefault(k => k.Key.Arn == keyIdentifier || k.AliasArn == keyIdentifier)?.Key;
            }

            if (keyIdentifier == "alias/aws/rds")
            {
                return AwsManagedKey(world, caller.AccountId, region, "aws/rds");
            }

            return _keys.FirstOrDefault(k => k.Key.AccountId == caller.AccountId && k.Key.Region == region
                && (k.Key.KeyId == keyIdentifier || "alias/" + k.Alias == keyIdentifier))?.Key;
        }
    }

    public ServiceKey? FindByArn(World world, string keyArn)
    {
        lock (_lock)
        {
            return _keys.FirstOrDefault(k => k.Key.Arn == keyArn)?.Key;
        }
    }

    public ServiceKey AwsManagedKey(World world, string accountId, string region, string aliasName)
    {
        lock (_lock)
        {
            return _keys.FirstOrDefault(k => k.Key.AccountId == accountId && k.Key.Region == region && k.Alias == aliasName)?.Key
                ?? Add(accountId, region, aliasName, awsManaged: true).Key;
        }
    }

    public KeyUseDenial? CheckUse(World world, Caller caller, ServiceKey key, string viaService, KeyUsePurpose purpose)
    {
        FakeKey? fake;
        lock (_lock)
        {
            fake = _keys.FirstOrDefault(k => k.Key.Arn == key.Arn);
        }

        if (fake is null || key.KeyState != "Enabled")
        {
            return new KeyUseDenial("key missing or not enabled");
        }

        if (viaService != $"rds.{key.Region}.amazonaws.com")
        {
            return new KeyUseDenial("key in another Region");
        }

        bool allowed = caller.AccountId == key.AccountId || (!key.IsAwsManaged && fake.SharedWith.Contains(caller.AccountId));
        return allowed ? null : new KeyUseDenial("key policy does not allow the caller");
    }
}

internal sealed record FakeKey(ServiceKey Key, string Alias, IReadOnlyCollection<string> SharedWith)
{
    public string Arn => Key.Arn;

    public string AliasArn => $"arn:aws:kms:{Key.Region}:{Key.AccountId}:alias/{Alias}";
}
