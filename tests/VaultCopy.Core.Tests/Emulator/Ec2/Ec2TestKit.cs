using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>One in-process emulator per test class, on the EC2 test world; tests reset it before they start.</summary>
public sealed class Ec2EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = Ec2Worlds.World });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Back to the test world: state, clock, time scale, quotas.</summary>
    public void Reset() => Server.Reset();

    /// <summary>Replaces the world for one test (the next <see cref="Reset"/> keeps it).</summary>
    public void Load(string fixtureJson)
    {
        Server.LoadFixture(fixtureJson);
        Server.Reset();
    }

    public void Advance(TimeSpan by) => Server.Clock.Advance(by);

    public AmazonEC2Client Ec2(Ec2Credentials credentials, string region = Ec2Worlds.HomeRegion) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), new AmazonEC2Config
        {
            // ServiceURL and AuthenticationRegion together, never RegionEndpoint (engineering-notes §1.1).
            ServiceURL = Server.BaseUri.ToString(),
            AuthenticationRegion = region,
            MaxErrorRetry = 0,
        });
}

/// <summary>Each test class gets a fresh world before every test.</summary>
public abstract class Ec2TestBase(Ec2EmulatorFixture fixture) : IClassFixture<Ec2EmulatorFixture>, IAsyncLifetime
{
    private readonly Dictionary<string, AmazonEC2Client> _clients = new(StringComparer.Ordinal);

    protected Ec2EmulatorFixture Fixture { get; } = fixture;

    public Task InitializeAsync()
    {
        Fixture.Load(Ec2Worlds.World);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        return Task.CompletedTask;
    }

    protected AmazonEC2Client Origin => Client(Ec2Worlds.OriginAdmin);

    protected AmazonEC2Client Vault => Client(Ec2Worlds.VaultAdmin);

    protected AmazonEC2Client Other => Client(Ec2Worlds.OtherAdmin);

    /// <summary>One client per principal and Region for the test.</summary>
    protected AmazonEC2Client Client(Ec2Credentials credentials, string region = Ec2Worlds.HomeRegion)
    {
        string key = credentials.AccessKeyId + "/" + region;
        if (!_clients.TryGetValue(key, out var client))
        {
            client = Fixture.Ec2(credentials, region);
            _clients[key] = client;
        }

        return client;
    }

    protected static async Task<Snapshot> DescribeSnapshot(AmazonEC2Client client, string id) =>
        Assert.Single((await client.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [id] })).Snapshots);

    protected static async Task<Image> DescribeImage(AmazonEC2Client client, string id) =>
        Assert.Single((await client.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [id] })).Images);

    protected static async Task<List<CreateVolumePermission>> VolumePermissions(AmazonEC2Client client, string id) =>
        (await client.DescribeSnapshotAttributeAsync(new DescribeSnapshotAttributeRequest
        {
            SnapshotId = id,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
        })).CreateVolumePermissions ?? [];

    protected static async Task<List<LaunchPermission>> LaunchPermissions(AmazonEC2Client client, string id) =>
        (await client.DescribeImageAttributeAsync(new DescribeImageAttributeRequest
        {
            ImageId = id,
            Attribute = ImageAttributeName.LaunchPermission,
        })).ImageAttribute.LaunchPermissions ?? [];
}

public sealed record Ec2Credentials(string AccessKeyId, string SecretAccessKey);

internal static class Ec2Assert
{
    /// <summary>
    /// Runs the call, expects an EC2 error with <paramref name="code"/> and its HTTP status (AuthFailure 401,
    /// UnauthorizedOperation 403, DryRunOperation 412, others 400 unless told), and returns it.
    /// </summary>
    public static async Task<AmazonEC2Exception> Fails(string code, Func<Task> call, HttpStatusCode? status = null)
    {
        var ex = await Assert.ThrowsAsync<AmazonEC2Exception>(call);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Equal(status ?? StatusOf(code), ex.StatusCode);
        return ex;
    }

    private static HttpStatusCode StatusOf(string code) => code switch
    {
        "AuthFailure" => HttpStatusCode.Unauthorized,
        "UnauthorizedOperation" => HttpStatusCode.Forbidden,
        "DryRunOperation" => HttpStatusCode.PreconditionFailed,
        _ => HttpStatusCode.BadRequest,
    };
}

/// <summary>
/// The EC2 test world. Origin 111111111111 owns snapshots and AMIs in eu-west-1 under two customer keys: K1
/// (alias/origin-key), whose policy lets the vault use it the way the console's "other AWS accounts" statements do,
/// and K2 (alias/private-key) with the API default policy. Vault 222222222222 has its own key (alias/vault-key) and
/// sits in the origin's organization and OU; 333333333333 is an unrelated account.
/// </summary>
internal static class Ec2Worlds
{
    public const string OriginId = "111111111111";
    public const string VaultId = "222222222222";
    public const string OtherId = "333333333333";
    public const string HomeRegion = "eu-west-1";
    public const string OtherRegion = "us-east-1";

