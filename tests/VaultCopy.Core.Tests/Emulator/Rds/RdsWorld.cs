using Amazon.Runtime;
using VaultCopy.Emulator.Hosting;

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

    // The console's statements for an external account as key user (aws-behaviour.md §4.2).
    private const string SharedWithVaultPolicy = """
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Action": "kms:*", "Resource": "*" },
          { "Sid": "Allow use of the key", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ], "Resource": "*" },
          { "Sid": "Allow attachment of persistent resources", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant" ], "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": "true" } } } ] }
        """;

    public static string SnapshotArn(string account, string name, string region = Region) => $"arn:aws:rds:{region}:{account}:snapshot:{name}";

    public static string ClusterSnapshotArn(string account, string name, string region = Region) => $"arn:aws:rds:{region}:{account}:cluster-snapshot:{name}";

    /// <summary>alias/origin-backup, the origin's customer key (also the demo world's): its policy names the vault.</summary>
    public static TestKey OriginBackup { get; } = new(OriginAccount, Region, "0b000000-0000-4000-8000-000000000001");

    /// <summary>alias/origin-private: API default policy, so only the origin account can use it.</summary>
    public static TestKey OriginPrivate { get; } = new(OriginAccount, Region, "0b000000-0000-4000-8000-000000000002");

    public static TestKey OriginBackupOtherRegion { get; } = new(OriginAccount, OtherRegion, "0b000000-0000-4000-8000-000000000003");

    /// <summary>alias/vault-key in the vault, the key vault copies are re-encrypted with.</summary>
    public static TestKey VaultKey { get; } = new(VaultAccount, Region, "0b000000-0000-4000-8000-000000000004");

    public static TestKey VaultKeyOtherRegion { get; } = new(VaultAccount, OtherRegion, "0b000000-0000-4000-8000-000000000005");

    /// <summary>alias/vault-disabled: a disabled key.</summary>
    public static TestKey VaultDisabled { get; } = new(VaultAccount, Region, "0b000000-0000-4000-8000-000000000006");

    public static readonly string Json = JsonTemplate.Replace("SHARED_POLICY", SharedWithVaultPolicy, StringComparison.Ordinal);

    private const string JsonTemplate = """
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
              "kms": {
                "keys": [
                  { "id": "0b000000-0000-4000-8000-000000000001", "description": "origin-backup", "policy": SHARED_POLICY },
                  { "id": "0b000000-0000-4000-8000-000000000002", "description": "origin-private" }
                ],
                "aliases": [
                  { "name": "alias/origin-backup", "targetKeyId": "0b000000-0000-4000-8000-000000000001" },
                  { "name": "alias/origin-private", "targetKeyId": "0b000000-0000-4000-8000-000000000002" }
                ]
              },
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
              "kms": {
                "keys": [ { "id": "0b000000-0000-4000-8000-000000000003", "description": "origin-backup", "policy": SHARED_POLICY } ],
                "aliases": [ { "name": "alias/origin-backup", "targetKeyId": "0b000000-0000-4000-8000-000000000003" } ]
              },
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
          ],
          "regions": {
            "eu-west-1": {
              "kms": {
                "keys": [
                  { "id": "0b000000-0000-4000-8000-000000000004", "description": "vault-key" },
                  { "id": "0b000000-0000-4000-8000-000000000006", "description": "vault-disabled", "state": "Disabled" }
                ],
                "aliases": [
                  { "name": "alias/vault-key", "targetKeyId": "0b000000-0000-4000-8000-000000000004" },
                  { "name": "alias/vault-disabled", "targetKeyId": "0b000000-0000-4000-8000-000000000006" }
                ]
              }
            },
            "us-east-1": {
              "kms": {
                "keys": [ { "id": "0b000000-0000-4000-8000-000000000005", "description": "vault-key" } ],
                "aliases": [ { "name": "alias/vault-key", "targetKeyId": "0b000000-0000-4000-8000-000000000005" } ]
              }
            }
          }
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

/// <summary>A KMS key of the test world.</summary>
internal sealed record TestKey(string Account, string Region, string KeyId)
{
    public string Arn => $"arn:aws:kms:{Region}:{Account}:key/{KeyId}";
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
