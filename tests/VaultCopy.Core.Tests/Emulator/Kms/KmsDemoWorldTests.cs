using System.Text;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Emulator.Kms;

/// <summary>The vault copy's real shape on the demo world: the vault role (a role session) and the origin key.</summary>
public sealed class KmsDemoWorldTests : IAsyncLifetime
{
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string VaultRoleArn = "arn:aws:iam::222222222222:role/VaultCopyVault";

    private EmulatorServer _server = null!;

    public async Task InitializeAsync() => _server = await EmulatorServer.StartAsync(new EmulatorOptions());

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_vault_role_uses_the_origin_key_once_its_policy_names_the_role()
    {
        var originAdmin = new BasicAWSCredentials("AKIAORIGINADMIN00001", "originAdminSecretKey/FAKE/DemoOnly+00001");
        using var sts = new AmazonSecurityTokenServiceClient(originAdmin, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = _server.BaseUri.ToString(),
            AuthenticationRegion = "eu-west-1",
        });
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = VaultRoleArn, RoleSessionName = "copy", ExternalId = "vaultcopy-demo" });
        using var vault = Kms(new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken));
        using var origin = Kms(originAdmin);
        byte[] blob = (await origin.EncryptAsync(new EncryptRequest { KeyId = "alias/origin-backup", Plaintext = new MemoryStream(Encoding.UTF8.GetBytes("snapshot key")) }))
            .CiphertextBlob.ToArray();

        // The API default policy: the message names the session, as AWS does.
        await KmsAssert.Denied("kms:Decrypt", OriginKeyArn, "arn:aws:sts::222222222222:assumed-role/VaultCopyVault/copy",
            () => vault.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) }));

        // Grant-VaultKeyAccess's kind of change: the origin names the vault role in its key policy.
        string shared = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"VaultCopy","Effect":"Allow","Principal":{"AWS":"{{VaultRoleArn}}"},"Action":["kms:Decrypt","kms:DescribeKey","kms:ReEncrypt*","kms:GenerateDataKeyWithoutPlaintext","kms:CreateGrant"],"Resource":"*"}]}
            """;
        await origin.PutKeyPolicyAsync(new PutKeyPolicyRequest { KeyId = "a1b2c3d4-0000-4000-8000-111111111111", Policy = shared });
        var plain = await vault.DecryptAsync(new DecryptRequest { CiphertextBlob = new MemoryStream(blob) });
        Assert.Equal("snapshot key", Encoding.UTF8.GetString(plain.Plaintext.ToArray()));
        Assert.Equal(OriginKeyArn, (await vault.DescribeKeyAsync(new DescribeKeyRequest { KeyId = OriginKeyArn })).KeyMetadata.Arn);

        // Re-encrypting into the vault's own key, named by its alias in the vault account.
        var moved = await vault.ReEncryptAsync(new ReEncryptRequest { CiphertextBlob = new MemoryStream(blob), DestinationKeyId = "alias/vault-backup" });
        Assert.Equal("arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222", moved.KeyId);
    }

    private AmazonKeyManagementServiceClient Kms(AWSCredentials credentials) => new(credentials, new AmazonKeyManagementServiceConfig
    {
        ServiceURL = _server.BaseUri.ToString(),
        AuthenticationRegion = "eu-west-1",
        MaxErrorRetry = 0,
    });
}
