using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Web;
using System.Xml.Linq;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Tests.Emulator.Conformance;
using VaultCopy.Emulator.Hosting;
using Xunit.Abstractions;

namespace VaultCopy.Core.Tests.Core;

/// <summary>
/// Issue 4: the engine's own query-protocol client must speak RDS and IAM exactly as their models say. Sends: every
/// RdsGateway/IamGateway method runs against the emulator behind a recording client, and every parameter it sends
/// must resolve through the operation's input shape. Reads: every element name the gateway sources read must occur
/// in the outputs of the operations they call. Errors: every QueryErrorCodes constant must be a modelled or
/// documented common code.
/// </summary>
public sealed class QueryClientConformanceTests(ITestOutputHelper output)
{
    private const string OriginAccount = "111111111111";
    private const string VaultAccount = "222222222222";
    private const string PagingRole = "ConformancePaging";

    // Values of the interpolation holes in the gateways' action and element names. The test does not parse C#: each
    // hole an interpolated action or element name uses must be listed here, with where its values come from.
    private static readonly Dictionary<string, string[]> s_interpolations = new(StringComparer.Ordinal)
    {
        // RdsGateway*: `string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";` (DB vs Aurora cluster snapshot).
        ["prefix"] = ["DBSnapshot", "DBClusterSnapshot"],
        // IamGateway: IamPrincipal.Kind, which IamPrincipal.FromArn sets to "Role" or "User" (checked below).
        ["principal.Kind"] = ["Role", "User"],
    };

    private static readonly string[] s_gatewayFilePrefixes = ["RdsGateway", "IamGateway"];

    private static CancellationToken None => CancellationToken.None;

