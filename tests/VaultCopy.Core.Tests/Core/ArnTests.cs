using VaultCopy.Core.Accounts;

namespace VaultCopy.Core.Tests.Core;

public class ArnTests
{
    [Theory]
    [InlineData("arn:aws:sts::222222222222:assumed-role/VaultCopyVault/s1", "arn:aws:iam::222222222222:role/VaultCopyVault")]
    [InlineData("arn:aws-us-gov:sts::222222222222:assumed-role/R/x", "arn:aws-us-gov:iam::222222222222:role/R")]
    [InlineData("arn:aws:iam::111111111111:user/origin-admin", "arn:aws:iam::111111111111:user/origin-admin")]
    public void Principal_of_an_assumed_role_session_is_its_role(string arn, string principal) =>
        Assert.Equal(principal, Arn.PrincipalOf(arn));

    [Theory]
    [InlineData("arn:aws-cn:iam::111111111111:user/a", "aws-cn")]
    [InlineData("arn:aws:iam::111111111111:user/a", "aws")]
    public void Partition_is_read_from_the_arn(string arn, string partition) => Assert.Equal(partition, Arn.PartitionOf(arn));

    [Theory]
    [InlineData("arn:aws:rds:eu-west-1:111111111111:snapshot:orders", "rds", "eu-west-1", "111111111111", "snapshot", "orders")]
    [InlineData("arn:aws:ec2:eu-west-1::snapshot/snap-1", "ec2", "eu-west-1", "", "snapshot", "snap-1")]
    [InlineData("arn:aws:kms:eu-west-1:222222222222:alias/aws/ebs", "kms", "eu-west-1", "222222222222", "alias", "aws/ebs")]
    public void An_arn_is_split_once_into_its_parts(string text, string service, string region, string account, string type, string name)
    {
        Assert.True(Arn.TryParse(text, out Arn arn));
        Assert.Equal((service, region, account, type, name), (arn.Service, arn.Region, arn.AccountId, arn.ResourceType, arn.ResourceName));
        Assert.Equal(text, arn.ToString());
    }

    [Theory]
    [InlineData("snap-1")]
    [InlineData("arn:aws:kms")]
    [InlineData(null)]
    public void What_is_no_arn_is_not_parsed(string? text) => Assert.False(Arn.TryParse(text, out _));
}
