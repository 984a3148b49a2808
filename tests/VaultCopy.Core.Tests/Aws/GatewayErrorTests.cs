using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.Preflight;

namespace VaultCopy.Core.Tests.Aws;

/// <summary>An AWS error leaves a gateway as the one AwsServiceException type, whichever SDK client met it.</summary>
public sealed class GatewayErrorTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    [Fact]
    public async Task EC2_and_KMS_errors_leave_the_gateways_as_AwsServiceException_with_the_AWS_code()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        using var ec2 = new Ec2Gateway(origin.Session);
        using var kms = new KmsGateway(origin.Session);

        AwsServiceException ec2Error = await Assert.ThrowsAsync<AwsServiceException>(() => ec2.DescribeSnapshotsAsync(["snap-0000000000000dead"], CancellationToken.None));
        AwsServiceException kmsError = await Assert.ThrowsAsync<AwsServiceException>(() => kms.GetKeyPolicyAsync("arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-4000-8000-000000000000", CancellationToken.None));

        Assert.Equal("InvalidSnapshot.NotFound", ec2Error.ErrorCode);
        Assert.Equal("EC2", ec2Error.ServiceId);
        Assert.Equal("NotFoundException", kmsError.ErrorCode);
        Assert.Equal("KMS", kmsError.ServiceId);
    }
}
