using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services;

namespace VaultCopy.Emulator.Fixtures;

/// <summary>
/// Loads a fixture (format: tests/VaultCopy.Emulator/README.md, "Fixture format") into a world. Strict: unknown
/// properties, bad ids, duplicate keys and malformed policies are errors, all reported at once with JSON paths.
/// </summary>
public static partial class FixtureLoader
{
    public const string DemoWorldResource = "VaultCopy.Emulator.Fixtures.demo-world.json";

    private static readonly string[] s_partitions = [.. Partitions.Names];

    /// <summary>The demo world (origin 111111111111, vault 222222222222) shipped inside the emulator.</summary>
    public static string DemoWorldJson()
    {
        using var stream = typeof(FixtureLoader).Assembly.GetManifestResourceStream(DemoWorldResource)
            ?? throw new InvalidOperationException($"Embedded resource {DemoWorldResource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Validates <paramref name="json"/> completely, then replaces the world's contents with it.</summary>
    /// <exception cref="FixtureException">The fixture is invalid; the world is left unchanged.</exception>
    public static void Load(World world, string json, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(json);

        // Build into a scratch world so a bad fixture leaves the running world untouched.
        var scratch = new World();
        var context = new FixtureContext(scratch, now);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FixtureException("fixture: not valid JSON: " + ex.Message);
        }

        using (doc)
        {
            ReadRoot(context, doc.RootElement);
        }

        if (context.Errors.Count == 0)
        {
            foreach (var extension in ServiceRegistry.Extensions)
            {
                extension.AfterLoad(context);
            }
        }

        if (context.Errors.Count > 0)
        {
            throw new FixtureException("Invalid fixture:" + Environment.NewLine + string.Join(Environment.NewLine, context.Errors.Select(e => "  " + e)));
        }

        lock (world.Sync)
        {
            world.Clear();
            foreach (var account in scratch.Accounts.Values)
            {
                world.Accounts[account.Id] = account;
            }
        }
    }

    private static void ReadRoot(FixtureContext context, JsonElement root)
    {
        if (!ExpectObject(context, root, "$", "description", "accounts"))
        {
            return;
        }

        if (!root.TryGetProperty("accounts", out var accounts) || accounts.ValueKind != JsonValueKind.Array)
        {
            context.Error("$.accounts", "required: an array of accounts");
            return;
        }

        var keyOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var element in accounts.EnumerateArray())
        {
            ReadAccount(context, element, $"$.accounts[{index++}]", keyOwners);
        }
    }

    private static void ReadAccount(FixtureContext context, JsonElement element, string path, Dictionary<string, string> keyOwners)
    {
        if (!ExpectObject(context, element, path,
            "id", "alias", "partition", "organizationId", "organizationPath", "rootAccessKeys", "managedPolicies", "users", "roles", "regions"))
        {
            return;
        }

        string? id = RequiredString(context, element, path, "id");
        if (id is null)
        {
            return;
        }

        if (!AccountIdPattern().IsMatch(id))
        {
            context.Error(path + ".id", $"'{id}' is not an AWS account id (12 digits)");
            return;
        }

        if (context.World.Accounts.ContainsKey(id))
        {
            context.Error(path + ".id", $"duplicate account '{id}'");
            return;
        }

        string partition = OptionalString(context, element, path, "partition") ?? "aws";
        if (!s_partitions.Contains(partition))
        {
            context.Error(path + ".partition", $"'{partition}' is not one of {string.Join(", ", s_partitions)}");
        }

        var account = new Account
        {
            Id = id,
            Partition = partition,
            Alias = OptionalString(context, element, path, "alias"),
            OrganizationId = OptionalString(context, element, path, "organizationId"),
            OrganizationPath = OptionalString(context, element, path, "organizationPath"),
        };
        if (account.Alias is { } alias && !AliasPattern().IsMatch(alias))
        {
            context.Error(path + ".alias", $"'{alias}' is not an account alias (3-63 of a-z, 0-9, '-', not starting or ending with '-')");
        }

        if (account.OrganizationId is { } org && !OrganizationIdPattern().IsMatch(org))
        {
            context.Error(path + ".organizationId", $"'{org}' is not an organization id (o-xxxxxxxxxx)");
        }

        context.World.Accounts[id] = account;

        foreach (var (key, keyPath) in Items(context, element, path, "rootAccessKeys"))
        {
            if (ReadAccessKey(context, key, keyPath, keyOwners) is { } accessKey)
            {
                account.RootAccessKeys.Add(accessKey);
            }
        }

        foreach (var (policy, policyPath) in Items(context, element, path, "managedPolicies"))
        {
            ReadManagedPolicy(context, account, policy, policyPath);
        }

        foreach (var (user, userPath) in Items(context, element, path, "users"))
        {
            ReadUser(context, account, user, userPath, keyOwners);
        }

        foreach (var (role, rolePath) in Items(context, element, path, "roles"))
        {
            ReadRole(context, account, role, rolePath);
        }

        if (element.TryGetProperty("regions", out var regions))
        {
            ReadRegions(context, account, regions, path + ".regions");
        }
    }

