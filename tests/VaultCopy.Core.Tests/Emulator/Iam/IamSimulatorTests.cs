using System.Xml.Linq;
using static VaultCopy.Core.Tests.Emulator.Iam.IamWorld;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>SimulatePrincipalPolicy: decisions, matched statements, context keys, extra/excluded policies, resource policies.</summary>
public sealed class IamSimulatorTests : IClassFixture<IamServerFixture>
{
    private const string Snapshot = "arn:aws:ec2:eu-west-1::snapshot/snap-0123456789abcdef0";
    private const string OriginKey = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string BobArn = "arn:aws:iam::222222222222:user/bob";

    private readonly IamServerFixture _fixture;

    public IamSimulatorTests(IamServerFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    [Fact]
    public async Task Each_action_gets_its_decision_and_the_statements_that_decided_it()
    {
        var results = await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "ec2:CopySnapshot"),
            ("ActionNames.member.2", "ec2:DeleteSnapshot"),
            ("ActionNames.member.3", "s3:GetObject"),
            ("ResourceArns.member.1", Snapshot));

        Assert.Equal(["ec2:CopySnapshot", "ec2:DeleteSnapshot", "s3:GetObject"], results.Select(r => r.At("EvalActionName")!).ToList());
        Assert.All(results, r => Assert.Equal(Snapshot, r.At("EvalResourceName")));
        Assert.Equal(["allowed", "explicitDeny", "implicitDeny"], results.Select(r => r.At("EvalDecision")!).ToList());

        var lines = VaultWorkPolicy.Split('\n');
        var copy = Assert.Single(results[0].Child("MatchedStatements")!.Children("member"));
        Assert.Equal("VaultWork", copy.At("SourcePolicyId"));
        Assert.Equal("role", copy.At("SourcePolicyType"));
        Assert.Equal((4, lines[3].IndexOf('{', StringComparison.Ordinal) + 1), Position(copy, "StartPosition"));
        Assert.Equal((4, lines[3].LastIndexOf('}') + 2), Position(copy, "EndPosition"));

