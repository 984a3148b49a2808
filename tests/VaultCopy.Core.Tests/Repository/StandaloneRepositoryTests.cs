using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using VaultCopy.Core.Tests.Emulator.Conformance;
using Xunit.Abstractions;

namespace VaultCopy.Core.Tests.Repository;

/// <summary>
/// Issue 9: a bare clone has everything its tests need. The service models the conformance tests check against live
/// in the repository (tests/aws-models, trimmed by Update-AwsModels.ps1 to operations.json), the tests read nothing
/// outside it, and a clone of HEAD holds every file they load. build.ps1 -Task BareCloneTest runs the whole README
/// test command in such a clone.
/// </summary>
public sealed partial class StandaloneRepositoryTests(ITestOutputHelper output)
{
    // Written in parts so that this file does not hold the very literals the rule below forbids.
    private static readonly string s_modelsFolder = "aws" + "-models";
    private static readonly string s_referenceFolder = "sha" + "red";

    [Fact]
    public void The_model_loader_reads_the_models_inside_the_repository()
    {
        string relative = Path.GetRelativePath(RepoPaths.Root, ServiceModel.ModelsDirectory());

        Assert.Equal(Path.Combine("tests", s_modelsFolder), relative);
        Assert.True(File.Exists(Path.Combine(RepoPaths.AwsModels, "LICENSE.txt")), "the models' Apache-2.0 licence must sit beside them");
        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(RepoPaths.AwsModels, "LICENSE.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_trimmed_model_holds_exactly_the_operations_of_operations_json_and_every_shape_they_reach()
    {
        var listed = ListedOperations();
        var problems = new List<string>();
        foreach (string folder in Directory.GetDirectories(RepoPaths.AwsModels).Select(Path.GetFileName).OfType<string>())
        {
            if (!listed.ContainsKey(folder))
            {
                problems.Add($"{folder}/ is not in operations.json: remove the folder or list its operations");
            }
        }

        foreach (var (service, operations) in listed)
        {
            if (!operations.SequenceEqual(operations.Distinct().Order(StringComparer.Ordinal)))
            {
                problems.Add($"operations.json: the {service} list must be sorted (ordinal) and without repeats");
            }

            string path = Path.Combine(RepoPaths.AwsModels, service, "service-2.json");
            if (!File.Exists(path))
            {
                problems.Add($"{service}/service-2.json is missing: run Update-AwsModels.ps1");
                continue;
            }

            using var model = JsonDocument.Parse(File.ReadAllText(path));
            var root = model.RootElement;
            var inModel = root.GetProperty("operations").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
            if (!inModel.SequenceEqual(operations.Distinct().Order(StringComparer.Ordinal)))
            {
                problems.Add($"{service}: the model's operations ({string.Join(", ", inModel)}) are not the listed ones: run Update-AwsModels.ps1");
            }

            var shapes = root.GetProperty("shapes");
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(ShapeReferences(root.GetProperty("operations")));
            while (pending.TryPop(out string? shape))
            {
                if (!reached.Add(shape))
                {
                    continue;
                }

                if (shapes.TryGetProperty(shape, out var definition))
                {
                    foreach (string next in ShapeReferences(definition))
                    {
                        pending.Push(next);
                    }
                }
                else
                {
                    problems.Add($"{service}: shape {shape} is referenced but not defined");
                }
            }

            var unreached = shapes.EnumerateObject().Select(p => p.Name).Where(n => !reached.Contains(n)).ToList();
            if (unreached.Count > 0)
            {
                problems.Add($"{service}: shapes no listed operation reaches: {string.Join(", ", unreached.Take(5))}");
            }

            problems.AddRange(DocumentationFields(root, $"{service}:$", keysAreNames: false).Select(p => $"{p} is documentation, which the trimmed models leave out"));
            output.WriteLine($"{service}: {inModel.Count} operations, {reached.Count} shapes, {new FileInfo(path).Length / 1024} KB");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Nothing_in_the_build_or_the_tests_reads_a_folder_outside_the_repository()
    {
        var problems = new List<string>();
        foreach (string file in TrackedFiles("build.ps1", ".ci", "*.cs", "*.Tests.ps1", "*.TestHelper.ps1"))
        {
            bool powershell = !file.EndsWith(".cs", StringComparison.Ordinal);
            string[] lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, file));
            bool inBlockComment = false;
            for (int i = 0; i < lines.Length; i++)
            {
                string code = WithoutComments(lines[i], powershell, ref inBlockComment);
                if (ForbiddenPath(code) is { } found)
                {
                    problems.Add($"{file}:{i + 1}: {found}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(problems.Count == 0, "The build and the tests must read only what the repository holds:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("var models = \"{M}\";", false, true)]
    [InlineData("$m = Join-Path $Root '../{R}/{M}'", true, true)]
    [InlineData("string p = Path.Combine(root, \"..\", \"{R}\");", false, true)]
    [InlineData("string p = \"/work/{R}/docs\";", false, true)]
    [InlineData("$docs = Join-Path $Root '..' '{R}' 'docs'", true, true)]
    [InlineData("Assert.Equal(\"{R}\", snapshot.Field(\"SnapshotType\"));", false, false)]
    [InlineData("/// <summary>Read from ../{R}/{M} once.</summary>", false, false)]
    [InlineData("# read from ../{R}/{M}", true, false)]
    [InlineData("string m = Path.Combine(RepoPaths.Root, \"tests\", \"aws\" + \"-models\"); // ../{R}", false, false)]
    public void The_outside_folder_rule_flags_paths_in_code_not_wire_values_or_comments(string line, bool powershell, bool flagged)
    {
        // {M} and {R} stand for the two folder names, so that this file holds none of the literals the rule forbids.
        string code = line.Replace("{M}", s_modelsFolder, StringComparison.Ordinal).Replace("{R}", s_referenceFolder, StringComparison.Ordinal);
        bool inBlockComment = false;

        Assert.Equal(flagged, ForbiddenPath(WithoutComments(code, powershell, ref inBlockComment)) is not null);
    }

    [GitCheckoutFact]
    public void A_clone_of_HEAD_holds_every_file_the_tests_load()
    {
        string clone = Path.Combine(Path.GetTempPath(), "vaultcopy-bare-clone-" + Guid.NewGuid().ToString("n"));
        try
        {
            Git(RepoPaths.Root, "clone", "--quiet", RepoPaths.Root, clone);
            var needed = FilesTheTestsLoad().Distinct(StringComparer.Ordinal).ToList();
            Assert.True(needed.Count > 10, $"found only {needed.Count} files the tests load: the scan below is broken");

            var missing = needed.Where(f => !File.Exists(Path.Combine(clone, f)) && !Directory.Exists(Path.Combine(clone, f))).ToList();
            output.WriteLine($"{needed.Count} files and folders the tests load, checked in a clone of HEAD ({Git(RepoPaths.Root, "rev-parse", "--short", "HEAD").Trim()}).");

            Assert.True(missing.Count == 0, "A clone of HEAD lacks what the tests load (commit it):" + Environment.NewLine + string.Join(Environment.NewLine, missing));
            string modelsInClone = Path.Combine(clone, Path.GetRelativePath(RepoPaths.Root, RepoPaths.AwsModels));
            Assert.StartsWith(Path.GetFullPath(clone) + Path.DirectorySeparatorChar, Path.GetFullPath(modelsInClone), StringComparison.Ordinal);
            foreach (string service in ListedOperations().Keys)
            {
                using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelsInClone, service, "service-2.json")));
                Assert.True(model.RootElement.GetProperty("operations").EnumerateObject().Any(), $"{service}: no operations in the clone's model");
            }
        }
        finally
        {
            if (Directory.Exists(clone))
            {
                foreach (var file in new DirectoryInfo(clone).EnumerateFiles("*", SearchOption.AllDirectories))
                {
                    file.Attributes = FileAttributes.Normal; // git's pack files are read-only
                }

                Directory.Delete(clone, recursive: true);
            }
        }
    }

    /// <summary>Repository-relative paths the tests open: the models, and literal paths under RepoPaths.Root or $PSScriptRoot.</summary>
    private static IEnumerable<string> FilesTheTestsLoad()
    {
        string models = Path.GetRelativePath(RepoPaths.Root, RepoPaths.AwsModels);
        yield return Path.Combine(models, "operations.json");
        yield return Path.Combine(models, "LICENSE.txt");
        foreach (string service in ListedOperations().Keys)
        {
            yield return Path.Combine(models, service, "service-2.json");
        }

        foreach (string file in TrackedFiles("tests/*.cs"))
        {
            foreach (Match match in RootPathPattern().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, file))))
            {
                string[] parts = match.Groups["parts"].Captures.Select(c => c.Value).ToArray();
                yield return Path.Combine(parts).Replace('/', Path.DirectorySeparatorChar);
            }
        }

        foreach (string file in TrackedFiles("tests/*.ps1"))
        {
            foreach (Match match in ScriptRootPathPattern().Matches(File.ReadAllText(Path.Combine(RepoPaths.Root, file))))
            {
                string folder = Path.GetDirectoryName(file) ?? string.Empty;
                yield return Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.Root, folder, match.Groups["path"].Value)));
            }
        }
    }

    private static Dictionary<string, List<string>> ListedOperations()
    {
        using var list = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.AwsModels, "operations.json")));
        return list.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.EnumerateArray().Select(o => o.GetString()!).ToList(),
            StringComparer.Ordinal);
    }

    private static IEnumerable<string> ShapeReferences(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "shape" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    else
                    {
                        foreach (string shape in ShapeReferences(property.Value))
                        {
                            yield return shape;
                        }
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (string shape in ShapeReferences(item))
                    {
                        yield return shape;
                    }
                }

                break;
        }
    }

    /// <summary>Paths of documentation fields; the keys of a "members" object are member names and never count.</summary>
    private static IEnumerable<string> DocumentationFields(JsonElement element, string path, bool keysAreNames)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (!keysAreNames && property.Name is "documentation" or "documentationUrl" or "deprecatedMessage")
                {
                    yield return path + "." + property.Name;
                }

                foreach (string found in DocumentationFields(property.Value, path + "." + property.Name, property.Name == "members" && !keysAreNames))
                {
                    yield return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (var item in element.EnumerateArray())
            {
                foreach (string found in DocumentationFields(item, $"{path}[{index++}]", keysAreNames: false))
                {
                    yield return found;
                }
            }
        }
    }

    /// <summary>What in one line of code names a folder outside the repository, or null.</summary>
    private static string? ForbiddenPath(string code)
    {
        string[] literals = [$"\"{s_modelsFolder}\"", $"'{s_modelsFolder}'", $"../{s_referenceFolder}", $"..\\{s_referenceFolder}", $"/work/{s_referenceFolder}"];
        if (literals.FirstOrDefault(l => code.Contains(l, StringComparison.Ordinal)) is { } literal)
        {
            return literal;
        }

        // The bare folder name is fine as a value (RDS's SnapshotType), not as a part of a path being built.
        bool buildsPath = PathBuildingPattern().IsMatch(code);
        string[] parts = [$"\"{s_referenceFolder}\"", $"'{s_referenceFolder}'", $"/{s_referenceFolder}/", $"/{s_modelsFolder}"];
        return buildsPath ? parts.FirstOrDefault(p => code.Contains(p, StringComparison.Ordinal)) : null;
    }

    /// <summary>The line without its comments (C# // and /* */, PowerShell # and &lt;# #&gt;); string contents are kept.</summary>
    private static string WithoutComments(string line, bool powershell, ref bool inBlockComment)
    {
        string open = powershell ? "<#" : "/*";
        string close = powershell ? "#>" : "*/";
        var code = new System.Text.StringBuilder();
        char? quote = null;
        for (int i = 0; i < line.Length; i++)
        {
            if (inBlockComment)
            {
                if (string.CompareOrdinal(line, i, close, 0, 2) == 0)
                {
                    inBlockComment = false;
                    i++;
                }

                continue;
            }

            char c = line[i];
            if (quote is { } q)
            {
                code.Append(c);
                if (c == q)
                {
                    quote = null;
                }

                continue;
            }

            if (c is '"' || (powershell && c == '\''))
            {
                quote = c;
                code.Append(c);
            }
            else if (string.CompareOrdinal(line, i, open, 0, 2) == 0)
            {
                inBlockComment = true;
                i++;
            }
            else if (powershell ? c == '#' : string.CompareOrdinal(line, i, "//", 0, 2) == 0)
            {
                break;
            }
            else
            {
                code.Append(c);
            }
        }

        return code.ToString();
    }

    private static IEnumerable<string> TrackedFiles(params string[] pathspecs) =>
        Git(RepoPaths.Root, ["ls-files", "--", .. pathspecs]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(f => File.Exists(Path.Combine(RepoPaths.Root, f)));

    private static string Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        var stderr = git.StandardError.ReadToEndAsync();
        string stdout = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({git.ExitCode}): {stderr.Result}");
    }

    [GeneratedRegex("""Path\.Combine\(RepoPaths\.Root(?:\s*,\s*"(?<parts>[^"]+)")+\s*\)""")]
    private static partial Regex RootPathPattern();

    [GeneratedRegex("""Join-Path \$PSScriptRoot '(?<path>[^'$]+)'""")]
    private static partial Regex ScriptRootPathPattern();

    [GeneratedRegex(@"Path\.(Combine|Join|GetFullPath)|Join-Path|DirectoryInfo|Directory\.|File\.|Resolve-Path|Test-Path|Get-Content|Get-ChildItem")]
    private static partial Regex PathBuildingPattern();
}

/// <summary>A fact that needs the repository's git history; skipped, saying so, where the sources are not a git checkout.</summary>
public sealed class GitCheckoutFactAttribute : FactAttribute
{
    public GitCheckoutFactAttribute()
    {
        if (!Directory.Exists(Path.Combine(RepoPaths.Root, ".git")) && !File.Exists(Path.Combine(RepoPaths.Root, ".git")))
        {
            Skip = $"{RepoPaths.Root} is not a git checkout: there is no HEAD to clone.";
        }
    }
}
