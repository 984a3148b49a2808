using Amazon.KeyManagementService;
using Amazon.Runtime;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>One in-process emulator per test class; each test loads the world it needs.</summary>
public sealed class KmsEmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await EmulatorServer.StartAsync(new EmulatorOptions { LoadDemoWorld = false });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Replaces the world (and resets clock, settings and call log).</summary>
    public void Load(string fixtureJson)
    {
        Server.LoadFixture(fixtureJson);
        Server.Reset();
    }

    public AmazonKeyManagementServiceClient Client(KmsCredentials credentials, string region = KmsWorlds.Region) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), new AmazonKeyManagementServiceConfig
        {
            ServiceURL = Server.BaseUri.ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 0,
        });
}

public sealed record KmsCredentials(string AccessKeyId, string SecretAccessKey);

/// <summary>
/// Test worlds: an owner account (the origin, 111111111111) with a key, a vault account (222222222222) with its own
/// key, and an unrelated account (333333333333). Each account has an all-powerful admin user and a "user" whose
/// identity policy the test chooses.
/// </summary>
internal static class KmsWorlds
{
    public const string Owner = "111111111111";
    public const string Vault = "222222222222";
    public const string Other = "333333333333";
    public const string Region = "eu-west-1";
    public const string OtherRegion = "us-east-1";

    public const string OwnerKeyId = "11111111-1111-4111-8111-111111111111";
    public const string OwnerUsEastKeyId = "11111111-1111-4111-8111-999999999999";
    public const string VaultKeyId = "22222222-2222-4222-8222-222222222222";

    public const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    public const string AllowKms = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}""";

    public static readonly KmsCredentials OwnerAdmin = Keys("AKIAOWNERADMIN000001");
    public static readonly KmsCredentials OwnerUser = Keys("AKIAOWNERUSER0000001");
    public static readonly KmsCredentials VaultAdmin = Keys("AKIAVAULTADMIN000001");
    public static readonly KmsCredentials VaultUser = Keys("AKIAVAULTUSER0000001");
    public static readonly KmsCredentials OtherAdmin = Keys("AKIAOTHERADMIN000001");

    public static string OwnerKeyArn => KeyArn(Owner, OwnerKeyId);

    public static string VaultKeyArn => KeyArn(Vault, VaultKeyId);

    public static string KeyArn(string account, string keyId, string region = Region) => $"arn:aws:kms:{region}:{account}:key/{keyId}";

    public static string UserArn(string account, string name) => $"arn:aws:iam::{account}:user/{name}";

    public static string Root(string account) => $"arn:aws:iam::{account}:root";

    /// <summary>The API default key policy of <paramref name="account"/>.</summary>
    public static string DefaultPolicy(string account) => KeyPolicy(Statement("Enable IAM User Permissions", "Allow", Root(account), "\"kms:*\""));

    public static string KeyPolicy(params string[] statements) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[" + string.Join(",", statements) + "]}";

    /// <summary>A key policy statement; <paramref name="actions"/> is the JSON of the Action element.</summary>
    public static string Statement(string sid, string effect, string principal, string actions, string? condition = null) =>
        $$"""{"Sid":"{{sid}}","Effect":"{{effect}}","Principal":{"AWS":"{{principal}}"},"Action":{{actions}},"Resource":"*"{{(condition is null ? "" : ",\"Condition\":" + condition)}}}""";

    /// <summary>The world, with the given owner key policy and the identity policies of the two "user" principals.</summary>
    public static string World(
        string? ownerKeyPolicy = null,
        string? vaultUserPolicy = null,
        string? ownerUserPolicy = AllowKms,
        string ownerKeyExtra = "",
        string ownerRegionExtra = "")
    {
        string ownerPolicy = ownerKeyPolicy is null ? string.Empty : ",\"policy\":" + ownerKeyPolicy;
        return $$"""
            {
              "accounts": [
                {
                  "id": "{{Owner}}",
                  "users": [
                    {{User("owner-admin", OwnerAdmin, AllowAll)}},
                    {{User("owner-user", OwnerUser, ownerUserPolicy)}}
                  ],
                  "regions": {
                    "{{Region}}": {
                      "kms": {
                        "keys": [ { "id": "{{OwnerKeyId}}", "description": "owner key"{{ownerPolicy}}{{ownerKeyExtra}} } ],
                        "aliases": [ { "name": "alias/origin-key", "targetKeyId": "{{OwnerKeyId}}" } ]
                        {{ownerRegionExtra}}
                      }
                    },
                    "{{OtherRegion}}": {
                      "kms": { "keys": [ { "id": "{{OwnerUsEastKeyId}}", "description": "owner key in another Region" } ] }
                    }
                  }
                },
                {
                  "id": "{{Vault}}",
                  "users": [
                    {{User("vault-admin", VaultAdmin, AllowAll)}},
                    {{User("vault-user", VaultUser, vaultUserPolicy)}}
                  ],
                  "regions": {
                    "{{Region}}": {
                      "kms": {
                        "keys": [ { "id": "{{VaultKeyId}}", "description": "vault key" } ],
                        "aliases": [ { "name": "alias/vault-key", "targetKeyId": "{{VaultKeyId}}" } ]
                      }
                    }
                  }
                },
                {
                  "id": "{{Other}}",
                  "users": [ {{User("other-admin", OtherAdmin, AllowAll)}} ]
                }
              ]
            }
            """;
    }

    private static string User(string name, KmsCredentials keys, string? policy) =>
        $$"""
        {
          "name": "{{name}}",
          "accessKeys": [ { "accessKeyId": "{{keys.AccessKeyId}}", "secretAccessKey": "{{keys.SecretAccessKey}}" } ]
          {{(policy is null ? "" : ",\"inlinePolicies\":{\"policy\":" + policy + "}")}}
        }
        """;

    private static KmsCredentials Keys(string accessKeyId) => new(accessKeyId, (accessKeyId + "/FAKE/secret+0000000000000000000000000")[..40]);
}

internal static class KmsAssert
{
    /// <summary>Runs the call, expects an AWS error with <paramref name="code"/>, and returns it for more checks.</summary>
    public static async Task<AmazonServiceException> Fails(string code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<AmazonServiceException>(call);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        return ex;
    }

    public static async Task<AmazonServiceException> Denied(string action, string resource, string callerArn, Func<Task> call)
    {
        var ex = await Fails("AccessDeniedException", call);
        Assert.StartsWith($"User: {callerArn} is not authorized to perform: {action} on resource: {resource}", ex.Message, StringComparison.Ordinal);
        return ex;
    }
}