        // For an explicit deny only the deny is reported.
        var deny = Assert.Single(results[1].Child("MatchedStatements")!.Children("member"));
        Assert.Equal((5, 5), Position(deny, "StartPosition"));
        Assert.Empty(results[2].Child("MatchedStatements")!.Elements());
    }

    [Fact]
    public async Task A_specific_resource_gets_resource_specific_results_and_empty_decision_details()
    {
        var result = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "ec2:CopySnapshot"), ("ResourceArns.member.1", Snapshot)));

        var specific = Assert.Single(result.Child("ResourceSpecificResults")!.Children("member"));
        Assert.Equal(Snapshot, specific.At("EvalResourceName"));
        Assert.Equal("allowed", specific.At("EvalResourceDecision"));
        Assert.Single(specific.Child("MatchedStatements")!.Elements());
        // Same account with a resource ARN: present but empty (EvaluationResult documentation).
        Assert.NotNull(result.Child("EvalDecisionDetails"));
        Assert.Empty(result.Child("EvalDecisionDetails")!.Elements());
    }

    [Fact]
    public async Task Without_ResourceArns_the_resource_is_star_and_there_are_no_resource_details()
    {
        var result = Assert.Single(await SimulateAsync(("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "ec2:DeleteSnapshot")));

        Assert.Equal("*", result.At("EvalResourceName"));
        Assert.Equal("explicitDeny", result.At("EvalDecision"));
        Assert.Null(result.Child("ResourceSpecificResults"));
        Assert.Null(result.Child("EvalDecisionDetails"));
    }

    [Fact]
    public async Task Condition_keys_come_from_ContextEntries_and_missing_ones_are_reported()
    {
        var without = Assert.Single(await SimulateAsync(("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "kms:Decrypt")));
        Assert.Equal("implicitDeny", without.At("EvalDecision"));
        Assert.Equal(["kms:ViaService"], without.Members("MissingContextValues"));

        var with = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "kms:Decrypt"),
            ("ContextEntries.member.1.ContextKeyName", "kms:ViaService"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "ec2.eu-west-1.amazonaws.com"),
            ("ContextEntries.member.1.ContextKeyType", "string")));
        Assert.Equal("allowed", with.At("EvalDecision"));
        Assert.Empty(with.Members("MissingContextValues"));

        var other = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "kms:Decrypt"),
            ("ContextEntries.member.1.ContextKeyName", "kms:ViaService"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "rds.eu-west-1.amazonaws.com"),
            ("ContextEntries.member.1.ContextKeyType", "string")));
        Assert.Equal("implicitDeny", other.At("EvalDecision"));
    }

    [Fact]
    public async Task Managed_policies_take_part_and_are_named_as_such()
    {
        var result = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "iam:GetRole"), ("ResourceArns.member.1", OperatorRoleArn)));

        Assert.Equal("allowed", result.At("EvalDecision"));
        var statement = Assert.Single(result.Child("MatchedStatements")!.Children("member"));
        Assert.Equal("ReadRoles", statement.At("SourcePolicyId"));
        Assert.Equal("user-managed", statement.At("SourcePolicyType"));
    }

    [Fact]
    public async Task PolicyInputList_adds_policies_and_PolicyExclusionList_removes_attached_ones()
    {
        const string extra = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        var added = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "s3:GetObject"), ("PolicyInputList.member.1", extra)));
        Assert.Equal("allowed", added.At("EvalDecision"));
        Assert.Equal("PolicyInputList.1", added.At("MatchedStatements/member/SourcePolicyId"));
        Assert.Equal("none", added.At("MatchedStatements/member/SourcePolicyType"));

        var inlineExcluded = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "ec2:CopySnapshot"),
            ("ResourceArns.member.1", Snapshot),
            ("PolicyExclusionList.member.1.InlinePolicyIdentifier.PolicyName", "VaultWork"),
            ("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentType", "role"),
            ("PolicyExclusionList.member.1.InlinePolicyIdentifier.AttachmentName", "VaultCopyRole")));
        Assert.Equal("implicitDeny", inlineExcluded.At("EvalDecision"));

        var managedExcluded = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "iam:GetRole"),
            ("ResourceArns.member.1", OperatorRoleArn),
            ("PolicyExclusionList.member.1.PolicyType", "user-managed")));
        Assert.Equal("implicitDeny", managedExcluded.At("EvalDecision"));

        var both = await _fixture.Iam(AdminKey).CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "iam:GetRole"),
            ("PolicyExclusionList.member.1.PolicyType", "inline"),
            ("PolicyExclusionList.member.1.PolicyArn", "arn:aws:iam::111111111111:policy/vaultcopy/ReadRoles"));
        both.AssertError("InvalidInput", 400);
    }

    [Fact]
    public async Task A_permissions_boundary_can_only_narrow()
    {
        const string boundary = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""";

        var result = Assert.Single(await SimulateAsync(
            ("PolicySourceArn", VaultRoleArn),
            ("ActionNames.member.1", "ec2:CopySnapshot"),
            ("ResourceArns.member.1", Snapshot),
            ("PermissionsBoundaryPolicyInputList.member.1", boundary)));

        Assert.Equal("implicitDeny", result.At("EvalDecision"));
        Assert.Equal("false", result.At("PermissionsBoundaryDecisionDetail/AllowedByPermissionsBoundary"));
        Assert.Equal("false", result.At("ResourceSpecificResults/member/PermissionsBoundaryDecisionDetail/AllowedByPermissionsBoundary"));
    }

    [Fact]
    public async Task A_resource_policy_decides_the_other_side_of_a_cross_account_simulation()
    {
        string keyPolicy(string account) => $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"Vault","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{account}}:root"},"Action":"kms:Decrypt","Resource":"*"}]}
            """;

        var shared = Assert.Single(await SimulateAsBobAsync(
            ("PolicySourceArn", BobArn), ("ActionNames.member.1", "kms:Decrypt"), ("ResourceArns.member.1", OriginKey),
            ("ResourcePolicy", keyPolicy(Other))));
        Assert.Equal("allowed", shared.At("EvalDecision"));
        Assert.Equal(new Dictionary<string, string> { ["IAM Policy"] = "allowed", ["Resource Policy"] = "allowed" }, Details(shared));
        Assert.Contains(shared.Child("MatchedStatements")!.Children("member"),
            m => m.At("SourcePolicyId") == "ResourcePolicy" && m.At("SourcePolicyType") == "resource");

        var notShared = Assert.Single(await SimulateAsBobAsync(
            ("PolicySourceArn", BobArn), ("ActionNames.member.1", "kms:Decrypt"), ("ResourceArns.member.1", OriginKey),
            ("ResourcePolicy", keyPolicy("333333333333"))));
        Assert.Equal("implicitDeny", notShared.At("EvalDecision"));
        Assert.Equal(new Dictionary<string, string> { ["IAM Policy"] = "allowed", ["Resource Policy"] = "implicitDeny" }, Details(notShared));
    }

    [Fact]
    public async Task An_explicit_deny_in_the_resource_policy_wins()
    {
        const string denyAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}""";

        var result = Assert.Single(await SimulateAsBobAsync(
            ("PolicySourceArn", BobArn), ("ActionNames.member.1", "kms:Decrypt"), ("ResourcePolicy", denyAll)));

        Assert.Equal("explicitDeny", result.At("EvalDecision"));
        Assert.Equal("ResourcePolicy", result.At("MatchedStatements/member/SourcePolicyId"));
    }

    [Fact]
    public async Task A_resource_policy_needs_a_user_as_the_simulated_caller()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}""";
        var admin = _fixture.Iam(AdminKey);

        var role = await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "kms:Decrypt"), ("ResourcePolicy", policy));
        Assert.Equal("Invalid caller - Caller must be an IAM user in this context.", role.AssertError("InvalidInput", 400));

        var asUser = await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "kms:Decrypt"), ("ResourcePolicy", policy),
            ("CallerArn", "arn:aws:iam::111111111111:user/admin"));
        Assert.Equal("allowed", asUser.Result.At("EvaluationResults/member/EvalDecision"));
    }

    [Fact]
    public async Task Unknown_and_malformed_principals_are_refused()
    {
        var admin = _fixture.Iam(AdminKey);

        var missing = await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", "arn:aws:iam::111111111111:role/Ghost"), ("ActionNames.member.1", "s3:GetObject"));
        Assert.Equal("The role with name Ghost cannot be found.", missing.AssertError("NoSuchEntity", 404));

        const string session = "arn:aws:sts::111111111111:assumed-role/VaultCopyRole/s1";
        var assumed = await admin.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", session), ("ActionNames.member.1", "s3:GetObject"));
        Assert.Equal($"Invalid Entity Arn: {session} does not clearly define entity type and name.", assumed.AssertError("InvalidInput", 400));

        var noActions = await admin.CallAsync("SimulatePrincipalPolicy", ("PolicySourceArn", VaultRoleArn));
        Assert.Contains("Value null at 'actionNames'", noActions.AssertError("ValidationError", 400), StringComparison.Ordinal);

        var badType = await admin.CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "kms:Decrypt"),
            ("ContextEntries.member.1.ContextKeyName", "aws:MultiFactorAuthPresent"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "yes"),
            ("ContextEntries.member.1.ContextKeyType", "boolean"));
        badType.AssertError("InvalidInput", 400);
    }

    [Fact]
    public async Task Simulating_needs_permission_on_the_principal_and_is_named_by_arn()
    {
        var result = await _fixture.Iam(NobodyKey).CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "s3:GetObject"));

        Assert.Equal(
            $"User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: iam:SimulatePrincipalPolicy on resource: {VaultRoleArn} because no identity-based policy allows the iam:SimulatePrincipalPolicy action",
            result.AssertError("AccessDenied", 403));
    }

    [Fact]
    public async Task Another_account_cannot_simulate_a_principal_because_IAM_has_no_resource_policies()
    {
        var result = await _fixture.Iam(AdminKey).CallAsync("SimulatePrincipalPolicy",
            ("PolicySourceArn", BobArn), ("ActionNames.member.1", "kms:Decrypt"));

        Assert.EndsWith($"on resource: {BobArn} because no resource-based policy allows the iam:SimulatePrincipalPolicy action",
            result.AssertError("AccessDenied", 403), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_page_with_MaxItems_and_Marker()
    {
        var admin = _fixture.Iam(AdminKey);
        (string, string)[] request =
        [
            ("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "ec2:CopySnapshot"), ("ActionNames.member.2", "ec2:DeleteSnapshot"),
            ("ResourceArns.member.1", Snapshot), ("ResourceArns.member.2", "*"), ("MaxItems", "3"),
        ];

        var first = (await admin.CallAsync("SimulatePrincipalPolicy", request)).Result;
        Assert.Equal(3, first.Child("EvaluationResults")!.Elements().Count());
        Assert.Equal("true", first.At("IsTruncated"));
        var second = (await admin.CallAsync("SimulatePrincipalPolicy", [.. request, ("Marker", first.At("Marker")!)])).Result;
        var last = Assert.Single(second.Child("EvaluationResults")!.Elements());
        Assert.Equal(("ec2:DeleteSnapshot", "*"), (last.At("EvalActionName"), last.At("EvalResourceName")));
        Assert.Equal("false", second.At("IsTruncated"));
        Assert.Null(second.Child("Marker"));
    }

    [Fact]
    public async Task The_simulation_sees_policy_changes_at_once()
    {
        const string grant = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""";
        Assert.Equal("implicitDeny", Assert.Single(await SimulateAsync(("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "s3:GetObject"))).At("EvalDecision"));

        await _fixture.Iam(AdminKey).CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Read"), ("PolicyDocument", grant));

        var result = Assert.Single(await SimulateAsync(("PolicySourceArn", VaultRoleArn), ("ActionNames.member.1", "s3:GetObject")));
        Assert.Equal("allowed", result.At("EvalDecision"));
        Assert.Equal("Read", result.At("MatchedStatements/member/SourcePolicyId"));
        Assert.Equal((1, 38), Position(result.Child("MatchedStatements")!.Child("member")!, "StartPosition"));
    }

    private Task<List<XElement>> SimulateAsync(params (string Name, string Value)[] parameters) => SimulateAsAsync(AdminKey, parameters);

    // IAM is not cross-account: only Bob's own account may simulate Bob.
    private Task<List<XElement>> SimulateAsBobAsync(params (string Name, string Value)[] parameters) => SimulateAsAsync(BobKey, parameters);

    private async Task<List<XElement>> SimulateAsAsync(string callerKey, (string Name, string Value)[] parameters)
    {
        var result = (await _fixture.Iam(callerKey).CallAsync("SimulatePrincipalPolicy", parameters)).Result;
        Assert.Equal("false", result.At("IsTruncated"));
        return result.Child("EvaluationResults")!.Children("member").ToList();
    }

    private static (int Line, int Column) Position(XElement statement, string which) =>
        (int.Parse(statement.At(which + "/Line")!, System.Globalization.CultureInfo.InvariantCulture),
         int.Parse(statement.At(which + "/Column")!, System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string> Details(XElement result) =>
        result.Child("EvalDecisionDetails")!.Children("entry").ToDictionary(e => e.At("key")!, e => e.At("value")!);
}
