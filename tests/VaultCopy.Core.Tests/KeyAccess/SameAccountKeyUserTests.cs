using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.KeyAccess;

/// <summary>KeyPolicyEditor's same-account key-user mode: the vault role as a user of the vault's own key.</summary>
public sealed class SameAccountKeyUserTests
{
    private const string VaultRole = "arn:aws:iam::222222222222:role/VaultCopyVault";
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM policies","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}""";

    [Fact]
    public void Names_the_role_as_key_user_of_its_own_accounts_key()
    {
        GrantResult result = KeyPolicyEditor.Grant(Policy, new KeyAccessGrant("222222222222")
        {
            Principals = [VaultRole],
            KeyOwnerAccountId = "222222222222",
            SameAccountKeyUsers = true,
        });

        KeyPolicyDocument document = KeyPolicyDocument.Parse(result.After);
        Assert.Contains(VaultRole, document.FindStatement("VaultCopyUseKey-222222222222")!.Json, StringComparison.Ordinal);
        Assert.Contains(VaultRole, document.FindStatement("VaultCopyAttachPersistentResources-222222222222")!.Json, StringComparison.Ordinal);
        Assert.Equal(document.Statements[0].Json, KeyPolicyDocument.Parse(Policy).Statements[0].Json);
    }

    [Fact]
    public void The_cross_account_path_still_refuses_the_keys_own_account()
    {
        var refused = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(Policy, new KeyAccessGrant("222222222222")
        {
            Principals = [VaultRole],
            KeyOwnerAccountId = "222222222222",
        }));

        Assert.Equal(PolicyRefusalReason.GrantToKeyOwner, refused.Reason);
    }

    [Theory]
    [InlineData(new string[0], "222222222222")]
    [InlineData(new[] { "arn:aws:iam::222222222222:root" }, "222222222222")]
    [InlineData(new[] { VaultRole }, "111111111111")]
    [InlineData(new[] { VaultRole }, null)]
    public void Needs_named_principals_of_the_keys_own_account(string[] principals, string? keyOwner)
    {
        var refused = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(Policy, new KeyAccessGrant("222222222222")
        {
            Principals = principals,
            KeyOwnerAccountId = keyOwner,
            SameAccountKeyUsers = true,
        }));

        Assert.Equal(PolicyRefusalReason.InvalidArgument, refused.Reason);
    }
}
