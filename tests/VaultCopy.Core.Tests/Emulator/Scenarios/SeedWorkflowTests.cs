using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using VaultCopy.Core.Tests.Emulator.Iam;
using VaultCopy.Core.Tests.Emulator.Rds;

namespace VaultCopy.Core.Tests.Emulator.Scenarios;

/// <summary>
/// The manual vault copy, step by step, as an admin would try it by hand on the demo world with raw AWS calls only
/// (AmazonEC2Client, AmazonKeyManagementServiceClient, AmazonSecurityTokenServiceClient; RDS and IAM as signed Query
/// requests) and no VaultCopy code. Each step is what AWS answers at that point of the story: the default key cannot
/// be shared; sharing the snapshot is not sharing its key; the key policy alone is not enough; key policy and the
/// vault's IAM together are; an AMI needs its snapshots shared; RDS wants a key of the vault; quotas bite.
/// </summary>
public class SeedWorkflowTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string CmkSnapshot = "snap-0a1b2c3d4e5f60001";          // 20 GiB under alias/origin-backup
    private const string AwsEbsSnapshot = "snap-0a1b2c3d4e5f60002";       // the AWS managed aws/ebs key
    private const string CmkImage = "ami-0a1b2c3d4e5f60001";              // backed by snap-0a1b2c3d4e5f60004
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";

    // 15 s start-up + 20 GiB at 100 MiB/s (README "EC2", copies) = 219.8 s of world time.
    private static readonly TimeSpan CmkSnapshotCopyTime = TimeSpan.FromSeconds(220);

    /// <summary>The two statements AWS documents for letting another account use a key for EBS copies.</summary>
    private const string OriginKeyPolicyWithVault = """
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:root" }, "Action": "kms:*", "Resource": "*" },
          { "Sid": "Allow use of the key", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ], "Resource": "*" },
          { "Sid": "Allow attachment of persistent resources", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::222222222222:root" },
            "Action": [ "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant" ], "Resource": "*",
            "Condition": { "Bool": { "kms:GrantIsForAWSResource": true } } } ] }
        """;

    /// <summary>The vault role as a locked-down vault would have it: KMS on the vault's own keys only.</summary>
    private const string VaultRoleOwnKeysOnly = """
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "VaultWork", "Effect": "Allow", "Action": [ "sts:GetCallerIdentity", "ec2:*", "rds:*", "iam:Get*", "iam:List*" ], "Resource": "*" },
          { "Sid": "OwnKeys", "Effect": "Allow", "Action": "kms:*", "Resource": "arn:aws:kms:*:222222222222:key/*" } ] }
        """;

    private const string VaultRoleOriginKeyUse = """
        { "Version": "2012-10-17", "Statement": [
          { "Sid": "OriginKeyForCopies", "Effect": "Allow",
            "Action": [ "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncrypt*", "kms:GenerateDataKey*" ],
            "Resource": "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111" } ] }
        """;

    private readonly List<IDisposable> _clients = [];

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task Step_a_a_snapshot_on_the_default_aws_ebs_key_cannot_be_shared()
    {
        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ShareSnapshotAsync(AwsEbsSnapshot));
        Assert.Equal("OperationNotPermitted", refused.ErrorCode);
        Assert.Equal("Encrypted snapshots with EBS default key cannot be shared", refused.Message);

        var attribute = await OriginEc2.DescribeSnapshotAttributeAsync(new DescribeSnapshotAttributeRequest
        {
            SnapshotId = AwsEbsSnapshot,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
        });
        Assert.Empty(attribute.CreateVolumePermissions ?? []);
    }

    [Fact]
    public async Task Step_b_a_cmk_snapshot_shared_without_its_key_copies_into_error()
    {
        await ShareSnapshotAsync(CmkSnapshot);
        var vault = Ec2(await VaultSessionAsync());

        // The vault sees the share and EC2 accepts the copy: the key problem only shows once EC2 tries the key.
        var shared = await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { RestorableByUserIds = ["self"], OwnerIds = [Demo.OriginAccount] });
        Assert.Equal([CmkSnapshot], shared.Snapshots.Select(s => s.SnapshotId));
        string copy = await CopyUnderVaultKeyAsync(vault);
        Assert.Equal(SnapshotState.Pending, (await DescribeAsync(vault, copy)).State);

        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(5));
        var failed = await DescribeAsync(vault, copy);
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("Given key ID is not accessible", failed.StateMessage);
    }

    [Fact]
    public async Task Step_c_the_key_policy_alone_is_not_enough_when_the_vault_role_may_not_use_the_origin_key()
    {
        await ShareSnapshotAsync(CmkSnapshot);
        await OpenOriginKeyToVaultAsync();
        await PutVaultRolePolicyAsync("VaultSide", VaultRoleOwnKeysOnly);
        var vault = Ec2(await VaultSessionAsync());

        string copy = await CopyUnderVaultKeyAsync(vault);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(5));
        var failed = await DescribeAsync(vault, copy);
        Assert.Equal(SnapshotState.Error, failed.State);
        Assert.Equal("Given key ID is not accessible", failed.StateMessage);
    }

    [Fact]
    public async Task Step_d_with_key_policy_and_vault_iam_both_in_place_the_copy_completes_under_the_vault_key()
    {
        await ShareSnapshotAsync(CmkSnapshot);
        await OpenOriginKeyToVaultAsync();
        await PutVaultRolePolicyAsync("VaultSide", VaultRoleOwnKeysOnly);
        await PutVaultRolePolicyAsync("OriginKeyUse", VaultRoleOriginKeyUse);
        var vault = Ec2(await VaultSessionAsync());

        string copy = await CopyUnderVaultKeyAsync(vault);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(SnapshotState.Pending, (await DescribeAsync(vault, copy)).State);

        await emulator.AdvanceClockAsync(CmkSnapshotCopyTime);
        var done = await DescribeAsync(vault, copy);
        Assert.Equal(SnapshotState.Completed, done.State);
        Assert.Equal("100%", done.Progress);
        Assert.True(done.Encrypted);
        Assert.Equal(VaultKeyArn, done.KmsKeyId);
        Assert.Equal(Demo.VaultAccount, done.OwnerId);
    }

    [Fact]
    public async Task Step_e_an_ami_whose_backing_snapshot_is_not_shared_cannot_be_copied()
    {
        await OriginEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = CmkImage,
            Attribute = "launchPermission",
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        });
        await OpenOriginKeyToVaultAsync();
        var vault = Ec2(await VaultSessionAsync());
        Assert.Single((await vault.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [CmkImage] })).Images);

        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => vault.CopyImageAsync(new CopyImageRequest
        {
            Name = "app-server-vault",
            SourceImageId = CmkImage,
            SourceRegion = Demo.Region,
            Encrypted = true,
            KmsKeyId = VaultKeyArn,
        }));
        Assert.Equal("InvalidRequest", refused.ErrorCode);
        Assert.Empty((await vault.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images ?? []);
    }

    [Fact]
    public async Task Step_f_a_shared_encrypted_rds_snapshot_copied_without_a_vault_key_fails()
    {
        var origin = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        await origin.OkAsync("ModifyDBSnapshotAttribute",
            ("DBSnapshotIdentifier", "origin-orders-manual-cmk"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", Demo.VaultAccount));
        await OpenOriginKeyToVaultAsync();

        var vault = new RdsApi(emulator.Http, emulator.BaseUri, await VaultSessionAsync());
        var refused = await vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk"),
            ("TargetDBSnapshotIdentifier", "vault-orders"));
        Assert.StartsWith("The target KMS key [None]", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "manual"))).Snapshots());
    }

    [Fact]
    public async Task Step_g_a_21st_concurrent_ebs_copy_beyond_the_quota_is_ResourceLimitExceeded()
    {
        await ShareSnapshotAsync(CmkSnapshot);
        await OpenOriginKeyToVaultAsync();
        var vault = Ec2(await VaultSessionAsync());
        for (int i = 0; i < 20; i++)
        {
            await CopyUnderVaultKeyAsync(vault);
        }

        var refused = await Assert.ThrowsAsync<AmazonEC2Exception>(() => CopyUnderVaultKeyAsync(vault));
        Assert.Equal("ResourceLimitExceeded", refused.ErrorCode);
        var mine = await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] });
        Assert.Equal(20, mine.Snapshots.Count(s => s.State == SnapshotState.Pending));

        // Once copies finish, the quota frees up again.
        await emulator.AdvanceClockAsync(CmkSnapshotCopyTime);
        await CopyUnderVaultKeyAsync(vault);
    }

    private AmazonEC2Client OriginEc2 => Ec2(Demo.OriginAdmin);

    private Task ShareSnapshotAsync(string snapshotId) =>
        OriginEc2.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = snapshotId,
            Attribute = SnapshotAttributeName.CreateVolumePermission,
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        });

    private async Task OpenOriginKeyToVaultAsync()
    {
        var kms = Track(new AmazonKeyManagementServiceClient(Demo.OriginAdmin, new AmazonKeyManagementServiceConfig
        {
            ServiceURL = emulator.BaseUri.ToString(),
            AuthenticationRegion = Demo.Region,
            MaxErrorRetry = 0,
        }));
        await kms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = OriginKeyArn, PolicyName = "default", Policy = OriginKeyPolicyWithVault });
    }

    private async Task PutVaultRolePolicyAsync(string name, string document)
    {
        var iam = SignedQueryClient.Iam(emulator.BaseUri, Demo.VaultAdmin);
        var result = await iam.CallAsync("PutRolePolicy", ("RoleName", "VaultCopyVault"), ("PolicyName", name), ("PolicyDocument", document));
        Assert.False(result.IsError, result.Root.ToString());
    }

    private async Task<AWSCredentials> VaultSessionAsync()
    {
        using var sts = emulator.Sts(Demo.OriginAdmin);
        var role = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Demo.VaultRoleArn, RoleSessionName = "seed", ExternalId = Demo.ExternalId });
        return new SessionAWSCredentials(role.Credentials.AccessKeyId, role.Credentials.SecretAccessKey, role.Credentials.SessionToken);
    }

    private static async Task<string> CopyUnderVaultKeyAsync(AmazonEC2Client vault) =>
        (await vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = Demo.Region,
            SourceSnapshotId = CmkSnapshot,
            Encrypted = true,
            KmsKeyId = VaultKeyArn,
        })).SnapshotId;

    private static async Task<Snapshot> DescribeAsync(AmazonEC2Client client, string snapshotId) =>
        (await client.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [snapshotId] })).Snapshots.Single();

    private AmazonEC2Client Ec2(AWSCredentials credentials) => Track(new AmazonEC2Client(credentials, new AmazonEC2Config
    {
        ServiceURL = emulator.BaseUri.ToString(),
        AuthenticationRegion = Demo.Region,
        MaxErrorRetry = 0,
    }));

    private T Track<T>(T client)
        where T : IDisposable
    {
        _clients.Add(client);
        return client;
    }
}
