using Amazon.EC2.Model;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// DescribeImages shows a billing product only through the AMI billing fields (EC2 User Guide, "AMI billing
/// information fields"), so an AMI with one must not report plain Linux/UNIX.
/// </summary>
public sealed class Ec2BillingInfoTests(Ec2EmulatorFixture fixture) : Ec2TestBase(fixture)
{
    [Fact]
    public async Task An_AMI_with_a_billing_product_reports_its_platform_and_usage_operation()
    {
        var licensed = (await Origin.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [BillingProductImage] })).Images.Single();
        var plain = (await Origin.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [SharedImage] })).Images.Single();

        Assert.Equal(("Windows", "RunInstances:0002"), (licensed.PlatformDetails, licensed.UsageOperation));
        Assert.Equal(("Linux/UNIX", "RunInstances"), (plain.PlatformDetails, plain.UsageOperation));
    }
}
