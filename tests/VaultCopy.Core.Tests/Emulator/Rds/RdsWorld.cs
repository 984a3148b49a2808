using Amazon.Runtime;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Services;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>
/// The RDS test world: an origin account with DB and cluster snapshots in every sharing and encryption state, a vault
/// account they are shared with, an outsider, and least-privilege users for the authorization tests.
/// </summary>
internal static class RdsWorld
{
    public const string Region = "eu-west-1";
    public const string OtherRegion = "us-east-1";
    public const string OriginAccount = "111111111111";
    public const string VaultAccount = "222222222222";
    public const string OutsiderAccount = "333333333333";

    public static readonly AWSCredentials OriginAdmin = new BasicAWSCredentials("AKIAORIGINADMIN00001", "originAdminSecretKey/FAKE/DemoOnly+00001");
    public static readonly AWSCredentials OriginReader = new BasicAWSCredentials("AKIAORIGINREADER0001", "originReaderSecretKey/FAKE/DemoOnly+0001");
    public static readonly AWSCredentials VaultAdmin = new BasicAWSCredentials("AKIAVAULTADMIN000001", "vaultAdminSecretKey/FAKE/DemoOnly+000001");
    public static readonly AWSCredentials VaultCopier = new BasicAWSCredentials("AKIAVAULTCOPIER00001", "vaultCopierSecretKey/FAKE/DemoOnly+00001");
    public static readonly AWSCredentials OutsiderAdmin = new BasicAWSCredentials("AKIAOUTSIDERADMIN001", "outsiderAdminSecretKey/FAKE/DemoOnly+001");

    public static string SnapshotArn(string account, string name, string region = Region) => $"arn:aws:rds:{region}:{account}:snapshot:{name}";

    public static string ClusterSnapshotArn(string account, string name, string region = Region) => $"arn:aws:rds:{region}:{account}:cluster-snapshot:{name}";

    /// <summary>
    /// KMS keys as RDS sees them. Until the KMS plug-in lands (branch kms) a test double stands in; one instance serves
    /// every server in the test run because <see cref="ServiceRegistry.KeyAccess"/> is process-wide.
    /// </summary>
    public static FakeKeyAccess Keys { get; } = new();

    // Declared after Keys: static initializers run in text order.

    /// <summary>alias/origin-backup, the origin's customer key (also the demo world's), usable by the vault.</summary>
    public static FakeKey OriginBackup { get; } = Keys.Add(OriginAccount, Region, "origin-backup", sharedWith: VaultAccount);

    /// <summary>A customer key of the origin whose key policy does not name the vault.</summary>
    public static FakeKey OriginPrivate { get; } = Keys.Add(OriginAccount, Region, "origin-private");

    public static FakeKey OriginBackupOtherRegion { get; } = Keys.Add(OriginAccount, OtherRegion, "origin-backup", sharedWith: VaultAccount);

    public static FakeKey VaultKey { get; } = Keys.Add(VaultAccount, Region, "vault-key");

    public static FakeKey VaultKeyOtherRegion { get; } = Keys.Add(VaultAccount, OtherRegion, "vault-key");

    public static FakeKey VaultDisabled { get; } = Keys.Add(VaultAccount, Region, "vault-disabled", state: "Disabled");

    public static void InstallKeys() => ServiceRegistry.KeyAccess ??= Keys;

