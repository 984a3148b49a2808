using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace VaultCopy.Emulator.Protocol;

/// <summary>What a service plug-in returns; build it with the protocol factories below.</summary>
public sealed class AwsResponse
{
    public const string XmlContentType = "text/xml";
    public const string JsonContentType = "application/x-amz-json-1.1";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    public AwsResponse(int statusCode, string contentType, string body)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
    }

    public int StatusCode { get; }

    public string ContentType { get; }

    public string Body { get; }

    /// <summary>The error code when this is an error response (for the call log).</summary>
    public string? ErrorCode { get; init; }

    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Query success: <c>&lt;{Op}Response xmlns&gt;&lt;{Op}Result&gt;…&lt;/{Op}Result&gt;&lt;ResponseMetadata&gt;…</c>.
    /// Children are written in the service namespace; pass <see cref="XElement"/>s (or nulls, skipped).
    /// </summary>
    public static AwsResponse Query(AwsRequest request, params object?[] resultContent)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = new XElement(request.Action + "Response",
            new XElement(request.Action + "Result", resultContent),
            ResponseMetadata(request.RequestId));
        return Recorded(Xml(root, request.Service.XmlNamespace, 200, declaration: false), root);
    }

    /// <summary>Query success for operations whose model output has no <c>resultWrapper</c> (e.g. IAM PutRolePolicy).</summary>
    public static AwsResponse QueryWithoutResult(AwsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = new XElement(request.Action + "Response", ResponseMetadata(request.RequestId));
        return Recorded(Xml(root, request.Service.XmlNamespace, 200, declaration: false), root);
    }

    /// <summary>EC2 success: <c>&lt;{Op}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"&gt;&lt;requestId/&gt;…members…</c>.</summary>
    public static AwsResponse Ec2(AwsRequest request, params object?[] members)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = new XElement(request.Action + "Response", new XElement("requestId", request.RequestId), members);
        return Recorded(Xml(root, request.Service.XmlNamespace ?? KnownServices.Ec2.XmlNamespace, 200, declaration: true), root);
    }

    /// <summary>JSON 1.1 success. Timestamps must be epoch seconds as numbers: use <see cref="AwsFormat.EpochSeconds"/>.</summary>
    public static AwsResponse Json(JsonNode? body)
    {
        string text = body is null ? "{}" : body.ToJsonString(s_json);
        WireRecorder.Current?.AddJson(body);
        return new AwsResponse(200, JsonContentType, text);
    }

    /// <summary>Renders an error in the real envelope of <paramref name="service"/>'s protocol.</summary>
    public static AwsResponse Error(AwsServiceInfo service, AwsServiceException error, string requestId)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(error);
        WireRecorder.Current?.AddError(error);
        AwsResponse response;
        switch (service.Protocol)
        {
            case AwsProtocol.Json:
            {
                var body = new JsonObject { ["__type"] = error.Code };
                if (error.AwsMessage is not null)
                {
                    body["message"] = error.AwsMessage;
                }

                response = new AwsResponse(error.HttpStatus, JsonContentType, body.ToJsonString(s_json)) { ErrorCode = error.Code };
                response.Headers["x-amzn-ErrorType"] = error.Code;
                break;
            }

            case AwsProtocol.Ec2:
            {
                // EC2 errors carry no namespace and spell RequestID with a capital D (aws-behaviour.md §0.2).
                var root = new XElement("Response",
                    new XElement("Errors",
                        new XElement("Error",
                            new XElement("Code", error.Code),
                            new XElement("Message", error.AwsMessage ?? string.Empty))),
                    new XElement("RequestID", requestId));
                response = Xml(root, null, error.HttpStatus, declaration: true, error.Code);
                break;
            }

            default:
            {
                var root = new XElement("ErrorResponse",
                    new XElement("Error",
                        new XElement("Type", error.SenderFault ? "Sender" : "Receiver"),
                        new XElement("Code", error.Code),
                        new XElement("Message", error.AwsMessage ?? string.Empty)),
                    new XElement("RequestId", requestId));
                response = Xml(root, service.XmlNamespace, error.HttpStatus, declaration: false, error.Code);
                break;
            }
        }

        foreach (var header in error.Headers)
        {
            response.Headers[header.Key] = header.Value;
        }

        return response;
    }

    // The conformance test checks the tree as written (namespaced by Xml) against the service model.
    private static AwsResponse Recorded(AwsResponse response, XElement root)
    {
        WireRecorder.Current?.AddXml(root);
        return response;
    }

    private static XElement ResponseMetadata(string requestId) =>
        new("ResponseMetadata", new XElement("RequestId", requestId));

    private static AwsResponse Xml(XElement root, string? xmlNamespace, int status, bool declaration, string? errorCode = null)
    {
        if (!string.IsNullOrEmpty(xmlNamespace))
        {
            // Plug-ins build children without a namespace; put the whole tree in the service namespace so no
            // element is serialised with xmlns="".
            XNamespace ns = xmlNamespace;
            foreach (var element in root.DescendantsAndSelf())
            {
                if (element.Name.Namespace == XNamespace.None)
                {
                    element.Name = ns + element.Name.LocalName;
                }
            }
        }

        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = !declaration,
            Encoding = new UTF8Encoding(false),
            Indent = false,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            root.WriteTo(writer);
        }

        return new AwsResponse(status, XmlContentType, Encoding.UTF8.GetString(stream.ToArray())) { ErrorCode = errorCode };
    }
}
