using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.Runtime;
using VaultCopy.Core.Tests.Emulator.Iam;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>The checker and the recorder behind the conformance test: each must catch what it is there to catch.</summary>
public sealed class ModelCheckerTests
{
    private const string IamNs = "https://iam.amazonaws.com/doc/2010-05-08/";
    private const string Ec2Ns = "http://ec2.amazonaws.com/doc/2016-11-15/";

    [Theory]
    [InlineData("ActionNames.member.#")]
    [InlineData("ActionNames")]
    [InlineData("ContextEntries.member.#.ContextKeyValues.member.#")]
    [InlineData("PolicyExclusionList.member.#.InlinePolicyIdentifier.AttachmentName")]
    [InlineData("MaxItems")]
    public void Query_reads_that_follow_the_model_pass(string read) =>
        Assert.Empty(Check("iam", AwsProtocol.Query, "SimulatePrincipalPolicy", c => c.AddRead(read)));

    [Theory]
    [InlineData("ActionNames.#", "serialised as 'member.N'")]
    [InlineData("ActionNames.item.#", "'member.N'")]
    [InlineData("Actions.member.#", "no member serialised as 'Actions'")]
    [InlineData("ContextEntries.member.#.KeyName", "no member serialised as 'KeyName'")]
    [InlineData("MaxItems.Value", "nothing is nested")]
    public void Query_reads_that_do_not_follow_the_model_are_reported(string read, string expected)
    {
        var problems = Check("iam", AwsProtocol.Query, "SimulatePrincipalPolicy", c => c.AddRead(read));

        Assert.Contains(expected, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UserId.#", true)]
    [InlineData("UserGroup.#", true)]
    [InlineData("CreateVolumePermission.Add.#.UserId", true)]
    [InlineData("DryRun", true)]
    [InlineData("dryRun", false)]
    [InlineData("UserIds.#", false)]
    [InlineData("UserId.member.#", false)]
    public void Ec2_reads_use_flattened_lists_and_capitalised_location_names(string read, bool valid)
    {
        var problems = Check("ec2", AwsProtocol.Ec2, "ModifySnapshotAttribute", c => c.AddRead(read));

        Assert.Equal(valid, problems.Count == 0);
    }

    [Fact]
    public void Json_reads_are_member_names()
    {
        Assert.Empty(Check("kms", AwsProtocol.Json, "DescribeKey", c => c.AddRead("KeyId")));
        Assert.Single(Check("kms", AwsProtocol.Json, "DescribeKey", c => c.AddRead("keyId")));
    }

    [Fact]
    public void A_query_response_must_use_the_models_result_wrapper_and_member_lists()
    {
        var good = new XElement("ListRolePoliciesResponse",
            new XElement("ListRolePoliciesResult",
                new XElement("PolicyNames", new XElement("member", "a")),
                new XElement("IsTruncated", "false")),
            new XElement("ResponseMetadata", new XElement("RequestId", "r")));
        Assert.Empty(Check("iam", AwsProtocol.Query, "ListRolePolicies", c => c.AddXml(Namespaced(good, IamNs))));

        var wrongWrapper = new XElement(good);
        wrongWrapper.Element("ListRolePoliciesResult")!.Name = "Result";
        Assert.Contains("result wrapper", Assert.Single(Check("iam", AwsProtocol.Query, "ListRolePolicies", c => c.AddXml(Namespaced(wrongWrapper, IamNs)))), StringComparison.Ordinal);

        var itemList = new XElement(good);
        itemList.Descendants("member").Single().Name = "item";
        Assert.Contains("expected <member>", Assert.Single(Check("iam", AwsProtocol.Query, "ListRolePolicies", c => c.AddXml(Namespaced(itemList, IamNs)))), StringComparison.Ordinal);

        var badBoolean = new XElement(good);
        badBoolean.Descendants("IsTruncated").Single().Value = "False";
        Assert.Contains("not a boolean", Assert.Single(Check("iam", AwsProtocol.Query, "ListRolePolicies", c => c.AddXml(Namespaced(badBoolean, IamNs)))), StringComparison.Ordinal);

        Assert.Contains("namespace", Assert.Single(Check("iam", AwsProtocol.Query, "ListRolePolicies", c => c.AddXml(Namespaced(good, "https://sts.amazonaws.com/doc/2011-06-15/")))), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_elements_missing_required_members_and_foreign_enum_values_are_reported()
    {
        var response = new XElement("GetRoleResponse",
            new XElement("GetRoleResult",
                new XElement("Role",
                    new XElement("Path", "/"),
                    new XElement("RoleName", "R"),
                    new XElement("Arn", "arn:aws:iam::111111111111:role/R"),
                    new XElement("CreateDate", "2026-01-01T00:00:00Z"),
                    new XElement("Colour", "blue"))),
            new XElement("ResponseMetadata", new XElement("RequestId", "r")));

        var problems = Check("iam", AwsProtocol.Query, "GetRole", c => c.AddXml(Namespaced(response, IamNs)));

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("<Colour>", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("required member <RoleId>", StringComparison.Ordinal));

        var decision = new XElement("SimulatePrincipalPolicyResponse",
            new XElement("SimulatePrincipalPolicyResult",
                new XElement("EvaluationResults", new XElement("member",
                    new XElement("EvalActionName", "s3:GetObject"),
                    new XElement("EvalDecision", "denied")))),
            new XElement("ResponseMetadata", new XElement("RequestId", "r")));
        Assert.Contains("not one of the PolicyEvaluationDecisionType values", Assert.Single(Check("iam", AwsProtocol.Query, "SimulatePrincipalPolicy", c => c.AddXml(Namespaced(decision, IamNs)))), StringComparison.Ordinal);
    }

    [Fact]
    public void An_operation_without_output_must_not_write_a_result()
    {
        var response = new XElement("PutRolePolicyResponse",
            new XElement("PutRolePolicyResult"),
            new XElement("ResponseMetadata", new XElement("RequestId", "r")));

        Assert.Contains("no result wrapper", Assert.Single(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddXml(Namespaced(response, IamNs)))), StringComparison.Ordinal);
    }

    [Fact]
    public void Ec2_responses_have_no_wrapper_and_item_lists()
    {
        var good = new XElement("DescribeSnapshotAttributeResponse",
            new XElement("requestId", "r"),
            new XElement("snapshotId", "snap-1"),
            new XElement("createVolumePermission", new XElement("item", new XElement("userId", "222222222222"))));
        Assert.Empty(Check("ec2", AwsProtocol.Ec2, "DescribeSnapshotAttribute", c => c.AddXml(Namespaced(good, Ec2Ns))));

        var wrapped = new XElement("DescribeSnapshotAttributeResponse",
            new XElement("requestId", "r"),
            new XElement("DescribeSnapshotAttributeResult", new XElement("snapshotId", "snap-1")));
        Assert.NotEmpty(Check("ec2", AwsProtocol.Ec2, "DescribeSnapshotAttribute", c => c.AddXml(Namespaced(wrapped, Ec2Ns))));

        var members = new XElement(good);
        members.Descendants("item").Single().Name = "member";
        Assert.NotEmpty(Check("ec2", AwsProtocol.Ec2, "DescribeSnapshotAttribute", c => c.AddXml(Namespaced(members, Ec2Ns))));
    }

    [Fact]
    public void Json_responses_are_checked_by_member_name_and_type()
    {
        var good = new JsonObject { ["KeyMetadata"] = new JsonObject { ["KeyId"] = "k", ["CreationDate"] = 1.7e9, ["Enabled"] = true } };
        Assert.Empty(Check("kms", AwsProtocol.Json, "DescribeKey", c => c.AddJson(good)));

        var bad = new JsonObject { ["KeyMetadata"] = new JsonObject { ["KeyId"] = "k", ["CreationDate"] = "2026-01-01", ["keyState"] = "Enabled" } };
        var problems = Check("kms", AwsProtocol.Json, "DescribeKey", c => c.AddJson(bad));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void Errors_must_be_modelled_or_common_with_the_modelled_status()
    {
        Assert.Empty(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddError(new AwsServiceException("LimitExceeded", "m", 409))));
        Assert.Empty(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddError(new AwsServiceException("ValidationError", "m"))));
        Assert.Empty(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddError(new AwsServiceException("AccessDenied", "m", 403))));

        Assert.Contains("the model says 409", Assert.Single(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddError(new AwsServiceException("LimitExceeded", "m")))), StringComparison.Ordinal);
        Assert.Contains("the model says Sender", Assert.Single(Check("iam", AwsProtocol.Query, "PutRolePolicy", c => c.AddError(new AwsServiceException("LimitExceeded", "m", 409, senderFault: false)))), StringComparison.Ordinal);
        // Real code without the model's name: the SDK would not map it.
        Assert.Contains("neither modelled", Assert.Single(Check("iam", AwsProtocol.Query, "GetRole", c => c.AddError(new AwsServiceException("NoSuchEntityException", "m", 404)))), StringComparison.Ordinal);
        // Modelled for one operation is not modelled for another.
        Assert.Single(Check("iam", AwsProtocol.Query, "GetRole", c => c.AddError(new AwsServiceException("MalformedPolicyDocument", "m"))));
        Assert.Contains("failed internally", Assert.Single(Check("iam", AwsProtocol.Query, "GetRole", c => c.AddError(new AwsServiceException("InternalFailure", "m", 500, false)))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recorder_notes_reads_writes_and_errors_only_while_enabled()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = IamWorld.Json });
        var admin = SignedQueryClient.Iam(server.BaseUri, new BasicAWSCredentials(IamWorld.AdminKey, IamWorld.Secret(IamWorld.AdminKey)));

        await admin.CallAsync("GetRole", ("RoleName", "VaultCopyRole"));
        Assert.Empty(server.Recorder.Calls);

        server.Recorder.Enabled = true;
        await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", IamWorld.VaultRoleArn), ("ActionNames.member.1", "s3:GetObject"), ("ActionNames.member.2", "s3:PutObject"),
            ("ContextEntries.member.1.ContextKeyName", "aws:SourceIp"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "10.0.0.1"),
            ("ContextEntries.member.1.ContextKeyType", "ip"));
        await admin.CallAsync("GetRole", ("RoleName", "Ghost"));

