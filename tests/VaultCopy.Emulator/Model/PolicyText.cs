using System.Text.Json;

namespace VaultCopy.Emulator.Model;

public enum PolicyKind
{
    /// <summary>Identity-based (user/role/managed/session) policy: no Principal.</summary>
    Identity,

    /// <summary>Resource-based policy (trust policy, key policy): statements name a Principal.</summary>
    Resource,
}

/// <summary>Well-formedness checks for policy JSON kept in the world.</summary>
public static class PolicyText
{
    /// <summary>Null when <paramref name="json"/> is a usable policy of <paramref name="kind"/>; otherwise the problem.</summary>
    public static string? Check(string json, PolicyKind kind)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "the document is not a JSON object";
            }

            if (!doc.RootElement.TryGetProperty("Statement", out var statement)
                || statement.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            {
                return "missing Statement";
            }

            var statements = statement.ValueKind == JsonValueKind.Array ? statement.EnumerateArray().ToList() : [statement];
            foreach (var s in statements)
            {
                bool hasPrincipal = s.ValueKind == JsonValueKind.Object
                    && (s.TryGetProperty("Principal", out _) || s.TryGetProperty("NotPrincipal", out _));
                if (kind == PolicyKind.Identity && hasPrincipal)
                {
                    return "Policy document should not specify a principal.";
                }

                if (kind == PolicyKind.Resource && !hasPrincipal)
                {
                    return "Has prohibited field Principal missing: a resource policy statement must name a Principal.";
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return "not valid JSON: " + ex.Message;
        }
    }
}