    /// <summary>
    /// One scenario per gateway method, named "{Gateway}.{Method}": calls that succeed on the conformance world (the
    /// demo world plus more than a page of snapshots and role policies, so that paging parameters are sent too).
    /// </summary>
    private static Dictionary<string, Func<Gateways, Task>> Scenarios() => new(StringComparer.Ordinal)
    {
        ["RdsGateway.DescribeSnapshotPagesAsync"] = async g =>
        {
            foreach (bool cluster in new[] { false, true })
            {
                int pages = await CountPages(g.Rds.DescribeSnapshotPagesAsync(cluster, null, null, false, None));
                Assert.True(pages > 1, "the conformance world holds more than one page of snapshots, so Marker is sent");
                await CountPages(g.Rds.DescribeSnapshotPagesAsync(
                    cluster, cluster ? "origin-ledger-manual-cmk" : "origin-orders-manual-cmk", "manual", includeShared: true, None));
            }
        },
        ["RdsGateway.GetRestoreAccountsAsync"] = async g =>
        {
            await g.Rds.GetRestoreAccountsAsync(false, "origin-orders-manual-cmk", None);
            await g.Rds.GetRestoreAccountsAsync(true, "origin-ledger-manual-cmk", None);
        },
        ["RdsGateway.ModifyRestoreAccountAsync"] = async g =>
        {
            foreach (var (cluster, identifier) in new[] { (false, "origin-orders-manual-cmk"), (true, "origin-ledger-manual-cmk") })
            {
                Assert.Contains(VaultAccount, await g.Rds.ModifyRestoreAccountAsync(cluster, identifier, VaultAccount, add: true, None));
                Assert.DoesNotContain(VaultAccount, await g.Rds.ModifyRestoreAccountAsync(cluster, identifier, VaultAccount, add: false, None));
            }
        },
        ["RdsGateway.CopySnapshotAsync"] = async g =>
        {
            var tags = new Dictionary<string, string>(StringComparer.Ordinal) { ["vaultcopy:purpose"] = "conformance", ["vaultcopy:source-id"] = "x" };
            var key = $"arn:aws:kms:eu-west-1:{OriginAccount}:key/a1b2c3d4-0000-4000-8000-111111111111";
            Assert.Equal("conformance-db-copy", (await g.Rds.CopySnapshotAsync(false, "origin-orders-manual-cmk", null, "conformance-db-copy", key, tags, "eu-west-1", None)).Identifier);
            Assert.Equal("conformance-cluster-copy", (await g.Rds.CopySnapshotAsync(
                true, $"arn:aws:rds:eu-west-1:{OriginAccount}:cluster-snapshot:origin-ledger-manual-cmk", "eu-west-1", "conformance-cluster-copy", key, tags, "eu-west-1", None)).Identifier);
        },
        ["RdsGateway.DescribeByIdentifiersAsync"] = async g =>
        {
            Assert.Single(await g.Rds.DescribeByIdentifiersAsync(false, ["origin-orders-manual-cmk", "no-such-snapshot"], None));
            Assert.Single(await g.Rds.DescribeByIdentifiersAsync(true, ["origin-ledger-manual-cmk", "no-such-snapshot"], None));
        },
        ["RdsGateway.CountSnapshotsInProgressAsync"] = async g =>
        {
            Assert.True(await g.Rds.CountSnapshotsInProgressAsync(false, None) >= 0);
            Assert.True(await g.Rds.CountSnapshotsInProgressAsync(true, None) >= 0);
        },
        ["RdsGateway.DeleteSnapshotAsync"] = async g =>
        {
            var key = $"arn:aws:kms:eu-west-1:{OriginAccount}:key/a1b2c3d4-0000-4000-8000-111111111111";
            var none = new Dictionary<string, string>(StringComparer.Ordinal);
            await g.Rds.CopySnapshotAsync(false, "origin-orders-manual-cmk", null, "conformance-db-delete", key, none, "eu-west-1", None);
            await g.Rds.DeleteSnapshotAsync(false, "conformance-db-delete", None);
            await g.Rds.CopySnapshotAsync(true, "origin-ledger-manual-cmk", null, "conformance-cluster-delete", key, none, "eu-west-1", None);
            await g.Rds.DeleteSnapshotAsync(true, "conformance-cluster-delete", None);
        },
        ["IamGateway.TrySimulateAsync"] = async g =>
        {
            var decisions = await g.Iam.TrySimulateAsync(
                $"arn:aws:iam::{OriginAccount}:role/VaultCopyOrigin", ["kms:Decrypt", "kms:CreateGrant"],
                [$"arn:aws:kms:eu-west-1:{OriginAccount}:key/a1b2c3d4-0000-4000-8000-111111111111"],
                [new SimulationContext("kms:GrantIsForAWSResource", "boolean", "true")], None);
            Assert.Equal(2, decisions!.Count);
        },
        ["IamGateway.SimulateAsync"] = async g =>
        {
            // 101 actions: more than IAM's default page of 100 results, so the second request carries Marker.
            var actions = Enumerable.Range(1, 101).Select(i => $"kms:Action{i:000}").ToList();
            var decisions = await g.Iam.SimulateAsync(
                $"arn:aws:iam::{OriginAccount}:role/VaultCopyOrigin",
                actions,
                [$"arn:aws:kms:eu-west-1:{OriginAccount}:key/a1b2c3d4-0000-4000-8000-111111111111", $"arn:aws:kms:eu-west-1:{VaultAccount}:key/a1b2c3d4-0000-4000-8000-222222222222"],
                [new SimulationContext("kms:GrantIsForAWSResource", "boolean", "true"), new SimulationContext("kms:ViaService", "stringList", "ec2.eu-west-1.amazonaws.com", "rds.eu-west-1.amazonaws.com")],
                None);
            Assert.Equal(202, decisions.Count);
        },
        ["IamGateway.ListInlinePolicyNamesAsync"] = async g =>
        {
            Assert.Equal(101, (await g.Iam.ListInlinePolicyNamesAsync(new IamPrincipal("Role", PagingRole), None)).Count);
            Assert.Contains("ReadOnly", await g.Iam.ListInlinePolicyNamesAsync(new IamPrincipal("User", "origin-auditor"), None));
        },
        ["IamGateway.GetInlinePolicyAsync"] = async g =>
        {
            Assert.NotNull(await g.Iam.GetInlinePolicyAsync(new IamPrincipal("Role", "VaultCopyOrigin"), "OriginSide", None));
            Assert.NotNull(await g.Iam.GetInlinePolicyAsync(new IamPrincipal("User", "origin-auditor"), "ReadOnly", None));
            Assert.Null(await g.Iam.GetInlinePolicyAsync(new IamPrincipal("Role", "VaultCopyOrigin"), "NoSuchPolicy", None));
        },
        ["IamGateway.PutInlinePolicyAsync"] = async g =>
        {
            await g.Iam.PutInlinePolicyAsync(new IamPrincipal("Role", "VaultCopyOrigin"), "ConformancePut", SmallPolicy, None);
            await g.Iam.PutInlinePolicyAsync(new IamPrincipal("User", "origin-auditor"), "ConformancePut", SmallPolicy, None);
        },
        ["IamGateway.DeleteInlinePolicyAsync"] = async g =>
        {
            foreach (var principal in new[] { new IamPrincipal("Role", "VaultCopyOrigin"), new IamPrincipal("User", "origin-auditor") })
            {
                await g.Iam.PutInlinePolicyAsync(principal, "ConformanceDelete", SmallPolicy, None);
                await g.Iam.DeleteInlinePolicyAsync(principal, "ConformanceDelete", None);
                Assert.Null(await g.Iam.GetInlinePolicyAsync(principal, "ConformanceDelete", None));
            }
        },
    };

