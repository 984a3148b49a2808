using System.Globalization;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>A world with 45 DB snapshots and 25 cluster snapshots, for MaxRecords/Marker paging.</summary>
public sealed class RdsPagingFixture : RdsServerFixture
{
    protected override string FixtureJson { get; } = Build();

    private static string Build()
    {
        var world = JsonNode.Parse(RdsWorld.Json)!;
        var rds = world["accounts"]![0]!["regions"]!["eu-west-1"]!["rds"]!;
        var db = rds["dbSnapshots"]!.AsArray();
        db.Clear();
        for (int i = 1; i <= 45; i++)
        {
            db.Add(new JsonObject { ["identifier"] = $"page-{i.ToString("D2", CultureInfo.InvariantCulture)}", ["dbInstanceIdentifier"] = "orders" });
        }

        var clusters = rds["dbClusterSnapshots"]!.AsArray();
        clusters.Clear();
        for (int i = 1; i <= 25; i++)
        {
            clusters.Add(new JsonObject { ["identifier"] = $"cpage-{i.ToString("D2", CultureInfo.InvariantCulture)}", ["dbClusterIdentifier"] = "ledger" });
        }

        return world.ToJsonString();
    }
}

/// <summary>MaxRecords (20-100, default 100) and Marker.</summary>
public sealed class RdsPagingTests(RdsPagingFixture fixture) : RdsTestBase<RdsPagingFixture>(fixture)
{
    [Fact]
    public async Task Pages_FollowTheMarker_WithoutGapsOrRepeats()
    {
        var seen = new List<string>();
        string? marker = null;
        var sizes = new List<int>();
        do
        {
            (string, string)[] parameters = marker is null ? [("MaxRecords", "20")] : [("MaxRecords", "20"), ("Marker", marker)];
            var page = await Origin.OkAsync("DescribeDBSnapshots", parameters);
            sizes.Add(page.Snapshots().Count);
            seen.AddRange(page.Identifiers());
            marker = page.Marker;
        }
        while (marker is not null);

        Assert.Equal([20, 20, 5], sizes);
        Assert.Equal(Enumerable.Range(1, 45).Select(i => $"page-{i.ToString("D2", CultureInfo.InvariantCulture)}"), seen);
    }

    [Fact]
    public async Task DefaultPageIs100_SoEverythingFitsWithoutAMarker()
    {
        var all = await Origin.OkAsync("DescribeDBSnapshots");
        Assert.Equal(45, all.Snapshots().Count);
        Assert.Null(all.Marker);
    }

    [Fact]
    public async Task ClusterSnapshots_PageTheSameWay()
    {
        var first = await Origin.OkAsync("DescribeDBClusterSnapshots", ("MaxRecords", "20"));
        Assert.Equal(20, first.Snapshots(cluster: true).Count);
        Assert.NotNull(first.Marker);
        var second = await Origin.OkAsync("DescribeDBClusterSnapshots", ("MaxRecords", "20"), ("Marker", first.Marker!));
        Assert.Equal(["cpage-21", "cpage-22", "cpage-23", "cpage-24", "cpage-25"], second.Identifiers(cluster: true));
        Assert.Null(second.Marker);
    }

    [Fact]
    public async Task AMarkerStaysValidWhenSnapshotsBeforeItAreDeleted()
    {
        var first = await Origin.OkAsync("DescribeDBSnapshots", ("MaxRecords", "20"));
        await Origin.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "page-05"));
        var second = await Origin.OkAsync("DescribeDBSnapshots", ("MaxRecords", "20"), ("Marker", first.Marker!));
        Assert.Equal("page-21", second.Identifiers()[0]);
    }

    [Theory]
    [InlineData("19")]
    [InlineData("101")]
    [InlineData("0")]
    public async Task MaxRecordsOutsideTwentyToHundred_IsInvalidParameterValue(string maxRecords)
    {
        var response = await Origin.FailsAsync("InvalidParameterValue", 400, "DescribeDBSnapshots", ("MaxRecords", maxRecords));
        Assert.Equal($"Invalid value {maxRecords} for MaxRecords. Must be between 20 and 100", response.Message);
        await Origin.FailsAsync("InvalidParameterValue", 400, "DescribeDBClusterSnapshots", ("MaxRecords", maxRecords));
    }

    [Fact]
    public async Task MaxRecordsAtTheBounds_IsAccepted()
    {
        Assert.Equal(20, (await Origin.OkAsync("DescribeDBSnapshots", ("MaxRecords", "20"))).Snapshots().Count);
        Assert.Equal(45, (await Origin.OkAsync("DescribeDBSnapshots", ("MaxRecords", "100"))).Snapshots().Count);
    }

    [Fact]
    public async Task AGarbageMarker_IsInvalidParameterValue() =>
        await Origin.FailsAsync("InvalidParameterValue", 400, "DescribeDBSnapshots", ("Marker", "not a marker!"));
}
