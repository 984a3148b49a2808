namespace VaultCopy.Emulator.Auth;

/// <summary>An HTTP request as SigV4 sees it, independent of ASP.NET so the verifier can be unit-tested.</summary>
public sealed class SignableRequest
{
    public required string Method { get; init; }

    /// <summary>The path exactly as on the wire (still percent-encoded), without the query.</summary>
    public required string RawPath { get; init; }

    /// <summary>The raw query string without '?'.</summary>
    public string RawQuery { get; init; } = string.Empty;

    /// <summary>Header values by name (case-insensitive), in the order received.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; init; }

    public byte[] Body { get; init; } = [];

    public IReadOnlyList<KeyValuePair<string, string>> Query => _query ??= SigV4.ParseQuery(RawQuery);

    private IReadOnlyList<KeyValuePair<string, string>>? _query;

    public string? Header(string name) =>
        Headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(',', values) : null;

    public string? QueryValue(string name) =>
        Query.Where(p => string.Equals(p.Key, name, StringComparison.Ordinal)).Select(p => p.Value).FirstOrDefault();

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> HeaderMap(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers)
        {
            if (!map.TryGetValue(header.Key, out var list))
            {
                list = [];
                map[header.Key] = list;
            }

            list.Add(header.Value);
        }

        return map.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
