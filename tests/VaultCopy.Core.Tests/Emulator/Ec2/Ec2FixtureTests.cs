using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>The ec2 fixture section: strict validation with paths, keys resolved through KMS, the demo world.</summary>
public sealed class Ec2FixtureTests
{
    private const string Account = "111111111111";

    [Fact]
    public async Task Demo_world_has_origin_snapshots_and_amis_on_its_keys()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        using var ec2 = new AmazonEC2Client(
            new BasicAWSCredentials(Demo.OriginAdminKey, Demo.OriginAdminSecret),
            new AmazonEC2Config { ServiceURL = server.BaseUri.ToString(), AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });

        var snapshots = (await ec2.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { OwnerIds = ["self"] })).Snapshots;
        var byId = snapshots.ToDictionary(s => s.SnapshotId);
        Assert.Equal(5, byId.Count);
        Assert.Equal("arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111", byId["snap-0a1b2c3d4e5f60001"].KmsKeyId);
        Assert.StartsWith("arn:aws:kms:eu-west-1:111111111111:key/", byId["snap-0a1b2c3d4e5f60002"].KmsKeyId, StringComparison.Ordinal);
        Assert.NotEqual(byId["snap-0a1b2c3d4e5f60001"].KmsKeyId, byId["snap-0a1b2c3d4e5f60002"].KmsKeyId);
        Assert.False(byId["snap-0a1b2c3d4e5f60003"].Encrypted);

        var images = (await ec2.DescribeImagesAsync(new DescribeImagesRequest { Owners = ["self"] })).Images;
        Assert.Equal(["ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002"], images.Select(i => i.ImageId));

        // The aws/ebs-backed AMI is the one that cannot be shared.
        await Ec2Assert.Fails("InvalidParameter", () => ec2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = "ami-0a1b2c3d4e5f60002",
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        }));
        await ec2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
        {
            ImageId = "ami-0a1b2c3d4e5f60001",
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        });
    }

    [Fact]
    public async Task Demo_vault_copy_through_the_vault_role_session()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        string url = server.BaseUri.ToString();
        var originCredentials = new BasicAWSCredentials(Demo.OriginAdminKey, Demo.OriginAdminSecret);
        using var origin = new AmazonEC2Client(originCredentials, new AmazonEC2Config { ServiceURL = url, AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });
        using var originKms = new AmazonKeyManagementServiceClient(originCredentials,
            new AmazonKeyManagementServiceConfig { ServiceURL = url, AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });
        using var sts = new AmazonSecurityTokenServiceClient(originCredentials,
            new AmazonSecurityTokenServiceConfig { ServiceURL = url, AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });
        var session = (await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Demo.VaultRoleArn,
            RoleSessionName = "vault-copy",
            ExternalId = Demo.ExternalId,
        })).Credentials;
        using var vault = new AmazonEC2Client(
            new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken),
            new AmazonEC2Config { ServiceURL = url, AuthenticationRegion = Demo.Region, MaxErrorRetry = 0 });

        // Sharing the snapshot is not enough while the origin key's policy does not name the vault.
        await origin.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
        {
            SnapshotId = "snap-0a1b2c3d4e5f60001",
            OperationType = OperationType.Add,
            UserIds = [Demo.VaultAccount],
        });
        var refused = await vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = Demo.Region,
            SourceSnapshotId = "snap-0a1b2c3d4e5f60001",
            Encrypted = true,
            KmsKeyId = "alias/vault-backup",
        });

        await originKms.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = "a1b2c3d4-0000-4000-8000-111111111111", Policy = OriginKeySharedWithVault });
        var copied = await vault.CopySnapshotAsync(new CopySnapshotRequest
        {
            SourceRegion = Demo.Region,
            SourceSnapshotId = "snap-0a1b2c3d4e5f60001",
            Encrypted = true,
            KmsKeyId = "alias/vault-backup",
        });

        // Within the session's hour: a 20 GiB copy takes about four minutes.
        server.Clock.Advance(TimeSpan.FromMinutes(30));
        var result = (await vault.DescribeSnapshotsAsync(new DescribeSnapshotsRequest { SnapshotIds = [refused.SnapshotId, copied.SnapshotId] }))
            .Snapshots.ToDictionary(s => s.SnapshotId);
        Assert.Equal(SnapshotState.Error, result[refused.SnapshotId].State);
        Assert.Equal(SnapshotState.Completed, result[copied.SnapshotId].State);
        Assert.StartsWith("arn:aws:kms:eu-west-1:222222222222:key/", result[copied.SnapshotId].KmsKeyId, StringComparison.Ordinal);
    }

    private const string OriginKeySharedWithVault = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
          {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
          {"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},
           "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}
        ]}
        """;

    [Theory]
    [InlineData("""{ "snapshots": [ { "id": "snap-1", "volumeSize": 8 } ] }""", ".ec2.snapshots[0].id", "not an id")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "colour": "red" } ] }""", ".ec2.snapshots[0].colour", "unknown property")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001" } ] }""", ".ec2.snapshots[0].volumeSize", "required")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "encrypted": true } ] }""", ".ec2.snapshots[0].kmsKeyId", "needs its key")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "awsManagedKey": true, "createVolumePermission": [ { "userId": "222222222222" } ] } ] }""",
        ".ec2.snapshots[0].createVolumePermission", "aws/ebs")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "kmsKeyId": "alias/k", "createVolumePermission": [ { "group": "all" } ] } ] }""",
        ".ec2.snapshots[0].createVolumePermission", "cannot be public")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "createVolumePermission": [ { "userId": "1234" } ] } ] }""",
        ".ec2.snapshots[0].createVolumePermission[0].userId", "12 digits")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8 }, { "id": "snap-0000000000000a001", "volumeSize": 8 } ] }""",
        ".ec2.snapshots[1].id", "duplicate")]
    [InlineData("""{ "images": [ { "id": "ami-0000000000000b001", "name": "x1y", "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a009" } ] } ] }""",
        ".ec2.images[0].blockDeviceMappings[0].snapshotId", "no snapshot")]
    [InlineData("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "awsManagedKey": true } ], "images": [ { "id": "ami-0000000000000b001", "name": "legacy", "blockDeviceMappings": [ { "deviceName": "/dev/xvda", "snapshotId": "snap-0000000000000a001" } ], "isPublic": true } ] }""",
        ".ec2.images[0].launchPermission", "aws/ebs")]
    [InlineData("""{ "snapshotBlockPublicAccess": "sometimes" }""", ".ec2.snapshotBlockPublicAccess", "not one of")]
    public void Invalid_sections_are_refused_with_their_path(string section, string pathSuffix, string messagePart)
    {
        var ex = Assert.Throws<FixtureException>(() => Load(section));
        Assert.Contains("$.accounts[0].regions.eu-west-1" + pathSuffix + ":", ex.Message, StringComparison.Ordinal);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_resolved_through_kms_when_the_world_loads()
    {
        var unknown = Assert.Throws<FixtureException>(() => Load("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "kmsKeyId": "alias/missing" } ] }"""));
        Assert.Contains("$.accounts[0].regions.eu-west-1.ec2.snapshots[0].kmsKeyId: no KMS key 'alias/missing'", unknown.Message, StringComparison.Ordinal);

        // Naming aws/ebs by its alias is still the AWS managed key, which cannot be shared.
        var awsEbs = Assert.Throws<FixtureException>(() => Load(
            """{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "kmsKeyId": "alias/aws/ebs", "createVolumePermission": [ { "userId": "222222222222" } ] } ] }"""));
        Assert.Contains("aws/ebs", awsEbs.Message, StringComparison.Ordinal);

        var world = Load("""{ "snapshots": [ { "id": "snap-0000000000000a001", "volumeSize": 8, "kmsKeyId": "alias/k" } ] }""");
        var snapshot = world.Accounts[Account].Regions["eu-west-1"].Ec2.Snapshots["snap-0000000000000a001"];
        Assert.Equal("arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-4111-8111-111111111111", snapshot.KmsKeyArn);
    }

    [Fact]
    public async Task Quotas_are_set_per_world_and_reset_to_aws_defaults()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = Ec2Worlds.World });
        Assert.Equal(20, server.Settings.Ec2.ConcurrentSnapshotCopies);
        Assert.Equal(300, server.Settings.Ec2.ConcurrentImageCopies);
        Assert.Equal(1000, server.Settings.Ec2.ImageSharingEntities);
        server.Settings.Ec2.ConcurrentSnapshotCopies = 1;

        using var ec2 = new AmazonEC2Client(
            new BasicAWSCredentials(Ec2Worlds.OriginAdmin.AccessKeyId, Ec2Worlds.OriginAdmin.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = server.BaseUri.ToString(), AuthenticationRegion = Ec2Worlds.HomeRegion, MaxErrorRetry = 0 });
        await ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Ec2Worlds.HomeRegion, SourceSnapshotId = Ec2Worlds.PlainSnapshot });
        await Ec2Assert.Fails("ResourceLimitExceeded",
            () => ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Ec2Worlds.HomeRegion, SourceSnapshotId = Ec2Worlds.PlainSnapshot }));

        using var http = new HttpClient();
        using (var reset = await http.PostAsync(new Uri(server.BaseUri, "_emulator/reset"), null))
        {
            reset.EnsureSuccessStatusCode();
        }

        Assert.Equal(20, server.Settings.Ec2.ConcurrentSnapshotCopies);
        await ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Ec2Worlds.HomeRegion, SourceSnapshotId = Ec2Worlds.PlainSnapshot });
        await ec2.CopySnapshotAsync(new CopySnapshotRequest { SourceRegion = Ec2Worlds.HomeRegion, SourceSnapshotId = Ec2Worlds.PlainSnapshot });
    }

    private static World Load(string ec2Section)
    {
        string json = $$"""
            {
              "accounts": [
                {
                  "id": "{{Account}}",
                  "regions": {
                    "eu-west-1": {
                      "kms": {
                        "keys": [ { "id": "11111111-1111-4111-8111-111111111111" } ],
                        "aliases": [ { "name": "alias/k", "targetKeyId": "11111111-1111-4111-8111-111111111111" } ]
                      },
                      "ec2": {{ec2Section}}
                    }
                  }
                },
                { "id": "222222222222" }
              ]
            }
            """;
        var world = new World();
        FixtureLoader.Load(world, json, DateTimeOffset.UtcNow);
        return world;
    }
}
