using System.Text.Json.Nodes;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

/// <summary>Comparisons stated over JSON values, independent of the editor's own code paths.</summary>
internal static class PolicyAssert
{
    /// <summary>Same root fields (in order) and the same statements, as JSON values.</summary>
    public static void SemanticallyEqual(string expected, string actual, string because)
    {
        JsonObject a = Root(expected);
        JsonObject b = Root(actual);
        Assert.True(a.Select(p => p.Key).SequenceEqual(b.Select(p => p.Key)), $"{because}: root fields differ\n{expected}\n{actual}");
        foreach (KeyValuePair<string, JsonNode?> property in a)
        {
            if (property.Key == "Statement")
            {
                var left = Statements(property.Value);
                var right = Statements(b["Statement"]);
                Assert.True(left.Count == right.Count, $"{because}: {left.Count} statements before, {right.Count} after\n{actual}");
                for (int i = 0; i < left.Count; i++)
                {
                    Assert.True(JsonNode.DeepEquals(left[i], right[i]), $"{because}: statement {i + 1} differs\n{left[i]!.ToJsonString()}\n{right[i]!.ToJsonString()}");
                }
            }
            else
            {
                Assert.True(JsonNode.DeepEquals(property.Value, b[property.Key]), $"{because}: root field {property.Key} differs");
            }
        }
    }

    /// <summary>A statement list whether the grammar's single object or an array.</summary>
    public static List<JsonNode?> Statements(JsonNode? node) => node is JsonArray array ? array.ToList() : [node];

    public static JsonObject Root(string json) => (JsonObject)JsonNode.Parse(json)!;

    /// <summary>The AWS principals of a statement in document order.</summary>
    public static List<string> AwsPrincipals(JsonNode statement)
    {
        JsonNode? aws = statement["Principal"]?["AWS"];
        return aws is JsonArray array ? array.Select(v => v!.GetValue<string>()).ToList() : [aws!.GetValue<string>()];
    }

    public static string? Sid(JsonNode? statement) => statement?["Sid"] is JsonValue v ? v.GetValue<string>() : null;
}
