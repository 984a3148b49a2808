using System.Collections.ObjectModel;

namespace VaultCopy.Core.Output;

/// <summary>
/// A read-only list whose text is its items, so that a table cell or an Export-Csv column shows "a, b" where a
/// List&lt;T&gt; would show its type name. Output types hold their lists as this.
/// </summary>
public sealed class ValueList<T> : ReadOnlyCollection<T>
{
    private readonly Func<T, string?> _text;

    internal ValueList(IList<T> items, Func<T, string?> text)
        : base(items)
    {
        _text = text;
    }

    public override string ToString() => string.Join(", ", this.Select(_text).Where(text => !string.IsNullOrEmpty(text)));
}

/// <summary>A read-only map (tags) whose text is "key=value, key=value", for the same reason.</summary>
public sealed class ValueMap : ReadOnlyDictionary<string, string>
{
    internal ValueMap(IDictionary<string, string> items)
        : base(items)
    {
    }

    public override string ToString() => string.Join(", ", this.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"));
}

public static class ValueList
{
    /// <summary>The items as a <see cref="ValueList{T}"/> (an existing one is kept); <paramref name="text"/> names an item in a cell.</summary>
    public static ValueList<T> Of<T>(IEnumerable<T>? items, Func<T, string?>? text = null) =>
        items as ValueList<T> ?? new ValueList<T>((items ?? []).ToList(), text ?? (item => item?.ToString()));

    public static ValueMap OfTags(IEnumerable<KeyValuePair<string, string>>? items) =>
        items as ValueMap ?? new ValueMap((items ?? []).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));
}
