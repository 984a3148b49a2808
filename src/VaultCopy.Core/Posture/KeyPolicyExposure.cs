using System.Text.Json.Nodes;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Posture;

/// <summary>
/// Who outside the key's own account a key policy lets use the key: every principal of an Allow statement with a
/// kms: action that is not the account itself or one of its identities. "*" counts (conditions are not evaluated:
/// a posture check says "look here", the preflight analyzer proves access). Pure: reads the document only.
/// </summary>
public static class KeyPolicyExposure
{
    public static IReadOnlyList<string> ForeignPrincipals(string keyPolicyJson, string keyOwnerAccountId)
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(keyPolicyJson);
        var foreign = new SortedSet<string>(StringComparer.Ordinal);
        foreach (KeyPolicyStatement statement in document.Statements)
        {
            JsonObject node = statement.Node;
            if (statement.Effect != "Allow" || !GrantsKeyUse(node["Action"]))
            {
                continue;
            }

            foreach (string principal in Principals(node["Principal"]))
            {
                if (principal == "*" || AccountOf(principal) is not { } account || account != keyOwnerAccountId)
                {
                    foreign.Add(principal);
                }
            }
        }

        return foreign.ToList();
    }

    private static bool GrantsKeyUse(JsonNode? action) =>
        (PolicyJson.AsStringList(action) ?? []).Any(a => a == "*" || a.StartsWith("kms:", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> Principals(JsonNode? principal)
    {
        if (PolicyJson.AsString(principal) is { } text)
        {
            yield return text;
            yield break;
        }

        if (principal is not JsonObject map)
        {
            yield break;
        }

        // Service principals (AWS services acting for the account) are not another account's principals.
        foreach (string value in PolicyJson.AsStringList(map["AWS"]) ?? [])
        {
            yield return value;
        }

        foreach (string value in PolicyJson.AsStringList(map["Federated"]) ?? [])
        {
            yield return value;
        }
    }

    /// <summary>The account of a principal: an ARN's account field or a bare 12-digit id.</summary>
    private static string? AccountOf(string principal)
    {
        if (principal.Length == 12 && principal.All(char.IsAsciiDigit))
        {
            return principal;
        }

        string[] parts = principal.Split(':');
        return parts.Length > 4 && parts[0] == "arn" && parts[4].Length > 0 ? parts[4] : null;
    }
}
