using System.Net;
using static VaultCopy.Core.Tests.Emulator.Iam.IamWorld;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>Put/Get/Delete Role and User policies: validation, size quotas, replacement, and effect on the next request.</summary>
public sealed class IamInlinePolicyTests : IClassFixture<IamServerFixture>
{
    private const string ReadOnlyPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}""";

    private readonly IamServerFixture _fixture;

    public IamInlinePolicyTests(IamServerFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    [Fact]
    public async Task A_put_role_policy_reads_back_exactly_as_written_url_encoded()
    {
        var admin = _fixture.Iam(AdminKey);
        const string document = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", \"Resource\": \"arn:aws:s3:::a+b/*\"}]\n}";

        var put = await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Extra"), ("PolicyDocument", document));
        Assert.Equal(200, put.Status);
        // PutRolePolicy has no result wrapper in the model: only ResponseMetadata.
        Assert.Null(put.Root.Child("PutRolePolicyResult"));
        Assert.NotNull(put.Root.Child("ResponseMetadata"));

        var result = (await admin.CallAsync("GetRolePolicy", ("RoleName", "vaultcopyrole"), ("PolicyName", "Extra"))).Result;
        Assert.Equal("VaultCopyRole", result.At("RoleName"));
        Assert.Equal("Extra", result.At("PolicyName"));
        string encoded = result.At("PolicyDocument")!;
        Assert.Contains("%0A%20%20%22Version%22", encoded, StringComparison.Ordinal);
        Assert.Contains("a%2Bb", encoded, StringComparison.Ordinal);
        Assert.Equal(document, WebUtility.UrlDecode(encoded));
    }

    [Fact]
    public async Task A_put_user_policy_with_the_same_name_replaces_the_old_one()
    {
        var admin = _fixture.Iam(AdminKey);
        const string second = """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}""";

        await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "P"), ("PolicyDocument", ReadOnlyPolicy));
        await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "P"), ("PolicyDocument", second));

        var got = (await admin.CallAsync("GetUserPolicy", ("UserName", "nobody"), ("PolicyName", "P"))).Result;
        Assert.Equal("nobody", got.At("UserName"));
        Assert.Equal(second, WebUtility.UrlDecode(got.At("PolicyDocument")));
        Assert.Equal(["P"], (await admin.CallAsync("ListUserPolicies", ("UserName", "nobody"))).Result.Members("PolicyNames"));
    }

    [Fact]
    public async Task A_new_policy_applies_from_the_next_request_and_a_deleted_one_stops_applying()
    {
        var admin = _fixture.Iam(AdminKey);
        var nobody = _fixture.Iam(NobodyKey);
        (await nobody.CallAsync("GetUser")).AssertError("AccessDenied", 403);

        await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "ReadSelf"), ("PolicyDocument", ReadOnlyPolicy));
        Assert.Equal("nobody", (await nobody.CallAsync("GetUser")).Result.At("User/UserName"));

        var deleted = await admin.CallAsync("DeleteUserPolicy", ("UserName", "nobody"), ("PolicyName", "ReadSelf"));
        Assert.Equal(200, deleted.Status);
        Assert.Null(deleted.Root.Child("DeleteUserPolicyResult"));
        (await nobody.CallAsync("GetUser")).AssertError("AccessDenied", 403);
    }

    [Fact]
    public async Task A_role_session_gains_a_permission_as_soon_as_its_role_policy_changes()
    {
        var session = _fixture.Iam(await _fixture.AssumeRoleAsync(AdminKey, OperatorRoleArn));
        (await session.CallAsync("ListRolePolicies", ("RoleName", "Operator"))).AssertError("AccessDenied", 403);

        // The session itself may put a policy on its own role (its Operate policy allows iam:PutRolePolicy there).
        const string grant = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRolePolicies","Resource":"*"}]}""";
        var put = await session.CallAsync("PutRolePolicy", ("RoleName", "Operator"), ("PolicyName", "More"), ("PolicyDocument", grant));
        Assert.Equal(200, put.Status);

        Assert.Equal(["More", "Operate"], (await session.CallAsync("ListRolePolicies", ("RoleName", "Operator"))).Result.Members("PolicyNames"));
    }

    [Theory]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[", "Syntax errors in policy")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}""", "Policy document should not specify a principal.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}""", "Policy statement must contain resources.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}""", "Policy statement must contain actions")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}""", "Invalid effect")]
    [InlineData("""{"Version":"2013-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""", "valid version string")]
    public async Task A_malformed_document_is_MalformedPolicyDocument_and_changes_nothing(string document, string expected)
    {
        var admin = _fixture.Iam(AdminKey);

        var result = await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Bad"), ("PolicyDocument", document));

        Assert.Contains(expected, result.AssertError("MalformedPolicyDocument", 400), StringComparison.Ordinal);
        Assert.Equal(["VaultWork"], (await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"))).Result.Members("PolicyNames"));
    }

    [Fact]
    public async Task Role_inline_policies_together_may_hold_10240_non_whitespace_characters()
    {
        var admin = _fixture.Iam(AdminKey);
        int existing = NonWhitespace(VaultWorkPolicy);

        // Whitespace does not count: a document far longer than the quota in characters fits if little of it is text.
        string padded = PolicyOfSize(10240 - existing, padding: 20000);
        Assert.True(padded.Length > 10240);
        Assert.Equal(200, (await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Big"), ("PolicyDocument", padded))).Status);

        // Replacing a policy counts the new text instead of the old.
        Assert.Equal(200, (await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Big"), ("PolicyDocument", PolicyOfSize(10240 - existing)))).Status);

        var over = await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "OneMore"), ("PolicyDocument", ReadOnlyPolicy));
        Assert.Equal("Maximum policy size of 10240 bytes exceeded for role VaultCopyRole", over.AssertError("LimitExceeded", 409));
        Assert.Equal(["Big", "VaultWork"], (await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"))).Result.Members("PolicyNames"));
    }

    [Fact]
    public async Task User_inline_policies_together_may_hold_2048_non_whitespace_characters()
    {
        var admin = _fixture.Iam(AdminKey);

        Assert.Equal(200, (await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "A"), ("PolicyDocument", PolicyOfSize(2048)))).Status);
        var over = await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "B"), ("PolicyDocument", PolicyOfSize(200)));

        Assert.Equal("Maximum policy size of 2048 bytes exceeded for user nobody", over.AssertError("LimitExceeded", 409));
    }

    [Fact]
    public async Task A_service_linked_role_is_UnmodifiableEntity()
    {
        var admin = _fixture.Iam(AdminKey);

        var put = await admin.CallAsync("PutRolePolicy", ("RoleName", "AWSServiceRoleForSupport"), ("PolicyName", "X"), ("PolicyDocument", ReadOnlyPolicy));
        Assert.Equal(
            "Cannot perform the operation on the protected role 'AWSServiceRoleForSupport' - this role is only modifiable by AWS",
            put.AssertError("UnmodifiableEntity", 400));
        var delete = await admin.CallAsync("DeleteRolePolicy", ("RoleName", "AWSServiceRoleForSupport"), ("PolicyName", "AWSSupportServiceRolePolicy"));
        delete.AssertError("UnmodifiableEntity", 400);

        // Reading it is fine.
        Assert.Equal(["AWSSupportServiceRolePolicy"], (await admin.CallAsync("ListRolePolicies", ("RoleName", "AWSServiceRoleForSupport"))).Result.Members("PolicyNames"));
    }

    [Fact]
    public async Task Missing_policies_and_entities_are_NoSuchEntity_404()
    {
        var admin = _fixture.Iam(AdminKey);

        Assert.Equal("The role policy with name Nope cannot be found.",
            (await admin.CallAsync("GetRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "Nope"))).AssertError("NoSuchEntity", 404));
        Assert.Equal("The user policy with name Nope cannot be found.",
            (await admin.CallAsync("DeleteUserPolicy", ("UserName", "alice"), ("PolicyName", "Nope"))).AssertError("NoSuchEntity", 404));
        Assert.Equal("The user with name ghost cannot be found.",
            (await admin.CallAsync("PutUserPolicy", ("UserName", "ghost"), ("PolicyName", "P"), ("PolicyDocument", ReadOnlyPolicy))).AssertError("NoSuchEntity", 404));
        Assert.Equal("The role with name Ghost cannot be found.",
            (await admin.CallAsync("DeleteRolePolicy", ("RoleName", "Ghost"), ("PolicyName", "P"))).AssertError("NoSuchEntity", 404));

        Assert.Equal(200, (await admin.CallAsync("DeleteRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "VaultWork"))).Status);
        (await admin.CallAsync("GetRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "VaultWork"))).AssertError("NoSuchEntity", 404);
    }

    [Fact]
    public async Task Inputs_are_validated_against_the_model_before_anything_else()
    {
        var admin = _fixture.Iam(AdminKey);

        string missing = (await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "P"))).AssertError("ValidationError", 400);
        Assert.Equal("1 validation error detected: Value null at 'policyDocument' failed to satisfy constraint: Member must not be null", missing);

        string name = (await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "has space"), ("PolicyDocument", ReadOnlyPolicy))).AssertError("ValidationError", 400);
        Assert.Contains("at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern", name, StringComparison.Ordinal);

        // Policy documents are limited to tab, LF, CR and U+0020-U+00FF.
        string outside = ReadOnlyPolicy.Replace("iam:GetUser", "iam:GetUser\u0100", StringComparison.Ordinal);
        string chars = (await admin.CallAsync("PutUserPolicy", ("UserName", "nobody"), ("PolicyName", "P"), ("PolicyDocument", outside))).AssertError("ValidationError", 400);
        Assert.Contains(@"at 'policyDocument' failed to satisfy constraint: Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+", chars, StringComparison.Ordinal);

        // Validation comes before authorization: even a caller without permissions learns the input is wrong.
        (await _fixture.Iam(NobodyKey).CallAsync("GetRolePolicy", ("RoleName", "VaultCopyRole"))).AssertError("ValidationError", 400);
    }

    [Fact]
    public async Task Writing_a_policy_needs_permission_on_the_entity()
    {
        var result = await _fixture.Iam(GuardedKey).CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", "P"), ("PolicyDocument", ReadOnlyPolicy));

        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/guarded is not authorized to perform: iam:PutRolePolicy on resource: role VaultCopyRole with an explicit deny in an identity-based policy",
            result.AssertError("AccessDenied", 403));
        Assert.Equal(200, (await _fixture.Iam(GuardedKey).CallAsync("PutRolePolicy", ("RoleName", "Operator"), ("PolicyName", "P"), ("PolicyDocument", ReadOnlyPolicy))).Status);
    }

    private static int NonWhitespace(string text) => text.Count(c => !char.IsWhiteSpace(c));

    /// <summary>A valid identity policy of exactly <paramref name="size"/> non-whitespace characters.</summary>
    private static string PolicyOfSize(int size, int padding = 0)
    {
        const string head = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::""";
        const string tail = "\"}]}";
        int fill = size - head.Length - tail.Length;
        Assert.True(fill > 0);
        return head + new string('b', fill) + tail + new string(' ', padding);
    }
}
