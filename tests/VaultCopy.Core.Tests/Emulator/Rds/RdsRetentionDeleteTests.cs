using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>Retention deletes meet RDS's state rules with the texts AWS was seen to answer (aws-behaviour-lifecycle.md §4).</summary>
public sealed class RdsRetentionDeleteTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    [Fact]
    public async Task Automated_snapshots_are_refused_with_the_observed_texts()
    {
        var db = await Origin.FailsAsync("InvalidDBSnapshotState", 400, "DeleteDBSnapshot", ("DBSnapshotIdentifier", "rds:orders-2026-01-15-03-05"));
        var cluster = await Origin.FailsAsync("InvalidDBClusterSnapshotStateFault", 400, "DeleteDBClusterSnapshot", ("DBClusterSnapshotIdentifier", "rds:ledger-2026-01-15-03-10"));

        Assert.Equal("automated snapshots cannot be deleted.", db.Message);
        Assert.Equal("Only manual snapshots may be deleted.", cluster.Message);
    }
}