    public const string OriginKey1 = "11111111-1111-4111-8111-111111111111";
    public const string OriginKey2 = "11111111-1111-4111-8111-222222222222";
    public const string VaultKey = "22222222-2222-4222-8222-222222222222";

    public const string OrganizationArn = "arn:aws:organizations::111111111111:organization/o-vaultcopy01";
    public const string VaultOuArn = "arn:aws:organizations::111111111111:ou/o-vaultcopy01/ou-ab12-vault001";

    /// <summary>On K1, shared with the vault (createVolumePermission).</summary>
    public const string SharedCmkSnapshot = "snap-0000000000000a001";

    /// <summary>On aws/ebs.</summary>
    public const string AwsEbsSnapshot = "snap-0000000000000a002";

    /// <summary>Unencrypted, not shared.</summary>
    public const string PlainSnapshot = "snap-0000000000000a003";

    /// <summary>On K2 (whose policy does not let the vault in), shared with the vault.</summary>
    public const string SharedPrivateKeySnapshot = "snap-0000000000000a004";

    /// <summary>On K1, not shared.</summary>
    public const string PrivateCmkSnapshot = "snap-0000000000000a005";

    /// <summary>Unencrypted, public, 500 GiB.</summary>
    public const string PublicSnapshot = "snap-0000000000000a00c";

    /// <summary>Root on K1 + data on K2, both snapshots shared; launch permission for the vault.</summary>
    public const string TwoKeyImage = "ami-0000000000000b001";

    /// <summary>Root on K1, snapshot shared; launch permission for the vault.</summary>
    public const string SharedImage = "ami-0000000000000b002";
    public const string SharedImageSnapshot = "snap-0000000000000a008";

    /// <summary>Launch permission for the vault, but the backing snapshot is not shared.</summary>
    public const string StorageNotSharedImage = "ami-0000000000000b003";

    /// <summary>Backed by an aws/ebs snapshot, not shared.</summary>
    public const string AwsEbsImage = "ami-0000000000000b004";

    /// <summary>Unencrypted with a billing product; shared with the vault along with its snapshot.</summary>
    public const string BillingProductImage = "ami-0000000000000b005";

    /// <summary>Unencrypted; shared with the origin's organization only.</summary>
    public const string OrganizationImage = "ami-0000000000000b006";

    /// <summary>Unencrypted; shared with the vault's OU only.</summary>
    public const string OuImage = "ami-0000000000000b007";

    public static readonly Ec2Credentials OriginAdmin = Keys("AKIAEC2ORIGINADMIN01");
    public static readonly Ec2Credentials OriginReader = Keys("AKIAEC2ORIGINREADER1");
    public static readonly Ec2Credentials VaultAdmin = Keys("AKIAEC2VAULTADMIN001");
    public static readonly Ec2Credentials VaultReader = Keys("AKIAEC2VAULTREADER01");
    public static readonly Ec2Credentials OtherAdmin = Keys("AKIAEC2OTHERADMIN001");

