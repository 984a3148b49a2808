using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;
using VaultCopy.Emulator.Services.Kms;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>aws-behaviour.md §4.5 and §9 rule 14: PutKeyPolicy and CreateKey policy rules through the SDK.</summary>
public sealed class KmsKeyPolicyTests(KmsEmulatorFixture emulator) : IClassFixture<KmsEmulatorFixture>
{
    private const string Lockout = "The new key policy will not allow you to update the key policy in the future.";

    [Fact]
    public async Task The_lockout_check_refuses_a_policy_the_caller_could_not_change_unless_bypassed()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        string vaultOnly = KeyPolicy(Statement("Vault", "Allow", Root(Vault), "\"kms:*\""));
        var ex = await KmsAssert.Fails("MalformedPolicyDocumentException",
            () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = vaultOnly }));
        Assert.IsType<MalformedPolicyDocumentException>(ex);
        Assert.Equal(Lockout, ex.Message);
        Assert.Equal(KmsPolicies.Default("aws", Owner), (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId })).Policy);

        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = vaultOnly, BypassPolicyLockoutSafetyCheck = true });
        lock (emulator.Server.World.Sync)
        {
            Assert.Equal(vaultOnly, KmsStore.FindByArn(emulator.Server.World, OwnerKeyArn)!.Policy);
        }

        // Locked out indeed: even the administrator of the owning account.
        await KmsAssert.Denied("kms:GetKeyPolicy", OwnerKeyArn, UserArn(Owner, "owner-admin"),
            () => owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId }));
    }

    [Fact]
    public async Task The_lockout_check_counts_the_callers_IAM_policies()
    {
        // owner-user is named directly by the current policy but its IAM policy does not allow kms:PutKeyPolicy.
        string current = KeyPolicy(
            Statement("Owner", "Allow", Root(Owner), "\"kms:*\""),
            Statement("OwnerUser", "Allow", UserArn(Owner, "owner-user"), "\"kms:*\""));
        emulator.Load(World(ownerKeyPolicy: current,
            ownerUserPolicy: """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Describe*","Resource":"*"}]}"""));
        using var user = emulator.Client(OwnerUser);

        // Back to the default policy: the account delegates to IAM, which does not allow this user kms:PutKeyPolicy.
        var ex = await KmsAssert.Fails("MalformedPolicyDocumentException",
            () => user.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = DefaultPolicy(Owner) }));
        Assert.Equal(Lockout, ex.Message);

        // Keeping the direct statement passes the check.
        string kept = KeyPolicy(Statement("OwnerUser", "Allow", UserArn(Owner, "owner-user"), "\"kms:*\""));
        await user.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = kept });
        Assert.Equal(kept, (await user.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId })).Policy);
    }

    [Fact]
    public async Task CreateKey_runs_the_same_checks_and_defaults_to_the_API_policy()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var created = await owner.CreateKeyAsync(new CreateKeyRequest { Description = "new" });
        Assert.Equal(KeyManagerType.CUSTOMER, created.KeyMetadata.KeyManager);
        string policy = (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = created.KeyMetadata.KeyId })).Policy;
        Assert.Contains("\"Sid\" : \"Enable IAM User Permissions\"", policy, StringComparison.Ordinal);
        Assert.Contains($"\"AWS\" : \"{Root(Owner)}\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"Action\" : \"kms:*\"", policy, StringComparison.Ordinal);

        string vaultOnly = KeyPolicy(Statement("Vault", "Allow", Root(Vault), "\"kms:*\""));
        int before = (await owner.ListKeysAsync(new ListKeysRequest())).Keys.Count;
        var ex = await KmsAssert.Fails("MalformedPolicyDocumentException", () => owner.CreateKeyAsync(new CreateKeyRequest { Policy = vaultOnly }));
        Assert.Equal(Lockout, ex.Message);
        Assert.Equal(before, (await owner.ListKeysAsync(new ListKeysRequest())).Keys.Count);

        ex = await KmsAssert.Fails("MalformedPolicyDocumentException", () => owner.CreateKeyAsync(new CreateKeyRequest
        {
            Policy = KeyPolicy(Statement("Ghost", "Allow", Root("999999999999"), "\"kms:*\""), Statement("Owner", "Allow", Root(Owner), "\"kms:*\"")),
        }));
        Assert.Equal("Policy contains a statement with one or more invalid principals.", ex.Message);

        var bypassed = await owner.CreateKeyAsync(new CreateKeyRequest { Policy = vaultOnly, BypassPolicyLockoutSafetyCheck = true });
        Assert.Equal(KeyState.Enabled, bypassed.KeyMetadata.KeyState);
    }

    [Fact]
    public async Task Key_policies_are_limited_to_32_KB()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        string policy = DefaultPolicy(Owner);
        string exactly = policy[..^1] + new string(' ', 32768 - policy.Length) + "}";
        Assert.Equal(32768, exactly.Length);
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = exactly });
        Assert.Equal(exactly, (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId })).Policy);

        string over = policy[..^1] + new string(' ', 32769 - policy.Length) + "}";
        var ex = await KmsAssert.Fails("LimitExceededException", () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = over }));
        Assert.IsType<LimitExceededException>(ex);
        await KmsAssert.Fails("LimitExceededException", () => owner.CreateKeyAsync(new CreateKeyRequest { Policy = over }));

        // Past the model's PolicyType maximum the request fails model validation first.
        string huge = policy[..^1] + new string(' ', 131073 - policy.Length) + "}";
        await KmsAssert.Fails("ValidationException", () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = huge }));
    }

    [Fact]
    public async Task The_only_policy_name_is_default()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        var names = await owner.ListKeyPoliciesAsync(new ListKeyPoliciesRequest { KeyId = OwnerKeyId });
        Assert.Equal(["default"], names.PolicyNames);
        Assert.False(names.Truncated);
        Assert.Equal("default", (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId, PolicyName = "default" })).PolicyName);
        await KmsAssert.Fails("NotFoundException", () => owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId, PolicyName = "other" }));
        await KmsAssert.Fails("UnsupportedOperationException",
            () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, PolicyName = "other", Policy = DefaultPolicy(Owner) }));
    }

    [Fact]
    public async Task Malformed_policies_are_refused_and_the_old_one_kept()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        string noPrincipal = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""";
        var cases = new Dictionary<string, string?>
        {
            ["not a policy"] = null,
            [noPrincipal] = "Policy contains a statement with one or more invalid principals.",
            [KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Statement("Nobody", "Allow", UserArn(Owner, "nobody"), "\"kms:*\""))] =
                "Policy contains a statement with one or more invalid principals.",
            [KeyPolicy(Statement("Owner \u20ac", "Allow", Root(Owner), "\"kms:*\""))] = null,
        };
        foreach (var (policy, message) in cases)
        {
            var ex = await KmsAssert.Fails("MalformedPolicyDocumentException",
                () => owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = policy }));
            if (message is not null)
            {
                Assert.Equal(message, ex.Message);
            }
        }

        Assert.Equal(KmsPolicies.Default("aws", Owner), (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId })).Policy);

        // Latin-1 letters are allowed, and so is a statement without Action (it simply has no effect).
        string accepted = """{"Version":"2012-10-17","Statement":[{"Sid":"Caf\u00e9","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Resource":"*"}]}""";
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = accepted });
        using var vault = emulator.Client(VaultAdmin);
        await KmsAssert.Fails("AccessDeniedException", () => vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OwnerKeyArn }));
    }

    [Fact]
    public async Task Disabled_and_pending_deletion_keys_still_accept_policy_changes()
    {
        emulator.Load(World());
        using var owner = emulator.Client(OwnerAdmin);
        string shared = KeyPolicy(Statement("Owner", "Allow", Root(Owner), "\"kms:*\""), Statement("Vault", "Allow", Root(Vault), "\"kms:Decrypt\""));
        await owner.DisableKeyAsync(new DisableKeyRequest { KeyId = OwnerKeyId });
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = shared });
        await owner.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OwnerKeyId, PendingWindowInDays = 7 });
        await owner.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OwnerKeyId, Policy = DefaultPolicy(Owner) });
        Assert.Equal(DefaultPolicy(Owner), (await owner.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = OwnerKeyId })).Policy);
    }
}

/// <summary>Unit tests of the key policy checks, without a server.</summary>
public sealed class KmsPolicyValidationTests
{
    private static readonly World s_world = LoadWorld();

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111111111111"}}}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/vault-user"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"kms:*","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*"}]}""")]
    public void Valid_key_policies_pass(string policy) => Assert.NotNull(KmsPolicies.Validate(policy, s_world));

    [Theory]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""", "Policy contains a statement with one or more invalid principals.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444444444444"},"Action":"kms:*","Resource":"*"}]}""", "Policy contains a statement with one or more invalid principals.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/Missing"},"Action":"kms:*","Resource":"*"}]}""", "Policy contains a statement with one or more invalid principals.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"kms:*","Resource":"*"}]}""", "Policy contains a statement with one or more invalid principals.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"kms:*","Resource":"*"}]}""", "Policy contains a statement with one or more invalid principals.")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}""", null)]
    [InlineData("", null)]
    public void Malformed_key_policies_fail(string policy, string? message)
    {
        var ex = Assert.Throws<AwsServiceException>(() => KmsPolicies.Validate(policy, s_world));
        Assert.Equal("MalformedPolicyDocumentException", ex.Code);
        if (message is not null)
        {
            Assert.Equal(message, ex.AwsMessage);
        }
    }

    [Theory]
    [InlineData('\u0100')]
    [InlineData('\u0007')]
    [InlineData('\u2019')]
    public void Characters_outside_the_allowed_set_fail(char character)
    {
        string policy = DefaultPolicy(Owner).Replace("Enable", "Enable" + character, StringComparison.Ordinal);
        Assert.Equal("MalformedPolicyDocumentException", Assert.Throws<AwsServiceException>(() => KmsPolicies.Validate(policy, s_world)).Code);
    }

    [Fact]
    public void The_size_limit_counts_bytes()
    {
        string policy = DefaultPolicy(Owner);
        // 16,384 two-byte Latin-1 letters fill 32 KB on their own.
        string padded = policy.Replace("Enable", "Enable" + new string('\u00e9', 16384), StringComparison.Ordinal);
        Assert.True(padded.Length < KmsPolicies.MaxPolicyBytes);
        Assert.Equal("LimitExceededException", Assert.Throws<AwsServiceException>(() => KmsPolicies.Validate(padded, s_world)).Code);
    }

    private static World LoadWorld()
    {
        var world = new World();
        FixtureLoader.Load(world, World(), DateTimeOffset.UtcNow);
        return world;
    }
}
