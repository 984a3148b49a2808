using System.Text.Json.Nodes;
using System.Xml.Linq;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>The parameter readers and response writers service plug-ins build on (aws-behaviour.md §0).</summary>
public class ProtocolTests
{
    [Fact]
    public void Query_lists_use_member_or_the_models_location_name()
    {
        var p = Params(AwsProtocol.Query,
            ("ValuesToAdd.AttributeValue.2", "222222222222"),
            ("ValuesToAdd.AttributeValue.1", "111111111111"),
            ("ActionNames.member.1", "sts:AssumeRole"),
            ("Empty", ""));

        Assert.Equal(["111111111111", "222222222222"], p.GetList("ValuesToAdd", "AttributeValue"));
        Assert.Equal(["sts:AssumeRole"], p.GetList("ActionNames"));
        Assert.Empty(p.GetList("Empty")!);
        Assert.Null(p.GetList("Absent"));
    }

    [Fact]
    public void Ec2_flattened_and_nested_lists()
    {
        var p = Params(AwsProtocol.Ec2,
            ("UserId.1", "222222222222"),
            ("UserId.2", "333333333333"),
            ("CreateVolumePermission.Add.1.UserId", "444444444444"),
            ("CreateVolumePermission.Add.2.Group", "all"),
            ("TagSpecification.1.ResourceType", "snapshot"),
            ("TagSpecification.1.Tag.1.Key", "Name"),
            ("TagSpecification.1.Tag.1.Value", "vault copy"),
            ("TagSpecification.1.Tag.2.Key", "Owner"),
            ("TagSpecification.1.Tag.2.Value", "origin"));

        Assert.Equal(["222222222222", "333333333333"], p.GetFlatList("UserId"));
        var adds = p.GetStructList("CreateVolumePermission.Add");
        Assert.Equal("444444444444", adds[0].Get("UserId"));
        Assert.Equal("all", adds[1].Get("Group"));
        var spec = Assert.Single(p.GetStructList("TagSpecification"));
        Assert.Equal("snapshot", spec.Get("ResourceType"));
        var tags = spec.GetStructList("Tag").ToDictionary(t => t.Required("Key"), t => t.Get("Value"));
        Assert.Equal(new Dictionary<string, string?> { ["Name"] = "vault copy", ["Owner"] = "origin" }, tags);
    }

    [Fact]
    public void Missing_required_parameters_use_each_protocols_error()
    {
        var ec2 = Assert.Throws<AwsServiceException>(() => Params(AwsProtocol.Ec2).Required("SourceSnapshotId"));
        Assert.Equal("MissingParameter", ec2.Code);
        Assert.Equal("The request must contain the parameter SourceSnapshotId", ec2.AwsMessage);

        var query = Assert.Throws<AwsServiceException>(() => Params(AwsProtocol.Query).Required("RoleArn"));
        Assert.Equal("ValidationError", query.Code);
        Assert.Equal("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null", query.AwsMessage);

        var number = Assert.Throws<AwsServiceException>(() => Params(AwsProtocol.Ec2, ("MaxResults", "ten")).GetInt("MaxResults"));
        Assert.Equal("InvalidParameterValue", number.Code);
    }

