using Amazon.Runtime;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Protocol;
using VaultCopy.Emulator.Services;
using Xunit.Abstractions;

namespace VaultCopy.Core.Tests.Emulator.Conformance;

/// <summary>
/// The proof of fidelity: every operation a registered plug-in lists in <see cref="IAwsService.Operations"/> is
/// driven (by the <see cref="IConformanceScenario"/> of its service, else by a bare probe) while the server records
/// what it reads and writes, and each recorded call is checked against tests/aws-models by
/// <see cref="ModelChecker"/>. A plug-in merged with its Operations filled in is picked up without touching this file.
/// </summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    // The demo world's origin administrator signs the probes (Fixtures/demo-world.json).
    private static readonly BasicAWSCredentials s_demoAdmin = new("AKIAORIGINADMIN00001", "originAdminSecretKey/FAKE/DemoOnly+00001");

    [Fact]
    public async Task Every_implemented_operation_reads_writes_and_fails_only_as_its_model_allows()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions());
        server.Recorder.Enabled = true;
        var context = new ConformanceContext(server);
        var scenarios = Scenarios();
        foreach (var scenario in scenarios)
        {
            await scenario.RunAsync(context);
        }

        var problems = new List<string>();
        server.LoadFixture(FixtureLoader.DemoWorldJson());
        foreach (var plugin in ServiceRegistry.Services)
        {
            var info = KnownServices.BySigningName(plugin.SigningName)!;
            var model = ServiceModel.For(plugin.SigningName);
            foreach (string operation in plugin.Operations)
            {
                if (!model.HasOperation(operation))
                {
                    problems.Add($"{plugin.SigningName}:{operation}: listed in Operations but not in the {plugin.SigningName} model");
                }
                else if (!server.Recorder.Calls.Any(c => c.Service == plugin.SigningName && c.Action == operation))
                {
                    // IAM and STS are global: their credential scope is us-east-1.
                    string region = plugin.SigningName is "iam" or "sts" ? "us-east-1" : "eu-west-1";
                    int status = await context.ProbeAsync(info, operation, s_demoAdmin, region);
                    output.WriteLine($"{plugin.SigningName}:{operation}: no scenario; probed without parameters (HTTP {status})");
                }
            }
        }

        var calls = server.Recorder.Calls;
        foreach (var call in calls)
        {
            problems.AddRange(new ModelChecker(ServiceModel.For(call.Service)).Check(call));
        }

        foreach (var plugin in ServiceRegistry.Services)
        {
            bool scripted = scenarios.Any(s => s.Service == plugin.SigningName);
            foreach (string operation in plugin.Operations)
            {
                var ofOperation = calls.Where(c => c.Service == plugin.SigningName && c.Action == operation).ToList();
                if (ofOperation.Count == 0)
                {
                    problems.Add($"{plugin.SigningName}:{operation}: never called");
                }
                else if (scripted && !ofOperation.Any(c => c.Status == 200))
                {
                    // A service with a scenario must show every operation succeeding, so its writes are checked too.
                    problems.Add($"{plugin.SigningName}:{operation}: its scenario never made it succeed");
                }
            }

            output.WriteLine($"{plugin.SigningName}: {plugin.Operations.Count} operations, {calls.Count(c => c.Service == plugin.SigningName)} calls checked{(scripted ? string.Empty : " (probes only: add an IConformanceScenario)")}");
        }

        Assert.True(problems.Count == 0, "Model conformance problems:\n" + string.Join('\n', problems.Distinct()));
    }

    [Fact]
    public void Every_scenario_drives_a_registered_service()
    {
        var registered = ServiceRegistry.Services.Select(s => s.SigningName).ToHashSet(StringComparer.Ordinal);

        Assert.All(Scenarios(), s => Assert.Contains(s.Service, registered));
        Assert.Contains(Scenarios(), s => s.Service == "iam");
        Assert.Contains(Scenarios(), s => s.Service == "sts");
    }

    private static List<IConformanceScenario> Scenarios() =>
        typeof(ConformanceTests).Assembly.GetTypes()
            .Where(t => typeof(IConformanceScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IConformanceScenario)Activator.CreateInstance(t, nonPublic: true)!)
            .OrderBy(s => s.Service, StringComparer.Ordinal)
            .ToList();
}