    private static void ReadManagedPolicy(FixtureContext context, Account account, JsonElement element, string path)
    {
        if (!ExpectObject(context, element, path, "name", "path", "description", "document"))
        {
            return;
        }

        string? name = RequiredString(context, element, path, "name");
        string iamPath = ReadIamPath(context, element, path);
        if (name is null)
        {
            return;
        }

        if (!PolicyNamePattern().IsMatch(name))
        {
            context.Error(path + ".name", $"'{name}' is not a policy name (1-128 of [\\w+=,.@-])");
        }

        if (account.ManagedPolicies.ContainsKey(name))
        {
            context.Error(path + ".name", $"duplicate managed policy '{name}'");
            return;
        }

        if (!element.TryGetProperty("document", out var document))
        {
            context.Error(path + ".document", "required");
            return;
        }

        if (context.ReadPolicy(document, path + ".document", PolicyKind.Identity) is { } text)
        {
            account.ManagedPolicies[name] = new ManagedPolicy
            {
                Name = name,
                Path = iamPath,
                Arn = $"arn:{account.Partition}:iam::{account.Id}:policy{iamPath}{name}",
                PolicyId = Ids.Stable("ANPA", $"{account.Id}/policy/{name}"),
                Document = text,
                Description = OptionalString(context, element, path, "description"),
            };
        }
    }

    private static void ReadUser(FixtureContext context, Account account, JsonElement element, string path, Dictionary<string, string> keyOwners)
    {
        if (!ExpectObject(context, element, path, "name", "path", "userId", "accessKeys", "inlinePolicies", "attachedPolicies"))
        {
            return;
        }

        string? name = RequiredString(context, element, path, "name");
        string iamPath = ReadIamPath(context, element, path);
        if (name is null || !CheckEntityName(context, name, path + ".name"))
        {
            return;
        }

        if (account.Users.ContainsKey(name))
        {
            context.Error(path + ".name", $"duplicate user '{name}'");
            return;
        }

        string userId = OptionalString(context, element, path, "userId") ?? Ids.Stable("AIDA", $"{account.Id}/user/{name}");
        if (!UniqueIdPattern("AIDA").IsMatch(userId))
        {
            context.Error(path + ".userId", $"'{userId}' is not a user id (AIDA + 16-17 upper-case letters or digits)");
        }

        var user = new IamUser
        {
            Name = name,
            Path = iamPath,
            AccountId = account.Id,
            Arn = $"arn:{account.Partition}:iam::{account.Id}:user{iamPath}{name}",
            UserId = userId,
            CreateDate = context.LoadTime,
        };
        account.Users[name] = user;

        foreach (var (key, keyPath) in Items(context, element, path, "accessKeys"))
        {
            if (ReadAccessKey(context, key, keyPath, keyOwners) is { } accessKey)
            {
                user.AccessKeys.Add(accessKey);
            }
        }

        if (user.AccessKeys.Count > 2)
        {
            context.Error(path + ".accessKeys", "IAM allows at most 2 access keys per user");
        }

        ReadInlinePolicies(context, element, path, user.InlinePolicies, 2048, "user");
        ReadAttached(context, account, element, path, user.AttachedPolicies);
    }