    private static string SmallPolicy => """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}""";

    [Fact]
    public void Every_gateway_method_has_a_conformance_scenario()
    {
        var methods = GatewayMethods();
        var scenarios = Scenarios().Keys.ToHashSet(StringComparer.Ordinal);

        var missing = methods.Where(m => !scenarios.Contains(m)).ToList();
        var stale = scenarios.Where(s => !methods.Contains(s)).ToList();

        Assert.True(missing.Count == 0,
            $"No conformance scenario for {string.Join(", ", missing)}: add one to {nameof(QueryClientConformanceTests)}.{nameof(Scenarios)}() that calls it successfully on the conformance world, so its parameters are checked against aws-models.");
        Assert.True(stale.Count == 0, $"Scenarios for methods that no longer exist: {string.Join(", ", stale)}.");
    }

    [Fact]
    public async Task Every_parameter_the_gateways_send_is_in_the_operation_input_shape()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { FixtureJson = ConformanceWorld() });

        // The conformance world holds more than RDS's 100 manual snapshots (for paging); the copy scenarios add more.
        server.Settings.Rds.ManualSnapshots = 1000;
        server.Settings.Rds.ManualClusterSnapshots = 1000;
        var origin = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = "AKIAORIGINADMIN00001",
            SecretKey = "originAdminSecretKey/FAKE/DemoOnly+00001",
            Region = "eu-west-1",
            EndpointUrl = server.BaseUri.ToString(),
        });
        using var rdsClient = new QueryClient(origin.Session, QueryServiceDefinition.Rds, "eu-west-1");
        using var iamClient = new QueryClient(origin.Session, QueryServiceDefinition.Iam);
        var rds = new RecordingQueryClient(rdsClient, "rds");
        var iam = new RecordingQueryClient(iamClient, "iam");
        using var rdsGateway = new RdsGateway(rds);
        using var iamGateway = new IamGateway(iam);
        var gateways = new Gateways(rdsGateway, iamGateway);

        var problems = new List<string>();
        foreach (var (name, scenario) in Scenarios())
        {
            int before = rds.Calls.Count + iam.Calls.Count;
            try
            {
                await scenario(gateways);
            }
            catch (Exception error)
            {
                // Reported with, not instead of, what the calls sent: a misspelt parameter often makes the call fail.
                problems.Add($"scenario {name} failed: {error.GetType().Name}: {error.Message}");
            }

            if (rds.Calls.Count + iam.Calls.Count == before)
            {
                problems.Add($"scenario {name} made no call");
            }
        }

        var calls = rds.Calls.Concat(iam.Calls).ToList();
        foreach (var call in calls)
        {
            problems.AddRange(QueryWireModel.For(call.Service).CheckRequest(call.Action, call.Parameters).Select(p => $"{call.Service}: {p}"));
        }

        foreach (var action in new[] { "DescribeDBSnapshots", "DescribeDBClusterSnapshots", "SimulatePrincipalPolicy", "ListRolePolicies" })
        {
            if (!calls.Any(c => c.Action == action && c.Parameters.Any(p => p.Key == "Marker")))
            {
                problems.Add($"{action} was never called with Marker: the conformance world no longer makes it page");
            }
        }

        // The Version the client sends: BuildForm is shared by CallAsync and PresignAsync, and a presigned URL shows it.
        foreach (var (client, service, action) in new[] { (rdsClient, "rds", "DescribeDBSnapshots"), (iamClient, "iam", "ListRolePolicies") })
        {
            string url = await client.PresignAsync(action, [], "eu-west-1", None);
            string? version = HttpUtility.ParseQueryString(new Uri(url).Query)["Version"];
            if (version != QueryWireModel.For(service).ApiVersion)
            {
                problems.Add($"{service}: the client sends Version={version}; the model's apiVersion is {QueryWireModel.For(service).ApiVersion}");
            }
        }

        output.WriteLine($"{calls.Count} calls, {calls.Select(c => c.Action).Distinct().Count()} operations, {calls.Sum(c => c.Parameters.Count)} parameters, {calls.SelectMany(c => c.Parameters.Select(p => $"{c.Action}:{Regex.Replace(p.Key, @"\.\d+", ".N")}")).Distinct().Count()} distinct parameter paths checked.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_element_the_gateways_read_is_in_the_outputs_of_the_operations_they_call()
    {
        var problems = new List<string>();
        int names = 0;
        foreach (string prefix in s_gatewayFilePrefixes)
        {
            var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "src", "VaultCopy.Core", "Aws"), prefix + "*.cs")
                .Order(StringComparer.Ordinal)
                .Select(f => new GatewaySource(Path.GetRelativePath(RepoPaths.Root, f), File.ReadAllText(f)))
                .ToList();
            Assert.NotEmpty(files);
            var check = CheckReads(prefix == "RdsGateway" ? "rds" : "iam", files);
            problems.AddRange(check.Problems);
            names += check.Names;
            output.WriteLine($"{prefix}: {files.Count} files, {check.Names} element names read, {check.Actions} operations called.");
        }

        Assert.True(names > 0, "no element reads found in the gateway sources");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_interpolation_table_matches_what_the_engine_produces()
    {
        var kinds = new[] { $"arn:aws:iam::{OriginAccount}:role/R", $"arn:aws:iam::{OriginAccount}:user/U", $"arn:aws:sts::{OriginAccount}:assumed-role/R/s" }
            .Select(arn => IamPrincipal.FromArn(arn)!.Kind)
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(s_interpolations["principal.Kind"].Order(StringComparer.Ordinal), kinds);
    }

    [Fact]
    public void Every_error_code_constant_is_modelled_or_a_documented_common_error()
    {
        var constants = typeof(QueryErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (f.Name, Code: (string)f.GetRawConstantValue()!))
            .ToList();
        Assert.NotEmpty(constants);

        // The allowed common (unmodelled) codes are CommonErrors' Query table, each entry with its source: the RDS/IAM
        // "Common Errors" API Reference pages and the AccessDenied (403) code those services actually send.
        var problems = constants
            .Where(c => !QueryWireModel.For("rds").ErrorCodes.Contains(c.Code) && !QueryWireModel.For("iam").ErrorCodes.Contains(c.Code)
                && !CommonErrors.TryGet("rds", "query", c.Code, out _) && !CommonErrors.TryGet("iam", "query", c.Code, out _))
            .Select(c => $"QueryErrorCodes.{c.Name} = \"{c.Code}\" is neither an error code of the RDS or IAM model nor a documented common error")
            .ToList();

        output.WriteLine($"{constants.Count} error code constants checked.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("rds", "ModifyDBSnapshotAttribute", "ValuesToAdd.member.1", "222222222222", "its items are 'ValuesToAdd.AttributeValue.N'")]
    [InlineData("iam", "SimulatePrincipalPolicy", "ActionNames.1", "kms:Decrypt", "its items are 'ActionNames.member.N'")]
    [InlineData("iam", "SimulatePrincipalPolicy", "ActionNames.member.2", "kms:Decrypt", "numbered 2")]
    [InlineData("rds", "DescribeDBSnapshots", "IncludeShared", "True", "true or false")]
    [InlineData("rds", "DescribeDBSnapshots", "DBSnapshotIdentifer", "s1", "no member serialised as 'DBSnapshotIdentifer'")]
    [InlineData("rds", "DescribeEvents", "StartTime", "2026-01-15 03:30:00", "ISO 8601")]
    [InlineData("iam", "SimulatePrincipalPolicy", "ContextEntries.member.1.ContextKeyType", "bool", "not one of the ContextKeyTypeEnum values")]
    [InlineData("iam", "GetRolePolicy", "RoleName", "has space", "pattern")]
    [InlineData("iam", "GetRolePolicy", "RoleName", "R", "required member GetRolePolicyRequest.PolicyName")]
    [InlineData("rds", "DescribeDBSnapshot", "DBSnapshotIdentifier", "s1", "not an operation of the rds model")]
    public void The_request_check_rejects_what_the_model_does_not_allow(string service, string action, string key, string value, string expected)
    {
        var problems = QueryWireModel.For(service).CheckRequest(action, [new(key, value)]);

        Assert.Contains(expected, string.Join(Environment.NewLine, problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_check_accepts_a_well_formed_request()
    {
        var problems = QueryWireModel.For("iam").CheckRequest("SimulatePrincipalPolicy",
        [
            new("PolicySourceArn", $"arn:aws:iam::{OriginAccount}:role/VaultCopyOrigin"),
            new("ActionNames.member.1", "kms:Decrypt"),
            new("ActionNames.member.2", "kms:CreateGrant"),
            new("ContextEntries.member.1.ContextKeyName", "kms:GrantIsForAWSResource"),
            new("ContextEntries.member.1.ContextKeyType", "boolean"),
            new("ContextEntries.member.1.ContextKeyValues.member.1", "true"),
        ]);

        Assert.Empty(problems);
    }

    [Fact]
    public void The_read_check_rejects_an_element_no_output_has()
    {
        const string Source = """
            XElement result = await _client.CallAsync(cluster ? "DescribeDBClusterSnapshots" : "DescribeDBSnapshots", p, ct);
            // A comment naming .Element("NotRead") is not code.
            string Text(string name) => e.Element(name)?.Value ?? string.Empty;
            var a = result.Element("DBSnapshots")?.Elements("DBSnapshot");
            var b = Text(cluster ? "DBClusterSnapshotIdentifer" : "DBSnapshotIdentifier");
            var c = result.Elements($"{prefix}Attribute");
            """;

        var check = CheckReads("rds", [new GatewaySource("RdsGateway.Example.cs", Source)]);

        string problems = string.Join(Environment.NewLine, check.Problems);
        Assert.Contains("RdsGateway.Example.cs:5: element 'DBClusterSnapshotIdentifer'", problems, StringComparison.Ordinal);
        Assert.Contains("DBClusterSnapshotIdentifier", problems, StringComparison.Ordinal); // a candidate
        Assert.Contains("element 'DBSnapshotAttribute'", problems, StringComparison.Ordinal); // not in the Describe*Snapshots outputs
        Assert.DoesNotContain("NotRead", problems, StringComparison.Ordinal);
        Assert.Equal(3, check.Problems.Count); // DBClusterSnapshotIdentifer, DBSnapshotAttribute, DBClusterSnapshotAttribute
    }

    private static HashSet<string> GatewayMethods() =>
        new[] { typeof(RdsGateway), typeof(IamGateway) }
            .SelectMany(type => type
                .GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                // Private helpers run inside the public methods; Dispose sends nothing.
                .Where(m => !m.IsPrivate && !m.IsSpecialName && !m.IsDefined(typeof(CompilerGeneratedAttribute)) && m.Name != nameof(IDisposable.Dispose))
                .Select(m => $"{type.Name}.{m.Name}"))
            .ToHashSet(StringComparer.Ordinal);

    private static async Task<int> CountPages<T>(IAsyncEnumerable<T> pages)
    {
        int count = 0;
        await foreach (var _ in pages)
        {
            count++;
        }

        return count;
    }

    /// <summary>The demo world plus 100 more DB and cluster snapshots and a role with 101 inline policies.</summary>
    private static string ConformanceWorld()
    {
        var world = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "VaultCopy.Emulator", "Fixtures", "demo-world.json")))!;
        var origin = world["accounts"]!.AsArray().First(a => a!["id"]!.GetValue<string>() == OriginAccount)!;
        var rds = origin["regions"]!["eu-west-1"]!["rds"]!;
        for (int i = 1; i <= 100; i++)
        {
            rds["dbSnapshots"]!.AsArray().Add(new JsonObject
            {
                ["identifier"] = $"conformance-page-{i:000}",
                ["dbInstanceIdentifier"] = "conformance",
                ["engine"] = "postgres",
                ["engineVersion"] = "16.4",
                ["allocatedStorage"] = 20,
                ["awsManagedKey"] = true,
                ["createTime"] = "2026-01-01T00:00:00Z",
            });
            rds["dbClusterSnapshots"]!.AsArray().Add(new JsonObject
            {
                ["identifier"] = $"conformance-page-{i:000}",
                ["dbClusterIdentifier"] = "conformance",
                ["engine"] = "aurora-postgresql",
                ["engineVersion"] = "16.4",
                ["awsManagedKey"] = true,
                ["createTime"] = "2026-01-01T00:00:00Z",
            });
        }

        var policies = new JsonObject();
        for (int i = 1; i <= 101; i++)
        {
            policies[$"P{i:000}"] = JsonNode.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        }

        origin["roles"]!.AsArray().Add(new JsonObject
        {
            ["name"] = PagingRole,
            ["trustPolicy"] = JsonNode.Parse($$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{OriginAccount}}:root"},"Action":"sts:AssumeRole"}]}"""),
            ["inlinePolicies"] = policies,
        });
        return world.ToJsonString();
    }

    /// <summary>
    /// The element names the sources read (string literals passed to Element/Elements/Descendants, directly or through
    /// a local, a constant or a helper's string parameter), checked against the outputs of the operations each file
    /// calls (the first argument of CallAsync, resolved the same way).
    /// </summary>
    private static ReadCheck CheckReads(string service, IReadOnlyList<GatewaySource> files)
    {
        var model = QueryWireModel.For(service);
        var problems = new List<string>();
        var perFile = new List<(GatewaySource File, List<string> Actions, List<(string Name, int Line)> Names)>();
        foreach (var file in files)
        {
            var actions = file.Arguments("CallAsync").SelectMany(a => file.ResolveStrings(a.Expression, a.Line, files, s_interpolations, problems))
                .Select(a => a.Value).Distinct().ToList();
            var names = file.Arguments("Element", "Elements", "Descendants")
                .SelectMany(a => file.ResolveStrings(a.Expression, a.Line, files, s_interpolations, problems))
                .Distinct()
                .ToList();
            foreach (string action in actions.Where(a => !model.HasOperation(a)))
            {
                problems.Add($"{file.Path}: calls {action}, which is not an operation of the {service} model");
            }

            perFile.Add((file, actions.Where(model.HasOperation).ToList(), names));
        }

        var allActions = perFile.SelectMany(f => f.Actions).Distinct().ToList();
        foreach (var (file, actions, names) in perFile)
        {
            // A file that reads results but calls nothing parses what another part of the gateway fetched.
            var outputs = actions.Count > 0 ? actions : allActions;
            var allowed = outputs.SelectMany(model.OutputElementNames).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, line) in names.Where(n => !allowed.Contains(n.Name)))
            {
                var candidates = allowed.OrderBy(c => Distance(c, name)).ThenBy(c => c, StringComparer.Ordinal).Take(6);
                problems.Add($"{file.Path}:{line}: element '{name}' occurs in none of the outputs of {string.Join(", ", outputs)}; nearest names there: {string.Join(", ", candidates)}");
            }
        }

        return new ReadCheck(problems, perFile.Sum(f => f.Names.Select(n => n.Name).Distinct().Count()), allActions.Count);
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }

        return row[b.Length];
    }

    private sealed record ReadCheck(List<string> Problems, int Names, int Actions);

    private sealed record Gateways(RdsGateway Rds, IamGateway Iam);

    private sealed record RecordedCall(string Service, string Action, IReadOnlyList<KeyValuePair<string, string>> Parameters);

    /// <summary>Records what the gateways send (calls and presigned requests alike), then lets the real client send it.</summary>
    private sealed class RecordingQueryClient(IQueryProtocolClient inner, string service) : IQueryProtocolClient
    {
        public List<RecordedCall> Calls { get; } = [];

        public Task<XElement> CallAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
        {
            var list = parameters.ToList();
            Calls.Add(new RecordedCall(service, action, list));
            return inner.CallAsync(action, list, cancellationToken);
        }

        public Task<string> PresignAsync(string action, IEnumerable<KeyValuePair<string, string>> parameters, string sourceRegion, CancellationToken cancellationToken)
        {
            var list = parameters.ToList();
            Calls.Add(new RecordedCall(service, action, list));
            return inner.PresignAsync(action, list, sourceRegion, cancellationToken);
        }
    }

    /// <summary>
    /// One gateway source file read as text, comments blanked (line numbers kept). Not a C# parser: it finds call
    /// arguments by balanced brackets and resolves them to strings through literals, simple declarations, a helper's
    /// string parameter and the interpolation table; anything else is reported so the table or the test grows.
    /// </summary>
    private sealed class GatewaySource
    {
        private const int MaxDepth = 4;

        public GatewaySource(string path, string text)
        {
            Path = path;
            Code = BlankComments(text);
        }

        public string Path { get; }

        public string Code { get; }

        /// <summary>The first argument of every call to one of <paramref name="methods"/>, with its line.</summary>
        public IEnumerable<(string Expression, int Line)> Arguments(params string[] methods)
        {
            foreach (Match call in Regex.Matches(Code, $@"\b(?:{string.Join("|", methods)})\s*\("))
            {
                var arguments = SplitArguments(call.Index + call.Length - 1);
                if (arguments.Count > 0 && arguments[0].Length > 0)
                {
                    yield return (arguments[0], LineOf(call.Index));
                }
            }
        }

        /// <summary>The strings an expression can be, each with the line of the literal it comes from.</summary>
        public IEnumerable<(string Value, int Line)> ResolveStrings(string expression, int line, IReadOnlyList<GatewaySource> gateway, IReadOnlyDictionary<string, string[]> holes, List<string> problems, int depth = 0)
        {
            var literals = Literals(expression).ToList();
            if (literals.Count > 0)
            {
                return literals.SelectMany(l => Expand(l, line, holes, problems)).Select(v => (v, line)).ToList();
            }

            string identifier = expression.Trim();
            if (depth < MaxDepth && Regex.IsMatch(identifier, @"^[A-Za-z_]\w*$"))
            {
                // A local or constant: `string name = …;` here first, then in the gateway's other partial files.
                foreach (var source in gateway.OrderBy(g => g == this ? 0 : 1))
                {
                    var declarations = Regex.Matches(source.Code, $@"\b(?:string|var|XName)\??\s+{identifier}\s*=(?!=)\s*(?<value>[^;]+);");
                    if (declarations.Count > 0)
                    {
                        return declarations.SelectMany(d => source.ResolveStrings(d.Groups["value"].Value, source.LineOf(d.Index), gateway, holes, problems, depth + 1)).ToList();
                    }
                }

                // A helper's string parameter, e.g. `string Text(string name) => e.Element(name)…`: what its callers pass.
                var helper = Regex.Match(Code, $@"\b(?<function>\w+)\s*\((?<parameters>[^()]*\bstring\??\s+{identifier}\b[^()]*)\)");
                if (helper.Success)
                {
                    int position = helper.Groups["parameters"].Value.Split(',').ToList().FindIndex(p => Regex.IsMatch(p, $@"\b{identifier}\s*$"));
                    return Regex.Matches(Code, $@"\b{helper.Groups["function"].Value}\s*\(")
                        .Where(c => c.Index != helper.Index)
                        .Select(c => (Arguments: SplitArguments(c.Index + c.Length - 1), Line: LineOf(c.Index)))
                        .Where(c => c.Arguments.Count > position)
                        .SelectMany(c => ResolveStrings(c.Arguments[position], c.Line, gateway, holes, problems, depth + 1))
                        .ToList();
                }
            }

            problems.Add($"{Path}:{line}: cannot tell which names `{expression.Trim()}` stands for; use a literal, a local or constant of literals, or extend the test");
            return [];
        }

        private IEnumerable<string> Expand(List<(bool IsHole, string Text)> literal, int line, IReadOnlyDictionary<string, string[]> holes, List<string> problems)
        {
            IEnumerable<string> results = [""];
            foreach (var (isHole, text) in literal)
            {
                if (!isHole)
                {
                    results = results.Select(r => r + text);
                }
                else if (holes.TryGetValue(text, out var values))
                {
                    results = results.SelectMany(r => values.Select(v => r + v)).ToList();
                }
                else
                {
                    problems.Add($"{Path}:{line}: the interpolation {{{text}}} is not in the test's table of interpolations; add its values with their source");
                    return [];
                }
            }

            return results.ToList();
        }

        /// <summary>The string literals in an expression, as text parts and interpolation holes.</summary>
        private static IEnumerable<List<(bool IsHole, string Text)>> Literals(string expression)
        {
            for (int i = 0; i < expression.Length; i++)
            {
                int start = LiteralStart(expression, i);
                if (start < 0)
                {
                    continue;
                }

                bool interpolated = expression.AsSpan(i, start - i).Contains('$');
                int end = LiteralEnd(expression, i);
                string body = expression[(start + 1)..(end - 1)];
                var parts = new List<(bool, string)>();
                if (!interpolated)
                {
                    parts.Add((false, body.Replace("\\\"", "\"", StringComparison.Ordinal)));
                }
                else
                {
                    foreach (Match part in Regex.Matches(body, @"\{\{|\}\}|\{(?<hole>[^{}]+)\}|[^{}]+"))
                    {
                        parts.Add(part.Groups["hole"].Success
                            ? (true, part.Groups["hole"].Value.Split(':')[0].Trim())
                            : (false, part.Value is "{{" ? "{" : part.Value is "}}" ? "}" : part.Value));
                    }
                }

                yield return parts;
                i = end - 1;
            }
        }

        /// <summary>The index of the opening quote when a (plain, verbatim or interpolated) literal starts at i; else -1.</summary>
        private static int LiteralStart(string code, int i)
        {
            if (i > 0 && (char.IsLetterOrDigit(code[i - 1]) || code[i - 1] == '_'))
            {
                return -1;
            }

            int j = i;
            while (j < code.Length && j - i < 2 && code[j] is '$' or '@')
            {
                j++;
            }

            return j < code.Length && code[j] == '"' ? j : -1;
        }

        /// <summary>The index just past the literal starting at i (its prefix included).</summary>
        private static int LiteralEnd(string code, int i)
        {
            int quote = LiteralStart(code, i);
            bool verbatim = code.AsSpan(i, quote - i).Contains('@');
            bool interpolated = code.AsSpan(i, quote - i).Contains('$');
            if (code.AsSpan(quote).StartsWith("\"\"\""))
            {
                int close = code.IndexOf("\"\"\"", quote + 3, StringComparison.Ordinal);
                return close < 0 ? code.Length : close + 3;
            }

            int depth = 0;
            for (int j = quote + 1; j < code.Length; j++)
            {
                char c = code[j];
                if (interpolated && c == '{')
                {
                    if (depth == 0 && j + 1 < code.Length && code[j + 1] == '{')
                    {
                        j++;
                    }
                    else
                    {
                        depth++;
                    }
                }
                else if (interpolated && c == '}' && depth > 0)
                {
                    depth--;
                }
                else if (depth > 0 && LiteralStart(code, j) is >= 0)
                {
                    j = LiteralEnd(code, j) - 1;
                }
                else if (depth == 0 && !verbatim && c == '\\')
                {
                    j++;
                }
                else if (depth == 0 && c == '"')
                {
                    if (verbatim && j + 1 < code.Length && code[j + 1] == '"')
                    {
                        j++;
                    }
                    else
                    {
                        return j + 1;
                    }
                }
            }

            return code.Length;
        }

        private static string BlankComments(string text)
        {
            var code = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length;)
            {
                if (text.AsSpan(i).StartsWith("//"))
                {
                    while (i < text.Length && text[i] != '\n')
                    {
                        i++;
                    }
                }
                else if (text.AsSpan(i).StartsWith("/*"))
                {
                    int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    end = end < 0 ? text.Length : end + 2;
                    code.Append(new string('\n', text.AsSpan(i, end - i).Count('\n')));
                    i = end;
                }
                else if (LiteralStart(text, i) >= 0)
                {
                    int end = LiteralEnd(text, i);
                    code.Append(text, i, end - i);
                    i = end;
                }
                else if (text[i] == '\'')
                {
                    int end = text.IndexOf('\'', i + (i + 1 < text.Length && text[i + 1] == '\\' ? 3 : 2));
                    end = end < 0 ? text.Length : end + 1;
                    code.Append(text, i, end - i);
                    i = end;
                }
                else
                {
                    code.Append(text[i++]);
                }
            }

            return code.ToString();
        }

        /// <summary>The top-level, comma-separated arguments of the call whose '(' is at <paramref name="open"/>.</summary>
        private List<string> SplitArguments(int open)
        {
            var arguments = new List<string>();
            int depth = 0;
            int start = open + 1;
            for (int i = open; i < Code.Length; i++)
            {
                if (LiteralStart(Code, i) >= 0)
                {
                    i = LiteralEnd(Code, i) - 1;
                    continue;
                }

                char c = Code[i];
                if (c is '(' or '[' or '{')
                {
                    depth++;
                }
                else if (c is ')' or ']' or '}')
                {
                    if (--depth == 0)
                    {
                        arguments.Add(Code[start..i].Trim());
                        break;
                    }
                }
                else if (c == ',' && depth == 1)
                {
                    arguments.Add(Code[start..i].Trim());
                    start = i + 1;
                }
            }

            return arguments;
        }

        private int LineOf(int index) => Code.AsSpan(0, index).Count('\n') + 1;
    }
}
