using System.Net;
using System.Xml.Linq;
using Amazon.Runtime;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>The bytes on the wire, for what the SDK hides: element names, envelopes and SDK-injected parameters.</summary>
public sealed class Ec2WireTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    private static readonly XNamespace s_ec2 = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private static BasicAWSCredentials Creds(Ec2Credentials c) => new(c.AccessKeyId, c.SecretAccessKey);

    [Fact]
    public async Task Describe_snapshots_uses_the_models_location_names()
    {
        using var http = new HttpClient();
        using var response = await RawAws.PostFormAsync(http, Fixture.Server.BaseUri, "ec2",
            $"Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.1={SharedCmkSnapshot}", Creds(OriginAdmin));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = XElement.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(s_ec2 + "DescribeSnapshotsResponse", root.Name);
        Assert.NotNull(root.Element(s_ec2 + "requestId"));
        var item = root.Element(s_ec2 + "snapshotSet")!.Element(s_ec2 + "item")!;
        Assert.Equal(SharedCmkSnapshot, item.Element(s_ec2 + "snapshotId")!.Value);
        Assert.Equal("completed", item.Element(s_ec2 + "status")!.Value);
        Assert.Equal("true", item.Element(s_ec2 + "encrypted")!.Value);
        Assert.Equal(KeyArn(OriginId, OriginKey1), item.Element(s_ec2 + "kmsKeyId")!.Value);
        var tag = item.Element(s_ec2 + "tagSet")!.Elements(s_ec2 + "item").First();
        Assert.NotNull(tag.Element(s_ec2 + "key"));
        Assert.NotNull(tag.Element(s_ec2 + "value"));
    }

    [Fact]
    public async Task Dry_run_is_an_ec2_error_envelope_with_http_412()
    {
        using var http = new HttpClient();
        using var response = await RawAws.PostFormAsync(http, Fixture.Server.BaseUri, "ec2",
            $"Action=DeleteSnapshot&Version=2016-11-15&SnapshotId={PlainSnapshot}&DryRun=true", Creds(OriginAdmin));
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var root = XElement.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("Response", root.Name.LocalName);
        var error = root.Element("Errors")!.Element("Error")!;
        Assert.Equal("DryRunOperation", error.Element("Code")!.Value);
        Assert.Equal("Request would have succeeded, but DryRun flag is set.", error.Element("Message")!.Value);
        Assert.NotNull(root.Element("RequestID"));
    }

    [Fact]
    public async Task The_presigned_url_the_sdks_add_is_accepted_and_never_fetched()
    {
        // What botocore/the .NET SDK add to CopySnapshot: a URL presigned against the real source Region host.
        string presigned = Uri.EscapeDataString(
            "https://ec2.eu-west-1.amazonaws.com/?Action=CopySnapshot&SourceRegion=eu-west-1&SourceSnapshotId=" + SharedCmkSnapshot +
            "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0000");
        using var http = new HttpClient();
        using var response = await RawAws.PostFormAsync(http, Fixture.Server.BaseUri, "ec2",
            $"Action=CopySnapshot&Version=2016-11-15&SourceRegion=eu-west-1&SourceSnapshotId={SharedCmkSnapshot}" +
            $"&DestinationRegion=eu-west-1&PresignedUrl={presigned}", Creds(VaultAdmin));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = XElement.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("snap-", root.Element(s_ec2 + "snapshotId")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Modify_snapshot_attribute_structure_form_on_the_wire()
    {
        using var http = new HttpClient();
        using var modify = await RawAws.PostFormAsync(http, Fixture.Server.BaseUri, "ec2",
            $"Action=ModifySnapshotAttribute&Version=2016-11-15&SnapshotId={PlainSnapshot}" +
            $"&CreateVolumePermission.Add.1.UserId={OtherId}&CreateVolumePermission.Add.1.Group=all", Creds(OriginAdmin));
        Assert.Equal(HttpStatusCode.OK, modify.StatusCode);
        // The model has no output for ModifySnapshotAttribute: requestId only.
        var body = XElement.Parse(await modify.Content.ReadAsStringAsync());
        Assert.Equal([s_ec2 + "requestId"], body.Elements().Select(e => e.Name));

        var permissions = await VolumePermissions(Origin, PlainSnapshot);
        Assert.Equal(2, permissions.Count);

        using var unknown = await RawAws.PostFormAsync(http, Fixture.Server.BaseUri, "ec2",
            "Action=CopyFpgaImage&Version=2016-11-15", Creds(OriginAdmin));
        var error = XElement.Parse(await unknown.Content.ReadAsStringAsync()).Element("Errors")!.Element("Error")!;
        Assert.Equal("InvalidAction", error.Element("Code")!.Value);
    }
}
