using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>The console program's contract with scripts: the first stdout line names the URL.</summary>
public partial class ConsoleProgramTests
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_first_line_announces_the_url_which_serves_the_control_api_until_SIGTERM()
    {
        string urlFile = Path.Combine(Path.GetTempPath(), $"vaultcopy-emulator-{Guid.NewGuid():N}.url");
        using var process = Start("--port", "0", "--url-file", urlFile);
        try
        {
            string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(s_startTimeout);
            Assert.NotNull(first);
            var match = ListeningLine().Match(first);
            Assert.True(match.Success, $"unexpected first line: {first}");
            string url = match.Groups["url"].Value;
            Assert.NotEqual("0", match.Groups["port"].Value);
            Assert.Equal(url, await File.ReadAllTextAsync(urlFile));

            using var http = new HttpClient();
            var health = await http.GetFromJsonAsync<JsonObject>(url + "/_emulator/health");
            Assert.Equal("ok", (string?)health!["status"]);
            Assert.Equal(2, (int)health["accounts"]!);

            if (!OperatingSystem.IsWindows())
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0, process.ExitCode);
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            File.Delete(urlFile);
        }
    }

    [Fact]
    public async Task A_bad_fixture_stops_the_program_with_the_problem_on_stderr()
    {
        string fixture = Path.Combine(Path.GetTempPath(), $"vaultcopy-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(fixture, """{"accounts":[{"id":"not-an-account"}]}""");
        using var process = Start("--fixture", fixture);
        try
        {
            string stderr = await process.StandardError.ReadToEndAsync().WaitAsync(s_startTimeout);
            await process.WaitForExitAsync().WaitAsync(s_startTimeout);

            Assert.Equal(2, process.ExitCode);
            Assert.Contains("$.accounts[0].id", stderr, StringComparison.Ordinal);
            Assert.Equal(string.Empty, await process.StandardOutput.ReadToEndAsync());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            File.Delete(fixture);
        }
    }

    private static Process Start(params string[] arguments)
    {
        // The emulator is a referenced executable project: its dll, deps and runtimeconfig sit next to the tests.
        string dll = Path.Combine(AppContext.BaseDirectory, "VaultCopy.Emulator.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    [GeneratedRegex(@"^Emulator listening on (?<url>http://127\.0\.0\.1:(?<port>\d+))$")]
    private static partial Regex ListeningLine();
}
