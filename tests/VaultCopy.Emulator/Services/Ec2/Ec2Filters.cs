using System.Globalization;
using System.Text;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Ec2;

/// <summary>One <c>Filter.N.Name</c> with its <c>Filter.N.Value.M</c> values.</summary>
public sealed record Ec2Filter(string Name, IReadOnlyList<string> Values)
{
    /// <summary>EC2 filter values take <c>*</c> and <c>?</c> wildcards; any value may match.</summary>
    public bool Matches(string? actual) =>
        actual is not null && Values.Any(v => Wildcard.IsMatch(Wildcard.Compile(v), actual, ignoreCase: false));

    public bool MatchesAny(IEnumerable<string?> actuals) => actuals.Any(Matches);

    public bool Matches(bool actual) => Matches(actual ? "true" : "false");

    public bool Matches(int actual) => Matches(actual.ToString(CultureInfo.InvariantCulture));

    /// <summary>tag:&lt;key&gt; and tag-key against the tags the caller sees; false for other names.</summary>
    public bool MatchesTags(IReadOnlyDictionary<string, string> tags, out bool handled)
    {
        handled = true;
        if (Name == "tag-key")
        {
            return MatchesAny(tags.Keys);
        }

        if (Name.StartsWith("tag:", StringComparison.Ordinal))
        {
            return tags.TryGetValue(Name[4..], out var value) && Matches(value);
        }

        handled = false;
        return false;
    }
}

/// <summary>Filter lists and <c>MaxResults</c>/<c>NextToken</c> paging as the EC2 Describe operations take them.</summary>
public static class Ec2Query
{
    /// <summary>Reads <c>Filter.N</c>; a name outside <paramref name="known"/> (besides tag:k and tag-key) is refused.</summary>
    public static IReadOnlyList<Ec2Filter> Filters(QueryParameters parameters, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(known);
        var filters = new List<Ec2Filter>();
        foreach (var item in parameters.GetStructList("Filter"))
        {
            string name = item.Get("Name") ?? throw Ec2Errors.InvalidParameterValue("The filter 'null' is invalid");
            bool isTag = name == "tag-key" || (name.StartsWith("tag:", StringComparison.Ordinal) && name.Length > 4);
            if (!isTag && !known.Contains(name))
            {
                throw Ec2Errors.InvalidParameterValue($"The filter '{name}' is invalid");
            }

            filters.Add(new Ec2Filter(name, item.GetFlatList("Value") ?? []));
        }

        return filters;
    }

    /// <summary>
    /// MaxResults as the Describe operations check it: 5 to 1000 (larger values return 1000), null when absent.
    /// </summary>
    public static int? MaxResults(QueryParameters parameters, int min = 5, int max = 1000)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int? value = parameters.GetInt("MaxResults");
        if (value is int requested && requested < min)
        {
            throw Ec2Errors.InvalidParameterValue($"Value ( {requested} ) for parameter maxResults is invalid. Expecting a value greater than {min}.");
        }

        return value is int v ? Math.Min(v, max) : null;
    }

    /// <summary>
    /// One page of <paramref name="sorted"/> (ordered by <paramref name="key"/>). Tokens name the last key returned,
    /// so deletions between pages neither skip nor repeat items.
    /// </summary>
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> sorted, Func<T, string> key, int? maxResults, string? nextToken)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentNullException.ThrowIfNull(key);
        IEnumerable<T> rest = sorted;
        if (!string.IsNullOrEmpty(nextToken))
        {
            string after = DecodeToken(nextToken);
            rest = sorted.Where(item => string.CompareOrdinal(key(item), after) > 0);
        }

        if (maxResults is null && string.IsNullOrEmpty(nextToken))
        {
            return (sorted, null);
        }

        int size = maxResults ?? 1000;
        var page = rest.Take(size + 1).ToList();
        if (page.Count <= size)
        {
            return (page, null);
        }

        page.RemoveAt(size);
        return (page, EncodeToken(key(page[^1])));
    }

    private static string EncodeToken(string lastKey) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("ec2:" + lastKey));

    private static string DecodeToken(string token)
    {
        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("ec2:", StringComparison.Ordinal))
            {
                return text[4..];
            }
        }
        catch (FormatException)
        {
        }

        throw Ec2Errors.BadNextToken(token);
    }
}