    [Fact]
    public void Query_success_envelope_puts_every_element_in_the_service_namespace()
    {
        var response = AwsResponse.Query(Request(KnownServices.Rds, "CopyDBSnapshot"),
            new XElement("DBSnapshot", new XElement("DBSnapshotIdentifier", "copy")));
        var root = XElement.Parse(response.Body);
        XNamespace ns = "http://rds.amazonaws.com/doc/2014-10-31/";

        Assert.Equal(ns + "CopyDBSnapshotResponse", root.Name);
        Assert.Equal("copy", root.Element(ns + "CopyDBSnapshotResult")!.Element(ns + "DBSnapshot")!.Element(ns + "DBSnapshotIdentifier")!.Value);
        Assert.Equal("req-1", root.Element(ns + "ResponseMetadata")!.Element(ns + "RequestId")!.Value);
        Assert.DoesNotContain("xmlns=\"\"", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Ec2_success_envelope_has_request_id_and_item_sets()
    {
        var response = AwsResponse.Ec2(Request(KnownServices.Ec2, "DescribeSnapshots"),
            AwsFormat.Ec2Set("snapshotSet", [new XElement("snapshotId", "snap-1")]));
        var root = XElement.Parse(response.Body);
        XNamespace ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

        Assert.Equal(ns + "DescribeSnapshotsResponse", root.Name);
        Assert.Equal("req-1", root.Element(ns + "requestId")!.Value);
        Assert.Equal("snap-1", root.Element(ns + "snapshotSet")!.Element(ns + "item")!.Element(ns + "snapshotId")!.Value);
    }

    [Fact]
    public void Error_envelopes_per_protocol()
    {
        var error = new AwsServiceException("DBSnapshotNotFound", "DBSnapshot x not found.", 404);

        var query = XElement.Parse(AwsResponse.Error(KnownServices.Rds, error, "req-1").Body);
        Assert.Equal("ErrorResponse", query.Name.LocalName);
        Assert.Equal("Sender", RawAws.Element(query, "Type"));
        Assert.Equal("DBSnapshotNotFound", RawAws.Element(query, "Code"));
        Assert.Equal("req-1", RawAws.Element(query, "RequestId"));

        var ec2 = XElement.Parse(AwsResponse.Error(KnownServices.Ec2, new AwsServiceException("InvalidSnapshot.NotFound", "gone"), "req-2").Body);
        Assert.Equal(XName.Get("Response"), ec2.Name);
        Assert.Equal("InvalidSnapshot.NotFound", ec2.Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.Equal("req-2", ec2.Element("RequestID")!.Value);

        var json = AwsResponse.Error(KnownServices.Kms, new AwsServiceException("NotFoundException", "Key not found"), "req-3");
        Assert.Equal("application/x-amz-json-1.1", json.ContentType);
        Assert.Equal(400, json.StatusCode);
        Assert.Equal("""{"__type":"NotFoundException","message":"Key not found"}""", json.Body);

        var receiver = XElement.Parse(AwsResponse.Error(KnownServices.Sts, new AwsServiceException("InternalFailure", "x", 500, senderFault: false), "r").Body);
        Assert.Equal("Receiver", RawAws.Element(receiver, "Type"));
    }

    [Fact]
    public void Json_timestamps_are_epoch_seconds()
    {
        var response = AwsResponse.Json(new JsonObject { ["CreationDate"] = AwsFormat.EpochSeconds(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)) });
        Assert.Equal("""{"CreationDate":1700000000.123}""", response.Body);
        Assert.Equal("2026-11-28T12:00:00.000Z", AwsFormat.Iso8601(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero)));
    }

    private static QueryParameters Params(AwsProtocol protocol, params (string Key, string Value)[] values) =>
        new(values.Select(v => new KeyValuePair<string, string>(v.Key, v.Value)), protocol);

    private static AwsRequest Request(AwsServiceInfo service, string action) => new()
    {
        Service = service,
        Region = "eu-west-1",
        Action = action,
        Parameters = QueryParameters.Empty,
        Json = new JsonParameters(default),
        Caller = new Caller
        {
            Kind = CallerKind.Root,
            AccountId = "111111111111",
            Partition = "aws",
            Arn = "arn:aws:iam::111111111111:root",
            UserId = "111111111111",
            PrincipalArn = "arn:aws:iam::111111111111:root",
            AccessKeyId = "AKIAROOT000000000001",
            IdentityPolicies = [],
        },
        World = new World(),
        Clock = new EmulatorClock(),
        Settings = new EmulatorSettings(),
        RequestId = "req-1",
    };
}
