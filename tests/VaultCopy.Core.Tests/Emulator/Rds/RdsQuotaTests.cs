using System.Globalization;
using VaultCopy.Emulator.Services.Rds;
using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>SnapshotQuotaExceeded: copies in progress per destination Region, and manual snapshots per Region.</summary>
public sealed class RdsQuotaTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    private static string Name(string prefix, int i) => prefix + i.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Defaults_AreAwsQuotas_AndResetRestoresThem()
    {
        var quotas = Fixture.Server.Settings.Rds;
        Assert.Equal((100, 100, 20, 5), (quotas.ManualSnapshots, quotas.ManualClusterSnapshots, quotas.ConcurrentSnapshotCopies, quotas.ConcurrentClusterSnapshotCopies));

        quotas.ManualSnapshots = 1;
        Fixture.Server.Reset();
        Assert.Equal(RdsQuotaSettings.DefaultManualSnapshots, quotas.ManualSnapshots);
    }

    [Fact]
    public async Task TheTwentyFirstDbSnapshotCopyInProgress_IsRefused_UntilOneFinishes()
    {
        for (int i = 1; i <= 20; i++)
        {
            await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", Name("copy-", i)));
        }

        var refused = await Origin.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "copy-21"));
        Assert.Equal("Cannot copy more than 20 snapshots across regions", refused.Message);
        await Origin.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots", ("DBSnapshotIdentifier", "copy-21"));

        // 50 GiB: 7 minutes. Finished copies no longer count.
        Advance(TimeSpan.FromMinutes(7));
        await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "copy-21"));
    }

    [Fact]
    public async Task TheSixthClusterSnapshotCopyInProgress_IsRefused_UntilOneFinishes()
    {
        for (int i = 1; i <= 5; i++)
        {
            await Origin.OkAsync("CopyDBClusterSnapshot", ("SourceDBClusterSnapshotIdentifier", "ledger-plain"), ("TargetDBClusterSnapshotIdentifier", Name("copy-", i)));
        }

        var refused = await Origin.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "ledger-plain"), ("TargetDBClusterSnapshotIdentifier", "copy-6"));
        Assert.Equal("Cannot copy more than 5 snapshots across regions", refused.Message);

        // DB snapshot copies have their own quota.
        await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "db-copy"));

        Advance(TimeSpan.FromMinutes(3));
        await Origin.OkAsync("CopyDBClusterSnapshot", ("SourceDBClusterSnapshotIdentifier", "ledger-plain"), ("TargetDBClusterSnapshotIdentifier", "copy-6"));
    }

    [Fact]
    public async Task CopyQuota_IsPerDestinationRegionAndAccount()
    {
        var vaultEast = Vault.In(OtherRegion);
        string source = SnapshotArn(OriginAccount, "orders-shared-cmk");
        for (int i = 1; i <= 20; i++)
        {
            await vaultEast.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", Name("east-", i)), ("KmsKeyId", "alias/vault-key"));
        }

        await vaultEast.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "east-21"), ("KmsKeyId", "alias/vault-key"));

        // Another destination Region, and another account, are not affected.
        await Vault.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", "west-1"), ("KmsKeyId", "alias/vault-key"));
        await Origin.In(OtherRegion).OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-use1-own"), ("TargetDBSnapshotIdentifier", "origin-east"));
    }

    [Fact]
    public async Task ManualSnapshotQuota_CountsManualSnapshotsOnly()
    {
        // The origin has 10 manual DB snapshots (and one automated one, which does not count) in eu-west-1.
        Fixture.Server.Settings.Rds.ManualSnapshots = 11;
        await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "eleventh"));
        var refused = await Origin.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "twelfth"));
        Assert.Equal("Cannot create more than 11 manual snapshots", refused.Message);

        // Deleting one makes room.
        await Origin.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "orders-manual-private"));
        await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "twelfth"));
    }

    [Fact]
    public async Task ManualClusterSnapshotQuota_IsSeparate()
    {
        // Five manual cluster snapshots in the origin's eu-west-1.
        Fixture.Server.Settings.Rds.ManualClusterSnapshots = 5;
        await Origin.FailsAsync("SnapshotQuotaExceeded", 400, "CopyDBClusterSnapshot",
            ("SourceDBClusterSnapshotIdentifier", "ledger-plain"), ("TargetDBClusterSnapshotIdentifier", "sixth"));
        await Origin.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"), ("TargetDBSnapshotIdentifier", "db-still-fine"));
    }
}
