using VaultCopy.Emulator.Policy;

namespace VaultCopy.Emulator.Model;

public enum PolicyKind
{
    /// <summary>Identity-based (user/role/managed/session) policy: no Principal.</summary>
    Identity,

    /// <summary>Resource-based policy (trust policy, key policy): statements name a Principal.</summary>
    Resource,
}

/// <summary>Checks for policy JSON kept in the world: the policy engine's grammar plus the principal rule of the kind.</summary>
public static class PolicyText
{
    /// <summary>Null when <paramref name="json"/> is a usable policy of <paramref name="kind"/>; otherwise IAM's complaint.</summary>
    public static string? Check(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!PolicyDocument.TryParse(json, out var document, out string? error))
        {
            return error;
        }

        foreach (var statement in document.Statements)
        {
            if (kind == PolicyKind.Identity && statement.HasPrincipal)
            {
                return "Policy document should not specify a principal.";
            }

            if (kind == PolicyKind.Resource && !statement.HasPrincipal)
            {
                return "Missing required field Principal.";
            }
        }

        return null;
    }
}
