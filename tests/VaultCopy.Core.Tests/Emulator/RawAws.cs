using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>Hand-made AWS requests, signed with the SDK's public SigV4 signer, for what SDK clients cannot send.</summary>
internal static class RawAws
{
    public const string FormContentType = "application/x-www-form-urlencoded; charset=utf-8";
    public const string JsonContentType = "application/x-amz-json-1.1";

    /// <summary>A form POST (Query/EC2), signed for <paramref name="service"/> in <paramref name="region"/> (default eu-west-1).</summary>
    public static Task<HttpResponseMessage> PostFormAsync(
        HttpClient http, Uri baseUri, string service, string form, AWSCredentials? credentials, DateTime? signedAt = null, Action<HttpRequestMessage>? tamper = null, string? region = null) =>
        SendAsync(http, baseUri, service, Encoding.UTF8.GetBytes(form), FormContentType, null, credentials, signedAt, tamper, region);

    /// <summary>A JSON 1.1 POST with X-Amz-Target (KMS/SSM).</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(
        HttpClient http, Uri baseUri, string service, string target, string json, AWSCredentials? credentials, DateTime? signedAt = null, string? region = null) =>
        SendAsync(http, baseUri, service, Encoding.UTF8.GetBytes(json), JsonContentType, target, credentials, signedAt, null, region);

    public static async Task<Uri> PresignAsync(Uri baseUri, string service, string query, AWSCredentials credentials, TimeSpan expiry, DateTime? signedAt = null)
    {
        var request = new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri(baseUri, "?" + query) };
        var result = await AWSSigV4Signer.PresignAsync(request, Parameters(service, credentials, signedAt), expiry);
        return result.Uri;
    }

    public static XElement Xml(string body) => XElement.Parse(body);

    /// <summary>The text of the first descendant with this local name (namespaces ignored, as the SDK does).</summary>
    public static string? Element(XElement root, string localName) =>
        root.DescendantsAndSelf().FirstOrDefault(e => e.Name.LocalName == localName)?.Value;

    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, Uri baseUri, string service, byte[] body, string contentType, string? target, AWSCredentials? credentials, DateTime? signedAt, Action<HttpRequestMessage>? tamper, string? region = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, baseUri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (target is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        if (credentials is not null)
        {
            var request = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = baseUri, Content = body };
            request.Headers["Content-Type"] = contentType;
            if (target is not null)
            {
                request.Headers["X-Amz-Target"] = target;
            }

            var signed = await AWSSigV4Signer.SignAsync(request, Parameters(service, credentials, signedAt, region));
            foreach (var header in signed.Headers)
            {
                message.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        tamper?.Invoke(message);
        return await http.SendAsync(message);
    }

    private static AWSSigV4Parameters Parameters(string service, AWSCredentials credentials, DateTime? signedAt, string? region = null) => new()
    {
        Credentials = credentials,
        Region = region is null ? RegionEndpoint.EUWest1 : RegionEndpoint.GetBySystemName(region),
        Service = service,
        SignedAt = signedAt,
    };
}
