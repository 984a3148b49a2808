using static VaultCopy.Core.Tests.Emulator.Iam.IamWorld;

namespace VaultCopy.Core.Tests.Emulator.Iam;

/// <summary>ListRolePolicies, ListUserPolicies, ListAttachedRolePolicies, ListAttachedUserPolicies and their paging.</summary>
public sealed class IamListTests : IClassFixture<IamServerFixture>
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}""";

    private readonly IamServerFixture _fixture;

    public IamListTests(IamServerFixture fixture)
    {
        _fixture = fixture;
        fixture.Server.Reset();
    }

    [Fact]
    public async Task Inline_policy_names_page_with_Marker_IsTruncated_and_MaxItems()
    {
        var admin = _fixture.Iam(AdminKey);
        foreach (string name in new[] { "e", "b", "d", "a" })
        {
            await admin.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyRole"), ("PolicyName", name), ("PolicyDocument", Policy));
        }

        var seen = new List<string>();
        var truncations = new List<string>();
        string? marker = null;
        do
        {
            var parameters = new List<(string, string)> { ("RoleName", "VaultCopyRole"), ("MaxItems", "2") };
            if (marker is not null)
            {
                parameters.Add(("Marker", marker));
            }

            var page = (await admin.CallAsync("ListRolePolicies", [.. parameters])).Result;
            var names = page.Members("PolicyNames");
            Assert.InRange(names.Count, 1, 2);
            seen.AddRange(names);
            truncations.Add(page.At("IsTruncated")!);
            marker = page.At("Marker");
            // IAM writes Marker only while there is more.
            Assert.Equal(page.At("IsTruncated") == "true", marker is not null);
        }
        while (marker is not null);

        Assert.Equal(["VaultWork", "a", "b", "d", "e"], seen);
        Assert.Equal(["true", "true", "false"], truncations);
    }

    [Fact]
    public async Task An_unpaged_list_says_IsTruncated_false_and_has_no_Marker()
    {
        var result = (await _fixture.Iam(AliceKey).CallAsync("ListUserPolicies", ("UserName", "alice"))).Result;

        Assert.Equal(["SelfService"], result.Members("PolicyNames"));
        Assert.Equal("false", result.At("IsTruncated"));
        Assert.Null(result.Child("Marker"));
    }

    [Fact]
    public async Task An_entity_without_inline_policies_lists_an_empty_PolicyNames()
    {
        var result = (await _fixture.Iam(AdminKey).CallAsync("ListUserPolicies", ("UserName", "nobody"))).Result;

        Assert.NotNull(result.Child("PolicyNames"));
        Assert.Empty(result.Members("PolicyNames"));
    }

    [Fact]
    public async Task Paging_inputs_are_validated()
    {
        var admin = _fixture.Iam(AdminKey);

        string zero = (await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"), ("MaxItems", "0"))).AssertError("ValidationError", 400);
        Assert.Contains("Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1", zero, StringComparison.Ordinal);
        (await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"), ("MaxItems", "1001"))).AssertError("ValidationError", 400);
        // A marker the service did not issue.
        (await admin.CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"), ("Marker", "not-a-marker"))).AssertError("ValidationError", 400);
        (await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "VaultCopyRole"), ("Marker", "not-a-marker"))).AssertError("InvalidInput", 400);
    }

    [Fact]
    public async Task Attached_policies_list_customer_and_AWS_managed_policies_with_their_arns()
    {
        var result = (await _fixture.Iam(AdminKey).CallAsync("ListAttachedUserPolicies", ("UserName", "admin"))).Result;

        var attached = result.Child("AttachedPolicies")!.Children("member")
            .Select(m => (m.At("PolicyName"), m.At("PolicyArn")))
            .ToList();
        Assert.Equal(
            [("ReadRoles", "arn:aws:iam::111111111111:policy/vaultcopy/ReadRoles"), ("AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess")],
            attached);
        Assert.Equal("false", result.At("IsTruncated"));
    }

    [Fact]
    public async Task PathPrefix_filters_attached_policies_by_policy_path()
    {
        var admin = _fixture.Iam(AdminKey);

        var only = (await admin.CallAsync("ListAttachedUserPolicies", ("UserName", "admin"), ("PathPrefix", "/vaultcopy/"))).Result;
        Assert.Equal(["ReadRoles"], only.Child("AttachedPolicies")!.Children("member").Select(m => m.At("PolicyName")!).ToList());

        var none = (await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "VaultCopyRole"), ("PathPrefix", "/other/"))).Result;
        Assert.NotNull(none.Child("AttachedPolicies"));
        Assert.Empty(none.Child("AttachedPolicies")!.Elements());

        string bad = (await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "VaultCopyRole"), ("PathPrefix", "vaultcopy"))).AssertError("ValidationError", 400);
        Assert.Contains("at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attached_policies_page_too()
    {
        var first = (await _fixture.Iam(AdminKey).CallAsync("ListAttachedUserPolicies", ("UserName", "admin"), ("MaxItems", "1"))).Result;
        Assert.Equal("true", first.At("IsTruncated"));
        Assert.Single(first.Child("AttachedPolicies")!.Elements());

        var second = (await _fixture.Iam(AdminKey).CallAsync("ListAttachedUserPolicies", ("UserName", "admin"), ("MaxItems", "1"), ("Marker", first.At("Marker")!))).Result;
        Assert.Equal("AdministratorAccess", second.At("AttachedPolicies/member/PolicyName"));
        Assert.Equal("false", second.At("IsTruncated"));
    }

    [Fact]
    public async Task Listing_an_unknown_entity_is_NoSuchEntity_and_listing_needs_permission()
    {
        var admin = _fixture.Iam(AdminKey);
        Assert.Equal("The role with name Ghost cannot be found.",
            (await admin.CallAsync("ListAttachedRolePolicies", ("RoleName", "Ghost"))).AssertError("NoSuchEntity", 404));
        (await admin.CallAsync("ListUserPolicies", ("UserName", "ghost"))).AssertError("NoSuchEntity", 404);

        string message = (await _fixture.Iam(AliceKey).CallAsync("ListUserPolicies", ("UserName", "admin"))).AssertError("AccessDenied", 403);
        Assert.Contains("iam:ListUserPolicies on resource: user admin", message, StringComparison.Ordinal);
        // Alice's attached ReadRoles policy lets her list any role's inline policies, and her own attachments.
        Assert.Equal(["VaultWork"], (await _fixture.Iam(AliceKey).CallAsync("ListRolePolicies", ("RoleName", "VaultCopyRole"))).Result.Members("PolicyNames"));
        var mine = (await _fixture.Iam(AliceKey).CallAsync("ListAttachedUserPolicies", ("UserName", "alice"))).Result;
        Assert.Equal(["ReadRoles"], mine.Child("AttachedPolicies")!.Children("member").Select(m => m.At("PolicyName")!).ToList());
    }
}
