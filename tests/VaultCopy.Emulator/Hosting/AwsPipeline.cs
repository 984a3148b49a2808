using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using VaultCopy.Emulator.Auth;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;
using VaultCopy.Emulator.Services;

namespace VaultCopy.Emulator.Hosting;

/// <summary>
/// Every request outside /_emulator/ comes here: route by the SigV4 scope, authenticate, check Action/Version or
/// X-Amz-Target, hand over to the service plug-in, render errors in the protocol's envelope, and log the call.
/// </summary>
internal sealed class AwsPipeline(World world, EmulatorClock clock, EmulatorSettings settings, CallLog calls, WireRecorder? recorder = null)
{
    /// <summary>Logged for a call the client abandoned before it was answered (nginx's convention; AWS never sends it).</summary>
    public const int ClientClosedRequest = 499;

    private static readonly HashSet<string> s_authQueryParameters = new(StringComparer.Ordinal)
    {
        "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature",
        "X-Amz-Security-Token",
    };

    public async Task HandleAsync(HttpContext context)
    {
        var watch = Stopwatch.StartNew();
        string requestId = Guid.NewGuid().ToString();
        var signable = await ReadAsync(context).ConfigureAwait(false);

        var scope = SigV4Auth.ReadScope(signable);
        var addressed = AddressedService(signable, scope);
        var service = addressed ?? KnownServices.BySigningName(scope?.Service) ?? GuessService(signable);
        string? region = scope?.Region;
        string? action = null;
        AuthenticationResult? auth = null;
        IReadOnlyList<string>? ignored = null;
        WireCall? recording = null;
        AwsResponse response;
        try
        {
            if (addressed is null && scope is not null && KnownServices.BySigningName(scope.Service) is null)
            {
                // Nothing in AWS answers like this: the emulator simply does not host that service.
                throw new AwsServiceException("InvalidAction", $"The VaultCopy emulator does not serve the '{scope.Service}' service.", 404);
            }

            // The operation name is read before authentication only for the call log; it is not trusted.
            action = PeekAction(signable, service);
            auth = RequestAuthenticator.Authenticate(signable, world, clock.UtcNow, EmulatorClock.WallClock, addressed?.SigningName);
            if (!auth.Succeeded)
            {
                throw AuthErrors.For(service.Protocol, auth.Failure!.Value, auth.Message);
            }

            region = auth.Auth!.Region;
            var request = BuildRequest(signable, service, auth, region, requestId);
            action = request.Action;
            recording = recorder?.Begin(service, request.Action);
            string account = request.Caller.AccountId;
            if (!settings.RateLimits.TryTake(service.SigningName, account, clock.UtcNow))
            {
                throw ThrottlingErrors.For(service, account, request.Action);
            }

            var latency = settings.TakeLatency(service.SigningName, request.Action, account, region);
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
            }

            if (settings.TakeFault(service.SigningName, request.Action, account, region) is { } fault)
            {
                throw new AwsServiceException(fault.Code, fault.Message ?? fault.Code, fault.HttpStatus, senderFault: fault.HttpStatus < 500);
            }

            ignored = UnknownParameters(service, request);
            var plugin = ServiceRegistry.Find(service.SigningName) ?? throw request.UnknownAction();
            response = await plugin.HandleAsync(request, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AwsServiceException ex)
        {
            response = AwsResponse.Error(service, ex, requestId);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (added latency outlasted its timeout): nothing ran and nothing can be written, but
            // the log still shows the call, with status 499 (client closed request).
            if (recording is not null)
            {
                recorder!.End(recording, ClientClosedRequest);
            }

            Record(requestId, service, scope, region, action, auth, signable, ClientClosedRequest, null, watch, ignored);
            return;
        }
#pragma warning disable CA1031 // Any plug-in bug must still produce an AWS-shaped 500, as AWS would.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            var internalError = service.Protocol == AwsProtocol.Ec2
                ? new AwsServiceException("InternalError", "An internal error has occurred", 500, senderFault: false)
                : new AwsServiceException("InternalFailure", "The request processing has failed because of an unknown error, exception or failure. " + ex.Message, 500, senderFault: false);
            response = AwsResponse.Error(service, internalError, requestId);
        }

        if (recording is not null)
        {
            recorder!.End(recording, response.StatusCode);
        }

