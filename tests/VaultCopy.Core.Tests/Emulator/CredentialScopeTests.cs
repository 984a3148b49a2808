using System.Net;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// The credential scope must name a Region of the caller's partition and the service the request is addressed to,
/// as AWS endpoints check it ("Credential should be scoped to …"), through raw signed requests in each envelope.
/// </summary>
public class CredentialScopeTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string Ec2Describe = "Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self";

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("eu-weest-1")]
    [InlineData("xx-fake-9")]
    public async Task Ec2_scoped_to_a_Region_that_does_not_exist_is_AuthFailure_401(string region)
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", Ec2Describe, Demo.OriginAdmin, region: region);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal("AuthFailure", RawAws.Element(root, "Code"));
        Assert.Equal($"Credential should be scoped to a valid region, not '{region}'. ", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task Query_scoped_to_a_Region_that_does_not_exist_is_SignatureDoesNotMatch_403()
    {
        using var response = await RawAws.PostFormAsync(
            emulator.Http, emulator.BaseUri, "sts", "Action=GetCallerIdentity&Version=2011-06-15", Demo.OriginAdmin, region: "xx-fake-9");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ErrorResponse", root.Name.LocalName);
        Assert.Equal("Sender", RawAws.Element(root, "Type"));
        Assert.Equal("SignatureDoesNotMatch", RawAws.Element(root, "Code"));
        Assert.Equal("Credential should be scoped to a valid region, not 'xx-fake-9'. ", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task Kms_scoped_to_a_Region_that_does_not_exist_is_refused_and_creates_no_state_for_it()
    {
        using var response = await RawAws.PostJsonAsync(
            emulator.Http, emulator.BaseUri, "kms", "TrentService.CreateKey", """{"Description":"typo"}""", Demo.OriginAdmin, region: "eu-weest-1");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidSignatureException", (string?)body["__type"]);
        Assert.Equal("Credential should be scoped to a valid region, not 'eu-weest-1'. ", (string?)body["message"]);
        var state = await emulator.GetJsonAsync("state");
        Assert.All(state["accounts"]!.AsArray(), account => Assert.Null(account!["regions"]!["eu-weest-1"]));
        var calls = await emulator.GetJsonAsync("calls");
        Assert.Equal("wrong-scope", (string?)calls["recent"]!.AsArray().Last()!["signature"]);
    }

    [Fact]
    public async Task A_Region_of_another_partition_is_not_valid_for_an_aws_account()
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", Ec2Describe, Demo.OriginAdmin, region: "cn-north-1");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Credential should be scoped to a valid region, not 'cn-north-1'. ", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task Every_real_Region_of_the_partition_is_accepted()
    {
        foreach (string region in new[] { "us-east-1", "ap-southeast-7", "mx-central-1", "il-central-1" })
        {
            using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", Ec2Describe, Demo.OriginAdmin, region: region);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task An_ec2_request_signed_for_rds_is_refused_in_the_ec2_envelope_not_routed_to_rds()
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "rds", Ec2Describe, Demo.OriginAdmin);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal("AuthFailure", RawAws.Element(root, "Code"));
        Assert.Equal("Credential should be scoped to correct service: 'ec2'. ", RawAws.Element(root, "Message"));
        var calls = await emulator.GetJsonAsync("calls");
        var last = calls["recent"]!.AsArray().Last()!;
        Assert.Equal("ec2", (string?)last["service"]);
        Assert.Equal("wrong-scope", (string?)last["signature"]);
    }

    [Fact]
    public async Task An_rds_request_signed_for_iam_is_SignatureDoesNotMatch_naming_rds()
    {
        using var response = await RawAws.PostFormAsync(
            emulator.Http, emulator.BaseUri, "iam", "Action=DescribeDBSnapshots&Version=2014-10-31", Demo.OriginAdmin);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ErrorResponse", root.Name.LocalName);
        Assert.Equal("SignatureDoesNotMatch", RawAws.Element(root, "Code"));
        Assert.Equal("Credential should be scoped to correct service: 'rds'. ", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task A_kms_target_signed_for_ssm_is_InvalidSignatureException_naming_kms()
    {
        using var response = await RawAws.PostJsonAsync(emulator.Http, emulator.BaseUri, "ssm", "TrentService.ListKeys", "{}", Demo.OriginAdmin);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidSignatureException", (string?)body["__type"]);
        Assert.Equal("Credential should be scoped to correct service: 'kms'. ", (string?)body["message"]);
    }

    [Fact]
    public async Task Both_scope_problems_are_named_at_once()
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "rds", Ec2Describe, Demo.OriginAdmin, region: "xx-fake-9");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(
            "Credential should be scoped to a valid region, not 'xx-fake-9'. Credential should be scoped to correct service: 'ec2'. ",
            RawAws.Element(root, "Message"));
    }

    [Theory]
    [InlineData("eu-weest-1")]
    [InlineData("cn-north-1")]
    public async Task A_copy_from_a_SourceRegion_that_does_not_exist_in_the_partition_is_InvalidRegion(string sourceRegion)
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2",
            $"Action=CopySnapshot&Version=2016-11-15&SourceRegion={sourceRegion}&SourceSnapshotId=snap-0a1b2c3d4e5f60003", Demo.OriginAdmin);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRegion", RawAws.Element(root, "Code"));
    }

    [Fact]
    public async Task Another_services_version_without_its_operation_stays_the_scope_services_version_error()
    {
        using var response = await RawAws.PostFormAsync(
            emulator.Http, emulator.BaseUri, "ec2", "Action=DescribeSnapshots&Version=2014-10-31", Demo.OriginAdmin);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal("NoSuchVersion", RawAws.Element(root, "Code"));
    }
}
