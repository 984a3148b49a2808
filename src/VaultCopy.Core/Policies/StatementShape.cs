using System.Text.Json.Nodes;

namespace VaultCopy.Core.Policies;

/// <summary>
/// Checks that a statement carrying a VaultCopy Sid still has the shape VaultCopy writes. Merging principals or
/// resources into a statement someone widened by hand would pass that widening on to the new names, so the editors
/// only touch statements that pass.
/// </summary>
internal static class StatementShape
{
    /// <summary>
    /// The warning of a revoke that left a hand-edited VaultCopy statement as it is. Removing it (or principals or
    /// keys from it) would take away, or leave behind, what VaultCopy never wrote.
    /// </summary>
    public static string LeftUntouched(string sid, string why) =>
        $"Statement {sid} was changed outside VaultCopy: {why}. VaultCopy left it untouched, because it removes only what it wrote; remove or narrow that statement by hand if the vault should lose that access.";

    /// <summary>The condition of every CreateGrant VaultCopy allows: grants only for AWS services (EBS, RDS) acting for the caller.</summary>
    public static JsonObject GrantForAwsResourceCondition() =>
        new() { ["Bool"] = new JsonObject { ["kms:GrantIsForAWSResource"] = "true" } };

    public static bool HasOnlyProperties(JsonObject statement, IReadOnlyCollection<string> allowed) =>
        statement.All(p => allowed.Contains(p.Key));

    /// <summary>
    /// Revoke's rule, the same in both editors: in each of VaultCopy's statements of the right shape, remove
    /// <paramref name="names"/> (principals or key ARNs; all of them when empty) and the statement when none is left;
    /// a statement changed by hand is left untouched, with a warning.
    /// </summary>
    public static void RemoveNames(
        List<KeyPolicyStatement> statements, IEnumerable<(string Sid, OwnStatementShape Shape)> own, string documentName,
        IReadOnlyCollection<string> names, Func<JsonObject, List<string>> read, Func<JsonObject, List<string>, JsonObject> write,
        List<string> removed, List<string> changed, List<string> warnings)
    {
        foreach ((string sid, OwnStatementShape shape) in own)
        {
            int index = FindSingle(statements, sid, documentName);
            if (index < 0)
            {
                continue;
            }

            JsonObject statement = statements[index].Node;
            if (shape.Mismatch(statement) is string why)
            {
                warnings.Add(LeftUntouched(sid, why));
                continue;
            }

            List<string> existing = read(statement);
            List<string> remaining = names.Count == 0 ? [] : existing.Where(n => !names.Contains(n, StringComparer.Ordinal)).ToList();
            if (remaining.Count == existing.Count)
            {
                continue;
            }

            if (remaining.Count == 0)
            {
                statements.RemoveAt(index);
                removed.Add(sid);
            }
            else
            {
                statements[index] = new KeyPolicyStatement(write(statement, remaining));
                changed.Add(sid);
            }
        }
    }

    /// <summary>The index of the one statement with this Sid, -1 when none; two make the edit ambiguous.</summary>
    public static int FindSingle(List<KeyPolicyStatement> statements, string sid, string documentName)
    {
        int found = -1;
        for (int i = 0; i < statements.Count; i++)
        {
            if (statements[i].Sid != sid)
            {
                continue;
            }

            if (found >= 0)
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.DuplicateVaultCopySid,
                    $"The {documentName} has more than one statement with Sid {sid}, so which one VaultCopy manages is ambiguous. Nothing was changed; merge or remove the duplicates by hand.");
            }

