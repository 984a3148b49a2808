using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaultCopy.Core.Tests.Emulator.Conformance;

namespace VaultCopy.Core.Tests.Core;

/// <summary>
/// What the query protocol allows a client to send and read for one service model (aws-models/{rds,iam}): request
/// parameters serialised as botocore's QuerySerializer does (structure members by their serialised name, lists as
/// <c>Name.member.N</c> or <c>Name.{locationName}.N</c>, maps as <c>Name.entry.N.key|value</c>, booleans
/// <c>true</c>/<c>false</c>, timestamps ISO 8601), and the element names an operation's output can contain.
/// </summary>
internal sealed class QueryWireModel
{
    private static readonly ConcurrentDictionary<string, QueryWireModel> s_loaded = new(StringComparer.Ordinal);

    private readonly ServiceModel _model;

    private QueryWireModel(string service)
    {
        _model = ServiceModel.For(service);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ServiceModel.ModelsDirectory(), service, "service-2.json")));
        ApiVersion = document.RootElement.GetProperty("metadata").GetProperty("apiVersion").GetString()!;
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var shape in document.RootElement.GetProperty("shapes").EnumerateObject())
        {
            if (shape.Value.TryGetProperty("exception", out var exception) && exception.GetBoolean())
            {
                codes.Add(_model.ErrorOf(shape.Name).Code);
            }
        }

        ErrorCodes = codes;
    }

    public string Service => _model.Service;

    public string ApiVersion { get; }

    /// <summary>The wire codes of every error shape of the model.</summary>
    public IReadOnlySet<string> ErrorCodes { get; }

    public static QueryWireModel For(string service) => s_loaded.GetOrAdd(service, static s => new QueryWireModel(s));

    public bool HasOperation(string action) => _model.HasOperation(action);

    /// <summary>Every way one request breaks the operation's input shape; empty when it conforms.</summary>
    public IReadOnlyList<string> CheckRequest(string action, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var problems = new List<string>();
        if (!_model.HasOperation(action))
        {
            problems.Add($"{action} is not an operation of the {Service} model");
            return problems;
        }

        string? input = _model.Operation(action).Input;
        if (input is null)
        {
            problems.AddRange(parameters.Select(p => $"{action} takes no input, but '{p.Key}' was sent"));
            return problems;
        }

        var walk = new RequestWalk();
        walk.Structures.Add(("", input));
        foreach (var (key, value) in parameters)
        {
            if (!walk.Sent.Add(key))
            {
                problems.Add($"{action}: '{key}' is sent twice");
            }

            if (Resolve(input, key.Split('.'), 0, "", value, walk) is { } problem)
            {
                problems.Add($"{action}: parameter '{key}' = '{Shorten(value)}': {problem}");
            }
        }

        foreach (var (prefix, shape) in walk.Structures.Distinct())
        {
            foreach (string required in _model.Required(shape))
            {
                var reference = _model.Members(shape).First(m => m.Name == required).Ref;
                string wire = Join(prefix, SerializedName(required, reference));
                if (!walk.Sent.Any(k => k == wire || k.StartsWith(wire + ".", StringComparison.Ordinal)))
                {
                    problems.Add($"{action}: required member {shape}.{required} is not sent (as '{wire}')");
                }
            }
        }

        foreach (var (list, indices) in walk.ListIndices)
        {
            if (indices.Min != 1 || indices.Max != indices.Count)
            {
                problems.Add($"{action}: the items of '{list}' are numbered {string.Join(", ", indices)}; the query protocol numbers them 1..N");
            }
        }

        return problems;
    }

    /// <summary>
    /// The element names that can occur inside the operation's result: member names (or their locationName), list
    /// item names (a member's locationName, else <c>member</c>) and map parts, through every nested shape.
    /// </summary>
    public IReadOnlySet<string> OutputElementNames(string action)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (_model.Operation(action).Output is { } output)
        {
            CollectOutputNames(output, names, new HashSet<string>(StringComparer.Ordinal));
        }

        return names;
    }

    private void CollectOutputNames(string shape, HashSet<string> names, HashSet<string> visited)
    {
        if (!visited.Add(shape))
        {
            return;
        }

        switch (_model.TypeOf(shape))
        {
            case "structure":
                foreach (var (name, reference) in _model.Members(shape))
                {
                    names.Add(ServiceModel.LocationName(reference) ?? name);
                    CollectOutputNames(ServiceModel.ShapeOf(reference), names, visited);
                }

                break;
            case "list":
                var member = _model.Part(shape, "member");
                // A flattened list repeats the member's locationName, else the structure member's own name (already added).
                if (ServiceModel.LocationName(member) is { } item)
                {
                    names.Add(item);
                }
                else if (!IsFlattened(shape))
                {
                    names.Add("member");
                }

                CollectOutputNames(ServiceModel.ShapeOf(member), names, visited);
                break;
            case "map":
                var key = _model.Part(shape, "key");
                var value = _model.Part(shape, "value");
                names.Add("entry");
                names.Add(ServiceModel.LocationName(key) ?? "key");
                names.Add(ServiceModel.LocationName(value) ?? "value");
                CollectOutputNames(ServiceModel.ShapeOf(key), names, visited);
                CollectOutputNames(ServiceModel.ShapeOf(value), names, visited);
                break;
        }
    }

    private string? Resolve(string shape, string[] segments, int index, string prefix, string value, RequestWalk walk)
    {
        string type = _model.TypeOf(shape);
        if (index == segments.Length)
        {
            // botocore sends an empty list as "Name=" so that the service sees it was given.
            return type switch
            {
                "structure" or "map" => $"{shape} is a {type}; send its members, not a value",
                "list" => value.Length == 0 ? null : $"{shape} is a list; send its items as '{prefix}.{ListItemName(shape)}.N'",
                _ => CheckValue(shape, value),
            };
        }

        string segment = segments[index];
        switch (type)
        {
            case "structure":
                foreach (var (name, reference) in _model.Members(shape))
                {
                    if (SerializedName(name, reference) != segment)
                    {
                        continue;
                    }

                    string memberShape = ServiceModel.ShapeOf(reference);
                    string memberPrefix = Join(prefix, segment);
                    if (_model.TypeOf(memberShape) == "structure")
                    {
                        walk.Structures.Add((memberPrefix, memberShape));
                    }

                    return Resolve(memberShape, segments, index + 1, memberPrefix, value, walk);
                }

                return $"{shape} has no member serialised as '{segment}' (members: {string.Join(", ", _model.Members(shape).Select(m => SerializedName(m.Name, m.Ref)))})";

            case "list":
            {
                if (IsFlattened(shape))
                {
                    return $"{shape} is a flattened list, which this checker does not handle yet";
                }

                string item = ListItemName(shape);
                if (segment != item)
                {
                    return $"{shape} is a list: its items are '{Join(prefix, item)}.N', not '{Join(prefix, segment)}…'";
                }

                if (index + 1 >= segments.Length || !TryIndex(segments[index + 1], out int n))
                {
                    return $"{shape} items need a 1-based index after '{item}'";
                }

                string listPath = Join(prefix, item);
                if (!walk.ListIndices.TryGetValue(listPath, out var indices))
                {
                    walk.ListIndices[listPath] = indices = [];
                }

                indices.Add(n);
                string memberShape = ServiceModel.ShapeOf(_model.Part(shape, "member"));
                string itemPrefix = $"{listPath}.{n}";
                if (_model.TypeOf(memberShape) == "structure")
                {
                    walk.Structures.Add((itemPrefix, memberShape));
                }

                return Resolve(memberShape, segments, index + 2, itemPrefix, value, walk);
            }

            case "map":
            {
                if (segment != "entry" || index + 2 >= segments.Length || !TryIndex(segments[index + 1], out int n))
                {
                    return $"{shape} is a map: its entries are '{Join(prefix, "entry")}.N.key|value'";
                }

                var key = _model.Part(shape, "key");
                var valueRef = _model.Part(shape, "value");
                string part = segments[index + 2];
                string entryPrefix = $"{Join(prefix, "entry")}.{n}.{part}";
                if (part == (ServiceModel.LocationName(key) ?? "key"))
                {
                    return Resolve(ServiceModel.ShapeOf(key), segments, index + 3, entryPrefix, value, walk);
                }

                return part == (ServiceModel.LocationName(valueRef) ?? "value")
                    ? Resolve(ServiceModel.ShapeOf(valueRef), segments, index + 3, entryPrefix, value, walk)
                    : $"{shape} entries have a key and a value, not '{part}'";
            }

            default:
                return $"{shape} is a {type}; nothing nests under it ('{segment}')";
        }
    }

    private string? CheckValue(string shape, string value)
    {
        var definition = _model.Shape(shape);
        string type = _model.TypeOf(shape);
        switch (type)
        {
            case "boolean":
                return value is "true" or "false" ? null : "a boolean is sent as true or false";
            case "integer":
            case "long":
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number))
                {
                    return $"not an {type}";
                }

                return OutOfRange(definition, number, "value");
            case "double":
            case "float":
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : $"not a {type}";
            case "timestamp":
                // botocore's query serializer: ISO 8601 in UTC, with microseconds only when there are any.
                return DateTimeOffset.TryParseExact(value, ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'"],
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) ? null : "a timestamp is sent as ISO 8601 UTC (yyyy-MM-ddTHH:mm:ssZ)";
            case "blob":
                return Convert.TryFromBase64String(value, new byte[value.Length], out _) ? null : "a blob is sent base64-encoded";
            case "string":
                if (_model.Enum(shape) is { } values && !values.Contains(value, StringComparer.Ordinal))
                {
                    return $"not one of the {shape} values [{string.Join(", ", values)}]";
                }

                if (OutOfRange(definition, value.Length, "length") is { } length)
                {
                    return length;
                }

                // Model patterns are unanchored; the services match them against the whole value.
                return definition.TryGetProperty("pattern", out var pattern)
                    && !Regex.IsMatch(value, $"^(?:{pattern.GetString()})$", RegexOptions.None, TimeSpan.FromSeconds(1))
                    ? $"does not match the {shape} pattern {pattern.GetString()}"
                    : null;
            default:
                return $"{shape} is a {type}, which this checker does not handle";
        }
    }

    private static string? OutOfRange(JsonElement definition, long actual, string what)
    {
        if (definition.TryGetProperty("min", out var min) && actual < min.GetInt64())
        {
            return $"{what} {actual} is below the model's minimum {min.GetInt64()}";
        }

        return definition.TryGetProperty("max", out var max) && actual > max.GetInt64()
            ? $"{what} {actual} is above the model's maximum {max.GetInt64()}"
            : null;
    }

    private string ListItemName(string list) => ServiceModel.LocationName(_model.Part(list, "member")) ?? "member";

    private bool IsFlattened(string shape) =>
        _model.Shape(shape).TryGetProperty("flattened", out var flattened) && flattened.GetBoolean();

    /// <summary>botocore QuerySerializer: a member goes by its locationName when it has one.</summary>
    private static string SerializedName(string member, JsonElement reference) => ServiceModel.LocationName(reference) ?? member;

    private static bool TryIndex(string text, out int index) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out index) && index >= 1 && text[0] != '0';

    private static string Join(string prefix, string segment) => prefix.Length == 0 ? segment : $"{prefix}.{segment}";

    private static string Shorten(string value) => value.Length > 60 ? value[..60] + "…" : value;

    private sealed class RequestWalk
    {
        public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);

        /// <summary>Every structure the request reaches, with the parameter prefix it sits under ("" for the input).</summary>
        public List<(string Prefix, string Shape)> Structures { get; } = [];

        public Dictionary<string, SortedSet<int>> ListIndices { get; } = new(StringComparer.Ordinal);
    }
}
