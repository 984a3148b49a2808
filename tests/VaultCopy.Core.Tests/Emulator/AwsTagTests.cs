using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VaultCopy.Core.Tests.Emulator.Rds;
using VaultCopy.Emulator.Fixtures;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// aws:-prefixed tags: AWS Backup and CloudFormation put them on snapshots, AMIs and RDS snapshots (so fixtures may
/// hold them), but a caller may neither write nor delete one, and no copy carries them over. Raw signed requests.
/// </summary>
public class AwsTagTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string Snapshot = "snap-0a1b2c3d4e5f60001";
    private const string Image = "ami-0a1b2c3d4e5f60001";
    private const string BackupTag = "aws:backup:source-resource";

    public async Task InitializeAsync()
    {
        var world = JsonNode.Parse(FixtureLoader.DemoWorldJson())!;
        var region = world["accounts"]![0]!["regions"]!["eu-west-1"]!;
        region["ec2"]!["snapshots"]![0]!["tags"]![BackupTag] = "arn:aws:ec2:eu-west-1::volume/vol-0a1b2c3d4e5f60001";
        region["ec2"]!["images"]![0]!["tags"]!["aws:cloudformation:stack-name"] = "golden-images";
        region["rds"]!["dbSnapshots"]![0]!["tags"]![BackupTag] = "arn:aws:rds:eu-west-1:111111111111:db:origin-orders";
        using var load = await emulator.Http.PostAsync(emulator.Control("fixture"), new StringContent(world.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(load.StatusCode == HttpStatusCode.OK, await load.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync()
    {
        emulator.Server.LoadFixture(FixtureLoader.DemoWorldJson());
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_fixture_may_hold_aws_tags_and_describe_shows_them()
    {
        string body = await Ec2OkAsync($"Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.1={Snapshot}");
        Assert.Contains($"<key>{BackupTag}</key>", body, StringComparison.Ordinal);
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        var tags = await rds.OkAsync("ListTagsForResource", ("ResourceName", "arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk"));
        Assert.Contains(BackupTag, tags.Root.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws:backup:source-resource")]
    [InlineData("AWS:owner")]
    public async Task CreateTags_refuses_an_aws_key_naming_it(string key)
    {
        using var response = await Ec2Async($"Action=CreateTags&Version=2016-11-15&ResourceId.1={Snapshot}&Tag.1.Key={Uri.EscapeDataString(key)}&Tag.1.Value=x");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidParameterValue", RawAws.Element(root, "Code"));
        Assert.Equal($"Value ( {key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use", RawAws.Element(root, "Message"));
    }

    [Fact]
    public async Task A_copy_whose_tag_specification_holds_an_aws_key_is_refused_and_starts_nothing()
    {
        using var response = await Ec2Async(
            $"Action=CopySnapshot&Version=2016-11-15&SourceRegion=eu-west-1&SourceSnapshotId=snap-0a1b2c3d4e5f60003&TagSpecification.1.ResourceType=snapshot&TagSpecification.1.Tag.1.Key={Uri.EscapeDataString(BackupTag)}&TagSpecification.1.Tag.1.Value=x");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Tag keys starting with 'aws:' are reserved for internal use", RawAws.Element(root, "Message"));
        Assert.DoesNotContain("<volumeId>vol-ffffffff</volumeId>", await Ec2OkAsync("Action=DescribeSnapshots&Version=2016-11-15&Owner.1=self"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteTags_refuses_an_aws_key_and_deleting_all_tags_keeps_the_aws_ones()
    {
        using (var refused = await Ec2Async($"Action=DeleteTags&Version=2016-11-15&ResourceId.1={Snapshot}&Tag.1.Key={Uri.EscapeDataString(BackupTag)}"))
        {
            Assert.Equal("InvalidParameterValue", RawAws.Element(RawAws.Xml(await refused.Content.ReadAsStringAsync()), "Code"));
        }

        await Ec2OkAsync($"Action=DeleteTags&Version=2016-11-15&ResourceId.1={Snapshot}");

        string body = await Ec2OkAsync($"Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.1={Snapshot}");
        Assert.Contains($"<key>{BackupTag}</key>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<key>Backup</key>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyImageTags_and_CopyTags_leave_the_aws_tags_behind()
    {
        string copy = await Ec2OkAsync($"Action=CopyImage&Version=2016-11-15&Name=app-copy&SourceImageId={Image}&SourceRegion=eu-west-1&CopyImageTags=true");
        string imageId = RawAws.Element(RawAws.Xml(copy), "imageId")!;
        string copied = await Ec2OkAsync($"Action=DescribeImages&Version=2016-11-15&ImageId.1={imageId}");
        Assert.Contains("<key>Backup</key>", copied, StringComparison.Ordinal);
        Assert.DoesNotContain("aws:cloudformation", copied, StringComparison.Ordinal);

        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        var snapshot = (await rds.OkAsync("CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy"), ("CopyTags", "true"))).Snapshot();
        string tags = snapshot.ToString();
        Assert.Contains("orders", tags, StringComparison.Ordinal);
        Assert.DoesNotContain(BackupTag, tags, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rds_refuses_a_caller_adding_or_removing_an_aws_tag()
    {
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        const string arn = "arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk";

        await rds.FailsAsync("InvalidParameterValue", 400, "AddTagsToResource", [("ResourceName", arn), .. RdsApi.Tags((BackupTag, "x"))]);
        await rds.FailsAsync("InvalidParameterValue", 400, "RemoveTagsFromResource", [("ResourceName", arn), .. RdsApi.List("TagKeys", "member", BackupTag)]);
        await rds.FailsAsync("InvalidParameterValue", 400, "CopyDBSnapshot",
            [("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy"), .. RdsApi.Tags((BackupTag, "x"))]);

        Assert.Contains(BackupTag, (await rds.OkAsync("ListTagsForResource", ("ResourceName", arn))).Root.ToString(), StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> Ec2Async(string form) => RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", form, Demo.OriginAdmin);

    private async Task<string> Ec2OkAsync(string form)
    {
        using var response = await Ec2Async(form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }
}
