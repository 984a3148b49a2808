using VaultCopy.Core.Accounts;

namespace VaultCopy.Core.Tests.Core;

public class ArnPartsTests
{
    [Theory]
    [InlineData("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/s1", "arn:aws:iam::222222222222:role/VaultCopyVault")]
    [InlineData("arn:aws-us-gov:sts::222222222222:assumed-role/R/x", "arn:aws-us-gov:iam::222222222222:role/R")]
    [InlineData("arn:aws:iam::111111111111:user/origin-admin", "arn:aws:iam::111111111111:user/origin-admin")]
    public void Principal_of_an_assumed_role_session_is_its_role(string arn, string principal) =>
        Assert.Equal(principal, ArnParts.PrincipalOf(arn));

    [Theory]
    [InlineData("arn:aws-cn:iam::111111111111:user/a", "aws-cn")]
    [InlineData("arn:aws:iam::111111111111:user/a", "aws")]
    public void Partition_is_read_from_the_arn(string arn, string partition) => Assert.Equal(partition, ArnParts.PartitionOf(arn));
}
