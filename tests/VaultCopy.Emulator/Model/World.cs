namespace VaultCopy.Emulator.Model;

/// <summary>
/// All emulated state: accounts (IAM principals, and per-Region service state that later plug-ins add to
/// <see cref="AccountRegion"/>) and live STS sessions. One instance lives for the whole server; reset and fixture
/// loads clear and refill it, so references held by tests stay valid.
/// Thread safety: take <c>lock (world.Sync)</c> around every read or write of world state.
/// </summary>
public sealed class World
{
    public Dictionary<string, Account> Accounts { get; } = new(StringComparer.Ordinal);

    /// <summary>Live and expired AssumeRole sessions by their ASIA access key id (expired ones are kept so a
    /// stale key yields ExpiredToken rather than InvalidClientTokenId).</summary>
    public Dictionary<string, RoleSession> Sessions { get; } = new(StringComparer.Ordinal);

    /// <summary>The lock for all world state.</summary>
    public object Sync { get; } = new();

    /// <summary>Monotonic counter for ids that must be unique within the world's life (sessions, …).</summary>
    public long NextSequence() => Interlocked.Increment(ref _sequence);

    private long _sequence;

    /// <summary>Forgets everything. Plug-ins that add world-level (not per-account) state clear it here too.</summary>
    public void Clear()
    {
        Accounts.Clear();
        Sessions.Clear();
        _sequence = 0;
    }

    public Account? FindAccount(string accountId) => Accounts.GetValueOrDefault(accountId);

    /// <summary>The owner of a long-term access key (user or root), or null.</summary>
    public AccessKeyOwner? FindAccessKey(string accessKeyId)
    {
        foreach (var account in Accounts.Values)
        {
            foreach (var key in account.RootAccessKeys)
            {
                if (key.AccessKeyId == accessKeyId)
                {
                    return new AccessKeyOwner(account, null, key);
                }
            }

            foreach (var user in account.Users.Values)
            {
                foreach (var key in user.AccessKeys)
                {
                    if (key.AccessKeyId == accessKeyId)
                    {
                        return new AccessKeyOwner(account, user, key);
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Resolves <c>arn:{partition}:iam::{account}:role/{path}{name}</c> (path ignored, name case-insensitive as in IAM).</summary>
    public IamRole? FindRoleByArn(string roleArn)
    {
        if (!Arn.TryParse(roleArn, out var arn) || arn.Service != "iam" || !arn.Resource.StartsWith("role/", StringComparison.Ordinal))
        {
            return null;
        }

        // The ARN must carry the role's path; the name matches case-insensitively, as IAM names do.
        int slash = arn.Resource.LastIndexOf('/');
        string path = arn.Resource["role".Length..(slash + 1)];
        string name = arn.Resource[(slash + 1)..];
        return FindAccount(arn.Account) is { } account && account.Partition == arn.Partition
            && account.Roles.TryGetValue(name, out var role) && string.Equals(role.Path, path, StringComparison.Ordinal)
            ? role
            : null;
    }
}

/// <summary>A long-term key with the principal it belongs to; <see cref="User"/> is null for the account root.</summary>
public sealed record AccessKeyOwner(Account Account, IamUser? User, AccessKey Key);
