using System.Diagnostics;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using VaultCopy.Core.Diagnostics;

namespace VaultCopy.Core.Aws;

/// <summary>Reports each call an SDK client makes to <see cref="EngineLog"/>: operation, outcome, request id, duration.</summary>
internal static class SdkCallObserver
{
    private static readonly ConditionalWeakTable<object, Stopwatch> s_started = new();

    public static TClient Attach<TClient>(TClient client, AwsSession session, string service, string? region)
        where TClient : AmazonServiceClient
    {
        string shownRegion = region ?? session.Region;
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs request && request.Request is object original)
            {
                s_started.AddOrUpdate(original, Stopwatch.StartNew());
            }
        };
        client.AfterResponseEvent += (_, e) =>
        {
            if (e is WebServiceResponseEventArgs response)
            {
                EngineLog.AwsCall(new AwsCallRecord(
                    service, OperationOf(response.Request), session.AccountId, shownRegion,
                    response.Response is null ? null : (int)response.Response.HttpStatusCode, null,
                    response.Response?.ResponseMetadata?.RequestId, Elapsed(response.Request)));
            }
        };
        client.ExceptionEvent += (_, e) =>
        {
            if (e is WebServiceExceptionEventArgs failed)
            {
                var service_ = failed.Exception as AmazonServiceException;
                EngineLog.AwsCall(new AwsCallRecord(
                    service, OperationOf(failed.Request), session.AccountId, shownRegion,
                    service_ is null ? null : (int)service_.StatusCode, service_?.ErrorCode ?? failed.Exception?.GetType().Name,
                    service_?.RequestId, Elapsed(failed.Request)));
            }
        };
        return client;
    }

    private static string OperationOf(object? request)
    {
        string name = request?.GetType().Name ?? "Request";
        return name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
    }

    private static TimeSpan Elapsed(object? request) =>
        request is not null && s_started.TryGetValue(request, out Stopwatch? watch) ? watch.Elapsed : TimeSpan.Zero;
}
