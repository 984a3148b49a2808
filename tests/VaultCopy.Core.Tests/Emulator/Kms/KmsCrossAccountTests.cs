using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>aws-behaviour.md §4.3 and §9 rule 5: key policy (owner) AND IAM policy (caller) AND no explicit deny.</summary>
public sealed class KmsCrossAccountTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    private const string UseActions = "[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"]";

    private static readonly string s_vaultUserArn = UserArn(Vault, "vault-user");

    private static string VaultUseIam(string resource = "*") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{{UseActions}},"Resource":"{{resource}}"}]}""";

    public static TheoryData<string, string, string?, string?> Cases => new()
    {
        // case, key policy addition, vault-user IAM policy, expected error (null = allowed) with its reason
        { "key policy names the vault account, IAM allows", Share(Root(Vault)), VaultUseIam(), null },
        { "key policy names the vault user, IAM allows the key ARN", Share(s_vaultUserArn), VaultUseIam(OwnerKeyArn), null },
        { "key policy only", Share(Root(Vault)), null, "because no identity-based policy allows the kms:Encrypt action" },
        { "key policy names the user directly, still needs IAM across accounts", Share(s_vaultUserArn), null, "because no identity-based policy allows the kms:Encrypt action" },
        { "IAM only", string.Empty, VaultUseIam(), "because no resource-based policy allows the kms:Encrypt action" },
        { "IAM allows another key only", Share(Root(Vault)), VaultUseIam(VaultKeyArn), "because no identity-based policy allows the kms:Encrypt action" },
        {
            "explicit deny in the vault user's IAM policy", Share(Root(Vault)),
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:Encrypt","Resource":"*"}]}""",
            "with an explicit deny in an identity-based policy"
        },
        {
            "explicit deny in the key policy", Share(Root(Vault)) + "," + Statement("NoVault", "Deny", Root(Vault), "\"kms:Encrypt\""),
            VaultUseIam(), "with an explicit deny in a resource-based policy"
        },
        { "another account is named", Share(Root(Other)), VaultUseIam(), "because no resource-based policy allows the kms:Encrypt action" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Vault_user_encrypts_with_the_owner_key(string name, string keyPolicyAddition, string? vaultIam, string? denial)
    {
        Assert.NotNull(name);
        string policy = keyPolicyAddition.Length == 0
            ? DefaultPolicy(Owner)
            : KeyPolicy(Statement("Enable IAM User Permissions", "Allow", Root(Owner), "\"kms:*\""), keyPolicyAddition);
        emulator.Load(World(ownerKeyPolicy: policy, vaultUserPolicy: vaultIam));
        using var vault = emulator.Client(VaultUser);
        var request = new EncryptRequest { KeyId = OwnerKeyArn, Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("backup")) };
        if (denial is null)
        {
            var response = await vault.EncryptAsync(request);
            Assert.Equal(OwnerKeyArn, response.KeyId);
            var decrypted = await vault.DecryptAsync(new DecryptRequest { CiphertextBlob = response.CiphertextBlob });
            Assert.Equal("backup", Encoding.UTF8.GetString(decrypted.Plaintext.ToArray()));
            return;
        }

        var ex = await KmsAssert.Denied("kms:Encrypt", OwnerKeyArn, s_vaultUserArn, () => vault.EncryptAsync(request));
        Assert.EndsWith(denial, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alias_names_resolve_in_the_callers_account_and_alias_arns_cross_accounts()
    {
        emulator.Load(World(ownerKeyPolicy: KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Share(Root(Vault))), vaultUserPolicy: VaultUseIam()));
        using var vault = emulator.Client(VaultUser);

        // alias/origin-key exists only in the owner account: by name the vault looks in its own account.
        var ex = await KmsAssert.Fails("NotFoundException", () => vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/origin-key" }));
        Assert.Equal($"Alias arn:aws:kms:{Region}:{Vault}:alias/origin-key is not found.", ex.Message);
        Assert.IsType<NotFoundException>(ex);

        var byAliasArn = await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = $"arn:aws:kms:{Region}:{Owner}:alias/origin-key" });
        Assert.Equal(OwnerKeyArn, byAliasArn.KeyMetadata.Arn);
        Assert.Equal(Owner, byAliasArn.KeyMetadata.AWSAccountId);

        // The vault's own alias of the same shape means the vault's key.
        var own = await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/vault-key" });
        Assert.Equal(VaultKeyArn, own.KeyMetadata.Arn);

        // A bare key id also means the caller's account.
        ex = await KmsAssert.Fails("NotFoundException", () => vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId }));
        Assert.Equal($"Key '{KeyArn(Vault, OwnerKeyId)}' does not exist", ex.Message);
    }

    [Fact]
    public async Task A_key_in_another_Region_is_not_found()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        string usEastArn = KeyArn(Owner, OwnerUsEastKeyId, OtherRegion);
        var ex = await KmsAssert.Fails("NotFoundException", () => owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = usEastArn }));
        Assert.Equal($"Key '{usEastArn}' does not exist", ex.Message);

        using var usEast = emulator.Client(OwnerAdmin, OtherRegion);
        Assert.Equal(usEastArn, (await usEast.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerUsEastKeyId })).KeyMetadata.Arn);
    }

    [Fact]
    public async Task Operations_that_never_cross_accounts_do_not_find_another_accounts_key()
    {
        // The vault may do everything on the owner key by both policies, yet these operations stay in-account.
        emulator.Load(World(ownerKeyPolicy: KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Statement("Vault", "Allow", Root(Vault), "\"kms:*\"")),
            vaultUserPolicy: AllowKms));
        using var vault = emulator.Client(VaultUser);
        var calls = new Dictionary<string, Func<Task>>
        {
            ["GetKeyPolicy"] = () => vault.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyArn }),
            ["PutKeyPolicy"] = () => vault.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyArn, Policy = DefaultPolicy(Vault) }),
            ["ListKeyPolicies"] = () => vault.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = OwnerKeyArn }),
            ["DisableKey"] = () => vault.DisableKeyAsync(new DisableKeyRequest { KeyId = OwnerKeyArn }),
            ["EnableKey"] = () => vault.EnableKeyAsync(new EnableKeyRequest { KeyId = OwnerKeyArn }),
            ["ScheduleKeyDeletion"] = () => vault.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyArn, PendingWindowInDays = 7 }),
            ["CancelKeyDeletion"] = () => vault.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = OwnerKeyArn }),
            ["TagResource"] = () => vault.TagResourceAsync(new TagResourceRequest { KeyId = OwnerKeyArn, Tags = [new Tag { TagKey = "k", TagValue = "v" }] }),
            ["ListResourceTags"] = () => vault.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = OwnerKeyArn }),
            ["CreateAlias"] = () => vault.CreateAliasAsync(new CreateAliasRequest { AliasName = "alias/stolen", TargetKeyId = OwnerKeyArn }),
            ["ListAliases"] = () => vault.ListAliasesAsync(new ListAliasesRequest { KeyId = OwnerKeyArn }),
        };
        foreach (var (operation, call) in calls)
        {
            var ex = await KmsAssert.Fails("NotFoundException", call);
            Assert.True(ex.Message == $"Key '{OwnerKeyArn}' does not exist", $"{operation}: {ex.Message}");
        }

        using var owner = emulator.Client(OwnerAdmin);
        var key = (await owner.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyId })).KeyMetadata;
        Assert.Equal(KeyState.Enabled, key.KeyState);
        Assert.Empty((await owner.ListResourceTagsAsync(new ListResourceTagsRequest { KeyId = OwnerKeyId })).Tags);

        // The cross-account operations do work with the key ARN.
        Assert.Equal(OwnerKeyArn, (await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyArn })).KeyMetadata.Arn);
        Assert.Empty((await vault.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyArn })).Grants);
    }

    [Fact]
    public async Task CreateGrant_across_accounts_needs_the_key_arn_not_an_alias()
    {
        emulator.Load(World(ownerKeyPolicy: KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Statement("Vault", "Allow", Root(Vault), "\"kms:*\"")),
            vaultUserPolicy: AllowKms));
        using var vault = emulator.Client(VaultUser);
        var ex = await KmsAssert.Fails("InvalidArnException", () => vault.CreateGrantAsync(new CreateGrantRequest
        {
            KeyId = $"arn:aws:kms:{Region}:{Owner}:alias/origin-key",
            GranteePrincipal = Root(Vault),
            Operations = ["Decrypt"],
        }));
        Assert.Equal("Key Aliases are not supported for this operation.", ex.Message);

        var grant = await vault.CreateGrantAsync(new CreateGrantRequest { KeyId = OwnerKeyArn, GranteePrincipal = s_vaultUserArn, Operations = ["Decrypt"] });
        Assert.Matches("^[0-9a-f]{64}$", grant.GrantId);
        var listed = await vault.ListGrantsAsync(new ListGrantsRequest { KeyId = OwnerKeyArn });
        Assert.Equal(Root(Vault), Assert.Single(listed.Grants).IssuingAccount);
    }

    private static string Share(string principal) => Statement("Allow use of the key", "Allow", principal, UseActions);
}
