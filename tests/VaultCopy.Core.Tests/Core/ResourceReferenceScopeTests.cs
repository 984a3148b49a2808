using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Core;

/// <summary>The one rule for where an id or ARN is resolved: never as the same-named resource of another partition, Region or account.</summary>
public class ResourceReferenceScopeTests
{
    [Theory]
    [InlineData("arn:aws:rds:us-east-1:111111111111:snapshot:x", "ArnOfOtherRegion", "is in us-east-1, but this command reads the origin (-Source) in eu-west-1")]
    [InlineData("arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60001", "ArnOfOtherRegion", "-Region us-east-1")]
    [InlineData("arn:aws-cn:rds:eu-west-1:111111111111:snapshot:x", "ArnOfOtherPartition", "is in partition aws-cn, but the origin (-Source) is connected in partition aws")]
    [InlineData("arn:aws:rds:eu-west-1:333333333333:snapshot:x", "ArnOfOtherAccount", "belongs to account 333333333333, but the origin (-Source) is account 111111111111")]
    [InlineData("arn:aws:ec2:eu-west-1:333333333333:image/ami-0a1b2c3d4e5f60001", "ArnOfOtherAccount", "Connect-VaultAccount")]
    public void An_arn_of_another_partition_region_or_account_is_refused_with_its_remedy(string arn, string errorId, string words)
    {
        VaultCopyException? refused = ResourceReference.Parse(arn).RefuseOutside("aws", "eu-west-1", "111111111111", "the origin (-Source)");

        Assert.NotNull(refused);
        Assert.Equal(errorId, refused.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidArgument, refused.Kind);
        Assert.Contains(words, refused.Message + " " + refused.Remediation, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(refused.Remediation));
    }

    [Theory]
    [InlineData("arn:aws:rds:eu-west-1:111111111111:snapshot:x", "111111111111")]
    [InlineData("arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001", "111111111111")]
    [InlineData("snap-0a1b2c3d4e5f60001", "111111111111")]
    [InlineData("origin-orders-manual-cmk", "111111111111")]
    [InlineData("arn:aws:rds:eu-west-1:333333333333:snapshot:x", null)]
    public void What_names_the_connection_or_nothing_may_be_read_there(string text, string? owner)
    {
        Assert.Null(ResourceReference.Parse(text).RefuseOutside("aws", "eu-west-1", owner, "the origin (-Source)"));
    }

    [Fact]
    public void An_ec2_arn_naming_an_account_is_held_to_the_owner_aws_reports()
    {
        ResourceReference reference = ResourceReference.Parse("arn:aws:ec2:eu-west-1:333333333333:snapshot/snap-0a1b2c3d4e5f60001");

        Assert.Equal("ArnOfOtherAccount", reference.RefuseOwner("111111111111")?.ErrorId);
        Assert.Null(reference.RefuseOwner("333333333333"));
        Assert.Null(ResourceReference.Parse("snap-0a1b2c3d4e5f60001").RefuseOwner("111111111111"));
    }
}
