using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Rds;

/// <summary>
/// The <c>rds</c> fixture section under <c>accounts[].regions.{region}</c> (README "RDS" → "Fixture section"):
/// <c>dbSnapshots</c> and <c>dbClusterSnapshots</c>. Strict: unknown properties, bad identifiers, impossible
/// sharing and unknown keys are errors with their JSON path.
/// </summary>
public sealed class RdsWorldExtension : IWorldExtension
{
    private static readonly string[] s_snapshotProperties =
    [
        "identifier", "dbInstanceIdentifier", "dbClusterIdentifier", "engine", "engineVersion", "allocatedStorage", "snapshotType",
        "status", "encrypted", "kmsKeyId", "awsManagedKey", "createTime", "tags", "restoreAccounts",
    ];

    private static readonly string[] s_dbStatuses = ["available", "creating", "pending", "failed"];
    private static readonly string[] s_clusterStatuses = ["available", "creating", "copying", "failed"];

    public string Section => "rds";

    public void LoadRegion(FixtureContext context, AccountRegion region, JsonElement section, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(region);
        if (section.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, "must be an object with dbSnapshots and/or dbClusterSnapshots");
            return;
        }

        foreach (var property in section.EnumerateObject())
        {
            switch (property.Name)
            {
                case "dbSnapshots":
                    LoadSnapshots(context, region, property.Value, $"{path}.dbSnapshots", SnapshotKind.Db);
                    break;
                case "dbClusterSnapshots":
                    LoadSnapshots(context, region, property.Value, $"{path}.dbClusterSnapshots", SnapshotKind.Cluster);
                    break;
                default:
                    if (!property.Name.StartsWith('$'))
                    {
                        context.Error($"{path}.{property.Name}", "unknown property (allowed: dbSnapshots, dbClusterSnapshots)");
                    }

                    break;
            }
        }
    }

    public void AfterLoad(FixtureContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Keys come from the kms section, which may sit in a later account or Region of the fixture; so they are
        // resolved once everything is loaded. Without a KMS plug-in they stay pending and resolve on first use.
        if (ServiceRegistry.KeyAccess is null)
        {
            return;
        }

        foreach (var snapshot in AllSnapshots(context.World))
        {
            if (!RdsKeys.TryResolvePending(context.World, snapshot, out string? problem))
            {
                context.Error((snapshot.FixturePath ?? snapshot.Arn) + (snapshot.PendingAwsManagedKey ? ".awsManagedKey" : ".kmsKeyId"), problem!);
            }
        }
    }

    public JsonNode? DescribeRegion(AccountRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        var rds = region.Rds;
        if (rds.DbSnapshots.Count == 0 && rds.ClusterSnapshots.Count == 0)
        {
            return null;
        }

        return new JsonObject
        {
            ["dbSnapshots"] = new JsonArray(rds.DbSnapshots.Values.OrderBy(s => s.Identifier, StringComparer.Ordinal).Select(Describe).ToArray()),
            ["dbClusterSnapshots"] = new JsonArray(rds.ClusterSnapshots.Values.OrderBy(s => s.Identifier, StringComparer.Ordinal).Select(Describe).ToArray()),
        };
    }

    internal static IEnumerable<RdsSnapshot> AllSnapshots(World world) =>
        world.Accounts.Values
            .SelectMany(a => a.Regions.Values)
            .SelectMany(r => r.Rds.DbSnapshots.Values.Concat(r.Rds.ClusterSnapshots.Values));

    private static JsonNode Describe(RdsSnapshot snapshot) => new JsonObject
    {
        ["identifier"] = snapshot.Identifier,
        ["arn"] = snapshot.Arn,
        [snapshot.Names.DatabaseParameter] = snapshot.SourceDatabase,
        ["engine"] = snapshot.Engine,
        ["snapshotType"] = snapshot.SnapshotType,
        ["status"] = snapshot.Status,
        ["percentProgress"] = snapshot.PercentProgress,
        ["encrypted"] = snapshot.Encrypted,
        ["kmsKeyId"] = RdsKeys.Display(snapshot),
        ["awsManagedKey"] = snapshot.KmsKeyIsAwsManaged || snapshot.PendingAwsManagedKey,
        ["restoreAccounts"] = new JsonArray(snapshot.RestoreAccounts.Select(a => (JsonNode?)a).ToArray()),
        ["tags"] = new JsonObject(snapshot.Tags.Select(t => new KeyValuePair<string, JsonNode?>(t.Key, t.Value))),
        ["copiedFrom"] = snapshot.CopiedFromArn,
        ["copyInProgress"] = snapshot.IsCopyInProgress,
        ["copyFailsAt"] = snapshot.CopyFailsAt is { } failsAt ? AwsFormat.Iso8601(failsAt) : null,
    };

    private static void LoadSnapshots(FixtureContext context, AccountRegion region, JsonElement array, string path, SnapshotKind kind)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            context.Error(path, "must be an array");
            return;
        }

        int index = 0;
        foreach (var element in array.EnumerateArray())
        {
            LoadSnapshot(context, region, element, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), kind);
        }
    }

    private static void LoadSnapshot(FixtureContext context, AccountRegion region, JsonElement element, string path, SnapshotKind kind)
    {
        var names = RdsKind.Of(kind);
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, "must be an object");
            return;
        }

        string databaseProperty = kind == SnapshotKind.Db ? "dbInstanceIdentifier" : "dbClusterIdentifier";
        foreach (var property in element.EnumerateObject())
        {
            bool allowed = s_snapshotProperties.Contains(property.Name, StringComparer.Ordinal)
                && property.Name != (kind == SnapshotKind.Db ? "dbClusterIdentifier" : "dbInstanceIdentifier");
            if (!allowed && !property.Name.StartsWith('$'))
            {
                context.Error($"{path}.{property.Name}", "unknown property (allowed: " + string.Join(", ", s_snapshotProperties.Where(p => p != (kind == SnapshotKind.Db ? "dbClusterIdentifier" : "dbInstanceIdentifier"))) + ")");
            }
        }

        int errors = context.Errors.Count;
        string? identifier = String(context, element, path, "identifier", required: true);
        string? database = String(context, element, path, databaseProperty, required: true);
        string snapshotType = String(context, element, path, "snapshotType") ?? "manual";
        string status = String(context, element, path, "status") ?? "available";
        string engine = String(context, element, path, "engine") ?? (kind == SnapshotKind.Db ? "postgres" : "aurora-postgresql");
        string engineVersion = String(context, element, path, "engineVersion") ?? "16.4";
        int storage = Int(context, element, path, "allocatedStorage") ?? (kind == SnapshotKind.Db ? 20 : 0);
        string? keyReference = String(context, element, path, "kmsKeyId");
        bool awsManaged = Bool(context, element, path, "awsManagedKey") ?? false;
        bool? encryptedFlag = Bool(context, element, path, "encrypted");
        DateTimeOffset createTime = Time(context, element, path, "createTime") ?? context.LoadTime;

        if (snapshotType is not ("manual" or "automated"))
        {
            context.Error(path + ".snapshotType", $"'{snapshotType}' must be manual or automated");
        }

        if (identifier is not null)
        {
            bool automated = snapshotType == "automated";
            string bare = automated && identifier.StartsWith(RdsNames.AutomatedPrefix, StringComparison.OrdinalIgnoreCase)
                ? identifier[RdsNames.AutomatedPrefix.Length..]
                : identifier;
            if (automated && bare.Length == identifier.Length)
            {
                context.Error(path + ".identifier", $"'{identifier}': automated snapshot identifiers start with 'rds:', as RDS names them");
            }
            else if (!RdsNames.IsValidIdentifier(bare, names.MaxIdentifierLength))
            {
                context.Error(path + ".identifier", $"'{identifier}' is not a valid identifier (1-{names.MaxIdentifierLength} letters, digits and hyphens, a letter first, no trailing hyphen or '--')");
            }
            else if (region.Rds.Of(kind).ContainsKey(RdsNames.Normalize(identifier)))
            {
                context.Error(path + ".identifier", $"duplicate {names.Element} '{RdsNames.Normalize(identifier)}' in this account and Region");
            }
        }

        if (database is not null && !RdsNames.IsValidIdentifier(database, 63))
        {
            context.Error($"{path}.{databaseProperty}", $"'{database}' is not a valid identifier (1-63 letters, digits and hyphens, a letter first)");
        }

        string[] statuses = kind == SnapshotKind.Db ? s_dbStatuses : s_clusterStatuses;
        if (!statuses.Contains(status, StringComparer.Ordinal))
        {
            context.Error(path + ".status", $"'{status}' must be one of {string.Join(", ", statuses)}");
        }

        if (storage < 0)
        {
            context.Error(path + ".allocatedStorage", "must not be negative");
        }

        if (keyReference is not null && awsManaged)
        {
            context.Error(path + ".kmsKeyId", "give either kmsKeyId or awsManagedKey, not both");
        }

        bool hasKey = keyReference is not null || awsManaged;
        bool encrypted = encryptedFlag ?? hasKey;
        if (encrypted && !hasKey)
        {
            context.Error(path + ".encrypted", "an encrypted snapshot needs kmsKeyId or awsManagedKey: true");
        }

        if (!encrypted && hasKey)
        {
            context.Error(path + ".encrypted", "an unencrypted snapshot has no KMS key");
        }

        var tags = Tags(context, element, path);
        var restore = Restore(context, element, path, region.Account.Id, snapshotType == "automated", encrypted);

        if (identifier is null || database is null || context.Errors.Count > errors)
        {
            return;
        }

        var snapshot = new RdsSnapshot
        {
            Kind = kind,
            Identifier = RdsNames.Normalize(identifier),
            AccountId = region.Account.Id,
            Region = region.Name,
            Partition = region.Account.Partition,
            SourceDatabase = RdsNames.Normalize(database),
            Engine = engine,
            EngineVersion = engineVersion,
            AllocatedStorage = storage,
            SnapshotType = snapshotType,
            Status = status,
            PercentProgress = status == "available" ? 100 : 0,
            SnapshotCreateTime = createTime,
            OriginalSnapshotCreateTime = createTime,
            Encrypted = encrypted,
            FixturePath = path,
        };

        if (keyReference is not null && LooksLikeKeyArn(keyReference))
        {
            // A key ARN needs no KMS lookup to be shown; it is still checked against KMS after load.
            snapshot.KmsKeyArn = keyReference;
        }

        snapshot.PendingKeyReference = keyReference;
        snapshot.PendingAwsManagedKey = awsManaged;
        snapshot.Tags.AddRange(tags);
        snapshot.RestoreAccounts.AddRange(restore);
        region.Rds.Of(kind)[snapshot.Identifier] = snapshot;
    }

    private static bool LooksLikeKeyArn(string reference) =>
        Arn.TryParse(reference, out var arn) && arn.Service == "kms" && arn.Resource.StartsWith("key/", StringComparison.Ordinal);

    private static List<KeyValuePair<string, string>> Tags(FixtureContext context, JsonElement element, string path)
    {
        var tags = new List<KeyValuePair<string, string>>();
        if (!element.TryGetProperty("tags", out var value))
        {
            return tags;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            context.Error(path + ".tags", "must be an object of tag key → value");
            return tags;
        }

        foreach (var tag in value.EnumerateObject())
        {
            string tagPath = $"{path}.tags.{tag.Name}";
            if (tag.Value.ValueKind != JsonValueKind.String)
            {
                context.Error(tagPath, "must be a string");
                continue;
            }

            if (RdsTags.Problem(tag.Name, tag.Value.GetString()!, awsGenerated: true) is { } problem)
            {
                context.Error(tagPath, problem);
                continue;
            }

            tags.Add(new KeyValuePair<string, string>(tag.Name, tag.Value.GetString()!));
        }

        if (tags.Count(t => !RdsTags.IsAwsTag(t.Key)) > RdsTags.MaxTagsPerResource)
        {
            context.Error(path + ".tags", $"RDS allows at most {RdsTags.MaxTagsPerResource} tags per resource");
        }

        return tags;
    }

    private static List<string> Restore(FixtureContext context, JsonElement element, string path, string owner, bool automated, bool encrypted)
    {
        var accounts = new List<string>();
        if (!element.TryGetProperty("restoreAccounts", out var value))
        {
            return accounts;
        }

        string restorePath = path + ".restoreAccounts";
        if (value.ValueKind != JsonValueKind.Array)
        {
            context.Error(restorePath, "must be an array of account ids (or \"all\")");
            return accounts;
        }

        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string itemPath = string.Create(CultureInfo.InvariantCulture, $"{restorePath}[{index++}]");
            string? account = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (account is null || !(RdsNames.IsAccountId(account) || account == RdsShares.Public))
            {
                context.Error(itemPath, "must be a 12-digit account id or \"all\"");
                continue;
            }

            if (account == owner)
            {
                context.Error(itemPath, "a snapshot is not shared with its own account");
            }
            else if (accounts.Contains(account, StringComparer.Ordinal))
            {
                context.Error(itemPath, $"duplicate '{account}'");
            }
            else
            {
                accounts.Add(account);
            }
        }

        if (automated && accounts.Count > 0)
        {
            context.Error(restorePath, "automated snapshots cannot be shared; copy them to a manual snapshot first");
        }

        if (encrypted && accounts.Contains(RdsShares.Public, StringComparer.Ordinal))
        {
            context.Error(restorePath, "encrypted snapshots cannot be public (\"all\")");
        }

        if (accounts.Count(a => a != RdsShares.Public) > RdsSharing.MaxSharedAccounts)
        {
            context.Error(restorePath, $"a manual snapshot can be shared with at most {RdsSharing.MaxSharedAccounts} accounts");
        }

        return accounts;
    }

    private static string? String(FixtureContext context, JsonElement element, string path, string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                context.Error($"{path}.{name}", "required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
        {
            context.Error($"{path}.{name}", "must be a non-empty string");
            return null;
        }

        return value.GetString();
    }

    private static int? Int(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number))
        {
            context.Error($"{path}.{name}", "must be an integer");
            return null;
        }

        return number;
    }

    private static bool? Bool(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            context.Error($"{path}.{name}", "must be true or false");
            return null;
        }

        return value.GetBoolean();
    }

    private static DateTimeOffset? Time(FixtureContext context, JsonElement element, string path, string name)
    {
        if (String(context, element, path, name) is not { } text)
        {
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            || !text.Contains('T', StringComparison.Ordinal))
        {
            context.Error($"{path}.{name}", $"'{text}' is not an ISO 8601 time (e.g. 2026-01-15T03:00:00Z)");
            return null;
        }

        return time;
    }
}
