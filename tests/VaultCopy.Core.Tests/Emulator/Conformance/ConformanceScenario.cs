using System.Text;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using VaultCopy.Core.Tests.Emulator.Iam;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// Drives one service's operations while the conformance test records them: every operation it implements, with
/// every parameter it reads, succeeding, and failing in each modelled way it can. The conformance test finds every
/// implementation in this assembly by reflection, so a plug-in's scenario is added beside its tests
/// (tests/VaultCopy.Core.Tests/Emulator/{Service}/) or here, and nothing else needs registering.
/// </summary>
public interface IConformanceScenario
{
    /// <summary>The signing name of the service it drives (sts, iam, kms, ec2, rds, ssm).</summary>
    string Service { get; }

    Task RunAsync(ConformanceContext context);
}

/// <summary>The server a scenario drives and small helpers to reach it.</summary>
public sealed class ConformanceContext(EmulatorServer server)
{
    private static readonly HttpClient s_http = new();

    public EmulatorServer Server { get; } = server;

    /// <summary>Replaces the world; the scenario's fixture stays loaded until the next one.</summary>
    public void LoadWorld(string fixtureJson) => Server.LoadFixture(fixtureJson);

    /// <summary>A raw signed Query/EC2 call (form POST), for services without an SDK package here.</summary>
    internal SignedQueryClient Query(AWSCredentials credentials, string service, string version, string region) =>
        new(Server.BaseUri, credentials, service, version, region);

    /// <summary>
    /// A minimal signed call with no parameters, in the service's protocol: what the conformance test sends to an
    /// operation no scenario covered, so that its parameter reads and error codes are still checked.
    /// </summary>
    internal async Task<int> ProbeAsync(AwsServiceInfo service, string action, AWSCredentials credentials, string region)
    {
        byte[] body;
        string contentType;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (service.Protocol == AwsProtocol.Json)
        {
            body = Encoding.UTF8.GetBytes("{}");
            contentType = "application/x-amz-json-1.1";
            headers["X-Amz-Target"] = service.JsonTargetPrefix + "." + action;
        }
        else
        {
            body = Encoding.UTF8.GetBytes($"Action={Uri.EscapeDataString(action)}&Version={Uri.EscapeDataString(service.ApiVersion)}");
            contentType = "application/x-www-form-urlencoded; charset=utf-8";
        }

        headers["Content-Type"] = contentType;
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = Server.BaseUri, Content = body };
        foreach (var header in headers)
        {
            signing.Headers[header.Key] = header.Value;
        }

        var signed = AWSSigV4Signer.Sign(signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service.SigningName,
        });
        using var message = new HttpRequestMessage(HttpMethod.Post, Server.BaseUri) { Content = new ByteArrayContent(body) };
        foreach (var header in headers.Concat(signed.Headers))
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                message.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        using var response = await s_http.SendAsync(message);
        return (int)response.StatusCode;
    }
}
