using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// Keeps the emulator README's control-API table and the control API together: every documented route answers,
/// every example body in the table is accepted as written, and every GET answers with the members the table lists.
/// </summary>
public partial class ControlApiReadmeTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => emulator.ResetAsync();

    public static TheoryData<string, string> Routes()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in ReadTable())
        {
            data.Add(row.Method, row.Path);
        }

        return data;
    }

    [Fact]
    public void The_table_documents_every_route_family()
    {
        var paths = ReadTable().Select(r => $"{r.Method} {r.Path}").ToList();
        foreach (string family in new[] { "health", "reset", "fixture", "state", "calls", "clock", "settings", "faults", "latency", "ratelimits", "copyfailures" })
        {
            Assert.Contains(paths, p => p.EndsWith("/_emulator/" + family, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_documented_route_does_what_the_table_says(string method, string path)
    {
        var row = ReadTable().Single(r => r.Method == method && r.Path == path);
        if (method == "GET")
        {
            using var response = await emulator.Http.GetAsync(new Uri(emulator.BaseUri, path.TrimStart('/')));
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {text}");
            var body = JsonNode.Parse(text)!.AsObject();
            foreach (string member in TopLevelMembers(row.Result))
            {
                Assert.True(body.ContainsKey(member), $"{method} {path} lacks '{member}', which the README lists: {text}");
            }

            return;
        }

        List<string?> examples = [.. Examples(row.Body)];
        if (method == "POST" && path.EndsWith("/fixture", StringComparison.Ordinal))
        {
            // "a fixture": the demo world's own file is one.
            examples = [await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "VaultCopy.Emulator", "Fixtures", "demo-world.json"))];
        }

        if (examples.Count == 0)
        {
            examples.Add(null);
        }

        foreach (string? example in examples)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(emulator.BaseUri, path.TrimStart('/')));
            if (example is not null)
            {
                request.Content = new StringContent(example, Encoding.UTF8, "application/json");
            }

            using var response = await emulator.Http.SendAsync(request);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path} with {example ?? "no body"}: {(int)response.StatusCode} {text}");
        }
    }

    [Fact]
    public async Task Each_example_rule_is_listed_back_with_every_member_it_set()
    {
        foreach (var row in ReadTable().Where(r => r.Method == "POST" && r.Path is "/_emulator/faults" or "/_emulator/latency" or "/_emulator/copyfailures"))
        {
            string family = row.Path["/_emulator/".Length..];
            foreach (string example in Examples(row.Body))
            {
                await emulator.ResetAsync();
                using var response = await emulator.Http.PostAsync(new Uri(emulator.BaseUri, row.Path.TrimStart('/')), new StringContent(example, Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                var listed = (await emulator.GetJsonAsync(family)).Single().Value!.AsArray().Single()!.AsObject();
                foreach (var member in JsonNode.Parse(example)!.AsObject())
                {
                    Assert.Equal(member.Value!.ToJsonString(), listed[member.Key]?.ToJsonString());
                }
            }
        }
    }

    [Fact]
    public async Task An_undocumented_route_is_404_with_an_error()
    {
        using var response = await emulator.Http.GetAsync(emulator.Control("nosuchroute"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    private sealed record Row(string Method, string Path, string Body, string Result);

    private static List<Row> ReadTable()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "VaultCopy.Emulator", "README.md"));
        int start = readme.IndexOf("## Control API", StringComparison.Ordinal);
        Assert.True(start >= 0, "The emulator README has no \"## Control API\" section.");
        int end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        var rows = new List<Row>();
        foreach (Match match in RowPattern().Matches(section))
        {
            rows.Add(new Row(match.Groups["method"].Value, match.Groups["path"].Value, match.Groups["body"].Value, match.Groups["result"].Value));
        }

        Assert.True(rows.Count >= 20, $"Only {rows.Count} control-API routes were read from the README table.");
        return rows;
    }

    // Every `{…}` in the body column is an example body, valid JSON as written.
    private static IEnumerable<string> Examples(string bodyCell) =>
        CodeSpan().Matches(bodyCell).Select(m => m.Groups[1].Value).Where(code => code.StartsWith('{')).Select(code =>
        {
            Assert.True(TryParse(code), $"README example body is not valid JSON: {code}");
            return code;
        });

    // `{a, b:{…}, c:[…]}` in the result column: the names before ':' or ',' at the outermost level.
    private static IEnumerable<string> TopLevelMembers(string resultCell)
    {
        var code = CodeSpan().Matches(resultCell).Select(m => m.Groups[1].Value).FirstOrDefault(c => c.StartsWith('{'));
        if (code is null)
        {
            yield break;
        }

        int depth = 0;
        var name = new StringBuilder();
        bool inName = true;
        foreach (char c in code[1..^1])
        {
            switch (c)
            {
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth--;
                    break;
                case ':' when depth == 0:
                    inName = false;
                    break;
                case ',' when depth == 0:
                    if (name.ToString().Trim() is { Length: > 0 } member)
                    {
                        yield return member;
                    }

                    name.Clear();
                    inName = true;
                    break;
                default:
                    if (inName && depth == 0)
                    {
                        name.Append(c);
                    }

                    break;
            }
        }

        if (name.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private static bool TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\| `(?<method>GET|POST|DELETE) (?<path>/_emulator/[a-z/]+)` \| (?<body>.*?) \| (?<result>.*) \|\s*$", RegexOptions.Multiline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex CodeSpan();
}
