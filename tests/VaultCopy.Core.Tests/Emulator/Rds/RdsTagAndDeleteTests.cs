using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>AddTagsToResource, ListTagsForResource, RemoveTagsFromResource, DeleteDB(Cluster)Snapshot.</summary>
public sealed class RdsTagAndDeleteTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    [Fact]
    public async Task Tags_CanBeAddedListedAndRemoved()
    {
        string arn = SnapshotArn(OriginAccount, "orders-plain");
        var added = await Origin.OkAsync("AddTagsToResource", [("ResourceName", arn), .. RdsApi.Tags(("env", "prod"), ("owner", "dba"))]);

        // No resultWrapper in the model: only ResponseMetadata.
        Assert.Equal(RdsApi.Ns + "AddTagsToResourceResponse", added.Root.Name);
        Assert.Null(added.Root.Element(RdsApi.Ns + "AddTagsToResourceResult"));
        Assert.NotNull(added.Root.Element(RdsApi.Ns + "ResponseMetadata"));

        await Origin.OkAsync("AddTagsToResource", [("ResourceName", arn), .. RdsApi.Tags(("env", "staging"))]);
        var listed = await Origin.OkAsync("ListTagsForResource", ("ResourceName", arn));
        Assert.Equal(new Dictionary<string, string> { ["env"] = "staging", ["owner"] = "dba" }, listed.Result.TagMap());

        await Origin.OkAsync("RemoveTagsFromResource", [("ResourceName", arn), .. RdsApi.List("TagKeys", "member", "env", "not-there")]);
        var after = await Origin.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-plain"));
        Assert.Equal(new Dictionary<string, string> { ["owner"] = "dba" }, after.Snapshots().Single().TagMap());
    }

    [Fact]
    public async Task ClusterSnapshotTags_WorkByClusterSnapshotArn()
    {
        string arn = ClusterSnapshotArn(OriginAccount, "ledger-manual-cmk");
        var listed = await Origin.OkAsync("ListTagsForResource", ("ResourceName", arn));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "ledger" }, listed.Result.TagMap());
        await Origin.FailsAsync("DBClusterSnapshotNotFoundFault", 404, "ListTagsForResource", ("ResourceName", ClusterSnapshotArn(OriginAccount, "nope")));
    }

    [Theory]
    [InlineData("aws:backup", "x")]
    [InlineData("rds:thing", "x")]
    [InlineData("ok", "aws:value")]
    [InlineData("", "x")]
    public async Task InvalidTags_AreInvalidParameterValue(string key, string value) =>
        await Origin.FailsAsync("InvalidParameterValue", 400, "AddTagsToResource",
            [("ResourceName", SnapshotArn(OriginAccount, "orders-plain")), .. RdsApi.Tags((key, value))]);

    [Fact]
    public async Task TagsAreTheOwners_AnotherAccountsSnapshotIsNotFound()
    {
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "ListTagsForResource", ("ResourceName", SnapshotArn(OriginAccount, "orders-shared-cmk")));
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "AddTagsToResource",
            [("ResourceName", SnapshotArn(OriginAccount, "orders-shared-cmk")), .. RdsApi.Tags(("x", "y"))]);
    }

    [Theory]
    [InlineData("arn:aws:rds:us-east-1:111111111111:snapshot:orders-use1-own")]
    [InlineData("orders-plain")]
    [InlineData("arn:aws:ec2:eu-west-1:111111111111:snapshot/snap-0123456789abcdef0")]
    public async Task ResourceNameMustBeAnRdsArnOfThisRegion(string resourceName)
    {
        var response = await Origin.FailsAsync("InvalidParameterValue", 400, "ListTagsForResource", ("ResourceName", resourceName));
        Assert.Equal("The specified resource name does not match an RDS resource in this region.", response.Message);
    }

    [Fact]
    public async Task DbInstancesAndClustersAreNotModelled_SoTheirArnsAreNotFound()
    {
        await Origin.FailsAsync("DBInstanceNotFound", 404, "ListTagsForResource", ("ResourceName", "arn:aws:rds:eu-west-1:111111111111:db:orders"));
        await Origin.FailsAsync("DBClusterNotFoundFault", 404, "ListTagsForResource", ("ResourceName", "arn:aws:rds:eu-west-1:111111111111:cluster:ledger"));
    }

    [Fact]
    public async Task Delete_ReturnsTheSnapshotAsDeleted_AndItIsGone()
    {
        var deleted = await Origin.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "ORDERS-PLAIN"));
        var snapshot = deleted.Snapshot();
        Assert.Equal("orders-plain", snapshot.Field("DBSnapshotIdentifier"));
        Assert.Equal("deleted", snapshot.Field("Status"));
        await Origin.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-plain"));
        await Origin.FailsAsync("DBSnapshotNotFound", 404, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-plain"));

        var cluster = await Origin.OkAsync("DeleteDBClusterSnapshot", ("DBClusterSnapshotIdentifier", "ledger-plain"));
        Assert.Equal("ledger-plain", cluster.Snapshot(cluster: true).Field("DBClusterSnapshotIdentifier"));
        await Origin.FailsAsync("DBClusterSnapshotNotFoundFault", 404, "DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "ledger-plain"));
    }

    [Fact]
    public async Task DeletingASharedSnapshot_RemovesItFromTheVaultsView()
    {
        await Origin.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-shared-plain"));
        var shared = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.DoesNotContain(SnapshotArn(OriginAccount, "orders-shared-plain"), shared.Identifiers());
    }

    [Fact]
    public async Task AutomatedAndUnavailableSnapshots_CannotBeDeleted()
    {
        await Origin.FailsAsync("InvalidDBSnapshotState", 400, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "rds:orders-2026-01-15-03-05"));
        await Origin.FailsAsync("InvalidDBClusterSnapshotStateFault", 400, "DeleteDBClusterSnapshot", ("DBClusterSnapshotIdentifier", "rds:ledger-2026-01-15-03-10"));
        await Origin.FailsAsync("InvalidDBSnapshotState", 400, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-creating"));
    }

    [Fact]
    public async Task OnlyTheOwnerDeletes()
    {
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-shared-cmk"));
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "DeleteDBSnapshot", ("DBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-cmk")));
        await Origin.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-shared-cmk"));
    }
}
