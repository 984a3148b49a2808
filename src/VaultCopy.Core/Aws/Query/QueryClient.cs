using System.Net;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Amazon.SecurityToken;
using VaultCopy.Core.Diagnostics;

namespace VaultCopy.Core.Aws.Query;

/// <summary>The narrow seam behind which RDS and IAM calls go; the official SDK packages can replace it one day.</summary>
internal interface IQueryProtocolClient
{
    /// <summary>Calls <paramref name="action"/> and returns its <c>{Action}Result</c> element (empty when the
    /// operation has no output). Throws <see cref="QueryServiceException"/> for a service error.</summary>
    Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken);

    /// <summary>A presigned GET URL for <paramref name="action"/> against <paramref name="sourceRegion"/>, as
    /// cross-Region CopyDBSnapshot/CopyDBClusterSnapshot carry in PreSignedUrl.</summary>
    Task<string> PresignAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, string sourceRegion, CancellationToken cancellationToken);
}

/// <summary>
/// A small client for the AWS query protocol (form POST, XML answers) on AWSSDK.Core's public signer: the RDS and
/// IAM SDK packages are not available to us. Credentials come from the account (the SDK chain resolved them),
/// endpoints from the same settings the SDK uses (-EndpointUrl, AWS_ENDPOINT_URL_&lt;SERVICE&gt;, AWS_ENDPOINT_URL,
/// profile endpoint_url), and throttling or server errors are retried with capped, jittered exponential backoff.
/// </summary>
internal sealed class QueryClient : IQueryProtocolClient, IDisposable
{
    private readonly QueryServiceDefinition _service;
    private readonly AwsSession _session;
    private readonly string _signingRegion;
    private readonly Uri _endpoint;
    private readonly HttpClient _http;
    private readonly RetryPolicy _retry;