            found = i;
        }

        return found;
    }

    public static bool IsAllow(JsonObject statement) => PolicyJson.AsString(statement["Effect"]) == "Allow";

    /// <summary>Actions are case-insensitive in IAM and their order carries no meaning.</summary>
    public static bool ActionsEqual(JsonNode? node, IReadOnlyCollection<string> expected)
    {
        List<string>? actual = PolicyJson.AsStringList(node);
        return actual is not null && actual.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(expected);
    }

    public static bool IsAnyResource(JsonNode? node) => PolicyJson.AsStringList(node) is ["*"];

    /// <summary>
    /// The same conditions: operators exactly, keys case-insensitively, values as sets (Bool values
    /// case-insensitively, so <c>true</c> and <c>"true"</c> agree).
    /// </summary>
    public static bool ConditionsEqual(JsonNode? actual, JsonObject? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        string? a = Canonical(actual);
        return a is not null && a == Canonical(expected);
    }

    /// <summary>
    /// A copy of <paramref name="statement"/> with one property's value replaced, every other property in its place
    /// and spelt as before.
    /// </summary>
    public static JsonObject WithProperty(JsonObject statement, string name, JsonNode value)
    {
        var copy = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> property in statement)
        {
            copy[property.Key] = property.Key == name ? value : property.Value?.DeepClone();
        }

        return copy;
    }

    private static string? Canonical(JsonNode condition)
    {
        if (condition is not JsonObject operators)
        {
            return null;
        }

        var parts = new List<string>();
        foreach (KeyValuePair<string, JsonNode?> op in operators)
        {
            if (op.Value is not JsonObject keys)
            {
                return null;
            }

            foreach (KeyValuePair<string, JsonNode?> key in keys)
            {
                List<string>? values = PolicyJson.AsConditionValues(key.Value);
                if (values is null)
                {
                    return null;
                }

                IEnumerable<string> normalised = op.Key.StartsWith("Bool", StringComparison.Ordinal)
                    ? values.Select(v => v.ToLowerInvariant())
                    : values;
                parts.Add($"{op.Key}\u0001{key.Key.ToLowerInvariant()}\u0001{string.Join("\u0002", normalised.Distinct().Order(StringComparer.Ordinal))}");
            }
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join("\u0003", parts);
    }
}

/// <summary>
/// The shape VaultCopy writes for one of its statements: Effect Allow, only these elements, exactly these actions, a
/// Resource, Principal and Condition of the kinds it writes. Grant refuses to merge into a statement that fails it,
/// Revoke leaves such a statement untouched: the one check both editors apply.
/// </summary>
internal sealed class OwnStatementShape
{
    public required IReadOnlyCollection<string> Properties { get; init; }

    /// <summary>How the elements VaultCopy never writes are named in the message.</summary>
    public required string ForeignElements { get; init; }

    public required IReadOnlyCollection<string> Actions { get; init; }

    public required Func<JsonNode?, bool> IsOwnResource { get; init; }

    public required string ResourceMismatch { get; init; }

    /// <summary>Null for a statement without Principal (an identity policy).</summary>
    public Func<JsonObject, bool>? IsOwnPrincipal { get; init; }

    public string PrincipalMismatch { get; init; } = string.Empty;

    /// <summary>Any Condition VaultCopy writes in this statement (a grant then asks for one of them exactly).</summary>
    public required Func<JsonNode?, bool> IsOwnCondition { get; init; }

    /// <summary>Why <paramref name="statement"/> is not of this shape, or null when it is.</summary>
    public string? Mismatch(JsonObject statement)
    {
        if (!StatementShape.IsAllow(statement))
        {
            return "its Effect is not \"Allow\"";
        }

        if (!StatementShape.HasOnlyProperties(statement, Properties))
        {
            return $"it has elements VaultCopy does not write ({ForeignElements})";
        }

        if (!StatementShape.ActionsEqual(statement["Action"], Actions))
        {
            return $"its actions are not exactly {string.Join(", ", Actions)}";
        }

        if (!IsOwnResource(statement["Resource"]))
        {
            return ResourceMismatch;
        }

        if (IsOwnPrincipal is not null && !IsOwnPrincipal(statement))
        {
            return PrincipalMismatch;
        }

        return IsOwnCondition(statement["Condition"]) ? null : "its Condition is not the one VaultCopy writes";
    }
}
