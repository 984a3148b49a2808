using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Policies;

/// <summary>
/// A KMS key policy (or any document in the IAM policy grammar) as it was written. Every field, its order, and the
/// string-or-array shape of every value are kept; nothing VaultCopy does not edit is normalised. Instances never
/// change: editors build a new document that shares the untouched statements.
/// </summary>
public sealed class KeyPolicyDocument
{
    /// <summary>KMS's key policy size limit, not adjustable (docs/aws-behaviour.md §4.5).</summary>
    public const int MaxByteSize = 32_768;

    private const string StatementProperty = "Statement";

    private readonly JsonObject _root;
    private readonly JsonObject? _singleStatement;
    private readonly string _compact;

    private KeyPolicyDocument(JsonObject root, IReadOnlyList<KeyPolicyStatement> statements, JsonObject? singleStatement)
    {
        _root = root;
        Statements = statements;
        _singleStatement = singleStatement;
        _compact = Write(indent: null);
        ByteSize = Encoding.UTF8.GetByteCount(_compact);
    }

    /// <summary>The statements in document order.</summary>
    public IReadOnlyList<KeyPolicyStatement> Statements { get; }

    public string? Version => PolicyJson.AsString(_root["Version"]);

    public string? Id => PolicyJson.AsString(_root["Id"]);

    /// <summary>UTF-8 bytes of <see cref="ToJson"/>, which is what an editor sends to PutKeyPolicy.</summary>
    public int ByteSize { get; }

    /// <summary>
    /// Reads a policy. Only the structure VaultCopy relies on is checked (an object with a Statement that is an object
    /// or an array of objects, no duplicate property names); everything else is left for AWS to judge.
    /// </summary>
    public static KeyPolicyDocument Parse(string json)
    {
        JsonObject root = PolicyJson.ParseObject(json, out JsonElement rootElement);
        if (!root.TryGetPropertyValue(StatementProperty, out JsonNode? statementNode))
        {
            throw new PolicyFormatException("it has no \"Statement\" element.");
        }

        switch (statementNode)
        {
            case JsonObject single:
                // The grammar allows one statement without an array; keep it that way unless an edit adds another.
                return new KeyPolicyDocument(root, [new KeyPolicyStatement(single, rootElement.GetProperty(StatementProperty))], single);
            case JsonArray array:
                var statements = new List<KeyPolicyStatement>(array.Count);
                JsonElement elements = rootElement.GetProperty(StatementProperty);
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject statement)
                    {
                        throw new PolicyFormatException($"statement {i + 1} of {array.Count} is not a JSON object.");
                    }

                    statements.Add(new KeyPolicyStatement(statement, elements[i]));
                }

                return new KeyPolicyDocument(root, statements, null);
            default:
                throw new PolicyFormatException("\"Statement\" must be an object or an array of objects.");
        }
    }

    /// <summary>The first statement whose Sid is exactly <paramref name="sid"/> (Sids are case-sensitive).</summary>
    public KeyPolicyStatement? FindStatement(string sid)
    {
        ArgumentNullException.ThrowIfNull(sid);
        return Statements.FirstOrDefault(s => s.Sid == sid);
    }

    /// <summary>Compact JSON: no insignificant whitespace, every untouched value spelt as it was.</summary>
    public string ToJson() => _compact;

    /// <summary>Two-space indented JSON for display and diffs.</summary>
    public string ToIndentedJson() => Write(indent: "  ");

    public override string ToString() => _compact;

    /// <summary>A policy with no statements, for identity policies that do not exist yet.</summary>
    internal static KeyPolicyDocument CreateEmpty(string version)
    {
        var root = new JsonObject { ["Version"] = version, [StatementProperty] = new JsonArray() };
        return new KeyPolicyDocument(root, [], null);
    }

    /// <summary>The same document with another statement list; root fields and their order are kept.</summary>
    internal KeyPolicyDocument WithStatements(IReadOnlyList<KeyPolicyStatement> statements) =>
        new(_root, statements, _singleStatement);

    private string Write(string? indent)
    {
        var builder = new StringBuilder(indent is null ? 256 : 1024);
        builder.Append('{');
        int index = 0;
        foreach (KeyValuePair<string, JsonNode?> property in _root)
        {
            PolicyJson.BeginItem(builder, indent, 1, index++);
            PolicyJson.AppendString(builder, property.Key);
            builder.Append(indent is null ? ":" : ": ");
            if (property.Key == StatementProperty)
            {
                WriteStatements(builder, indent);
            }
            else
            {
                PolicyJson.Write(property.Value, builder, indent, 1);
            }
        }

        PolicyJson.EndContainer(builder, indent, 0, index, '}');
        return builder.ToString();
    }

    private void WriteStatements(StringBuilder builder, string? indent)
    {
        if (_singleStatement is not null && Statements.Count == 1 && ReferenceEquals(Statements[0].Node, _singleStatement))
        {
            WriteStatement(Statements[0], builder, indent, 1);
            return;
        }

        builder.Append('[');
        for (int i = 0; i < Statements.Count; i++)
        {
            PolicyJson.BeginItem(builder, indent, 2, i);
            WriteStatement(Statements[i], builder, indent, 2);
        }

        PolicyJson.EndContainer(builder, indent, 1, Statements.Count, ']');
    }

    private static void WriteStatement(KeyPolicyStatement statement, StringBuilder builder, string? indent, int depth)
    {
        if (indent is null)
        {
            builder.Append(statement.Json);
        }
        else
        {
            PolicyJson.Write(statement.Node, builder, indent, depth);
        }
    }
}

/// <summary>One statement of a <see cref="KeyPolicyDocument"/>, with every original field.</summary>
public sealed class KeyPolicyStatement
{
    private string? _json;

    /// <summary>A statement built by an editor.</summary>
    internal KeyPolicyStatement(JsonObject node)
    {
        Node = node;
        Sid = PolicyJson.AsString(node["Sid"]);
        Effect = PolicyJson.AsString(node["Effect"]);
    }

    /// <summary>A statement as parsed: its compact text is the original's, property-name escapes included.</summary>
    internal KeyPolicyStatement(JsonObject node, JsonElement original)
        : this(node)
    {
        _json = PolicyJson.Minify(original.GetRawText());
    }

    /// <summary>The Sid when it is a string; statements need none.</summary>
    public string? Sid { get; }

    public string? Effect { get; }

    /// <summary>The statement as compact JSON, every value spelt as in the original document.</summary>
    public string Json => _json ??= PolicyJson.ToCompact(Node);

    /// <summary>The statement's JSON tree. Shared between documents: never mutate it, clone to edit.</summary>
    internal JsonObject Node { get; }

    public string ToIndentedJson() => PolicyJson.ToIndented(Node);

    public override string ToString() => Json;
}
