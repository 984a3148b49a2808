using System.Text.Json.Nodes;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services.Kms;
using static VaultCopy.Core.Tests.Emulator.Kms.KmsWorlds;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>The <c>kms</c> fixture section, the demo world's keys and the state view.</summary>
public sealed class KmsFixtureTests
{
    [Fact]
    public void Keys_aliases_and_grants_load_with_their_declared_state()
    {
        var world = Load(Tokens("""
            {"accounts":[{"id":"@OWNER","regions":{"@REGION":{"kms":{
              "keys":[
                {"id":"@KEYID","description":"d","state":"PendingDeletion","pendingWindowInDays":7,"tags":{"team":"backup"},
                 "policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"@OWNER\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"},
                {"enabled":false},
                {"keySpec":"HMAC_256","creationDate":"2030-01-31T00:00:00Z"}
              ],
              "aliases":[{"name":"alias/a","targetKeyId":"@KEYID"}],
              "grants":[{"keyId":"@KEYID","name":"g","granteePrincipal":"arn:aws:iam::@OWNER:root","operations":["Decrypt"],
                         "constraints":{"encryptionContextEquals":{"a":"b"}}}]
            }}}}]}
            """));
        var state = world.FindAccount(Owner)!.Regions[Region].Kms;
        var keys = state.Keys.Values.ToList();
        Assert.Equal(3, keys.Count);
        Assert.Equal(KmsKeyStates.PendingDeletion, keys[0].KeyState);
        Assert.Equal(7, keys[0].PendingWindowInDays);
        Assert.NotNull(keys[0].DeletionDate);
        Assert.Contains("\"Principal\":{\"AWS\":\"111111111111\"}", keys[0].Policy, StringComparison.Ordinal);
        Assert.Equal("backup", keys[0].Tags.Single().Value);
        Assert.Equal(KmsKeyStates.Disabled, keys[1].KeyState);
        Assert.Contains("Enable IAM User Permissions", keys[1].Policy, StringComparison.Ordinal);
        Assert.Equal("GENERATE_VERIFY_MAC", keys[2].KeyUsage);
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 0, 0, 0, TimeSpan.Zero), keys[2].CreationDate);
        Assert.Equal(OwnerKeyId, state.Aliases["alias/a"].TargetKeyId);
        var grant = Assert.Single(keys[0].Grants);
        Assert.Equal("b", grant.EncryptionContextEquals!["a"]);

        // Undeclared key ids are stable across loads, so a reset names keys the same way.
        Assert.Equal(keys[1].KeyId, Load(FixtureOf(world)).FindAccount(Owner)!.Regions[Region].Kms.Keys.Values.ElementAt(1).KeyId);
    }

    [Theory]
    [InlineData("""{"keys":[{"id":"not-a-uuid"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].id")]
    [InlineData("""{"keys":[{"colour":"blue"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].colour: unknown property")]
    [InlineData("""{"keys":[{"state":"Broken"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].state")]
    [InlineData("""{"keys":[{"state":"Enabled","enabled":false}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].enabled: contradicts")]
    [InlineData("""{"keys":[{"deletionDate":"2030-01-01T00:00:00Z"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].deletionDate")]
    [InlineData("""{"keys":[{"policy":"nope"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].policy: MalformedPolicyDocumentException")]
    [InlineData("""{"keys":[{"policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:*","Resource":"*"}]}}]}""",
        "$.accounts[0].regions.eu-west-1.kms.keys[0].policy: principal 'arn:aws:iam::999999999999:root' names no account")]
    [InlineData("""{"keys":[{"keySpec":"RSA_2048","keyUsage":"GENERATE_VERIFY_MAC"}]}""", "$.accounts[0].regions.eu-west-1.kms.keys[0].keyUsage")]
    [InlineData("""{"aliases":[{"name":"alias/x","targetKeyId":"11111111-1111-4111-8111-000000000000"}]}""", "$.accounts[0].regions.eu-west-1.kms.aliases[0].targetKeyId")]
    [InlineData("""{"keys":[{"id":"11111111-1111-4111-8111-000000000000"}],"aliases":[{"name":"alias/aws/ebs","targetKeyId":"11111111-1111-4111-8111-000000000000"}]}""", "alias/aws/ is reserved")]
    [InlineData("""{"keys":[{"id":"11111111-1111-4111-8111-000000000000"}],"grants":[{"keyId":"11111111-1111-4111-8111-000000000000","granteePrincipal":"x","operations":["Sign"]}]}""", "kms.grants[0].operations[0]")]
    [InlineData("""{"keyManager":"AWS"}""", "$.accounts[0].regions.eu-west-1.kms.keyManager: unknown property")]
    public void Invalid_sections_fail_with_the_path(string section, string expected)
    {
        string fixture = Tokens("""{"accounts":[{"id":"@OWNER","regions":{"@REGION":{"kms":@SECTION}}}]}""").Replace("@SECTION", section, StringComparison.Ordinal);
        var ex = Assert.Throws<FixtureException>(() => Load(fixture));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_world_has_an_origin_key_the_vault_cannot_use_yet_and_a_vault_key()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        var config = new AmazonKeyManagementServiceConfig { ServiceURL = server.BaseUri.ToString(), AuthenticationRegion = Region, MaxErrorRetry = 0 };
        using var origin = new AmazonKeyManagementServiceClient(new Amazon.Runtime.BasicAWSCredentials("AKIAORIGINADMIN00001", "originAdminSecretKey/FAKE/DemoOnly+00001"), config);
        using var vault = new AmazonKeyManagementServiceClient(new Amazon.Runtime.BasicAWSCredentials("AKIAVAULTADMIN000001", "vaultAdminSecretKey/FAKE/DemoOnly+000001"), config);

        const string originKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
        Assert.Equal(originKeyArn, (await origin.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/origin-backup" })).KeyMetadata.Arn);
        Assert.Equal("arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222",
            (await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = "alias/vault-backup" })).KeyMetadata.Arn);
        Assert.Equal(KmsPolicies.Default("aws", "111111111111"), (await origin.GetKeyPolicyAsync(new GetKeyPolicyRequest { KeyId = originKeyArn })).Policy);
        await KmsAssert.Denied("kms:DescribeKey", originKeyArn, "arn:aws:iam::222222222222:user/vault-admin",
            () => vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = originKeyArn }));

        // The state view shows keys, aliases, policies and grants, but never key material.
        await origin.CreateGrantAsync(new CreateGrantRequest { KeyId = originKeyArn, GranteePrincipal = "arn:aws:iam::111111111111:root", Operations = ["Decrypt"] });
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var state = JsonNode.Parse(await http.GetStringAsync(new Uri("_emulator/state", UriKind.Relative)))!;
        var kms = state["accounts"]!.AsArray().Single(a => (string?)a!["id"] == "111111111111")!["regions"]!["eu-west-1"]!["kms"]!;
        // The demo RDS snapshots on aws/rds brought the AWS managed key into being too; this is about the customer key.
        var key = kms["keys"]!.AsArray().Single(k => (string?)k!["keyManager"] == "CUSTOMER")!;
        Assert.Equal("a1b2c3d4-0000-4000-8000-111111111111", (string?)key["keyId"]);
        Assert.Equal("CUSTOMER", (string?)key["keyManager"]);
        Assert.Equal("Enable IAM User Permissions", (string?)key["policy"]!["Statement"]![0]!["Sid"]);
        Assert.Equal(["alias/origin-backup"], key["aliases"]!.AsArray().Select(a => (string?)a));
        Assert.Single(key["grants"]!.AsArray());
        Assert.Contains("alias/origin-backup", kms["aliases"]!.AsArray().Select(a => (string?)a!["name"]));
        Assert.Null(key["material"]);
    }

    private static World Load(string fixture)
    {
        var world = new World();
        FixtureLoader.Load(world, fixture, DateTimeOffset.UtcNow);
        return world;
    }

    // The first test's fixture again, for the reload check (ids not declared stay undeclared).
    private static string FixtureOf(World world)
    {
        Assert.NotNull(world);
        return Tokens("""
            {"accounts":[{"id":"@OWNER","regions":{"@REGION":{"kms":{
              "keys":[{"id":"@KEYID"},{"enabled":false},{"keySpec":"HMAC_256"}]}}}}]}
            """);
    }

    private static string Tokens(string text) => text
        .Replace("@OWNER", Owner, StringComparison.Ordinal)
        .Replace("@REGION", Region, StringComparison.Ordinal)
        .Replace("@KEYID", OwnerKeyId, StringComparison.Ordinal);
}
