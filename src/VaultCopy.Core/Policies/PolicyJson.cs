using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Policies;

/// <summary>
/// Reading and writing policy JSON without normalising it. Primitive values that came from the original text are
/// written back from their raw text, so escapes (<c>\u002A</c>, <c>\/</c>) and number spellings survive an edit; only
/// insignificant whitespace is dropped. System.Text.Json's own serializer would re-escape strings with its encoder.
/// </summary>
internal static class PolicyJson
{
    private const int MaxDepth = 64;

    /// <summary>The document's root object; every malformation is a <see cref="PolicyFormatException"/>.</summary>
    public static JsonObject ParseObject(string text) => ParseObject(text, out _);

    /// <summary>The root object, and the parsed element it reads from (for the original text of its parts).</summary>
    public static JsonObject ParseObject(string text, out JsonElement element)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new PolicyFormatException("the document is empty.");
        }

        try
        {
            // One parse: the element is not backed by pooled memory, so the nodes can keep pointing into it and write
            // back each value's original text.
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = MaxDepth });
            JsonElement root = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new PolicyFormatException("there is more after the document's closing brace.");
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PolicyFormatException($"the document must be a JSON object, not {Describe(root.ValueKind)}.");
            }

            // JsonObject would throw a bare ArgumentException on first access (or, on newer runtimes, keep the last
            // value); AWS's reading of a duplicate is not documented, so a duplicate is refused up front.
            RejectDuplicateProperties(root, "$");
            element = root;
            JsonObject node = JsonObject.Create(root)!;
            Materialise(node);
            return node;
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line && e.BytePositionInLine is long column
                ? $" (line {line + 1}, position {column + 1})"
                : string.Empty;
            throw new PolicyFormatException($"it is not well-formed JSON{where}.", e);
        }
    }

    /// <summary>
    /// Valid JSON text without its insignificant whitespace, every token (strings with their escapes, property names
    /// included) copied as it is.
    /// </summary>
    public static string Minify(string json)
    {
        var builder = new StringBuilder(json.Length);
        bool inString = false, escaped = false;
        foreach (char c in json)
        {
            if (inString)
            {
                builder.Append(c);
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                builder.Append(c);
                inString = c == '"';
            }
        }

        return builder.ToString();
    }

    /// <summary>Compact JSON with the original spelling of every untouched value.</summary>
    public static string ToCompact(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder, indent: null, depth: 0);
        return builder.ToString();
    }

    /// <summary>Two-space indented JSON with the original spelling of every value, for display and diffs.</summary>
    public static string ToIndented(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder, indent: "  ", depth: 0);
        return builder.ToString();
    }

    public static void Write(JsonNode? node, StringBuilder builder, string? indent, int depth)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                int index = 0;
                foreach (KeyValuePair<string, JsonNode?> property in obj)
                {
                    BeginItem(builder, indent, depth + 1, index++);
                    AppendString(builder, property.Key);
                    builder.Append(indent is null ? ":" : ": ");
                    Write(property.Value, builder, indent, depth + 1);
                }

                EndContainer(builder, indent, depth, index, '}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (int i = 0; i < array.Count; i++)
                {
                    BeginItem(builder, indent, depth + 1, i);
                    Write(array[i], builder, indent, depth + 1);
                }

                EndContainer(builder, indent, depth, array.Count, ']');
                break;
            case JsonValue value:
                WriteValue(value, builder);
                break;
        }
    }

    /// <summary>Separator and indentation before the item at <paramref name="index"/> of an open container.</summary>
    public static void BeginItem(StringBuilder builder, string? indent, int depth, int index)
    {
        if (index > 0)
        {
            builder.Append(',');
        }

        NewLine(builder, indent, depth);
    }

    public static void EndContainer(StringBuilder builder, string? indent, int depth, int count, char close)
    {
        if (count > 0)
        {
            NewLine(builder, indent, depth);
        }

        builder.Append(close);
    }

    public static void AppendString(StringBuilder builder, string value)
    {
        // Minimal escaping: policies may carry U+0080–U+00FF, which AWS takes as they are.
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    /// <summary>The string value of a node, or null when it is not a JSON string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>
    /// The policy grammar's "a string or an array of strings" (Action, Resource, principal lists); null when the node
    /// is anything else, including an array holding a non-string.
    /// </summary>
    public static List<string>? AsStringList(JsonNode? node)
    {
        if (AsString(node) is string single)
        {
            return [single];
        }

        if (node is not JsonArray array)
        {
            return null;
        }

        var items = new List<string>(array.Count);
        foreach (JsonNode? item in array)
        {
            if (AsString(item) is not string text)
            {
                return null;
            }

            items.Add(text);
        }

        return items;
    }

    /// <summary>A string when there is one value, an array otherwise: the shape AWS's own editors write.</summary>
    public static JsonNode StringOrArray(IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            return JsonValue.Create(values[0]);
        }

        var array = new JsonArray();
        foreach (string value in values)
        {
            array.Add(JsonValue.Create(value));
        }

        return array;
    }

    /// <summary>Condition values may be JSON strings, booleans or numbers; AWS compares their text.</summary>
    public static List<string>? AsConditionValues(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            var values = new List<string>(array.Count);
            foreach (JsonNode? item in array)
            {
                if (ScalarText(item) is not string text)
                {
                    return null;
                }

                values.Add(text);
            }

            return values;
        }

        return ScalarText(node) is string single ? [single] : null;
    }

    private static string? ScalarText(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
    }

    private static void WriteValue(JsonValue value, StringBuilder builder)
    {
        if (value.TryGetValue(out JsonElement element))
        {
            builder.Append(element.GetRawText());
            return;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                AppendString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append(value.ToJsonString());
                break;
        }
    }

    private static void NewLine(StringBuilder builder, string? indent, int depth)
    {
        if (indent is null)
        {
            return;
        }

        builder.Append('\n');
        for (int i = 0; i < depth; i++)
        {
            builder.Append(indent);
        }
    }

    private static void RejectDuplicateProperties(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new PolicyFormatException($"the property \"{property.Name}\" appears twice in {path}.");
                }

                RejectDuplicateProperties(property.Value, $"{path}.{property.Name}");
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                RejectDuplicateProperties(item, $"{path}[{index++}]");
            }
        }
    }

    private static void Materialise(JsonNode? node)
    {
        // JsonObject builds its dictionary lazily on first access, which is not thread-safe; the document is shared.
        switch (node)
        {
            case JsonObject obj:
                foreach (KeyValuePair<string, JsonNode?> property in obj)
                {
                    Materialise(property.Value);
                }

                break;
            case JsonArray array:
                foreach (JsonNode? item in array)
                {
                    Materialise(item);
                }

                break;
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };
}
