using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>DescribeDBSnapshots / DescribeDBClusterSnapshots: envelopes, visibility of shared snapshots, filters.</summary>
public sealed class RdsDescribeTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    [Fact]
    public async Task Describe_UsesTheQueryEnvelopeAndModelElementNames()
    {
        var response = await Origin.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-manual-cmk"));

        Assert.Equal("text/xml", response.ContentType);
        Assert.Equal(RdsApi.Ns + "DescribeDBSnapshotsResponse", response.Root.Name);
        Assert.NotEmpty(response.Root.Element(RdsApi.Ns + "ResponseMetadata")!.Element(RdsApi.Ns + "RequestId")!.Value);
        var snapshot = Assert.Single(response.Snapshots());
        Assert.Equal("orders-manual-cmk", snapshot.Field("DBSnapshotIdentifier"));
        Assert.Equal("orders", snapshot.Field("DBInstanceIdentifier"));
        Assert.Equal(SnapshotArn(OriginAccount, "orders-manual-cmk"), snapshot.Field("DBSnapshotArn"));
        Assert.Equal("manual", snapshot.Field("SnapshotType"));
        Assert.Equal("available", snapshot.Field("Status"));
        Assert.Equal(100, snapshot.IntField("PercentProgress"));
        Assert.Equal(100, snapshot.IntField("AllocatedStorage"));
        Assert.Equal("postgres", snapshot.Field("Engine"));
        Assert.Equal("true", snapshot.Field("Encrypted"));
        Assert.Equal("sse-kms", snapshot.Field("StorageEncryptionType"));
        Assert.Equal(OriginBackup.Arn, snapshot.Field("KmsKeyId"));
        Assert.Equal("2026-01-15T03:00:00.000Z", snapshot.Field("SnapshotCreateTime"));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "payments", ["backup"] = "daily" }, snapshot.TagMap());

        // Not a copy: no source fields.
        Assert.Null(snapshot.Field("SourceDBSnapshotIdentifier"));
    }

    [Fact]
    public async Task Describe_ByDefaultListsOwnManualAndAutomatedButNotSharedOrPublic()
    {
        var own = await Origin.OkAsync("DescribeDBSnapshots");
        Assert.Contains("rds:orders-2026-01-15-03-05", own.Identifiers());
        Assert.Contains("orders-manual-cmk", own.Identifiers());
        Assert.DoesNotContain(own.Identifiers(), i => i.StartsWith("arn:", StringComparison.Ordinal));
        Assert.DoesNotContain("orders-use1-cmk", own.Identifiers());

        var vault = await Vault.OkAsync("DescribeDBSnapshots");
        Assert.Empty(vault.Snapshots());
    }

    [Fact]
    public async Task SharedSnapshots_AppearOnlyWithIncludeSharedOrSnapshotTypeShared_UnderTheirArn()
    {
        string[] expected =
        [
            SnapshotArn(OriginAccount, "orders-shared-awsrds"), SnapshotArn(OriginAccount, "orders-shared-cmk"),
            SnapshotArn(OriginAccount, "orders-shared-plain"), SnapshotArn(OriginAccount, "orders-shared-private"),
        ];

        var included = await Vault.OkAsync("DescribeDBSnapshots", ("IncludeShared", "true"));
        Assert.Equal(expected, included.Identifiers());
        var shared = included.Snapshots().Single(s => s.Field("DBSnapshotArn") == SnapshotArn(OriginAccount, "orders-shared-cmk"));
        Assert.Equal("shared", shared.Field("SnapshotType"));
        Assert.Empty(shared.TagMap());

        var byType = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.Equal(expected, byType.Identifiers());

        // IncludeShared doesn't apply to SnapshotType=manual.
        var manual = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "manual"), ("IncludeShared", "true"));
        Assert.Empty(manual.Snapshots());

        // The outsider was never given access.
        var outsider = await Outsider.OkAsync("DescribeDBSnapshots", ("IncludeShared", "true"));
        Assert.Empty(outsider.Snapshots());
    }

    [Fact]
    public async Task PublicSnapshots_AppearWithIncludePublicOrSnapshotTypePublic()
    {
        var none = await Outsider.OkAsync("DescribeDBSnapshots", ("IncludeShared", "true"));
        Assert.Empty(none.Snapshots());

        var included = await Outsider.OkAsync("DescribeDBSnapshots", ("IncludePublic", "true"));
        var snapshot = Assert.Single(included.Snapshots());
        Assert.Equal(SnapshotArn(OriginAccount, "orders-public-plain"), snapshot.Field("DBSnapshotIdentifier"));
        Assert.Equal("public", snapshot.Field("SnapshotType"));

        var byType = await Outsider.OkAsync("DescribeDBSnapshots", ("SnapshotType", "public"));
        Assert.Equal([SnapshotArn(OriginAccount, "orders-public-plain")], byType.Identifiers());
    }

    [Fact]
    public async Task SharedSnapshot_IsAddressableByArnOnly()
    {
        // A plain identifier resolves in the caller's own account, where there is no such snapshot.
        var byName = await Vault.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots",
            ("DBSnapshotIdentifier", "orders-shared-cmk"), ("IncludeShared", "true"));
        Assert.Equal("DBSnapshot not found: orders-shared-cmk", byName.Message);

        var byArn = await Vault.OkAsync("DescribeDBSnapshots",
            ("DBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-cmk")), ("IncludeShared", "true"));
        Assert.Equal([SnapshotArn(OriginAccount, "orders-shared-cmk")], byArn.Identifiers());

        // Shared snapshots stay out of results unless asked for, even by ARN.
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots", ("DBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-cmk")));
    }

    [Fact]
    public async Task SnapshotNotSharedWithTheCaller_IsNotFound_NeverAccessDenied()
    {
        var response = await Vault.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots",
            ("DBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-manual-cmk")), ("IncludeShared", "true"), ("IncludePublic", "true"));

        Assert.Equal("ErrorResponse", response.Root.Name.LocalName);
        Assert.Equal(RdsApi.Ns, response.Root.Name.Namespace);
        Assert.Equal("Sender", response.Type);
        Assert.NotEmpty(response.Root.Element(RdsApi.Ns + "RequestId")!.Value);
    }

    [Fact]
    public async Task Identifiers_AreCaseInsensitiveAndShownLowerCase()
    {
        var response = await Origin.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "ORDERS-Manual-CMK"));
        Assert.Equal(["orders-manual-cmk"], response.Identifiers());

        var cluster = await Origin.OkAsync("DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "Ledger-Manual-CMK"));
        Assert.Equal(["ledger-manual-cmk"], cluster.Identifiers(cluster: true));
    }

    [Fact]
    public async Task DescribeClusterSnapshots_UsesClusterElementsAndFaultCodes()
    {
        var response = await Origin.OkAsync("DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "ledger-manual-cmk"));
        var snapshot = Assert.Single(response.Snapshots(cluster: true));
        Assert.Equal("ledger", snapshot.Field("DBClusterIdentifier"));
        Assert.Equal(ClusterSnapshotArn(OriginAccount, "ledger-manual-cmk"), snapshot.Field("DBClusterSnapshotArn"));
        Assert.Equal("true", snapshot.Field("StorageEncrypted"));
        Assert.Equal(OriginBackup.Arn, snapshot.Field("KmsKeyId"));
        Assert.Equal("aurora-postgresql", snapshot.Field("Engine"));
        Assert.Equal(3, snapshot.Element(RdsApi.Ns + "AvailabilityZones")!.Elements(RdsApi.Ns + "AvailabilityZone").Count());

        var missing = await Origin.FailsAsync("DBClusterSnapshotNotFoundFault", 404, "DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "nope"));
        Assert.Equal("DBClusterSnapshot not found: nope", missing.Message);

        var shared = await Vault.OkAsync("DescribeDBClusterSnapshots", ("SnapshotType", "shared"));
        Assert.Equal([ClusterSnapshotArn(OriginAccount, "ledger-shared-cmk"), ClusterSnapshotArn(OriginAccount, "ledger-shared-plain")], shared.Identifiers(cluster: true));
    }

    [Fact]
    public async Task Filters_SelectBySnapshotIdTypeEngineAndInstance()
    {
        var byId = await Origin.OkAsync("DescribeDBSnapshots", RdsApi.Filter(1, "db-snapshot-id", "orders-plain", "orders-manual-cmk"));
        Assert.Equal(["orders-manual-cmk", "orders-plain"], byId.Identifiers());

        var automated = await Origin.OkAsync("DescribeDBSnapshots", RdsApi.Filter(1, "snapshot-type", "automated"));
        Assert.Equal(["rds:orders-2026-01-15-03-05"], automated.Identifiers());

        var mysqlReports = await Origin.OkAsync("DescribeDBSnapshots",
            [.. RdsApi.Filter(1, "engine", "mysql"), .. RdsApi.Filter(2, "db-instance-id", "arn:aws:rds:eu-west-1:111111111111:db:reports")]);
        Assert.Equal(["orders-plain", "orders-public-plain", "orders-shared-plain"], mysqlReports.Identifiers());

        var byInstance = await Origin.OkAsync("DescribeDBSnapshots", ("DBInstanceIdentifier", "REPORTS"), ("SnapshotType", "manual"));
        Assert.Equal(["orders-plain", "orders-public-plain", "orders-shared-plain"], byInstance.Identifiers());

        var clusters = await Origin.OkAsync("DescribeDBClusterSnapshots", RdsApi.Filter(1, "engine", "aurora-mysql"));
        Assert.Equal(["ledger-plain", "ledger-shared-plain"], clusters.Identifiers(cluster: true));
    }

    [Theory]
    [InlineData("DescribeDBSnapshots", "db-cluster-id")]
    [InlineData("DescribeDBSnapshots", "status")]
    [InlineData("DescribeDBClusterSnapshots", "db-snapshot-id")]
    public async Task UnknownFilter_IsInvalidParameterValue(string action, string filter)
    {
        var response = await Origin.FailsAsync("InvalidParameterValue", 400, action, RdsApi.Filter(1, filter, "x"));
        Assert.Contains(filter, response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DescribeDBSnapshots", "snapshots")]
    [InlineData("DescribeDBClusterSnapshots", "awsbackup")]
    public async Task UnknownSnapshotType_IsInvalidParameterValue(string action, string type) =>
        await Origin.FailsAsync("InvalidParameterValue", 400, action, ("SnapshotType", type));

    [Fact]
    public async Task ClusterIdentifierAndClusterSnapshotIdentifier_CannotBeCombined() =>
        await Origin.FailsAsync("InvalidParameterCombination", 400, "DescribeDBClusterSnapshots",
            ("DBClusterIdentifier", "ledger"), ("DBClusterSnapshotIdentifier", "ledger-plain"));

    [Fact]
    public async Task ReaderCanDescribe_ButNothingElse()
    {
        var reader = Fixture.Api(OriginReader);
        await reader.OkAsync("DescribeDBSnapshots");
        await reader.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-manual-cmk"));

        var denied = await reader.FailsAsync("AccessDenied", 403, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-plain"));
        Assert.Equal(
            "User: arn:aws:iam::111111111111:user/origin-reader is not authorized to perform: rds:DeleteDBSnapshot on resource: "
            + "arn:aws:rds:eu-west-1:111111111111:snapshot:orders-plain because no identity-based policy allows the rds:DeleteDBSnapshot action",
            denied.Message);
        Assert.Equal("Sender", denied.Type);
    }
}
