using System.Net;
using static VaultCopy.Core.Tests.Emulator.Iam.IamWorld;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>GetUser, GetRole, authorization and the global credential scope.</summary>
public sealed class IamEntityTests : IClassFixture<IamServerFixture>
{
    private const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    private readonly IamServerFixture _fixture;

    public IamEntityTests(IamServerFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    [Fact]
    public async Task GetUser_without_a_name_describes_the_calling_user()
    {
        var result = await _fixture.Iam(AliceKey).CallAsync("GetUser");

        Assert.Equal(200, result.Status);
        Assert.Equal(IamNamespace, result.Root.Name.NamespaceName);
        var user = result.Result.Child("User")!;
        Assert.Equal("/team/", user.At("Path"));
        Assert.Equal("alice", user.At("UserName"));
        Assert.Equal("arn:aws:iam::111111111111:user/team/alice", user.At("Arn"));
        Assert.Matches("^AIDA[A-Z0-9]{16,17}$", user.At("UserId"));
        // IAM timestamps are whole-second ISO 8601 UTC.
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", user.At("CreateDate"));
    }

    [Fact]
    public async Task GetUser_with_a_name_needs_permission_on_that_user()
    {
        var alice = _fixture.Iam(AliceKey);
        Assert.Equal("alice", (await alice.CallAsync("GetUser", ("UserName", "alice"))).Result.At("User/UserName"));

        // Her policy names only her own ARN (via ${aws:username}); admin is someone else.
        string message = (await alice.CallAsync("GetUser", ("UserName", "admin"))).AssertError("AccessDenied", 403);
        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/team/alice is not authorized to perform: iam:GetUser on resource: user admin because no identity-based policy allows the iam:GetUser action",
            message);
    }

    [Fact]
    public async Task GetUser_from_a_role_session_without_a_name_is_refused_as_AWS_does()
    {
        var session = await _fixture.AssumeRoleAsync(AdminKey, VaultRoleArn);

        var result = await _fixture.Iam(session).CallAsync("GetUser");

        Assert.Equal("Must specify userName when calling with non-User credentials", result.AssertError("ValidationError", 400));
        Assert.Equal("Sender", result.ErrorType);
    }

    [Fact]
    public async Task GetUser_as_root_describes_the_account_without_a_user_name()
    {
        var user = (await _fixture.Iam(RootKey).CallAsync("GetUser")).Result.Child("User")!;

        Assert.Equal(Origin, user.At("UserId"));
        Assert.Equal("arn:aws:iam::111111111111:root", user.At("Arn"));
        Assert.Null(user.Child("UserName"));
        Assert.Null(user.Child("Path"));
    }

    [Fact]
    public async Task GetUser_for_an_unknown_user_is_NoSuchEntity_404()
    {
        var result = await _fixture.Iam(AdminKey).CallAsync("GetUser", ("UserName", "ghost"));

        Assert.Equal("The user with name ghost cannot be found.", result.AssertError("NoSuchEntity", 404));
    }

