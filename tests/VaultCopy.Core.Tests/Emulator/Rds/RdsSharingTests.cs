using System.Globalization;
using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>ModifyDB(Cluster)SnapshotAttribute and DescribeDB(Cluster)SnapshotAttributes: the restore attribute.</summary>
public sealed class RdsSharingTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    private static (string, string)[] Share(string identifier, string[] add, string[]? remove = null, bool cluster = false) =>
    [
        (cluster ? "DBClusterSnapshotIdentifier" : "DBSnapshotIdentifier", identifier),
        ("AttributeName", "restore"),
        .. RdsApi.List("ValuesToAdd", "AttributeValue", add),
        .. RdsApi.List("ValuesToRemove", "AttributeValue", remove ?? []),
    ];

    [Fact]
    public async Task Share_AddsTheVault_WhichThenSeesTheSnapshot_AndUnshareHidesItAgain()
    {
        var shared = await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-manual-cmk", [VaultAccount]));
        Assert.Equal("orders-manual-cmk", shared.Result.Element(RdsApi.Ns + "DBSnapshotAttributesResult")!.Field("DBSnapshotIdentifier"));
        Assert.Equal([VaultAccount], shared.RestoreValues());

        var attributes = await Origin.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-manual-cmk"));
        Assert.Equal([VaultAccount], attributes.RestoreValues());

        var visible = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.Contains(SnapshotArn(OriginAccount, "orders-manual-cmk"), visible.Identifiers());

        var unshared = await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-manual-cmk", [], [VaultAccount]));
        Assert.Empty(unshared.RestoreValues());
        var hidden = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.DoesNotContain(SnapshotArn(OriginAccount, "orders-manual-cmk"), hidden.Identifiers());
    }

    [Fact]
    public async Task ClusterSnapshot_SharesTheSameWay()
    {
        var shared = await Origin.OkAsync("ModifyDBClusterSnapshotAttribute", Share("ledger-manual-cmk", [VaultAccount, OutsiderAccount], cluster: true));
        Assert.Equal([VaultAccount, OutsiderAccount], shared.RestoreValues(cluster: true));
        Assert.Equal("ledger-manual-cmk",
            shared.Result.Element(RdsApi.Ns + "DBClusterSnapshotAttributesResult")!.Field("DBClusterSnapshotIdentifier"));

        var attributes = await Origin.OkAsync("DescribeDBClusterSnapshotAttributes", ("DBClusterSnapshotIdentifier", "ledger-manual-cmk"));
        Assert.Equal([VaultAccount, OutsiderAccount], attributes.RestoreValues(cluster: true));

        var visible = await Outsider.OkAsync("DescribeDBClusterSnapshots", ("IncludeShared", "true"));
        Assert.Equal([ClusterSnapshotArn(OriginAccount, "ledger-manual-cmk")], visible.Identifiers(cluster: true));
    }

    [Theory]
    [InlineData("restore-all")]
    [InlineData("Restore")]
    [InlineData("launchPermission")]
    public async Task OnlyTheRestoreAttributeCanBeModified(string attribute) =>
        await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute",
            [("DBSnapshotIdentifier", "orders-manual-cmk"), ("AttributeName", attribute), .. RdsApi.List("ValuesToAdd", "AttributeValue", VaultAccount)]);

    [Fact]
    public async Task TwentyAccountsAreAllowed_TheTwentyFirstIsSharedSnapshotQuotaExceeded()
    {
        // orders-shared-cmk already has the vault: 19 more make 20.
        string[] nineteen = Enumerable.Range(1, 19).Select(i => (400000000000L + i).ToString(CultureInfo.InvariantCulture)).ToArray();
        var twenty = await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-shared-cmk", nineteen));
        Assert.Equal(20, twenty.RestoreValues().Count);

        await Origin.FailsAsync("SharedSnapshotQuotaExceeded", 400, "ModifyDBSnapshotAttribute", Share("orders-shared-cmk", [OutsiderAccount]));
        await Origin.FailsAsync("SharedSnapshotQuotaExceeded", 400, "ModifyDBClusterSnapshotAttribute",
            Share("ledger-plain", Enumerable.Range(1, 21).Select(i => (500000000000L + i).ToString(CultureInfo.InvariantCulture)).ToArray(), cluster: true));

        // Nothing was applied by the refused calls.
        var attributes = await Origin.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-shared-cmk"));
        Assert.DoesNotContain(OutsiderAccount, attributes.RestoreValues());
        var cluster = await Origin.OkAsync("DescribeDBClusterSnapshotAttributes", ("DBClusterSnapshotIdentifier", "ledger-plain"));
        Assert.Empty(cluster.RestoreValues(cluster: true));
    }

    [Fact]
    public async Task EncryptedSnapshots_CannotBeMadePublic_UnencryptedOnesCan()
    {
        await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute", Share("orders-manual-cmk", ["all"]));
        await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBClusterSnapshotAttribute", Share("ledger-manual-cmk", ["all"], cluster: true));

        var made = await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-plain", ["all"]));
        Assert.Equal(["all"], made.RestoreValues());
        var visible = await Outsider.OkAsync("DescribeDBSnapshots", ("SnapshotType", "public"));
        Assert.Contains(SnapshotArn(OriginAccount, "orders-plain"), visible.Identifiers());
    }

    [Fact]
    public async Task SnapshotsOnTheAwsManagedKey_CannotBeShared()
    {
        var db = await Origin.FailsAsync("InvalidDBSnapshotState", 400, "ModifyDBSnapshotAttribute", Share("orders-manual-awsrds", [VaultAccount]));
        Assert.Contains("aws/rds", db.Message, StringComparison.Ordinal);
        await Origin.FailsAsync("InvalidDBClusterSnapshotStateFault", 400, "ModifyDBClusterSnapshotAttribute",
            Share("ledger-manual-awsrds", [VaultAccount], cluster: true));

        var attributes = await Origin.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-manual-awsrds"));
        Assert.Empty(attributes.RestoreValues());
    }

    [Fact]
    public async Task AutomatedSnapshots_CannotBeShared_TheirIdentifierIsRefused()
    {
        var db = await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute", Share("rds:orders-2026-01-15-03-05", [VaultAccount]));
        Assert.Equal(
            "The parameter DBSnapshotIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, "
            + "digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.",
            db.Message);
        await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBClusterSnapshotAttribute",
            Share("rds:ledger-2026-01-15-03-10", [VaultAccount], cluster: true));

        // Their attributes can still be read (with an empty restore list).
        var attributes = await Origin.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "rds:orders-2026-01-15-03-05"));
        Assert.Empty(attributes.RestoreValues());
    }

    [Fact]
    public async Task TheSameValueInAddAndRemove_IsInvalidParameterCombination() =>
        await Origin.FailsAsync("InvalidParameterCombination", 400, "ModifyDBSnapshotAttribute",
            Share("orders-plain", [VaultAccount, OutsiderAccount], [OutsiderAccount]));

    [Fact]
    public async Task RemovingAll_LeavesExplicitAccounts()
    {
        await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-plain", ["all", VaultAccount]));
        var afterRemove = await Origin.OkAsync("ModifyDBSnapshotAttribute", Share("orders-plain", [], ["all"]));
        Assert.Equal([VaultAccount], afterRemove.RestoreValues());

        var outsider = await Outsider.OkAsync("DescribeDBSnapshots", ("SnapshotType", "public"));
        Assert.DoesNotContain(SnapshotArn(OriginAccount, "orders-plain"), outsider.Identifiers());
        var vault = await Vault.OkAsync("DescribeDBSnapshots", ("SnapshotType", "shared"));
        Assert.Contains(SnapshotArn(OriginAccount, "orders-plain"), vault.Identifiers());
    }

    [Fact]
    public async Task OnlyTheOwnerModifies_TheVaultCannotReshare()
    {
        // By name the vault reaches only its own account; by ARN the identifier is not a valid snapshot identifier.
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "ModifyDBSnapshotAttribute", Share("orders-shared-cmk", [OutsiderAccount]));
        await Vault.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute",
            Share(SnapshotArn(OriginAccount, "orders-shared-cmk"), [OutsiderAccount]));
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", SnapshotArn(OriginAccount, "orders-shared-cmk")));

        var attributes = await Origin.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-shared-cmk"));
        Assert.Equal([VaultAccount], attributes.RestoreValues());
    }

    [Theory]
    [InlineData("22222222222")]
    [InlineData("2222222222222")]
    [InlineData("ALL")]
    [InlineData("vault")]
    public async Task ValuesMustBeAccountIdsOrAll(string value) =>
        await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute", Share("orders-plain", [value]));

    [Fact]
    public async Task ASnapshotThatIsNotAvailable_CannotBeShared() =>
        await Origin.FailsAsync("InvalidDBSnapshotState", 400, "ModifyDBSnapshotAttribute", Share("orders-creating", [VaultAccount]));

    [Fact]
    public async Task MissingAttributeName_IsInvalidParameterValue()
    {
        var response = await Origin.FailsAsync("InvalidParameterValue", 400, "ModifyDBSnapshotAttribute", ("DBSnapshotIdentifier", "orders-plain"));
        Assert.Equal("The parameter AttributeName must be provided and must not be empty.", response.Message);
    }

    [Fact]
    public async Task UnknownSnapshot_IsNotFound()
    {
        await Origin.FailsAsync("DBSnapshotNotFound", 404, "ModifyDBSnapshotAttribute", Share("nothing-here", [VaultAccount]));
        await Origin.FailsAsync("DBClusterSnapshotNotFoundFault", 404, "DescribeDBClusterSnapshotAttributes", ("DBClusterSnapshotIdentifier", "nothing-here"));
    }
}
