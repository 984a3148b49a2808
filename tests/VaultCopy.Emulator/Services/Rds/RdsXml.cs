using System.Globalization;
using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>
/// The DBSnapshot and DBClusterSnapshot structures as the Query protocol writes them (member names from
/// aws-models/rds/service-2.json; lists use the member locationName, e.g. TagList/Tag, AvailabilityZones/AvailabilityZone).
/// </summary>
internal static class RdsXml
{
    /// <summary>
    /// One snapshot as <paramref name="viewerAccount"/> sees it. Another account sees a shared snapshot under its ARN,
    /// typed <c>shared</c> (or <c>public</c>), and without the owner's tags.
    /// </summary>
    public static XElement Snapshot(RdsSnapshot snapshot, string viewerAccount, string? elementName = null)
    {
        bool owner = string.Equals(viewerAccount, snapshot.AccountId, StringComparison.Ordinal);
        string identifier = owner ? snapshot.Identifier : snapshot.Arn;
        string type = DisplayedType(snapshot, viewerAccount);
        IEnumerable<KeyValuePair<string, string>> tags = owner ? snapshot.Tags : Enumerable.Empty<KeyValuePair<string, string>>();
        string? keyId = snapshot.Encrypted ? RdsKeys.Display(snapshot) : null;
        string encryption = snapshot.Encrypted ? "sse-kms" : "none";
        var names = snapshot.Names;

        if (snapshot.Kind == SnapshotKind.Db)
        {
            bool showSource = snapshot.CopiedAcrossAccountOrRegion;
            return new XElement(elementName ?? names.Element,
                new XElement("DBSnapshotIdentifier", identifier),
                new XElement("DBInstanceIdentifier", snapshot.SourceDatabase),
                new XElement("SnapshotCreateTime", AwsFormat.Iso8601(snapshot.SnapshotCreateTime)),
                new XElement("Engine", snapshot.Engine),
                new XElement("AllocatedStorage", Int(snapshot.AllocatedStorage)),
                new XElement("Status", snapshot.Status),
                new XElement("Port", Int(DefaultPort(snapshot.Engine))),
                new XElement("AvailabilityZone", snapshot.Region + "a"),
                new XElement("EngineVersion", snapshot.EngineVersion),
                new XElement("LicenseModel", LicenseModel(snapshot.Engine)),
                new XElement("SnapshotType", type),
                new XElement("PercentProgress", Int(snapshot.PercentProgress)),
                showSource ? new XElement("SourceRegion", snapshot.CopiedFromRegion) : null,
                showSource ? new XElement("SourceDBSnapshotIdentifier", snapshot.CopiedFromArn) : null,
                new XElement("StorageType", "gp3"),
                new XElement("Encrypted", AwsFormat.Bool(snapshot.Encrypted)),
                new XElement("StorageEncryptionType", encryption),
                AwsFormat.Optional("KmsKeyId", keyId),
                new XElement("DBSnapshotArn", snapshot.Arn),
                new XElement("IAMDatabaseAuthenticationEnabled", "false"),
                new XElement("DbiResourceId", ResourceId(snapshot)),
                TagList(tags),
                new XElement("SnapshotTarget", "region"),
                new XElement("OriginalSnapshotCreateTime", AwsFormat.Iso8601(snapshot.OriginalSnapshotCreateTime)));
        }

        return new XElement(elementName ?? names.Element,
            AwsFormat.QueryList("AvailabilityZones", "AvailabilityZone", new[] { "a", "b", "c" }.Select(z => (object?)(snapshot.Region + z))),
            new XElement("DBClusterSnapshotIdentifier", identifier),
            new XElement("DBClusterIdentifier", snapshot.SourceDatabase),
            new XElement("SnapshotCreateTime", AwsFormat.Iso8601(snapshot.SnapshotCreateTime)),
            new XElement("Engine", snapshot.Engine),
            new XElement("EngineMode", "provisioned"),
            new XElement("AllocatedStorage", Int(snapshot.AllocatedStorage)),
            new XElement("Status", snapshot.Status),
            new XElement("Port", Int(DefaultPort(snapshot.Engine))),
            new XElement("EngineVersion", snapshot.EngineVersion),
            new XElement("LicenseModel", LicenseModel(snapshot.Engine)),
            new XElement("SnapshotType", type),
            new XElement("PercentProgress", Int(snapshot.PercentProgress)),
            new XElement("StorageEncrypted", AwsFormat.Bool(snapshot.Encrypted)),
            new XElement("StorageEncryptionType", encryption),
            AwsFormat.Optional("KmsKeyId", keyId),
            new XElement("DBClusterSnapshotArn", snapshot.Arn),
            AwsFormat.Optional("SourceDBClusterSnapshotArn", snapshot.CopiedFromArn),
            new XElement("IAMDatabaseAuthenticationEnabled", "false"),
            TagList(tags),
            new XElement("StorageType", "aurora"),
            new XElement("DbClusterResourceId", ResourceId(snapshot)));
    }