    private static void ReadRole(FixtureContext context, Account account, JsonElement element, string path)
    {
        if (!ExpectObject(context, element, path,
            "name", "path", "roleId", "description", "maxSessionDuration", "trustPolicy", "inlinePolicies", "attachedPolicies"))
        {
            return;
        }

        string? name = RequiredString(context, element, path, "name");
        string iamPath = ReadIamPath(context, element, path);
        if (name is null || !CheckEntityName(context, name, path + ".name"))
        {
            return;
        }

        if (account.Roles.ContainsKey(name))
        {
            context.Error(path + ".name", $"duplicate role '{name}'");
            return;
        }

        string roleId = OptionalString(context, element, path, "roleId") ?? Ids.Stable("AROA", $"{account.Id}/role/{name}");
        if (!UniqueIdPattern("AROA").IsMatch(roleId))
        {
            context.Error(path + ".roleId", $"'{roleId}' is not a role id (AROA + 16-17 upper-case letters or digits)");
        }

        int maxSession = 3600;
        if (element.TryGetProperty("maxSessionDuration", out var max))
        {
            if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out maxSession) || maxSession is < 3600 or > 43200)
            {
                context.Error(path + ".maxSessionDuration", "must be a number of seconds from 3600 to 43200");
                maxSession = 3600;
            }
        }

        string? trust = null;
        if (!element.TryGetProperty("trustPolicy", out var trustElement))
        {
            context.Error(path + ".trustPolicy", "required: who may assume the role");
        }
        else
        {
            trust = context.ReadPolicy(trustElement, path + ".trustPolicy", PolicyKind.Resource);
        }

        var role = new IamRole
        {
            Name = name,
            Path = iamPath,
            AccountId = account.Id,
            Arn = $"arn:{account.Partition}:iam::{account.Id}:role{iamPath}{name}",
            RoleId = roleId,
            CreateDate = context.LoadTime,
            Description = OptionalString(context, element, path, "description"),
            TrustPolicy = trust ?? "{}",
            MaxSessionDuration = maxSession,
        };
        account.Roles[name] = role;
        ReadInlinePolicies(context, element, path, role.InlinePolicies, 10240, "role");
        ReadAttached(context, account, element, path, role.AttachedPolicies);
    }

    private static void ReadRegions(FixtureContext context, Account account, JsonElement regions, string path)
    {
        if (regions.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, "must be an object of Region name → sections");
            return;
        }

        foreach (var region in regions.EnumerateObject())
        {
            string regionPath = $"{path}.{region.Name}";
            if (!Partitions.HasRegion(account.Partition, region.Name))
            {
                context.Error(regionPath, $"'{region.Name}' is not a Region of the {account.Partition} partition");
                continue;
            }

            if (region.Value.ValueKind != JsonValueKind.Object)
            {
                context.Error(regionPath, "must be an object of sections (" + SectionList() + ")");
                continue;
            }

            var state = account.Region(region.Name);
            foreach (var section in region.Value.EnumerateObject())
            {
                var extension = ServiceRegistry.Extensions.FirstOrDefault(e => string.Equals(e.Section, section.Name, StringComparison.Ordinal));
                if (extension is null)
                {
                    context.Error($"{regionPath}.{section.Name}", $"unknown section; this emulator loads: {SectionList()}");
                    continue;
                }

                extension.LoadRegion(context, state, section.Value, $"{regionPath}.{section.Name}");
            }
        }
    }

    private static string SectionList() =>
        ServiceRegistry.Extensions.Count == 0 ? "(none yet)" : string.Join(", ", ServiceRegistry.Extensions.Select(e => e.Section));

    private static AccessKey? ReadAccessKey(FixtureContext context, JsonElement element, string path, Dictionary<string, string> keyOwners)
    {
        if (!ExpectObject(context, element, path, "accessKeyId", "secretAccessKey", "status"))
        {
            return null;
        }

        string? id = RequiredString(context, element, path, "accessKeyId");
        string? secret = RequiredString(context, element, path, "secretAccessKey");
        string status = OptionalString(context, element, path, "status") ?? "Active";
        if (id is null || secret is null)
        {
            return null;
        }

        bool ok = true;
        if (!AccessKeyIdPattern().IsMatch(id))
        {
            context.Error(path + ".accessKeyId", $"'{id}' is not a long-term access key id (AKIA + 16 upper-case letters or digits)");
            ok = false;
        }

        if (!SecretPattern().IsMatch(secret))
        {
            context.Error(path + ".secretAccessKey", "must be 40 characters of A-Z, a-z, 0-9, '+' and '/'");
            ok = false;
        }

        if (status is not ("Active" or "Inactive"))
        {
            context.Error(path + ".status", $"'{status}' must be Active or Inactive");
            ok = false;
        }

        if (keyOwners.TryGetValue(id, out var other))
        {
            context.Error(path + ".accessKeyId", $"duplicate access key '{id}' (also at {other})");
            ok = false;
        }
        else
        {
            keyOwners[id] = path;
        }

        return ok ? new AccessKey { AccessKeyId = id, SecretAccessKey = secret, Status = status, CreateDate = context.LoadTime } : null;
    }

    private static void ReadInlinePolicies(FixtureContext context, JsonElement element, string path, Dictionary<string, string> target, int quota, string entity)
    {
        if (!element.TryGetProperty("inlinePolicies", out var policies))
        {
            return;
        }

        string policiesPath = path + ".inlinePolicies";
        if (policies.ValueKind != JsonValueKind.Object)
        {
            context.Error(policiesPath, "must be an object of policy name → policy document");
            return;
        }

        foreach (var policy in policies.EnumerateObject())
        {
            if (!PolicyNamePattern().IsMatch(policy.Name))
            {
                context.Error($"{policiesPath}.{policy.Name}", "is not a policy name (1-128 of [\\w+=,.@-])");
            }

            if (context.ReadPolicy(policy.Value, $"{policiesPath}.{policy.Name}", PolicyKind.Identity) is { } text)
            {
                target[policy.Name] = text;
            }
        }

        // IAM counts non-whitespace characters against the entity's aggregate inline quota (aws-behaviour.md §5.1).
        int size = target.Values.Sum(t => t.Count(c => !char.IsWhiteSpace(c)));
        if (size > quota)
        {
            context.Error(policiesPath, $"{size} non-whitespace characters exceed the {entity} inline policy quota of {quota}");
        }
    }

    private static void ReadAttached(FixtureContext context, Account account, JsonElement element, string path, List<string> target)
    {
        int index = 0;
        foreach (var (item, itemPath) in Items(context, element, path, "attachedPolicies"))
        {
            index++;
            if (item.ValueKind != JsonValueKind.String)
            {
                context.Error(itemPath, "must be a managed policy name or ARN");
                continue;
            }

            string reference = item.GetString()!;
            if (account.FindManagedPolicy(reference) is { } policy)
            {
                target.Add(policy.Arn);
            }
            else
            {
                context.Error(itemPath, $"no managed policy '{reference}' in account {account.Id} (declare it in managedPolicies, listed before the principal, or use arn:aws:iam::aws:policy/AdministratorAccess)");
            }
        }

        if (index > 10)
        {
            context.Error(path + ".attachedPolicies", "IAM allows at most 10 managed policies per principal");
        }
    }

    private static bool CheckEntityName(FixtureContext context, string name, string path)
    {
        if (EntityNamePattern().IsMatch(name))
        {
            return true;
        }

        context.Error(path, $"'{name}' is not an IAM name (1-64 of letters, digits and +=,.@_-)");
        return false;
    }

    private static string ReadIamPath(FixtureContext context, JsonElement element, string path)
    {
        string iamPath = OptionalString(context, element, path, "path") ?? "/";
        if (!IamPathPattern().IsMatch(iamPath))
        {
            context.Error(path + ".path", $"'{iamPath}' is not an IAM path ('/' or '/a/b/')");
            return "/";
        }

        return iamPath;
    }

    private static IEnumerable<(JsonElement Item, string Path)> Items(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var array))
        {
            yield break;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            context.Error($"{path}.{name}", "must be an array");
            yield break;
        }

        int index = 0;
        foreach (var item in array.EnumerateArray())
        {
            yield return (item, string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{index++}]"));
        }
    }

    private static bool ExpectObject(FixtureContext context, JsonElement element, string path, params string[] allowed)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Error(path, "must be an object");
            return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal) && !property.Name.StartsWith('$'))
            {
                context.Error($"{path}.{property.Name}", "unknown property (allowed: " + string.Join(", ", allowed) + ")");
            }
        }

        return true;
    }

    private static string? RequiredString(FixtureContext context, JsonElement element, string path, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            context.Error($"{path}.{name}", "required");
            return null;
        }

        return AsString(context, value, $"{path}.{name}");
    }

    private static string? OptionalString(FixtureContext context, JsonElement element, string path, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? AsString(context, value, $"{path}.{name}") : null;

    private static string? AsString(FixtureContext context, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            context.Error(path, "must be a string");
            return null;
        }

        return value.GetString();
    }

    private static Regex UniqueIdPattern(string prefix) => prefix == "AIDA" ? UserIdPattern() : RoleIdPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^o-[a-z0-9]{10,32}$")]
    private static partial Regex OrganizationIdPattern();

    [GeneratedRegex("^AKIA[A-Z0-9]{16}$")]
    private static partial Regex AccessKeyIdPattern();

    [GeneratedRegex("^[A-Za-z0-9/+]{40}$")]
    private static partial Regex SecretPattern();

    [GeneratedRegex("^AIDA[A-Z0-9]{16,17}$")]
    private static partial Regex UserIdPattern();

    [GeneratedRegex("^AROA[A-Z0-9]{16,17}$")]
    private static partial Regex RoleIdPattern();

    [GeneratedRegex(@"^[\w+=,.@-]{1,64}$")]
    private static partial Regex EntityNamePattern();

    [GeneratedRegex(@"^[\w+=,.@-]{1,128}$")]
    private static partial Regex PolicyNamePattern();

    [GeneratedRegex(@"^/(?:[\x21-\x7E]+/)*$")]
    private static partial Regex IamPathPattern();
}
