using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace VaultCopy.Emulator.Protocol;

/// <summary>Value formats and small XML builders shared by the service plug-ins.</summary>
public static class AwsFormat
{
    /// <summary>Query/EC2 timestamps: ISO 8601 UTC with milliseconds, as the services send them.</summary>
    public static string Iso8601(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC without fractions (STS Credentials.Expiration).</summary>
    public static string Iso8601Seconds(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>JSON 1.1 timestamps: epoch seconds as a double (e.g. <c>1.700000000123E9</c>).</summary>
    public static JsonNode EpochSeconds(DateTimeOffset value) =>
        JsonValue.Create(value.ToUnixTimeMilliseconds() / 1000d);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>An element, or null (which XElement content skips) when the value is null.</summary>
    public static XElement? Optional(string name, object? value) =>
        value is null ? null : new XElement(name, value is bool b ? Bool(b) : value);

    /// <summary>Query list: <c>&lt;name&gt;&lt;member&gt;…&lt;/member&gt;&lt;/name&gt;</c> (memberName per the model's locationName).</summary>
    public static XElement QueryList(string name, string memberName, IEnumerable<object?> members) =>
        new(name, members.Select(m => new XElement(memberName, m)));

    /// <summary>EC2 list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;&lt;/name&gt;</c>.</summary>
    public static XElement Ec2Set(string name, IEnumerable<object?> items) =>
        new(name, items.Select(i => new XElement("item", i)));
}
