using System.Globalization;
using System.Text;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Iam;

/// <summary>
/// The IAM model's input constraints (aws-models/iam/service-2.json shapes) and the errors IAM answers with. IAM
/// reports constraint violations as the common <c>ValidationError</c> with Coral's message, like STS.
/// </summary>
internal static class IamInput
{
    // The model's patterns use \w; .NET's \w also matches non-ASCII letters, so spell out what IAM accepts and print
    // the model's text in messages, as IAM does.
    public const string NamePattern = "[A-Za-z0-9_+=,.@-]+";
    public const string NamePatternText = @"[\w+=,.@-]+";
    public const string DocumentPattern = "[\u0009\u000A\u000D\u0020-\u00FF]+";
    public const string DocumentPatternText = @"[\u0009\u000A\u000D\u0020-\u00FF]+";
    public const string MarkerPattern = "[\u0020-\u00FF]+";
    public const string MarkerPatternText = @"[\u0020-\u00FF]+";
    public const string PolicyPathPattern = @"((/[A-Za-z0-9\.,\+@=_-]+)*)/";

    public const int DefaultMaxItems = 100;

    /// <summary>existingUserNameType (GetUser, Put/Get/Delete/ListUserPolicies): 1-128.</summary>
    public const int ExistingUserNameMax = 128;

    /// <summary>userNameType (ListAttachedUserPolicies) and roleNameType: 1-64.</summary>
    public const int EntityNameMax = 64;

    public const int PolicyNameMax = 128;
    public const int PolicyDocumentMax = 131072;

    private const string MarkerPrefix = "vcemu:";

    public static void RequireName(ValidationErrors errors, string member, string? value, int max)
    {
        if (value is null)
        {
            errors.Add(member, null, "Member must not be null");
            return;
        }

        errors.CheckString(member, value, 1, max, NamePattern, NamePatternText);
    }

    public static void RequireDocument(ValidationErrors errors, string member, string? value)
    {
        if (value is null)
        {
            errors.Add(member, null, "Member must not be null");
            return;
        }

        CheckDocument(errors, member, value);
    }

    public static void CheckDocument(ValidationErrors errors, string member, string? value) =>
        errors.CheckString(member, value, 1, PolicyDocumentMax, DocumentPattern, DocumentPatternText);

    /// <summary>Marker (markerType 1-320) and MaxItems (maxItemsType 1-1000).</summary>
    public static (string? Marker, int MaxItems) ReadPaging(QueryParameters p, ValidationErrors errors)
    {
        string? marker = p.Get("Marker");
        errors.CheckString("Marker", marker, 1, 320, MarkerPattern, MarkerPatternText);
        int? maxItems = p.GetInt("MaxItems");
        errors.CheckRange("MaxItems", maxItems, 1, 1000);
        return (marker, maxItems ?? DefaultMaxItems);
    }

    /// <summary>
    /// One page of <paramref name="items"/>. IAM's markers are opaque; the emulator's encode the index of the next
    /// item. A marker it did not issue fails with <paramref name="invalidMarker"/>.
    /// </summary>
    public static (List<T> Page, string? NextMarker) Page<T>(IReadOnlyList<T> items, string? marker, int maxItems, Func<AwsServiceException> invalidMarker)
    {
        int start = 0;
        if (marker is not null)
        {
            start = DecodeMarker(marker) ?? throw invalidMarker();
            if (start > items.Count)
            {
                throw invalidMarker();
            }
        }

        var page = items.Skip(start).Take(maxItems).ToList();
        int next = start + page.Count;
        return (page, next < items.Count ? EncodeMarker(next) : null);
    }

    /// <summary>The paging elements IAM writes after a list: IsTruncated always, Marker only when truncated.</summary>
    public static object?[] PagingElements(string? nextMarker) =>
    [
        new System.Xml.Linq.XElement("IsTruncated", AwsFormat.Bool(nextMarker is not null)),
        AwsFormat.Optional("Marker", nextMarker),
    ];

    /// <summary>IAM returns policy documents URL-encoded (aws-behaviour.md §5.1); spaces as %20, never '+'.</summary>
    public static string UrlEncode(string document) => Uri.EscapeDataString(document);

    /// <summary>IAM's size rule: non-whitespace characters (aws-behaviour.md §5.1).</summary>
    public static int PolicySize(string document) => document.Count(c => !char.IsWhiteSpace(c));

    public static AwsServiceException NoSuchEntity(string message) => new("NoSuchEntity", message, 404);

    public static AwsServiceException MalformedPolicyDocument(string message) => new("MalformedPolicyDocument", message);

    public static AwsServiceException LimitExceeded(string message) => new("LimitExceeded", message, 409);

    public static AwsServiceException UnmodifiableEntity(string message) => new("UnmodifiableEntity", message);

    public static AwsServiceException InvalidInput(string message) => new("InvalidInput", message);

    /// <summary>The common error for a marker an operation that models no InvalidInput cannot use.</summary>
    public static AwsServiceException InvalidMarkerValidation() => new("ValidationError", "Invalid Marker.");

    private static string EncodeMarker(int index) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(MarkerPrefix + index.ToString(CultureInfo.InvariantCulture)));

    private static int? DecodeMarker(string marker)
    {
        try
        {
            string text = Encoding.ASCII.GetString(Convert.FromBase64String(marker));
            return text.StartsWith(MarkerPrefix, StringComparison.Ordinal)
                && int.TryParse(text[MarkerPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    ? index
                    : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