        var calls = server.Recorder.Calls;
        Assert.Equal(["SimulatePrincipalPolicy", "GetRole"], calls.Select(c => c.Action).ToList());
        var simulate = calls[0];
        Assert.Equal(200, simulate.Status);
        Assert.Contains("ActionNames.member.#", simulate.Reads);
        Assert.Contains("ContextEntries.member.#.ContextKeyValues.member.#", simulate.Reads);
        Assert.DoesNotContain("Action", simulate.Reads);
        Assert.Equal("SimulatePrincipalPolicyResponse", Assert.Single(simulate.XmlResponses).Name.LocalName);
        Assert.Empty(simulate.Errors);
        Assert.Equal(new WireError("NoSuchEntity", 404, true), Assert.Single(calls[1].Errors));
    }

    [Fact]
    public async Task A_probe_reaches_an_operation_without_parameters_and_its_reads_and_error_are_checked()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = IamWorld.Json });
        server.Recorder.Enabled = true;
        var credentials = new BasicAWSCredentials(IamWorld.AdminKey, IamWorld.Secret(IamWorld.AdminKey));

        int status = await new ConformanceContext(server).ProbeAsync(KnownServices.Iam, "GetRolePolicy", credentials, "us-east-1");

        Assert.Equal(400, status);
        var call = Assert.Single(server.Recorder.Calls);
        Assert.Contains("RoleName", call.Reads);
        Assert.Equal("ValidationError", Assert.Single(call.Errors).Code);
        Assert.Empty(new ModelChecker(ServiceModel.For("iam")).Check(call));
    }

    private static List<string> Check(string service, AwsProtocol protocol, string action, Action<WireCall> record)
    {
        var call = new WireCall(service, protocol, action, null);
        record(call);
        return new ModelChecker(ServiceModel.For(service)).Check(call);
    }

    private static XElement Namespaced(XElement root, string ns)
    {
        var copy = new XElement(root);
        XNamespace x = ns;
        foreach (var element in copy.DescendantsAndSelf())
        {
            element.Name = x + element.Name.LocalName;
        }

        return copy;
    }
}