    /// <summary><c>&lt;TagList&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;&lt;/Tag&gt;…</c>.</summary>
    public static XElement TagList(IEnumerable<KeyValuePair<string, string>> tags) =>
        new("TagList", tags.Select(t => new XElement("Tag", new XElement("Key", t.Key), new XElement("Value", t.Value))));

    /// <summary>DB(Cluster)SnapshotAttributesResult: the identifier and the <c>restore</c> attribute.</summary>
    public static XElement Attributes(RdsSnapshot snapshot) => new(snapshot.Names.AttributesResult,
        new XElement(snapshot.Names.IdentifierParameter, snapshot.Identifier),
        new XElement(snapshot.Names.AttributesList,
            new XElement(snapshot.Names.AttributeElement,
                new XElement("AttributeName", RdsShares.RestoreAttribute),
                AwsFormat.QueryList("AttributeValues", "AttributeValue", snapshot.RestoreAccounts))));

    /// <summary>
    /// The SnapshotType the viewer sees: the owner sees manual/automated; another account sees <c>shared</c> when its
    /// id is in the restore attribute, otherwise <c>public</c>.
    /// </summary>
    public static string DisplayedType(RdsSnapshot snapshot, string viewerAccount)
    {
        if (string.Equals(viewerAccount, snapshot.AccountId, StringComparison.Ordinal))
        {
            return snapshot.SnapshotType;
        }

        return snapshot.RestoreAccounts.Contains(viewerAccount, StringComparer.Ordinal) ? "shared" : "public";
    }

    /// <summary>DbiResourceId / DbClusterResourceId: stable per source database, as RDS keeps it for the database's life.</summary>
    public static string ResourceId(RdsSnapshot snapshot) => snapshot.Kind == SnapshotKind.Db
        ? Ids.Stable("db-", $"{snapshot.AccountId}/{snapshot.Region}/{snapshot.SourceDatabase}", 26)
        : Ids.Stable("cluster-", $"{snapshot.AccountId}/{snapshot.Region}/{snapshot.SourceDatabase}", 26);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int DefaultPort(string engine) => engine switch
    {
        _ when engine.Contains("postgres", StringComparison.Ordinal) => 5432,
        _ when engine.StartsWith("oracle", StringComparison.Ordinal) => 1521,
        _ when engine.StartsWith("sqlserver", StringComparison.Ordinal) => 1433,
        _ when engine.StartsWith("db2", StringComparison.Ordinal) => 50000,
        _ => 3306,
    };

    private static string LicenseModel(string engine) => engine switch
    {
        "aurora-mysql" or "aurora-postgresql" => engine,
        "postgres" => "postgresql-license",
        _ when engine.StartsWith("oracle", StringComparison.Ordinal) => "bring-your-own-license",
        _ when engine.StartsWith("sqlserver", StringComparison.Ordinal) => "license-included",
        _ => "general-public-license",
    };
}