    [Fact]
    public async Task An_unknown_user_is_AccessDenied_not_NoSuchEntity_for_a_caller_who_may_not_look()
    {
        var result = await _fixture.Iam(NobodyKey).CallAsync("GetUser", ("UserName", "ghost"));

        Assert.Contains("on resource: user ghost because no identity-based policy allows", result.AssertError("AccessDenied", 403), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_are_checked_against_the_model_pattern_and_length()
    {
        var admin = _fixture.Iam(AdminKey);

        string pattern = (await admin.CallAsync("GetUser", ("UserName", "no spaces"))).AssertError("ValidationError", 400);
        Assert.Equal(
            @"1 validation error detected: Value 'no spaces' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
            pattern);
        string length = (await admin.CallAsync("GetRole", ("RoleName", new string('r', 65)))).AssertError("ValidationError", 400);
        Assert.Contains("at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64", length, StringComparison.Ordinal);
        string missing = (await admin.CallAsync("GetRole")).AssertError("ValidationError", 400);
        Assert.Contains("Value null at 'roleName' failed to satisfy constraint: Member must not be null", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRole_returns_the_role_with_its_trust_policy_url_encoded()
    {
        var result = await _fixture.Iam(AdminKey).CallAsync("GetRole", ("RoleName", "VaultCopyRole"));

        var role = result.Result.Child("Role")!;
        Assert.Equal("/", role.At("Path"));
        Assert.Equal("VaultCopyRole", role.At("RoleName"));
        Assert.Equal(VaultRoleArn, role.At("Arn"));
        Assert.Matches("^AROA[A-Z0-9]{16,17}$", role.At("RoleId"));
        Assert.Equal("Copies backups into the vault.", role.At("Description"));
        Assert.Equal("7200", role.At("MaxSessionDuration"));
        Assert.NotNull(role.Child("RoleLastUsed"));
        string encoded = role.At("AssumeRolePolicyDocument")!;
        Assert.StartsWith("%7B", encoded, StringComparison.Ordinal);
        Assert.DoesNotContain("+", encoded, StringComparison.Ordinal);
        string decoded = WebUtility.UrlDecode(encoded);
        Assert.Contains("\"Principal\": { \"AWS\": \"arn:aws:iam::111111111111:root\" }", decoded, StringComparison.Ordinal);
        using var parsed = System.Text.Json.JsonDocument.Parse(decoded);
        Assert.Equal("sts:AssumeRole", parsed.RootElement.GetProperty("Statement")[0].GetProperty("Action").GetString());
    }

    [Fact]
    public async Task GetRole_finds_roles_case_insensitively_and_reports_the_stored_name_and_path()
    {
        var role = (await _fixture.Iam(AdminKey).CallAsync("GetRole", ("RoleName", "operator"))).Result.Child("Role")!;

        Assert.Equal("Operator", role.At("RoleName"));
        Assert.Equal(OperatorRoleArn, role.At("Arn"));
        Assert.Null(role.Child("Description"));
    }

    [Fact]
    public async Task GetRole_for_an_unknown_role_is_NoSuchEntity_404()
    {
        var result = await _fixture.Iam(AdminKey).CallAsync("GetRole", ("RoleName", "Ghost"));

        Assert.Equal("The role with name Ghost cannot be found.", result.AssertError("NoSuchEntity", 404));
    }

    [Fact]
    public async Task An_explicit_deny_wins_over_an_allow_and_says_so()
    {
        var guarded = _fixture.Iam(GuardedKey);

        Assert.Equal("Operator", (await guarded.CallAsync("GetRole", ("RoleName", "Operator"))).Result.At("Role/RoleName"));
        string message = (await guarded.CallAsync("GetRole", ("RoleName", "VaultCopyRole"))).AssertError("AccessDenied", 403);
        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/guarded is not authorized to perform: iam:GetRole on resource: role VaultCopyRole with an explicit deny in an identity-based policy",
            message);
    }

    [Fact]
    public async Task A_role_session_is_authorized_by_its_role_and_named_by_its_session_arn()
    {
        var session = await _fixture.AssumeRoleAsync(AdminKey, OperatorRoleArn);
        var client = _fixture.Iam(session);

        Assert.Equal("Operator", (await client.CallAsync("GetRole", ("RoleName", "Operator"))).Result.At("Role/RoleName"));
        string message = (await client.CallAsync("GetRole", ("RoleName", "VaultCopyRole"))).AssertError("AccessDenied", 403);
        Assert.StartsWith("User: arn:aws:sts::111111111111:assumed-role/Operator/iam-tests is not authorized to perform: iam:GetRole", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IAM_answers_only_requests_scoped_to_the_global_region()
    {
        var result = await _fixture.Iam(AdminKey, region: "eu-west-1").CallAsync("GetUser");

        Assert.Equal("Credential should be scoped to a valid region, not 'eu-west-1'. ", result.AssertError("SignatureDoesNotMatch", 403));
    }

    [Fact]
    public async Task An_operation_the_emulator_does_not_implement_is_InvalidAction()
    {
        var result = await _fixture.Iam(AdminKey).CallAsync("CreateUser", ("UserName", "new"));

        Assert.Equal("Could not find operation CreateUser for version 2010-05-08", result.AssertError("InvalidAction", 400));
    }

    [Fact]
    public async Task The_root_user_may_do_anything_in_its_account_but_not_in_another()
    {
        var root = _fixture.Iam(RootKey);
        Assert.Equal("VaultCopyRole", (await root.CallAsync("GetRole", ("RoleName", "VaultCopyRole"))).Result.At("Role/RoleName"));

        var bob = _fixture.Iam(BobKey);
        // Bob may do iam:* in his own account 222222222222; the same name there does not exist.
        var result = await bob.CallAsync("GetRole", ("RoleName", "VaultCopyRole"));
        Assert.Equal("The role with name VaultCopyRole cannot be found.", result.AssertError("NoSuchEntity", 404));
        Assert.Equal(2, _fixture.Server.Calls.Count("iam:GetRole"));
    }
}
