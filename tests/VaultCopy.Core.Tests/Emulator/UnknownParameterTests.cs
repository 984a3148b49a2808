using System.Net;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// Parameters an operation's model does not define: EC2 refuses them with UnknownParameter (so a misspelled id list
/// can never widen a describe to the whole account), while the Query and JSON services ignore them, as they do in
/// AWS. Raw signed requests, since no SDK sends a parameter its model lacks.
/// </summary>
public class UnknownParameterTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string Describe = "Action=DescribeSnapshots&Version=2016-11-15";

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("&SnapshotIds.1=snap-0a1b2c3d4e5f60001", "SnapshotIds")]
    [InlineData("&SnapshotId.1=snap-0a1b2c3d4e5f60001&Filters.1.Name=status&Filters.1.Value.1=completed", "Filters")]
    [InlineData("&Filter.1.Nmae=status&Filter.1.Value.1=completed", "Filter.1.Nmae")]
    [InlineData("&Filter.1.Name=status&Filter.1.Values.1=completed", "Filter.1.Values.1")]
    [InlineData("&SnapshotId.0=snap-0a1b2c3d4e5f60001", "SnapshotId.0")]
    [InlineData("&SnapshotId=snap-0a1b2c3d4e5f60001&SnapshotId.1.Key=x", "SnapshotId.1.Key")]
    [InlineData("&dryRun=true", "dryRun")]
    public async Task Ec2_refuses_a_parameter_its_model_does_not_define(string extra, string named)
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", Describe + extra, Demo.OriginAdmin);
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal("UnknownParameter", RawAws.Element(root, "Code"));
        Assert.Equal($"The parameter {named} is not recognized", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task A_misspelled_id_list_no_longer_lists_every_snapshot_of_the_account()
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", Describe + "&SnapshotIds.1=snap-0a1b2c3d4e5f60003", Demo.OriginAdmin);
        string body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("snap-0a1b2c3d4e5f60001", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Ec2_refuses_before_anything_changes()
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2",
            "Action=CreateTags&Version=2016-11-15&ResourceId.1=snap-0a1b2c3d4e5f60001&Tag.1.Key=team&Tag.1.Value=ops&Tags.1.Key=x", Demo.OriginAdmin);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var state = await emulator.GetJsonAsync("state");
        Assert.DoesNotContain("\"team\"", state.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self&RestorableBy.1=self&MaxResults=5&Filter.1.Name=status&Filter.1.Value.1=completed&Filter.1.Value.2=pending&DryRun=false")]
    [InlineData("Action=DescribeImages&Version=2016-11-15&Owner.1=self&IncludeDeprecated=true&IncludeDisabled=false")]
    [InlineData("Action=DescribeSnapshotAttribute&Version=2016-11-15&SnapshotId=snap-0a1b2c3d4e5f60001&Attribute=createVolumePermission")]
    [InlineData("Action=CreateTags&Version=2016-11-15&ResourceId.1=snap-0a1b2c3d4e5f60001&Tag.1.Key=team&Tag.1.Value=ops")]
    public async Task Ec2_accepts_every_parameter_its_model_defines(string form)
    {
        using var response = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", form, Demo.OriginAdmin);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
    }

    [Fact]
    public async Task Query_services_ignore_a_parameter_their_model_does_not_define()
    {
        using (var sts = await RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "sts", "Action=GetCallerIdentity&Version=2011-06-15&DurationSeconds=900", Demo.OriginAdmin))
        {
            Assert.Equal(HttpStatusCode.OK, sts.StatusCode);
        }

        using var rds = await RawAws.PostFormAsync(
            emulator.Http, emulator.BaseUri, "rds", "Action=DescribeDBSnapshots&Version=2014-10-31&DBSnapshotIdentifiers.member.1=nothing&MaxRecords=20", Demo.OriginAdmin);
        Assert.Equal(HttpStatusCode.OK, rds.StatusCode);

        // The call log names what was ignored, so tests can prove a client sends only model names.
        var recent = (await emulator.GetJsonAsync("calls"))["recent"]!.AsArray();
        Assert.Equal("""["DurationSeconds"]""", recent[^2]!["ignoredParameters"]!.ToJsonString());
        Assert.Equal("""["DBSnapshotIdentifiers.member.1"]""", recent[^1]!["ignoredParameters"]!.ToJsonString());
    }

    [Fact]
    public async Task Kms_ignores_a_member_its_model_does_not_define()
    {
        using var response = await RawAws.PostJsonAsync(emulator.Http, emulator.BaseUri, "kms", "TrentService.ListKeys", """{"Limit":10,"KeyIds":["x"]}""", Demo.OriginAdmin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Keys"]);
        var last = (await emulator.GetJsonAsync("calls"))["recent"]!.AsArray()[^1]!;
        Assert.Equal("""["KeyIds"]""", last["ignoredParameters"]!.ToJsonString());
    }

    [Fact]
    public async Task A_call_with_only_model_names_ignores_nothing()
    {
        using var response = await RawAws.PostJsonAsync(emulator.Http, emulator.BaseUri, "kms", "TrentService.ListKeys", """{"Limit":10}""", Demo.OriginAdmin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null((await emulator.GetJsonAsync("calls"))["recent"]!.AsArray()[^1]!["ignoredParameters"]);
    }
}
