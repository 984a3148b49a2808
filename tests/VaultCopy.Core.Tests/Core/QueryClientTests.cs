using System.Net;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Core;

/// <summary>
/// The query-protocol client against the emulator's STS (same protocol as RDS and IAM): signing, result and
/// error envelopes, retries on throttling, endpoint settings.
/// </summary>
public sealed class QueryClientTests : IAsyncLifetime
{
    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _origin = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = "AKIAORIGINADMIN00001",
            SecretKey = "originAdminSecretKey/FAKE/DemoOnly+00001",
            Region = "eu-west-1",
            EndpointUrl = _server.BaseUri.ToString(),
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Reads_the_result_element_of_a_signed_call()
    {
        using var client = new QueryClient(_origin.Session, QueryServiceDefinition.Sts);

        var result = await client.CallAsync("GetCallerIdentity", [], CancellationToken.None);

        Assert.Equal("GetCallerIdentityResult", result.Name.LocalName);
        Assert.Equal("111111111111", result.Element("Account")?.Value);
        Assert.Equal("eu-west-1", _server.Calls.Snapshot().Recent.Last().Region);
    }

    [Fact]
    public async Task Maps_the_error_envelope_to_the_modelled_code()
    {
        using var client = new QueryClient(_origin.Session, QueryServiceDefinition.Sts);

        var error = await Assert.ThrowsAsync<QueryServiceException>(() => client.CallAsync(
            "AssumeRole", [new("RoleArn", "arn:aws:iam::222222222222:role/VaultCopyVault"), new("RoleSessionName", "x1")], CancellationToken.None));

        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("Sender", error.ErrorType);
        Assert.Contains("sts:AssumeRole", error.ServiceMessage, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.RequestId));
    }

    [Fact]
    public async Task Retries_throttling_and_then_succeeds()
    {
        _server.Settings.AddFault(new FaultRule { Service = "sts", Action = "GetCallerIdentity", Code = "Throttling", HttpStatus = 400, Count = 2 });
        using var client = new QueryClient(_origin.Session, QueryServiceDefinition.Sts, retry: new RetryPolicy(5, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)));

        var result = await client.CallAsync("GetCallerIdentity", [], CancellationToken.None);

        Assert.Equal("111111111111", result.Element("Account")?.Value);
        Assert.Equal(3, _server.Calls.Snapshot().Operations["sts:GetCallerIdentity"] - 1);
    }

    [Fact]
    public async Task Gives_up_after_the_last_attempt_with_the_throttling_error()
    {
        _server.Settings.AddFault(new FaultRule { Service = "sts", Action = "GetCallerIdentity", Code = "Throttling", HttpStatus = 400, Count = 0 });
        using var client = new QueryClient(_origin.Session, QueryServiceDefinition.Sts, retry: new RetryPolicy(3, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)));

        var error = await Assert.ThrowsAsync<QueryServiceException>(() => client.CallAsync("GetCallerIdentity", [], CancellationToken.None));

        Assert.True(error.IsThrottling);
    }

    [Fact]
    public void Global_services_sign_for_the_partition_home_region()
    {
        Assert.Equal("us-east-1", QueryServiceDefinition.Iam.SigningRegion("eu-west-1"));
        Assert.Equal("us-gov-west-1", QueryServiceDefinition.Iam.SigningRegion("us-gov-east-1"));
        Assert.Equal(new Uri("https://rds.cn-north-1.amazonaws.com.cn/"), QueryServiceDefinition.Rds.DefaultEndpoint("cn-north-1"));
        Assert.Equal(new Uri("https://iam.amazonaws.com/"), QueryServiceDefinition.Iam.DefaultEndpoint("eu-west-1"));
    }

    [Fact]
    public async Task Presigns_a_get_for_the_source_region_on_the_configured_endpoint()
    {
        using var client = new QueryClient(_origin.Session, QueryServiceDefinition.Rds, "eu-west-1");

        string url = await client.PresignAsync("CopyDBSnapshot", [new("SourceDBSnapshotIdentifier", "arn:aws:rds:us-west-2:111111111111:snapshot:s1"), new("DestinationRegion", "eu-west-1")], "us-west-2", CancellationToken.None);

        Assert.StartsWith(_server.BaseUri.ToString(), url, StringComparison.Ordinal);
        Assert.Contains("Action=CopyDBSnapshot", url, StringComparison.Ordinal);
        Assert.Contains("%2Fus-west-2%2Frds%2Faws4_request", url, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);
    }
}
