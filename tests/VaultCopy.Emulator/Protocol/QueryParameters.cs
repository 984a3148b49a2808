using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VaultCopy.Emulator.Protocol;

/// <summary>
/// The decoded form/query parameters of a Query or EC2 request, with readers for the list shapes of
/// aws-behaviour.md §0.1: Query <c>Name.member.N</c> (or <c>Name.{locationName}.N</c>), EC2 flattened
/// <c>Name.N</c>, and lists of structures such as <c>TagSpecification.N.Tag.M.Key</c>.
/// A view made by <see cref="Scope"/> or a struct-list reader sees names relative to its prefix.
/// </summary>
public sealed class QueryParameters : IReadOnlyDictionary<string, string>
{
    private readonly IReadOnlyDictionary<string, string> _values;

    public QueryParameters(IEnumerable<KeyValuePair<string, string>> values, AwsProtocol protocol = AwsProtocol.Query)
    {
        ArgumentNullException.ThrowIfNull(values);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in values)
        {
            // A repeated name keeps its first value, as the services do not define a merge either.
            map.TryAdd(pair.Key, pair.Value);
        }

        _values = map;
        Protocol = protocol;
        Prefix = string.Empty;
    }

    private QueryParameters(IReadOnlyDictionary<string, string> values, AwsProtocol protocol, string prefix)
    {
        _values = values;
        Protocol = protocol;
        Prefix = prefix;
    }

    public static QueryParameters Empty { get; } = new([]);

    public AwsProtocol Protocol { get; }

    /// <summary>The absolute prefix of this view ("" for the request itself, "TagSpecification.1." for an item).</summary>
    public string Prefix { get; }

    public int Count => Enumerable.Count(this);

    public IEnumerable<string> Keys => Enumerable.Select(this, p => p.Key);

    public IEnumerable<string> Values => Enumerable.Select(this, p => p.Value);

    public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key)
    {
        WireCall.RecordRead(Prefix + key);
        return _values.ContainsKey(Prefix + key);
    }

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        WireCall.RecordRead(Prefix + key);
        return _values.TryGetValue(Prefix + key, out value);
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        foreach (var pair in _values)
        {
            if (pair.Key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                yield return new KeyValuePair<string, string>(pair.Key[Prefix.Length..], pair.Value);
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A view of the parameters under <c>{name}.</c>, e.g. <c>Scope("Filter.1")</c>.</summary>
    public QueryParameters Scope(string name) => new(_values, Protocol, Prefix + name + ".");

    public string? Get(string name) => TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// A required scalar. Missing: Query <c>ValidationError</c> "Value null at 'name' …", EC2 <c>MissingParameter</c>;
    /// pass <paramref name="onMissing"/> where a service answers differently.
    /// </summary>
    public string Required(string name, Func<string, AwsServiceException>? onMissing = null)
    {
        if (TryGetValue(name, out var value))
        {
            return value;
        }

        throw onMissing?.Invoke(name) ?? MissingParameter(Protocol, Prefix + name);
    }

    public int? GetInt(string name) => GetParsed<int>(name, s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    public long? GetLong(string name) => GetParsed<long>(name, s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    public bool? GetBool(string name) => GetParsed<bool>(name, s => bool.TryParse(s, out var v) ? v : null);

    /// <summary>
    /// Query (non-flattened) list: <c>{name}.{memberName}.N</c>; memberName is the member's locationName from
    /// the model (<c>member</c> by default, e.g. <c>AttributeValue</c> for RDS ValuesToAdd). An empty list is
    /// sent as <c>{name}=</c> and reads as empty. Null when the list is absent.
    /// </summary>
    public IReadOnlyList<string>? GetList(string name, string memberName = "member")
    {
        WireCall.RecordRead(Prefix + name + "." + memberName + ".#");
        return TryGetValue(name, out _) && !HasIndexed(name + "." + memberName) ? [] : GetIndexed(name + "." + memberName);
    }

    /// <summary>EC2 flattened list: <c>{name}.N</c> (e.g. <c>UserId.1</c>, <c>SnapshotId.2</c>). Null when absent.</summary>
    public IReadOnlyList<string>? GetFlatList(string name)
    {
        WireCall.RecordRead(Prefix + name + ".#");
        return GetIndexed(name);
    }

    /// <summary>
    /// A list of structures. EC2: <c>GetStructList("TagSpecification")</c> reads <c>TagSpecification.N.*</c>;
    /// Query: <c>GetStructList("Tags", "Tag")</c> reads <c>Tags.Tag.N.*</c>. Each item is a view; read nested lists
    /// from it (<c>item.GetStructList("Tag")</c> for <c>TagSpecification.N.Tag.M.Key</c>). Empty when absent.
    /// </summary>
    public IReadOnlyList<QueryParameters> GetStructList(string name, string? memberName = null)
    {
        string listPrefix = memberName is null ? name : name + "." + memberName;
        WireCall.RecordRead(Prefix + listPrefix + ".#");
        return Indices(listPrefix, structured: true).Select(i => Scope(listPrefix + "." + i.ToString(CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Query map: <c>{name}.entry.N.key</c> / <c>.value</c> (names per the model's locationNames).</summary>
    public IReadOnlyDictionary<string, string> GetMap(string name, string entryName = "entry", string keyName = "key", string valueName = "value")
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in GetStructList(name, entryName))
        {
            if (entry.Get(keyName) is { } key)
            {
                map[key] = entry.Get(valueName) ?? string.Empty;
            }
        }

        return map;
    }

    /// <summary>The error a missing required parameter produces in <paramref name="protocol"/>.</summary>
    public static AwsServiceException MissingParameter(AwsProtocol protocol, string name) => protocol switch
    {
        AwsProtocol.Ec2 => new AwsServiceException("MissingParameter", $"The request must contain the parameter {name}"),
        AwsProtocol.Json => ValidationErrors.Single("ValidationException", name, null, "Member must not be null"),
        _ => ValidationErrors.Single("ValidationError", name, null, "Member must not be null"),
    };

    private T? GetParsed<T>(string name, Func<string, T?> parse)
        where T : struct
    {
        if (!TryGetValue(name, out var text))
        {
            return null;
        }

        return parse(text) ?? throw InvalidValue(name, text);
    }

    private AwsServiceException InvalidValue(string name, string text) => Protocol == AwsProtocol.Ec2
        ? new AwsServiceException("InvalidParameterValue", $"Invalid value '{text}' for {name}")
        : new AwsServiceException(Protocol == AwsProtocol.Json ? "SerializationException" : "MalformedInput",
            $"Invalid value '{text}' for parameter {Prefix + name}");

    private bool HasIndexed(string listPrefix) => Indices(listPrefix, structured: false).Any() || Indices(listPrefix, structured: true).Any();

    private List<string>? GetIndexed(string listPrefix)
    {
        var indices = Indices(listPrefix, structured: false).ToList();
        if (indices.Count == 0)
        {
            return null;
        }

        return indices.Select(i => this[listPrefix + "." + i.ToString(CultureInfo.InvariantCulture)]).ToList();
    }

    // The 1-based indices present under "{listPrefix}.N" (scalar items) or "{listPrefix}.N.*" (structures), in
    // numeric order; gaps are tolerated because the services only require the numbers to be unique.
    private IEnumerable<int> Indices(string listPrefix, bool structured)
    {
        string start = listPrefix + ".";
        var found = new SortedSet<int>();
        foreach (var key in Keys)
        {
            if (!key.StartsWith(start, StringComparison.Ordinal))
            {
                continue;
            }

            string rest = key[start.Length..];
            int dot = rest.IndexOf('.', StringComparison.Ordinal);
            string number = dot < 0 ? rest : rest[..dot];
            if ((dot >= 0) == structured && int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index > 0)
            {
                found.Add(index);
            }
        }

        return found;
    }
}
