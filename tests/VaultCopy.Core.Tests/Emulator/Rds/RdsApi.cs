using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>
/// A tiny RDS Query client for tests (there is no AWSSDK.RDS package here): form POST with Action and
/// Version=2014-10-31, signed with the SDK's public SigV4 signer for service <c>rds</c>, response parsed as XML.
/// </summary>
internal sealed class RdsApi(HttpClient http, Uri baseUri, AWSCredentials credentials, string region = RdsWorld.Region)
{
    public const string Version = "2014-10-31";
    public static readonly XNamespace Ns = "http://rds.amazonaws.com/doc/2014-10-31/";

    public string Region => region;

    /// <summary>The same credentials in another Region (the SigV4 scope picks the Region).</summary>
    public RdsApi In(string otherRegion) => new(http, baseUri, credentials, otherRegion);

    public async Task<RdsResponse> CallAsync(string action, params (string Name, string Value)[] parameters)
    {
        var form = new StringBuilder();
        form.Append("Action=").Append(Uri.EscapeDataString(action)).Append("&Version=").Append(Version);
        foreach (var (name, value) in parameters)
        {
            form.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        byte[] body = Encoding.UTF8.GetBytes(form.ToString());
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = baseUri, Content = body };
        signing.Headers["Content-Type"] = contentType;
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = "rds",
        });

        using var message = new HttpRequestMessage(HttpMethod.Post, baseUri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var header in signed.Headers)
        {
            message.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        using var response = await http.SendAsync(message);
        string text = await response.Content.ReadAsStringAsync();
        return new RdsResponse(action, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, XElement.Parse(text));
    }

    /// <summary>Calls and requires success (with a readable failure when the emulator refuses).</summary>
    public async Task<RdsResponse> OkAsync(string action, params (string Name, string Value)[] parameters)
    {
        var response = await CallAsync(action, parameters);
        Assert.True(response.Status == 200, $"{action} failed: {response.Status} {response.Code}: {response.Message}");
        return response;
    }

    /// <summary>Calls and requires the error <paramref name="code"/> with <paramref name="status"/>.</summary>
    public async Task<RdsResponse> FailsAsync(string code, int status, string action, params (string Name, string Value)[] parameters)
    {
        var response = await CallAsync(action, parameters);
        Assert.True(response.Code == code && response.Status == status,
            $"{action}: expected {status} {code}, got {response.Status} {response.Code}: {response.Message}");
        return response;
    }

    /// <summary>List parameters the way the Query protocol sends them: <c>{name}.{member}.N</c>.</summary>
    public static (string, string)[] List(string name, string member, params string[] values) =>
        values.Select((v, i) => ($"{name}.{member}.{(i + 1).ToString(CultureInfo.InvariantCulture)}", v)).ToArray();

    /// <summary><c>Tags.Tag.N.Key</c> / <c>Tags.Tag.N.Value</c>.</summary>
    public static (string, string)[] Tags(params (string Key, string Value)[] tags) =>
        tags.SelectMany((t, i) => new[]
        {
            ($"Tags.Tag.{(i + 1).ToString(CultureInfo.InvariantCulture)}.Key", t.Key),
            ($"Tags.Tag.{(i + 1).ToString(CultureInfo.InvariantCulture)}.Value", t.Value),
        }).ToArray();

    /// <summary><c>Filters.Filter.N.Name</c> and <c>Filters.Filter.N.Values.Value.M</c>.</summary>
    public static (string, string)[] Filter(int index, string name, params string[] values)
    {
        string prefix = $"Filters.Filter.{index.ToString(CultureInfo.InvariantCulture)}";
        return new[] { ($"{prefix}.Name", name) }.Concat(List($"{prefix}.Values", "Value", values)).ToArray();
    }
}

/// <summary>One RDS response: success envelope or the Query error envelope.</summary>
internal sealed record RdsResponse(string Action, int Status, string? ContentType, XElement Root)
{
    public bool IsError => Root.Name.LocalName == "ErrorResponse";

    public XElement? Error => Root.Element(RdsApi.Ns + "Error");

    public string? Code => Error?.Element(RdsApi.Ns + "Code")?.Value;

    public string? Message => Error?.Element(RdsApi.Ns + "Message")?.Value;

    public string? Type => Error?.Element(RdsApi.Ns + "Type")?.Value;

    /// <summary>The <c>{Action}Result</c> wrapper (every RDS output in scope has a resultWrapper, except the tag writes).</summary>
    public XElement Result => Root.Element(RdsApi.Ns + Action + "Result")
        ?? throw new Xunit.Sdk.XunitException($"No {Action}Result in {Root}");

    /// <summary>The snapshots of a Describe call: DBSnapshots/DBSnapshot or DBClusterSnapshots/DBClusterSnapshot.</summary>
    public IReadOnlyList<XElement> Snapshots(bool cluster = false) =>
        Result.Element(RdsApi.Ns + (cluster ? "DBClusterSnapshots" : "DBSnapshots"))?
            .Elements(RdsApi.Ns + (cluster ? "DBClusterSnapshot" : "DBSnapshot")).ToList()
        ?? throw new Xunit.Sdk.XunitException($"No snapshot list in {Root}");

    public IReadOnlyList<string> Identifiers(bool cluster = false) =>
        Snapshots(cluster).Select(s => s.Field(cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier")!).ToList();

    public string? Marker => Result.Element(RdsApi.Ns + "Marker")?.Value;

    /// <summary>The snapshot returned by Copy/Delete: CopyDBSnapshotResult/DBSnapshot.</summary>
    public XElement Snapshot(bool cluster = false) => Result.Element(RdsApi.Ns + (cluster ? "DBClusterSnapshot" : "DBSnapshot"))
        ?? throw new Xunit.Sdk.XunitException($"No snapshot in {Root}");

    /// <summary>The restore attribute values of DB(Cluster)SnapshotAttributesResult.</summary>
    public IReadOnlyList<string> RestoreValues(bool cluster = false)
    {
        string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";
        var attribute = Result.Element(RdsApi.Ns + prefix + "AttributesResult")?
            .Element(RdsApi.Ns + prefix + "Attributes")?
            .Elements(RdsApi.Ns + prefix + "Attribute")
            .Single(a => a.Field("AttributeName") == "restore")
            ?? throw new Xunit.Sdk.XunitException($"No restore attribute in {Root}");
        return attribute.Element(RdsApi.Ns + "AttributeValues")!.Elements(RdsApi.Ns + "AttributeValue").Select(e => e.Value).ToList();
    }
}

internal static class RdsXmlExtensions
{
    public static string? Field(this XElement element, string name) => element.Element(RdsApi.Ns + name)?.Value;

    public static int IntField(this XElement element, string name) =>
        int.Parse(element.Field(name) ?? throw new Xunit.Sdk.XunitException($"No {name} in {element}"), CultureInfo.InvariantCulture);

    /// <summary>TagList/Tag as key → value.</summary>
    public static Dictionary<string, string> TagMap(this XElement element) =>
        (element.Element(RdsApi.Ns + "TagList")?.Elements(RdsApi.Ns + "Tag") ?? [])
            .ToDictionary(t => t.Field("Key")!, t => t.Field("Value") ?? string.Empty);
}