        await WriteAsync(context, response, requestId).ConfigureAwait(false);
        Record(requestId, service, scope, region, action, auth, signable, response.StatusCode, response.ErrorCode, watch, ignored);
    }

    /// <summary>
    /// EC2 refuses a parameter its model does not define ("UnknownParameter: The parameter X is not recognized",
    /// EC2 errors-overview; observed texts name the unknown top-level name as sent, e.g. "Item" for Item.1.IpProtocol).
    /// Query (STS, IAM, RDS) and JSON (KMS) services ignore members their model does not define: those are returned,
    /// for the call log, and the call goes on. See the emulator README ("Unknown parameters").
    /// </summary>
    private static IReadOnlyList<string>? UnknownParameters(AwsServiceInfo service, AwsRequest request)
    {
        if (service.Protocol != AwsProtocol.Ec2)
        {
            var given = service.Protocol == AwsProtocol.Json
                ? request.Json.Body.EnumerateObject().Select(p => p.Name)
                : request.Parameters.Keys.Where(k => k is not "Action" and not "Version");
            var ignored = ModelInputs.AllUnknown(service, request.Action, given);
            return ignored.Count == 0 ? null : ignored;
        }

        var names = request.Parameters.Keys.Where(k => k is not "Action" and not "Version");
        if (ModelInputs.FirstUnknown(service, request.Action, names) is { } unknown)
        {
            string top = unknown.Split('.')[0];
            string shown = ModelInputs.DefinesTopLevel(service, request.Action, top) ? unknown : top;
            throw new AwsServiceException("UnknownParameter", $"The parameter {shown} is not recognized");
        }

        return null;
    }

    private void Record(
        string requestId,
        AwsServiceInfo service,
        CredentialScope? scope,
        string? region,
        string? action,
        AuthenticationResult? auth,
        SignableRequest signable,
        int status,
        string? errorCode,
        Stopwatch watch,
        IReadOnlyList<string>? ignoredParameters) => calls.Record(new CallRecord
        {
            Time = clock.UtcNow,
            RequestId = requestId,
            Service = service.SigningName,
            Action = action,
            Region = region,
            AccountId = auth?.Caller?.AccountId,
            AccessKeyId = auth?.Auth?.AccessKeyId ?? scope?.AccessKeyId,
            CallerArn = auth?.Caller?.Arn,
            Signature = auth?.Verdict ?? (scope is null && signable.Header(SigV4Auth.AuthorizationHeader) is null ? "missing" : "incomplete"),
            Presigned = auth?.Auth?.Presigned ?? SigV4Auth.IsPresigned(signable),
            Status = status,
            ErrorCode = errorCode,
            DurationMs = watch.Elapsed.TotalMilliseconds,
            CanonicalRequest = auth?.CanonicalRequest,
            IgnoredParameters = ignoredParameters,
        });

    private AwsRequest BuildRequest(SignableRequest signable, AwsServiceInfo service, AuthenticationResult auth, string region, string requestId)
    {
        if (service.Protocol == AwsProtocol.Json)
        {
            string target = signable.Header("X-Amz-Target") ?? throw AwsRequest.UnknownActionError(service, string.Empty);
            int dot = target.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || !string.Equals(target[..dot], service.JsonTargetPrefix, StringComparison.Ordinal))
            {
                throw AwsRequest.UnknownActionError(service, target);
            }

            JsonElement body;
            try
            {
                body = signable.Body.Length == 0
                    ? JsonDocument.Parse("{}").RootElement.Clone()
                    : JsonDocument.Parse(signable.Body).RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new AwsServiceException("SerializationException", "Start of structure or map found where not expected.");
            }

            return NewRequest(service, region, target[(dot + 1)..], QueryParameters.Empty, new JsonParameters(body), auth, signable, requestId);
        }

        var parameters = new QueryParameters(FormParameters(signable), service.Protocol);
        string? action = parameters.Get("Action");
        if (string.IsNullOrEmpty(action))
        {
            throw new AwsServiceException("MissingAction", "The request must contain the parameter Action");
        }

        string? version = parameters.Get("Version");
        if (!string.Equals(version, service.ApiVersion, StringComparison.Ordinal))
        {
            throw service.Protocol == AwsProtocol.Ec2
                ? version is null
                    ? new AwsServiceException("MissingParameter", "The request must contain the parameter Version")
                    : new AwsServiceException("NoSuchVersion", $"The requested version ({version}) of service {service.ServiceName} does not exist")
                : new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {version ?? "NO_VERSION_SPECIFIED"}");
        }

        return NewRequest(service, region, action, parameters, AwsRequest.EmptyJson, auth, signable, requestId);
    }

    private AwsRequest NewRequest(
        AwsServiceInfo service,
        string region,
        string action,
        QueryParameters parameters,
        JsonParameters json,
        AuthenticationResult auth,
        SignableRequest signable,
        string requestId) => new()
        {
            Service = service,
            Region = region,
            Action = action,
            Parameters = parameters,
            Json = json,
            Caller = auth.Caller!,
            World = world,
            Clock = clock,
            Settings = settings,
            RequestId = requestId,
            Presigned = auth.Auth!.Presigned,
            Headers = signable.Headers,
        };

    // Query/EC2 parameters: the query string (minus SigV4 query authentication) plus a form body.
    private static IEnumerable<KeyValuePair<string, string>> FormParameters(SignableRequest signable)
    {
        foreach (var pair in signable.Query)
        {
            if (!s_authQueryParameters.Contains(pair.Key))
            {
                yield return pair;
            }
        }

        if (signable.Body.Length > 0 && (signable.Header("Content-Type") ?? string.Empty).StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var pair in SigV4.ParseQuery(Encoding.UTF8.GetString(signable.Body)))
            {
                yield return pair;
            }
        }
    }

    private static string? PeekAction(SignableRequest signable, AwsServiceInfo service)
    {
        if (service.Protocol == AwsProtocol.Json)
        {
            string? target = signable.Header("X-Amz-Target");
            int dot = target?.IndexOf('.', StringComparison.Ordinal) ?? -1;
            return dot < 0 ? null : target![(dot + 1)..];
        }

        return FormParameters(signable).Where(p => p.Key == "Action").Select(p => p.Value).FirstOrDefault();
    }

    /// <summary>
    /// The service another than the scope's that this request is addressed to, as a real endpoint knows from its
    /// host name: a JSON target prefix of another service, or another service's <c>Version</c> together with one of
    /// that service's operations. Null when the request is the scope's service's (or names nothing known), so a
    /// wrong <c>Version</c> alone stays that service's own version error.
    /// </summary>
    private static AwsServiceInfo? AddressedService(SignableRequest signable, CredentialScope? scope)
    {
        if (scope is null)
        {
            return null;
        }

        AwsServiceInfo? other = null;
        if (signable.Header("X-Amz-Target") is { } target && target.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot)
        {
            other = KnownServices.ByJsonTargetPrefix(target[..dot]);
        }
        else if (FormParameters(signable).Where(p => p.Key == "Version").Select(p => p.Value).FirstOrDefault() is { } version
            && KnownServices.ByApiVersion(version) is { } byVersion
            && ServiceRegistry.Find(byVersion.SigningName) is { } plugin
            && PeekAction(signable, byVersion) is { } action
            && plugin.Operations.Contains(action))
        {
            other = byVersion;
        }

        return other is not null && !string.Equals(other.SigningName, scope.Service, StringComparison.Ordinal) ? other : null;
    }

    // Without a readable credential scope, pick the envelope from what the request looks like.
    private static AwsServiceInfo GuessService(SignableRequest signable)
    {
        if (signable.Header("X-Amz-Target") is { } target)
        {
            int dot = target.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && KnownServices.ByJsonTargetPrefix(target[..dot]) is { } json)
            {
                return json;
            }
        }

        string? version = FormParameters(signable).Where(p => p.Key == "Version").Select(p => p.Value).FirstOrDefault();
        return (version is null ? null : KnownServices.ByApiVersion(version)) ?? KnownServices.Sts;
    }

    private static async Task<SignableRequest> ReadAsync(HttpContext context)
    {
        var http = context.Request;
        using var body = new MemoryStream();
        await http.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);

        // The raw target keeps the path exactly as sent, which SigV4 canonicalises itself.
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Path + http.QueryString);
        int question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        string rawPath = question < 0 ? rawTarget : rawTarget[..question];
        string rawQuery = question < 0 ? string.Empty : rawTarget[(question + 1)..];

        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in http.Headers)
        {
            headers[header.Key] = header.Value.Select(v => v ?? string.Empty).ToList();
        }

        return new SignableRequest
        {
            Method = http.Method,
            RawPath = rawPath.Length == 0 ? "/" : rawPath,
            RawQuery = rawQuery,
            Headers = headers,
            Body = body.ToArray(),
        };
    }

    private static async Task WriteAsync(HttpContext context, AwsResponse response, string requestId)
    {
        var http = context.Response;
        http.StatusCode = response.StatusCode;
        http.ContentType = response.ContentType;
        http.Headers["x-amzn-RequestId"] = requestId;
        foreach (var header in response.Headers)
        {
            http.Headers[header.Key] = header.Value;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(response.Body);
        http.ContentLength = bytes.Length;
        await http.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }
}