    public static string KeyArn(string account, string keyId, string region = HomeRegion) => $"arn:aws:kms:{region}:{account}:key/{keyId}";

    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string DescribeOnly = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}""";

    // The console's statements for an external account (aws-behaviour.md §4.2).
    private const string K1Policy = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
          {"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}
        ]}
        """;

    public static string World => $$"""
        {
          "accounts": [
            {
              "id": "{{OriginId}}",
              "organizationId": "o-vaultcopy01",
              "organizationPath": "o-vaultcopy01/r-ab12/",
              "users": [
                {{User("origin-admin", OriginAdmin, AllowAll)}},
                {{User("origin-reader", OriginReader, DescribeOnly)}}
              ],
              "regions": {
                "{{HomeRegion}}": {
                  "kms": {
                    "keys": [
                      { "id": "{{OriginKey1}}", "description": "K1, shared with the vault", "policy": {{K1Policy}} },
                      { "id": "{{OriginKey2}}", "description": "K2, API default policy" }
                    ],
                    "aliases": [
                      { "name": "alias/origin-key", "targetKeyId": "{{OriginKey1}}" },
                      { "name": "alias/private-key", "targetKeyId": "{{OriginKey2}}" }
                    ]
                  },
                  "ec2": {
                    "snapshots": [
                      { "id": "{{SharedCmkSnapshot}}", "volumeId": "vol-0000000000000c001", "volumeSize": 20, "kmsKeyId": "alias/origin-key",
                        "description": "app data", "tags": { "Name": "app-data", "Backup": "daily" },
                        "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{AwsEbsSnapshot}}", "volumeSize": 8, "awsManagedKey": true, "tags": { "Backup": "daily" } },
                      { "id": "{{PlainSnapshot}}", "volumeSize": 8, "encrypted": false, "tags": { "Name": "scratch" } },
                      { "id": "{{SharedPrivateKeySnapshot}}", "volumeSize": 8, "kmsKeyId": "{{KeyArn(OriginId, OriginKey2)}}",
                        "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{PrivateCmkSnapshot}}", "volumeSize": 8, "kmsKeyId": "{{OriginKey1}}" },
                      { "id": "snap-0000000000000a006", "volumeSize": 8, "kmsKeyId": "alias/origin-key", "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "snap-0000000000000a007", "volumeSize": 16, "kmsKeyId": "alias/private-key", "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{SharedImageSnapshot}}", "volumeSize": 8, "kmsKeyId": "alias/origin-key", "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "snap-0000000000000a009", "volumeSize": 8, "kmsKeyId": "alias/origin-key" },
                      { "id": "snap-0000000000000a00a", "volumeSize": 8, "awsManagedKey": true },
                      { "id": "snap-0000000000000a00b", "volumeSize": 30, "encrypted": false, "createVolumePermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{PublicSnapshot}}", "volumeSize": 500, "encrypted": false, "createVolumePermission": [ { "group": "all" } ] },
                      { "id": "snap-0000000000000a00d", "volumeSize": 8, "encrypted": false },
                      { "id": "snap-0000000000000a00e", "volumeSize": 8, "encrypted": false }
                    ],
                    "images": [
                      { "id": "{{TwoKeyImage}}", "name": "two-keys",
                        "blockDeviceMappings": [
                          { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a006" },
                          { "deviceName": "/dev/sdf", "snapshotId": "snap-0000000000000a007" } ],
                        "launchPermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{SharedImage}}", "name": "shared-ok", "description": "golden image",
                        "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "{{SharedImageSnapshot}}" } ],
                        "launchPermission": [ { "userId": "{{VaultId}}" } ], "tags": { "Name": "shared-ok", "Team": "platform" } },
                      { "id": "{{StorageNotSharedImage}}", "name": "storage-not-shared",
                        "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a009" } ],
                        "launchPermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{AwsEbsImage}}", "name": "aws-ebs-backed",
                        "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a00a" } ] },
                      { "id": "{{BillingProductImage}}", "name": "licensed", "billingProducts": [ "bp-6ba54002" ],
                        "blockDeviceMappings": [ { "deviceName": "/dev/sda1", "snapshotId": "snap-0000000000000a00b" } ],
                        "launchPermission": [ { "userId": "{{VaultId}}" } ] },
                      { "id": "{{OrganizationImage}}", "name": "org-shared",
                        "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a00d" } ],
                        "launchPermission": [ { "organizationArn": "{{OrganizationArn}}" } ] },
                      { "id": "{{OuImage}}", "name": "ou-shared",
                        "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a00e" } ],
                        "launchPermission": [ { "organizationalUnitArn": "{{VaultOuArn}}" } ] }
                    ]
                  }
                }
              }
            },
            {
              "id": "{{VaultId}}",
              "organizationId": "o-vaultcopy01",
              "organizationPath": "o-vaultcopy01/r-ab12/ou-ab12-vault001/",
              "users": [
                {{User("vault-admin", VaultAdmin, AllowAll)}},
                {{User("vault-reader", VaultReader, DescribeOnly)}}
              ],
              "regions": {
                "{{HomeRegion}}": {
                  "kms": {
                    "keys": [ { "id": "{{VaultKey}}", "description": "vault key" } ],
                    "aliases": [ { "name": "alias/vault-key", "targetKeyId": "{{VaultKey}}" } ]
                  }
                }
              }
            },
            {
              "id": "{{OtherId}}",
              "users": [ {{User("other-admin", OtherAdmin, AllowAll)}} ]
            }
          ]
        }
        """;

    private static string User(string name, Ec2Credentials keys, string policy) => $$"""
        {
          "name": "{{name}}",
          "accessKeys": [ { "accessKeyId": "{{keys.AccessKeyId}}", "secretAccessKey": "{{keys.SecretAccessKey}}" } ],
          "inlinePolicies": { "policy": {{policy}} }
        }
        """;

    private static Ec2Credentials Keys(string accessKeyId) => new(accessKeyId, (accessKeyId + "/FAKE/secret+0000000000000000000000000")[..40]);
}
