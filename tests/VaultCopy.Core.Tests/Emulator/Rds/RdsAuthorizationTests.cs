using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>Identity policies decide RDS actions on snapshot ARNs; denials are AccessDenied 403 with AWS's message.</summary>
public sealed class RdsAuthorizationTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    private RdsApi Copier => Fixture.Api(VaultCopier);

    private RdsApi Reader => Fixture.Api(OriginReader);

    [Fact]
    public async Task CopyWithoutPermission_IsAccessDenied_NamingTheSourceSnapshot()
    {
        var response = await Reader.FailsAsync("AccessDenied", 403, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "copy"));
        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/origin-reader is not authorized to perform: rds:CopyDBSnapshot on resource: "
            + "arn:aws:rds:eu-west-1:111111111111:snapshot:orders-plain because no identity-based policy allows the rds:CopyDBSnapshot action",
            response.Message);
        Assert.Equal("ErrorResponse", response.Root.Name.LocalName);
    }

    [Fact]
    public async Task ExplicitDenyOnTheTarget_WinsOverTheAllow()
    {
        var response = await Copier.FailsAsync("AccessDenied", 403, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-plain")), ("TargetDBSnapshotIdentifier", "forbidden-copy"));
        Assert.Equal(
            "User: arn:aws:iam::222222222222:user/vault-copier is not authorized to perform: rds:CopyDBSnapshot on resource: "
            + "arn:aws:rds:eu-west-1:222222222222:snapshot:forbidden-copy with an explicit deny in an identity-based policy",
            response.Message);
    }

    [Fact]
    public async Task TaggingTheCopy_NeedsAddTagsToResource()
    {
        var source = SnapshotArn(OriginAccount, "orders-shared-plain");
        var denied = await Copier.FailsAsync("AccessDenied", 403, "CopyDBSnapshot",
            [("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "tagged"), .. RdsApi.Tags(("a", "b"))]);
        Assert.Contains("rds:AddTagsToResource on resource: arn:aws:rds:eu-west-1:222222222222:snapshot:tagged", denied.Message, StringComparison.Ordinal);

        var untagged = await Copier.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "untagged"));
        Assert.Equal("untagged", untagged.Snapshot().Field("DBSnapshotIdentifier"));

        // CopyTags from another account's snapshot applies no tags, so it needs no tagging permission.
        await Copier.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "copy-tags"), ("CopyTags", "true"));
    }

    [Fact]
    public async Task CopierWithoutKmsPermissions_CannotUseAKey_EvenWithRdsPermission()
    {
        // The key policy of alias/origin-backup delegates to the vault's IAM, and the copier's IAM grants no kms:*.
        var response = await Copier.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-cmk")), ("TargetDBSnapshotIdentifier", "copy"), ("KmsKeyId", "alias/vault-key"));
        Assert.StartsWith("The source snapshot KMS key [", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribeWithoutAnIdentifier_IsAuthorizedOnAllSnapshotsOfTheAccount()
    {
        var response = await Copier.FailsAsync("AccessDenied", 403, "DescribeDBClusterSnapshots");
        Assert.Contains("rds:DescribeDBClusterSnapshots on resource: arn:aws:rds:eu-west-1:222222222222:cluster-snapshot:*", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ModifyDBSnapshotAttribute", "rds:ModifyDBSnapshotAttribute")]
    [InlineData("DescribeDBSnapshotAttributes", "rds:DescribeDBSnapshotAttributes")]
    public async Task SharingActionsAreAuthorizedOnTheSnapshot(string action, string iamAction)
    {
        var response = await Copier.FailsAsync("AccessDenied", 403, action,
            ("DBSnapshotIdentifier", "mine"), ("AttributeName", "restore"), ("ValuesToAdd.AttributeValue.1", OutsiderAccount));
        Assert.Contains($"{iamAction} on resource: arn:aws:rds:eu-west-1:222222222222:snapshot:mine", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagActionsAreAuthorizedOnTheResourceName()
    {
        var response = await Reader.FailsAsync("AccessDenied", 403, "ListTagsForResource", ("ResourceName", SnapshotArn(OriginAccount, "orders-plain")));
        Assert.Contains("rds:ListTagsForResource on resource: arn:aws:rds:eu-west-1:111111111111:snapshot:orders-plain", response.Message, StringComparison.Ordinal);
    }
}