    public const string Json = """
    {
      "description": "RDS tests: origin snapshots in every sharing and encryption state, the vault they are shared with, an outsider.",
      "accounts": [
        {
          "id": "111111111111",
          "users": [
            { "name": "origin-admin", "accessKeys": [ { "accessKeyId": "AKIAORIGINADMIN00001", "secretAccessKey": "originAdminSecretKey/FAKE/DemoOnly+00001" } ],
              "inlinePolicies": { "All": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] } } },
            { "name": "origin-reader", "accessKeys": [ { "accessKeyId": "AKIAORIGINREADER0001", "secretAccessKey": "originReaderSecretKey/FAKE/DemoOnly+0001" } ],
              "inlinePolicies": { "Read": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "rds:Describe*", "Resource": "*" } ] } } }
          ],
          "regions": {
            "eu-west-1": {
              "rds": {
                "dbSnapshots": [
                  { "identifier": "orders-manual-cmk", "dbInstanceIdentifier": "orders", "engine": "postgres", "engineVersion": "16.4", "allocatedStorage": 100,
                    "kmsKeyId": "alias/origin-backup", "createTime": "2026-01-15T03:00:00Z", "tags": { "team": "payments", "backup": "daily" } },
                  { "identifier": "orders-manual-awsrds", "dbInstanceIdentifier": "orders", "awsManagedKey": true, "createTime": "2026-01-15T03:01:00Z" },
                  { "identifier": "orders-manual-private", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-private" },
                  { "identifier": "orders-plain", "dbInstanceIdentifier": "reports", "engine": "mysql", "engineVersion": "8.0.39", "allocatedStorage": 50 },
                  { "identifier": "orders-shared-cmk", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-backup", "allocatedStorage": 200,
                    "restoreAccounts": [ "222222222222" ], "tags": { "team": "payments" } },
                  { "identifier": "orders-shared-private", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-private", "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "orders-shared-plain", "dbInstanceIdentifier": "reports", "engine": "mysql", "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "orders-public-plain", "dbInstanceIdentifier": "reports", "engine": "mysql", "restoreAccounts": [ "all" ] },
                  { "identifier": "orders-shared-awsrds", "dbInstanceIdentifier": "orders", "awsManagedKey": true, "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "orders-creating", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-backup", "status": "creating" },
                  { "identifier": "rds:orders-2026-01-15-03-05", "dbInstanceIdentifier": "orders", "snapshotType": "automated", "awsManagedKey": true }
                ],
                "dbClusterSnapshots": [
                  { "identifier": "ledger-manual-cmk", "dbClusterIdentifier": "ledger", "engine": "aurora-postgresql", "kmsKeyId": "alias/origin-backup",
                    "tags": { "team": "ledger" } },
                  { "identifier": "ledger-manual-awsrds", "dbClusterIdentifier": "ledger", "awsManagedKey": true },
                  { "identifier": "ledger-plain", "dbClusterIdentifier": "ledger", "engine": "aurora-mysql", "engineVersion": "8.0.mysql_aurora.3.08.0" },
                  { "identifier": "ledger-shared-cmk", "dbClusterIdentifier": "ledger", "kmsKeyId": "alias/origin-backup", "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "ledger-shared-plain", "dbClusterIdentifier": "ledger", "engine": "aurora-mysql", "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "rds:ledger-2026-01-15-03-10", "dbClusterIdentifier": "ledger", "snapshotType": "automated", "awsManagedKey": true }
                ]
              }
            },
            "us-east-1": {
              "rds": {
                "dbSnapshots": [
                  { "identifier": "orders-use1-cmk", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-backup", "restoreAccounts": [ "222222222222" ] },
                  { "identifier": "orders-use1-own", "dbInstanceIdentifier": "orders", "kmsKeyId": "alias/origin-backup" }
                ],
                "dbClusterSnapshots": [
                  { "identifier": "ledger-use1-cmk", "dbClusterIdentifier": "ledger", "kmsKeyId": "alias/origin-backup", "restoreAccounts": [ "222222222222" ] }
                ]
              }
            }
          }
        },
        {
          "id": "222222222222",
          "users": [
            { "name": "vault-admin", "accessKeys": [ { "accessKeyId": "AKIAVAULTADMIN000001", "secretAccessKey": "vaultAdminSecretKey/FAKE/DemoOnly+000001" } ],
              "inlinePolicies": { "All": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] } } },
            { "name": "vault-copier", "accessKeys": [ { "accessKeyId": "AKIAVAULTCOPIER00001", "secretAccessKey": "vaultCopierSecretKey/FAKE/DemoOnly+00001" } ],
              "inlinePolicies": { "CopyOnly": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": [ "rds:DescribeDBSnapshots", "rds:CopyDBSnapshot" ], "Resource": "*" },
                { "Effect": "Deny", "Action": "rds:CopyDBSnapshot", "Resource": "arn:aws:rds:*:*:snapshot:forbidden-*" }
              ] } } }
          ]
        },
        {
          "id": "333333333333",
          "users": [
            { "name": "outsider-admin", "accessKeys": [ { "accessKeyId": "AKIAOUTSIDERADMIN001", "secretAccessKey": "outsiderAdminSecretKey/FAKE/DemoOnly+001" } ],
              "inlinePolicies": { "All": { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] } } }
          ]
        }
      ]
    }
    """;
}

/// <summary>One in-process emulator with <see cref="RdsWorld.Json"/> per test class; each test starts from a reset.</summary>
public class RdsServerFixture : IAsyncLifetime
{
    /// <summary>The world this fixture's server loads and resets to.</summary>
    protected virtual string FixtureJson => RdsWorld.Json;

    public EmulatorServer Server { get; private set; } = null!;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        RdsWorld.InstallKeys();
        Server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = FixtureJson });
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    internal RdsApi Api(AWSCredentials credentials, string region = RdsWorld.Region) => new(Http, Server.BaseUri, credentials, region);
}

/// <summary>Base for RDS test classes: a fresh world (fixture, clock, settings) before every test.</summary>
public abstract class RdsTestBase<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : RdsServerFixture
{
    protected TFixture Fixture { get; } = fixture;

    internal RdsApi Origin => Fixture.Api(RdsWorld.OriginAdmin);

    internal RdsApi Vault => Fixture.Api(RdsWorld.VaultAdmin);

    internal RdsApi Outsider => Fixture.Api(RdsWorld.OutsiderAdmin);

    public Task InitializeAsync()
    {
        Fixture.Server.Reset();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Moves world time on, which is what copies progress with.</summary>
    protected void Advance(TimeSpan by) => Fixture.Server.Clock.Advance(by);
}

/// <summary>Tests on <see cref="RdsWorld.Json"/>.</summary>
public abstract class RdsTestBase(RdsServerFixture fixture) : RdsTestBase<RdsServerFixture>(fixture);
