using static VaultCopy.Core.Tests.Emulator.Rds.RdsWorld;

namespace VaultCopy.Core.Tests.Emulator.Rds;

/// <summary>CopyDBSnapshot / CopyDBClusterSnapshot: sources, KMS, progress, identifiers, tags.</summary>
public sealed class RdsCopyTests(RdsServerFixture fixture) : RdsTestBase(fixture)
{
    private static (string, string)[] CopyDb(string source, string target, params (string, string)[] more) =>
        [("SourceDBSnapshotIdentifier", source), ("TargetDBSnapshotIdentifier", target), .. more];

    private static (string, string)[] CopyCluster(string source, string target, params (string, string)[] more) =>
        [("SourceDBClusterSnapshotIdentifier", source), ("TargetDBClusterSnapshotIdentifier", target), .. more];

    [Fact]
    public async Task VaultCopiesASharedSnapshot_UnderItsOwnKey_AndTheCopyProgressesToAvailable()
    {
        string source = SnapshotArn(OriginAccount, "orders-shared-cmk");
        var response = await Vault.OkAsync("CopyDBSnapshot", CopyDb(source, "Orders-Vault-Copy", ("KmsKeyId", "alias/vault-key")));

        var copy = response.Snapshot();
        Assert.Equal(RdsApi.Ns + "CopyDBSnapshotResponse", response.Root.Name);
        Assert.Equal("orders-vault-copy", copy.Field("DBSnapshotIdentifier"));
        Assert.Equal(SnapshotArn(VaultAccount, "orders-vault-copy"), copy.Field("DBSnapshotArn"));
        Assert.Equal("creating", copy.Field("Status"));
        Assert.Equal(0, copy.IntField("PercentProgress"));
        Assert.Equal("manual", copy.Field("SnapshotType"));
        Assert.Equal("true", copy.Field("Encrypted"));
        Assert.Equal(VaultKey.Arn, copy.Field("KmsKeyId"));
        Assert.Equal(source, copy.Field("SourceDBSnapshotIdentifier"));
        Assert.Equal(Region, copy.Field("SourceRegion"));
        Assert.Equal(200, copy.IntField("AllocatedStorage"));

        // 200 GiB: 2 minutes plus 6 s per GiB = 22 minutes of AWS time at time scale 1.
        Advance(TimeSpan.FromMinutes(11));
        var half = (await Vault.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-vault-copy"))).Snapshots().Single();
        Assert.Equal("creating", half.Field("Status"));
        Assert.Equal(50, half.IntField("PercentProgress"));

        Advance(TimeSpan.FromMinutes(11));
        var done = (await Vault.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-vault-copy"))).Snapshots().Single();
        Assert.Equal("available", done.Field("Status"));
        Assert.Equal(100, done.IntField("PercentProgress"));
        Assert.Equal(VaultKey.Arn, done.Field("KmsKeyId"));

        // Share lists are not copied, and the copy is the vault's own.
        var attributes = await Vault.OkAsync("DescribeDBSnapshotAttributes", ("DBSnapshotIdentifier", "orders-vault-copy"));
        Assert.Empty(attributes.RestoreValues());
    }

    [Fact]
    public async Task TimeScale_SpeedsCopiesUp()
    {
        Fixture.Server.Settings.TimeScale = 60;
        await Vault.OkAsync("CopyDBSnapshot", CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "fast", ("KmsKeyId", "alias/vault-key")));

        // 22 minutes of AWS time at 60x is 22 seconds of world time.
        Advance(TimeSpan.FromSeconds(22));
        var done = (await Vault.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "fast"))).Snapshots().Single();
        Assert.Equal("available", done.Field("Status"));
    }

    [Fact]
    public async Task SharedSource_MustBeGivenAsAnArn() =>
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "CopyDBSnapshot", CopyDb("orders-shared-cmk", "copy", ("KmsKeyId", "alias/vault-key")));

    [Fact]
    public async Task SourceNotSharedWithTheCaller_IsNotFound() =>
        await Outsider.FailsAsync("DBSnapshotNotFound", 404, "CopyDBSnapshot", CopyDb(SnapshotArn(OriginAccount, "orders-shared-plain"), "copy"));

    [Fact]
    public async Task EncryptedSharedSnapshot_RequiresKmsKeyId()
    {
        var db = await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot", CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "copy"));
        Assert.Equal("The target KMS key [None] does not exist, is not enabled or you do not have permissions to access it.", db.Message);

        var cluster = await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBClusterSnapshot",
            CopyCluster(ClusterSnapshotArn(OriginAccount, "ledger-shared-cmk"), "copy"));
        Assert.Equal("Specified KMS key [None] does not exist, is not enabled or you do not have permissions to access it.", cluster.Message);

        // An unencrypted shared snapshot needs no key, and its copy stays unencrypted.
        var plain = await Vault.OkAsync("CopyDBSnapshot", CopyDb(SnapshotArn(OriginAccount, "orders-shared-plain"), "plain-copy"));
        Assert.Equal("false", plain.Snapshot().Field("Encrypted"));
        Assert.Null(plain.Snapshot().Field("KmsKeyId"));
    }

    [Fact]
    public async Task SourceKeyTheCallerCannotUse_IsKmsKeyNotAccessible_AtOnce()
    {
        var response = await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-private"), "copy", ("KmsKeyId", "alias/vault-key")));
        Assert.Equal($"The source snapshot KMS key [{OriginPrivate.Arn}] does not exist, is not enabled or you do not have permissions to access it.", response.Message);

        // Nothing was created.
        await Vault.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots", ("DBSnapshotIdentifier", "copy"));
    }

    [Fact]
    public async Task SnapshotSharedDespiteTheAwsManagedKey_CannotBeCopiedByTheVault()
    {
        var response = await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-awsrds"), "copy", ("KmsKeyId", "alias/vault-key")));
        Assert.StartsWith("The source snapshot KMS key [arn:aws:kms:eu-west-1:111111111111:key/", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alias/vault-disabled")]
    [InlineData("alias/no-such-key")]
    [InlineData("alias/origin-backup")]
    public async Task TargetKeyThatIsMissingDisabledOrNotTheCallers_IsKmsKeyNotAccessible(string keyId)
    {
        // alias/origin-backup names a key only in the origin account; aliases resolve in the caller's account.
        var response = await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "copy", ("KmsKeyId", keyId)));
        Assert.Equal($"The target KMS key [{keyId}] does not exist, is not enabled or you do not have permissions to access it.", response.Message);
    }

    [Fact]
    public async Task TargetKeyInAnotherRegion_IsNotAccessible() =>
        await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "copy", ("KmsKeyId", VaultKeyOtherRegion.Arn)));

    [Fact]
    public async Task KeyOfAnotherAccountByArn_IsUsableWhenItsPolicyAllows()
    {
        // The origin's key policy names the vault, so the vault may encrypt its copy with the origin's key by ARN.
        var response = await Vault.OkAsync("CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "copy", ("KmsKeyId", OriginBackup.Arn)));
        Assert.Equal(OriginBackup.Arn, response.Snapshot().Field("KmsKeyId"));

        await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "copy2", ("KmsKeyId", OriginPrivate.Arn)));
    }

    [Fact]
    public async Task OwnEncryptedCopy_KeepsTheSourceKeyUnlessAnotherIsGiven()
    {
        var same = await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-cmk", "same-key"));
        Assert.Equal(OriginBackup.Arn, same.Snapshot().Field("KmsKeyId"));
        Assert.Null(same.Snapshot().Field("SourceDBSnapshotIdentifier"));
        Assert.Null(same.Snapshot().Field("SourceRegion"));

        // The usual way out of aws/rds: copy under a customer managed key, then share the copy.
        var rekeyed = await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-awsrds", "rekeyed", ("KmsKeyId", "alias/origin-backup")));
        Assert.Equal(OriginBackup.Arn, rekeyed.Snapshot().Field("KmsKeyId"));
        Advance(TimeSpan.FromHours(1));
        await Origin.OkAsync("ModifyDBSnapshotAttribute",
            [("DBSnapshotIdentifier", "rekeyed"), ("AttributeName", "restore"), .. RdsApi.List("ValuesToAdd", "AttributeValue", VaultAccount)]);
    }

    [Fact]
    public async Task KmsKeyIdOnAnUnencryptedSource_EncryptsADbCopy_ButIsAnErrorForAClusterCopy()
    {
        var db = await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-plain", "now-encrypted", ("KmsKeyId", "alias/origin-backup")));
        Assert.Equal("true", db.Snapshot().Field("Encrypted"));
        Assert.Equal(OriginBackup.Arn, db.Snapshot().Field("KmsKeyId"));

        await Origin.FailsAsync("InvalidParameterCombination", 400, "CopyDBClusterSnapshot",
            CopyCluster("ledger-plain", "cluster-copy", ("KmsKeyId", "alias/origin-backup")));
        var plain = await Origin.OkAsync("CopyDBClusterSnapshot", CopyCluster("ledger-plain", "cluster-copy"));
        Assert.Equal("false", plain.Snapshot(cluster: true).Field("StorageEncrypted"));
    }

    [Fact]
    public async Task SourceMustBeAvailable()
    {
        await Origin.FailsAsync("InvalidDBSnapshotState", 400, "CopyDBSnapshot", CopyDb("orders-creating", "copy"));

        // A copy in progress is not available either.
        await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-cmk", "first"));
        await Origin.FailsAsync("InvalidDBSnapshotState", 400, "CopyDBSnapshot", CopyDb("first", "second"));
        await Origin.OkAsync("CopyDBClusterSnapshot", CopyCluster("ledger-manual-cmk", "first"));
        await Origin.FailsAsync("InvalidDBClusterSnapshotStateFault", 400, "CopyDBClusterSnapshot", CopyCluster("first", "second"));
    }

    [Fact]
    public async Task ExistingTarget_IsAlreadyExists_CaseInsensitively()
    {
        var db = await Origin.FailsAsync("DBSnapshotAlreadyExists", 400, "CopyDBSnapshot", CopyDb("orders-manual-cmk", "ORDERS-PLAIN"));
        Assert.Equal("Cannot create the snapshot because a snapshot with the identifier orders-plain already exists.", db.Message);
        await Origin.FailsAsync("DBClusterSnapshotAlreadyExistsFault", 400, "CopyDBClusterSnapshot", CopyCluster("ledger-plain", "Ledger-Manual-CMK"));
    }

    [Theory]
    [InlineData("1orders")]
    [InlineData("orders-")]
    [InlineData("orders--copy")]
    [InlineData("orders_copy")]
    [InlineData("orders.copy")]
    [InlineData("rds:orders")]
    public async Task TargetIdentifier_IsValidated(string target)
    {
        var db = await Origin.FailsAsync("InvalidParameterValue", 400, "CopyDBSnapshot", CopyDb("orders-plain", target));
        Assert.StartsWith("The parameter TargetDBSnapshotIdentifier is not a valid identifier.", db.Message, StringComparison.Ordinal);
        await Origin.FailsAsync("InvalidParameterValue", 400, "CopyDBClusterSnapshot", CopyCluster("ledger-plain", target));
    }

    [Fact]
    public async Task TargetIdentifierLength_Is255ForDbAnd63ForClusterSnapshots()
    {
        await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-plain", "a" + new string('b', 254)));
        await Origin.FailsAsync("InvalidParameterValue", 400, "CopyDBSnapshot", CopyDb("orders-plain", "a" + new string('b', 255)));
        await Origin.OkAsync("CopyDBClusterSnapshot", CopyCluster("ledger-plain", "a" + new string('b', 62)));
        await Origin.FailsAsync("InvalidParameterValue", 400, "CopyDBClusterSnapshot", CopyCluster("ledger-plain", "a" + new string('b', 63)));
    }

    [Fact]
    public async Task MissingTarget_IsInvalidParameterValue()
    {
        var response = await Origin.FailsAsync("InvalidParameterValue", 400, "CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "orders-plain"));
        Assert.Equal("The parameter TargetDBSnapshotIdentifier must be provided and must not be empty.", response.Message);
    }

    [Fact]
    public async Task AutomatedSnapshot_CopiesToAManualOne()
    {
        var response = await Origin.OkAsync("CopyDBSnapshot", CopyDb("rds:orders-2026-01-15-03-05", "orders-manual-from-auto", ("KmsKeyId", "alias/origin-backup")));
        Assert.Equal("manual", response.Snapshot().Field("SnapshotType"));

        var cluster = await Origin.OkAsync("CopyDBClusterSnapshot",
            CopyCluster("rds:ledger-2026-01-15-03-10", "ledger-from-auto", ("KmsKeyId", "alias/origin-backup")));
        Assert.Equal("manual", cluster.Snapshot(cluster: true).Field("SnapshotType"));
    }

    [Fact]
    public async Task ClusterCopy_ReportsCopyingThenAvailable_WithItsSourceArn()
    {
        string source = ClusterSnapshotArn(OriginAccount, "ledger-shared-cmk");
        var response = await Vault.OkAsync("CopyDBClusterSnapshot", CopyCluster(source, "ledger-vault", ("KmsKeyId", "alias/vault-key")));
        var copy = response.Snapshot(cluster: true);
        Assert.Equal(RdsApi.Ns + "CopyDBClusterSnapshotResponse", response.Root.Name);
        Assert.Equal("copying", copy.Field("Status"));
        Assert.Equal(source, copy.Field("SourceDBClusterSnapshotArn"));
        Assert.Equal(VaultKey.Arn, copy.Field("KmsKeyId"));

        Advance(TimeSpan.FromMinutes(3));
        var done = (await Vault.OkAsync("DescribeDBClusterSnapshots", ("DBClusterSnapshotIdentifier", "ledger-vault"))).Snapshots(cluster: true).Single();
        Assert.Equal("available", done.Field("Status"));
        Assert.Equal(100, done.IntField("PercentProgress"));
    }

    [Fact]
    public async Task CrossRegionCopy_NeedsAnArnAndAKeyInTheDestinationRegion()
    {
        var vaultEast = Vault.In(OtherRegion);
        string source = SnapshotArn(OriginAccount, "orders-shared-cmk");

        // A plain identifier resolves in the destination Region only.
        await vaultEast.FailsAsync("DBSnapshotNotFound", 404, "CopyDBSnapshot", CopyDb("orders-shared-cmk", "east", ("KmsKeyId", "alias/vault-key")));
        var noKey = await vaultEast.FailsAsync("InvalidParameterValue", 400, "CopyDBSnapshot", CopyDb(source, "east"));
        Assert.Equal("Must specify new KMS key for cross region encrypted snapshot copy.", noKey.Message);
        await vaultEast.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot", CopyDb(source, "east", ("KmsKeyId", VaultKey.Arn)));

        // PreSignedUrl is accepted and never followed (SDKs presign it for the real RDS endpoint).
        var response = await vaultEast.OkAsync("CopyDBSnapshot", CopyDb(source, "east",
            ("KmsKeyId", "alias/vault-key"),
            ("PreSignedUrl", "https://rds.eu-west-1.amazonaws.com/?Action=CopyDBSnapshot&X-Amz-Signature=deadbeef")));
        var copy = response.Snapshot();
        Assert.Equal("pending", copy.Field("Status"));
        Assert.Equal(VaultKeyOtherRegion.Arn, copy.Field("KmsKeyId"));
        Assert.Equal(Region, copy.Field("SourceRegion"));
        Assert.Equal(SnapshotArn(VaultAccount, "east", OtherRegion), copy.Field("DBSnapshotArn"));

        // Cross-Region copies take twice as long: 44 minutes for 200 GiB.
        Advance(TimeSpan.FromMinutes(22));
        var half = (await vaultEast.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "east"))).Snapshots().Single();
        Assert.Equal("creating", half.Field("Status"));
        Assert.Equal(50, half.IntField("PercentProgress"));

        // The copy lives in the destination Region only.
        var home = await Vault.OkAsync("DescribeDBSnapshots");
        Assert.Empty(home.Snapshots());
    }

    [Fact]
    public async Task CrossRegionClusterCopyWithoutKey_IsKmsKeyNotAccessible() =>
        await Vault.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBClusterSnapshot",
            CopyCluster(ClusterSnapshotArn(OriginAccount, "ledger-use1-cmk", OtherRegion), "from-east"));

    [Fact]
    public async Task OwnCrossRegionCopy_SetsSourceFields()
    {
        string source = SnapshotArn(OriginAccount, "orders-use1-own", OtherRegion);
        var response = await Origin.OkAsync("CopyDBSnapshot", CopyDb(source, "from-east", ("KmsKeyId", "alias/origin-backup")));
        Assert.Equal(OtherRegion, response.Snapshot().Field("SourceRegion"));
        Assert.Equal(source, response.Snapshot().Field("SourceDBSnapshotIdentifier"));
        Assert.Equal("pending", response.Snapshot().Field("Status"));
    }

    [Fact]
    public async Task CopyTags_DefaultsToFalse_CopiesOwnTagsWhenTrue_AndExplicitTagsWin()
    {
        var untagged = await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-cmk", "untagged"));
        Assert.Empty(untagged.Snapshot().TagMap());

        var copied = await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-cmk", "tagged", [("CopyTags", "true"), .. RdsApi.Tags(("backup", "weekly"), ("copy", "yes"))]));
        Assert.Equal(new Dictionary<string, string> { ["team"] = "payments", ["backup"] = "weekly", ["copy"] = "yes" }, copied.Snapshot().TagMap());

        var listed = await Origin.OkAsync("ListTagsForResource", ("ResourceName", SnapshotArn(OriginAccount, "tagged")));
        Assert.Equal(3, listed.Result.Element(RdsApi.Ns + "TagList")!.Elements(RdsApi.Ns + "Tag").Count());
    }

    [Fact]
    public async Task TagsNeverCrossAccounts_EvenWithCopyTags()
    {
        var response = await Vault.OkAsync("CopyDBSnapshot", CopyDb(SnapshotArn(OriginAccount, "orders-shared-cmk"), "vault-copy",
            [("KmsKeyId", "alias/vault-key"), ("CopyTags", "true"), .. RdsApi.Tags(("vault", "yes"))]));
        Assert.Equal(new Dictionary<string, string> { ["vault"] = "yes" }, response.Snapshot().TagMap());
    }

    [Fact]
    public async Task DeletingACopyInProgress_CancelsIt()
    {
        await Origin.OkAsync("CopyDBSnapshot", CopyDb("orders-manual-cmk", "cancel-me"));
        var deleted = await Origin.OkAsync("DeleteDBSnapshot", ("DBSnapshotIdentifier", "cancel-me"));
        Assert.Equal("deleted", deleted.Snapshot().Field("Status"));
        await Origin.FailsAsync("DBSnapshotNotFound", 404, "DescribeDBSnapshots", ("DBSnapshotIdentifier", "cancel-me"));

        await Origin.OkAsync("CopyDBClusterSnapshot", CopyCluster("ledger-manual-cmk", "cancel-me"));
        var cluster = await Origin.OkAsync("DeleteDBClusterSnapshot", ("DBClusterSnapshotIdentifier", "cancel-me"));
        Assert.Equal("copying", cluster.Snapshot(cluster: true).Field("Status"));
    }
}
