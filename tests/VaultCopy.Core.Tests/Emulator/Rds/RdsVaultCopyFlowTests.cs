using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>Hosts the demo world for the end-to-end vault copy.</summary>
public sealed class RdsDemoFixture : RdsServerFixture
{
    protected override string FixtureJson { get; } = VaultCopy.Emulator.Fixtures.FixtureLoader.DemoWorldJson();
}

/// <summary>
/// The vault copy on the demo world, with STS and KMS through the real SDK clients and RDS through signed Query calls:
/// share in the origin, assume the vault role, copy under the vault's key; and the aws/rds detour.
/// </summary>
public sealed class RdsVaultCopyFlowTests(RdsDemoFixture fixture) : RdsTestBase<RdsDemoFixture>(fixture)
{
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";

    private const string OriginKeyPolicyWithVault = """
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Action": "kms:*", "Resource": "*" },
          { "Sid": "Allow use of the key", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ], "Resource": "*" },
          { "Sid": "Allow attachment of persistent resources", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant" ], "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": true } } } ] }
        """;

    [Fact]
    public async Task VaultRoleCopiesASharedSnapshot_OnceTheOriginKeyPolicyLetsItIn()
    {
        await Origin.OkAsync("ModifyDBSnapshotAttribute",
            ("DBSnapshotIdentifier", "origin-orders-manual-cmk"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", RdsWorld.VaultAccount));

        var vault = Fixture.Api(await AssumeVaultRoleAsync());
        const string source = "arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk";
        var shared = await vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.Equal([source], shared.Identifiers());

        // The demo key has the API default policy: the vault may not decrypt it, and RDS says so at once.
        var refused = await vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "vault-orders"), ("KmsKeyId", "alias/vault-backup"));
        Assert.Equal($"The source snapshot KMS key [{OriginKeyArn}] does not exist, is not enabled or you do not have permissions to access it.", refused.Message);

        using (var kms = Kms(RdsWorld.OriginAdmin))
        {
            await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = OriginKeyPolicyWithVault });
        }

        var copy = (await vault.OkAsync("CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "vault-orders"), ("KmsKeyId", "alias/vault-backup"))).Snapshot();
        Assert.Equal(VaultKeyArn, copy.Field("KmsKeyId"));
        Assert.Equal(source, copy.Field("SourceDBSnapshotIdentifier"));

        Advance(TimeSpan.FromMinutes(12));
        var done = (await vault.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "vault-orders"))).Snapshots().Single();
        Assert.Equal("available", done.Field("Status"));
        Assert.Equal(VaultKeyArn, done.Field("KmsKeyId"));
        Assert.Equal(Ts("2026-01-15T03:30:00.000Z"), Ts(done.Field("OriginalSnapshotCreateTime")));
    }

    [Fact]
    public async Task AwsManagedKeySnapshot_IsReKeyedInTheOrigin_ThenSharedAndCopied()
    {
        await Origin.FailsAsync("InvalidDBClusterSnapshotStateFault", 400, "ModifyDBClusterSnapshotAttribute",
            ("DBClusterSnapshotIdentifier", "origin-legacy-ledger-manual-awsrds"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", RdsWorld.VaultAccount));

        using (var kms = Kms(RdsWorld.OriginAdmin))
        {
            await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = OriginKeyPolicyWithVault });
        }

        await Origin.OkAsync("CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "origin-legacy-ledger-manual-awsrds"), ("TargetDBClusterSnapshotIdentifier", "ledger-for-vault"),
            ("KmsKeyId", "alias/origin-backup"));
        Advance(TimeSpan.FromMinutes(5));
        await Origin.OkAsync("ModifyDBClusterSnapshotAttribute",
            ("DBClusterSnapshotIdentifier", "ledger-for-vault"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", RdsWorld.VaultAccount));

        var vault = Fixture.Api(await AssumeVaultRoleAsync());
        var copy = await vault.OkAsync("CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:ledger-for-vault"),
            ("TargetDBClusterSnapshotIdentifier", "vault-ledger"), ("KmsKeyId", VaultKeyArn));
        Assert.Equal("copying", copy.Snapshot(cluster: true).Field("Status"));
        Assert.Equal(VaultKeyArn, copy.Snapshot(cluster: true).Field("KmsKeyId"));
    }

    private static DateTimeOffset Ts(string? text) => DateTimeOffset.Parse(text!, System.Globalization.CultureInfo.InvariantCulture);

    private async Task<AWSCredentials> AssumeVaultRoleAsync()
    {
        using var sts = new AmazonSecurityTokenServiceClient(RdsWorld.OriginAdmin, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = Fixture.Server.BaseUri.ToString(),
            AuthenticationRegion = RdsWorld.Region,
        });
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = "arn:aws:iam::222222222222:role/VaultCopyVault",
            RoleSessionName = "vault-copy",
            ExternalId = "vaultcopy-demo",
        });
        var c = response.Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }

    private AmazonKeyManagementServiceClient Kms(AWSCredentials credentials) => new(credentials, new AmazonKeyManagementServiceConfig
    {
        ServiceURL = Fixture.Server.BaseUri.ToString(),
        AuthenticationRegion = RdsWorld.Region,
    });
}
