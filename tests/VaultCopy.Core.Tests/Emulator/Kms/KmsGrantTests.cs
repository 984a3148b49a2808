using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>aws-behaviour.md §4.6: CreateGrant, ListGrants, RevokeGrant, RetireGrant, and grants as permissions.</summary>
public sealed class KmsGrantTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    private static readonly string s_vaultUserArn = UserArn(Vault, "vault-user");

    // The console's statements for an external key user: use of the key, grants only for AWS resources.
    private static readonly string s_consoleShare = KeyPolicy(
        Statement("Enable IAM User Permissions", "Allow", Root(Owner), "\"kms:*\""),
        Statement("Allow use of the key", "Allow", Root(Vault), "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"]"),
        Statement("Allow attachment of persistent resources", "Allow", Root(Vault), "[\"kms:CreateGrant\",\"kms:ListGrants\",\"kms:RevokeGrant\"]",
            """{"Bool":{"kms:GrantIsForAWSResource":true}}"""));

    [Fact]
    public async Task A_direct_CreateGrant_fails_the_GrantIsForAWSResource_condition_where_the_service_passes()
    {
        emulator.Load(World(ownerKeyPolicy: s_consoleShare, vaultUserPolicy: AllowKms));
        using var vault = emulator.Client(VaultUser);
        var ex = await KmsAssert.Denied("kms:CreateGrant", OwnerKeyArn, s_vaultUserArn, () => vault.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyArn,
            GranteePrincipal = s_vaultUserArn,
            Operations = ["Decrypt"],
        }));
        Assert.EndsWith("because no resource-based policy allows the kms:CreateGrant action", ex.Message, StringComparison.Ordinal);

        // The dry run a prerequisite check might use is refused the same way (aws-behaviour.md §4.6 caveat).
        await KmsAssert.Fails("AccessDeniedException", () => vault.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyArn,
            GranteePrincipal = s_vaultUserArn,
            Operations = ["Decrypt"],
            DryRun = true,
        }));

        // EC2 acting for the same user gets through, and its grant shows up.
        var world = emulator.Server.World;
        lock (world.Sync)
        {
            var account = world.FindAccount(Vault)!;
            var user = account.Users["vault-user"];
            var caller = Caller.ForUser(account, user, user.AccessKeys[0]);
            var access = ServiceRegistry.KeyAccess!;
            Assert.Null(access.CheckUse(world, caller, access.Resolve(world, caller, OwnerKeyArn, Region)!, $"ec2.{Region}.amazonaws.com", KeyUsePurpose.DecryptSource));
        }

        using var owner = emulator.Client(OwnerAdmin);
        var grant = Assert.Single((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);
        Assert.Equal(s_vaultUserArn, grant.GranteePrincipal);
        Assert.Equal($"ec2.{Region}.amazonaws.com", grant.RetiringPrincipal);
        Assert.Equal(Root(Vault), grant.IssuingAccount);
        Assert.Contains("Decrypt", grant.Operations);

        // Once the owner withdraws the key policy, that service grant does not let the user decrypt on its own: it
        // serves EC2's copy only.
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = DefaultPolicy(Owner) });
        using var vaultAgain = emulator.Client(VaultUser);
        byte[] blob = (await owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream([7]) })).CiphertextBlob.ToArray();
        await KmsAssert.Fails("AccessDeniedException", () => vaultAgain.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob), KeyId = OwnerKeyArn, DryRun = true }));
    }

    [Fact]
    public async Task A_grant_lets_its_grantee_use_the_key_without_the_key_policy()
    {
        emulator.Load(World(ownerUserPolicy: null));
        using var owner = emulator.Client(OwnerAdmin);
        using var user = emulator.Client(OwnerUser);
        string userArn = UserArn(Owner, "owner-user");
        byte[] blob = (await owner.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyId, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("g")) })).CiphertextBlob.ToArray();
        await KmsAssert.Denied("kms:Decrypt", OwnerKeyArn, userArn, () => user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));

        var created = await owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = userArn,
            RetiringPrincipal = userArn,
            Operations = ["Decrypt", "RetireGrant"],
        });
        Assert.Equal("g", Encoding.UTF8.GetString((await user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) })).Plaintext.ToArray()));
        await KmsAssert.Denied("kms:Encrypt", OwnerKeyArn, userArn, () => user.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyArn, Plaintext = new MemoryStream([1]) }));

        // The grantee retires it with the token, and the permission is gone.
        await user.RetireGrantAsync(new RetireGrantRequest { GrantToken = created.GrantToken });
        Assert.Empty((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);
        await KmsAssert.Fails("AccessDeniedException", () => user.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));
    }

    [Fact]
    public async Task Encryption_context_constraints_limit_a_grant()
    {
        emulator.Load(World(ownerUserPolicy: null));
        using var owner = emulator.Client(OwnerAdmin);
        using var user = emulator.Client(OwnerUser);
        await owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = UserArn(Owner, "owner-user"),
            Operations = ["Encrypt"],
            Constraints = new GrantConstraints { EncryptionContextSubset = new Dictionary<string, string> { ["team"] = "backup" } },
        });
        var withContext = new EncryptRequest
        {
            KeyId = OwnerKeyArn,
            Plaintext = new MemoryStream([1]),
            EncryptionContext = new Dictionary<string, string> { ["team"] = "backup", ["extra"] = "ok" },
        };
        Assert.Equal(OwnerKeyArn, (await user.EncryptAsync(withContext)).KeyId);
        await KmsAssert.Fails("AccessDeniedException", () => user.EncryptAsync(new EncryptRequest { KeyId = OwnerKeyArn, Plaintext = new MemoryStream([1]) }));
        var listed = Assert.Single((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);
        Assert.Equal("backup", listed.Constraints.EncryptionContextSubset["team"]);
    }

    [Fact]
    public async Task CreateGrant_with_the_same_Name_and_parameters_returns_the_same_grant()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        CreateGrantRequest Request(string operation) => new()
        {
            KeyId = OwnerKeyId,
            Name = "vault-copy",
            GranteePrincipal = Root(Vault),
            Operations = [operation, "DescribeKey"],
        };
        var first = await owner.CreateGrantAsync(Request("Decrypt"));
        var retry = await owner.CreateGrantAsync(Request("Decrypt"));
        Assert.Equal(first.GrantId, retry.GrantId);
        Assert.NotEqual(first.GrantToken, retry.GrantToken);
        Assert.Single((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);

        var different = await owner.CreateGrantAsync(Request("Encrypt"));
        Assert.NotEqual(first.GrantId, different.GrantId);
        var unnamed = await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt", "DescribeKey"] });
        var unnamedAgain = await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt", "DescribeKey"] });
        Assert.NotEqual(unnamed.GrantId, unnamedAgain.GrantId);

        var grants = (await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants;
        Assert.Equal(4, grants.Count);
        var named = Assert.Single(grants, g => g.GrantId == first.GrantId);
        Assert.Equal("vault-copy", named.Name);
        Assert.Equal(OwnerKeyArn, named.KeyId);
        Assert.Equal(Root(Owner), named.IssuingAccount);
        Assert.NotNull(named.CreationDate);
    }

    [Fact]
    public async Task CreateGrant_validates_its_request()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        await KmsAssert.Fails("ValidationException", () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, Operations = ["Decrypt"] }));
        await KmsAssert.Fails("ValidationException", () => owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = Root(Vault),
            Operations = ["Decrypt"],
            GrantTokens = Enumerable.Range(0, 11).Select(i => "token" + i).ToList(),
        }));
        await KmsAssert.Fails("InvalidGrantTokenException", () => owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = Root(Vault),
            Operations = ["Decrypt"],
            GrantTokens = ["not-a-grant-token"],
        }));
        await KmsAssert.Fails("ValidationException", () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Sign"] }));
        var dryRun = await KmsAssert.Fails("DryRunOperationException",
            () => owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = Root(Vault), Operations = ["Decrypt"], DryRun = true }));
        Assert.IsType<DryRunOperationException>(dryRun);
        Assert.Empty((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);
    }

    [Fact]
    public async Task Grants_are_revoked_by_the_key_owner_and_retired_by_the_retiring_principal()
    {
        emulator.Load(World(vaultUserPolicy: AllowKms));
        using var owner = emulator.Client(OwnerAdmin);
        using var vault = emulator.Client(VaultUser);
        var revoked = await owner.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyId, GranteePrincipal = s_vaultUserArn, Operations = ["Decrypt"] });
        var retired = await owner.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = OwnerKeyId,
            GranteePrincipal = s_vaultUserArn,
            RetiringPrincipal = s_vaultUserArn,
            Operations = ["Decrypt"],
        });
        var byGrantee = await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, GranteePrincipal = s_vaultUserArn });
        Assert.Equal(2, byGrantee.Grants.Count);
        Assert.Single((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId, GrantId = retired.GrantId })).Grants);

        // The grantee cannot retire a grant that names no retiring principal and does not allow RetireGrant.
        await KmsAssert.Denied("kms:RetireGrant", OwnerKeyArn, s_vaultUserArn,
            () => vault.RetireGrantAsync(new RetireGrantRequest { KeyId = OwnerKeyArn, GrantId = revoked.GrantId }));
        await KmsAssert.Fails("DryRunOperationException",
            () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = revoked.GrantId, DryRun = true }));
        await owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = revoked.GrantId });
        await KmsAssert.Fails("NotFoundException", () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = revoked.GrantId }));
        await KmsAssert.Fails("InvalidGrantIdException", () => owner.RevokeGrantAsync(new RevokeGrantRequest { KeyId = OwnerKeyId, GrantId = "nope" }));

        // The retiring principal in another account retires by key ARN and grant id.
        await vault.RetireGrantAsync(new RetireGrantRequest { KeyId = OwnerKeyArn, GrantId = retired.GrantId });
        Assert.Empty((await owner.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyId })).Grants);
        await KmsAssert.Fails("InvalidGrantTokenException", () => vault.RetireGrantAsync(new RetireGrantRequest { GrantToken = "garbage" }));
    }
}