    public QueryClient(AwsSession session, QueryServiceDefinition service, string? region = null, RetryPolicy? retry = null)
    {
        _session = session;
        _service = service;
        _signingRegion = service.SigningRegion(region ?? session.Region);
        ClientFactory.Opened(session, service.SigningName, _signingRegion);
        _endpoint = ResolveEndpoint(session, service, _signingRegion);
        _retry = retry ?? RetryPolicy.Default;
        _http = new HttpClient(new SigV4SigningHandler(
            new AWSSigV4Parameters
            {
                Credentials = session.Credentials,
                Region = RegionEndpoint.GetBySystemName(_signingRegion),
                Service = service.SigningName,
            },
            new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }))
        {
            Timeout = TimeSpan.FromSeconds(100),
        };
    }

    public async Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> form = BuildForm(action, parameters);
        bool renewed = false;
        for (int attempt = 1; ; attempt++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            string failure;
            try
            {
                using var content = new FormUrlEncodedContent(form);
                using HttpResponseMessage response = await _http.PostAsync(_endpoint, content, cancellationToken).ConfigureAwait(false);
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Observe(action, response, null, RequestIdOf(response, body), watch.Elapsed);
                    return ReadResult(action, body);
                }

                QueryServiceException error = ReadError(response.StatusCode, body);
                Observe(action, response, error.ErrorCode, error.RequestId, watch.Elapsed);
                if (!renewed && AwsErrorTranslator.IsExpiry(error.ErrorCode) && RoleSessionCredentials.Renew(_session.Credentials))
                {
                    // AWS calls the role session expired though our clock does not: assume the role again, once, and resend.
                    renewed = true;
                    EngineLog.Detail($"AWS {_service.SigningName} {action} answered {error.ErrorCode}: assuming the role again.");
                    attempt--;
                    continue;
                }

                error.RoleSessionRenewed = renewed && AwsErrorTranslator.IsExpiry(error.ErrorCode);
                if (attempt >= _retry.MaxAttempts || !IsRetryable(error))
                {
                    throw error;
                }

                failure = error.ErrorCode;
            }
            catch (HttpRequestException error) when (attempt < _retry.MaxAttempts)
            {
                // Connection resets and DNS hiccups are retried like throttling; the last attempt's error surfaces.
                failure = error.GetType().Name;
            }

            TimeSpan delay = _retry.DelayBefore(attempt + 1);
            EngineLog.Detail($"AWS {_service.SigningName} {action} answered {failure}: attempt {attempt + 1} of {_retry.MaxAttempts} in {delay.TotalSeconds:0.0} s.");
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<string> PresignAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, string sourceRegion, CancellationToken cancellationToken)
    {
        Uri sourceEndpoint = ResolveEndpoint(_session, _service, _service.SigningRegion(sourceRegion));
        string query = string.Join('&', BuildForm(action, parameters).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        PresignResult presigned = await AWSSigV4Signer.PresignAsync(
            new AWSSigningRequest { HttpMethod = HttpMethod.Get, RequestUri = new Uri(sourceEndpoint, "?" + query) },
            new AWSSigV4Parameters
            {
                Credentials = _session.Credentials,
                Region = RegionEndpoint.GetBySystemName(_service.SigningRegion(sourceRegion)),
                Service = _service.SigningName,
            },
            TimeSpan.FromMinutes(15),
            cancellationToken).ConfigureAwait(false);
        return presigned.Uri.ToString();
    }

    public void Dispose() => _http.Dispose();

    private void Observe(string action, HttpResponseMessage response, string? errorCode, string? requestId, TimeSpan elapsed) =>
        EngineLog.AwsCall(new AwsCallRecord(
            _service.SigningName, action, _session.AccountId, _signingRegion, (int)response.StatusCode, errorCode, requestId, elapsed));

    private static string? RequestIdOf(HttpResponseMessage response, string body)
    {
        if (response.Headers.TryGetValues("x-amzn-RequestId", out IEnumerable<string>? values) && values.FirstOrDefault() is string header)
        {
            return header;
        }

        int start = body.IndexOf("<RequestId>", StringComparison.Ordinal);
        int end = start < 0 ? -1 : body.IndexOf("</RequestId>", start, StringComparison.Ordinal);
        return end < 0 ? null : body[(start + "<RequestId>".Length)..end];
    }

    private List<KeyValuePair<string, string>> BuildForm(string action, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", _service.ApiVersion) };
        form.AddRange(parameters);
        return form;
    }

    private static bool IsRetryable(QueryServiceException error) =>
        error.IsThrottling || (int)error.StatusCode >= 500;

    private static XElement ReadResult(string action, string body)
    {
        XElement root = XDocument.Parse(body).Root ?? throw new InvalidDataException($"{action} answered an empty document.");
        XNamespace ns = root.Name.Namespace;
        return root.Element(ns + $"{action}Result") is { } result
            ? StripNamespace(result)
            : new XElement($"{action}Result");
    }

    private QueryServiceException ReadError(HttpStatusCode status, string body)
    {
        string code = $"Http{(int)status}";
        string message = body.Length > 200 ? body[..200] : body;
        string? type = null;
        string? requestId = null;
        try
        {
            XElement root = StripNamespace(XDocument.Parse(body).Root!);
            XElement? error = root.Element("Error") ?? root.Descendants("Error").FirstOrDefault();
            code = error?.Element("Code")?.Value ?? code;
            message = error?.Element("Message")?.Value ?? string.Empty;
            type = error?.Element("Type")?.Value;
            requestId = root.Element("RequestId")?.Value ?? root.Element("RequestID")?.Value;
        }
        catch (System.Xml.XmlException)
        {
            // Not XML (a proxy's HTML page, say): keep the status-derived code and the start of the body.
        }

        return new QueryServiceException(_service.ServiceId, code, message, status, type, requestId);
    }

    /// <summary>Results are read by local name: the namespace carries no information VaultCopy needs.</summary>
    private static XElement StripNamespace(XElement element) =>
        new(element.Name.LocalName,
            element.Attributes().Where(a => !a.IsNamespaceDeclaration),
            element.Nodes().Select(n => n is XElement child ? StripNamespace(child) : n));

    private static Uri ResolveEndpoint(AwsSession session, QueryServiceDefinition service, string signingRegion)
    {
        // An SDK config of any service, relabelled with this service's id, resolves AWS_ENDPOINT_URL_<ID>,
        // AWS_ENDPOINT_URL and the profile's endpoint settings exactly as the SDK does for its own clients.
        ClientConfig probe = new AmazonSecurityTokenServiceConfig();
        probe.ServiceId = service.ServiceId;
        probe = session.Configure(probe, signingRegion);
        string? configured = session.ExplicitEndpointUrl ?? probe.ServiceURL;
        return configured is null ? service.DefaultEndpoint(signingRegion) : new Uri(configured.EndsWith('/') ? configured : configured + "/");
    }
}
