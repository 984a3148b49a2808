using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>
/// A Query-protocol caller for services without an SDK package here (IAM, RDS): form POST to /, signed with
/// AWSSDK.Core's public SigV4 signer, XML answer parsed as the wire has it.
/// </summary>
internal sealed class SignedQueryClient(Uri baseUri, AWSCredentials credentials, string service, string version, string region)
{
    private static readonly HttpClient s_http = new();

    public static SignedQueryClient Iam(Uri baseUri, AWSCredentials credentials, string region = "us-east-1") =>
        new(baseUri, credentials, "iam", "2010-05-08", region);

    public static SignedQueryClient Iam(Uri baseUri, string accessKeyId, string secretAccessKey, string region = "us-east-1") =>
        Iam(baseUri, new BasicAWSCredentials(accessKeyId, secretAccessKey), region);

    public async Task<QueryResult> CallAsync(string action, params (string Name, string Value)[] parameters)
    {
        var form = new List<(string Name, string Value)> { ("Action", action), ("Version", version) };
        form.AddRange(parameters);
        string body = string.Join('&', form.Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
        byte[] content = Encoding.UTF8.GetBytes(body);
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";

        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = baseUri, Content = content };
        signing.Headers["Content-Type"] = contentType;
        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
        });

        using var message = new HttpRequestMessage(HttpMethod.Post, baseUri) { Content = new ByteArrayContent(content) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        foreach (var header in signed.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        using var response = await s_http.SendAsync(message);
        string text = await response.Content.ReadAsStringAsync();
        return new QueryResult(action, (int)response.StatusCode, XDocument.Parse(text).Root!);
    }
}

/// <summary>A Query answer: <c>{Op}Response</c> (with <c>{Op}Result</c> when the model has a result wrapper) or <c>ErrorResponse</c>.</summary>
internal sealed record QueryResult(string Action, int Status, XElement Root)
{
    public bool IsError => Root.Name.LocalName == "ErrorResponse";

    public string? ErrorCode => IsError ? Root.Child("Error")?.Child("Code")?.Value : null;

    public string? ErrorMessage => IsError ? Root.Child("Error")?.Child("Message")?.Value : null;

    public string? ErrorType => IsError ? Root.Child("Error")?.Child("Type")?.Value : null;

    /// <summary>The <c>{Op}Result</c> element; fails the test when the call did not succeed.</summary>
    public XElement Result
    {
        get
        {
            Assert.False(IsError, $"{Action} failed: {Status} {ErrorCode}: {ErrorMessage}");
            return Root.Child(Action + "Result") ?? throw new Xunit.Sdk.XunitException($"{Action}Response has no {Action}Result: {Root}");
        }
    }

    /// <summary>Asserts an error in the Query envelope with this code and HTTP status; returns its message.</summary>
    public string AssertError(string code, int status)
    {
        Assert.True(IsError, $"{Action} was expected to fail with {code} but answered {Status}: {Root}");
        Assert.Equal(code, ErrorCode);
        Assert.Equal(status, Status);
        Assert.NotNull(Root.Child("RequestId"));
        return ErrorMessage ?? string.Empty;
    }
}

internal static class XmlNav
{
    /// <summary>The first child element with this local name (the namespace is the service's and checked elsewhere).</summary>
    public static XElement? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> Children(this XElement element, string localName) =>
        element.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>The text at a '/'-separated path of local names, or null.</summary>
    public static string? At(this XElement element, string path)
    {
        XElement? current = element;
        foreach (string part in path.Split('/'))
        {
            current = current?.Child(part);
        }

        return current?.Value;
    }

    /// <summary>The texts of a query list: <c>&lt;name&gt;&lt;member&gt;…</c>.</summary>
    public static List<string> Members(this XElement element, string listName) =>
        element.Child(listName)?.Children("member").Select(m => m.Value).ToList() ?? [];
}
