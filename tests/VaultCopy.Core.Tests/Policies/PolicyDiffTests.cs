using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

public class PolicyDiffTests
{
    [Fact]
    public void Equal_documents_and_whitespace_differences_give_no_diff()
    {
        Assert.Equal(string.Empty, PolicyDiff.Render(PolicyCorpus.ConsoleDefault, PolicyCorpus.ConsoleDefault));
        Assert.Equal(string.Empty, PolicyDiff.Render(PolicyCorpus.ConsoleDefault, KeyPolicyDocument.Parse(PolicyCorpus.ConsoleDefault).ToJson()));
        Assert.Equal(string.Empty, PolicyDiff.Render("", "  "));
    }

    [Fact]
    public void A_change_is_shown_as_a_unified_hunk_with_context()
    {
        string diff = PolicyDiff.Render("""{"Statement":[{"Sid":"A","Effect":"Allow"}]}""", """{"Statement":[{"Sid":"B","Effect":"Allow"}]}""");
        Assert.Equal(
            """
            --- before
            +++ after
            @@ -1,7 +1,7 @@
             {
               "Statement": [
                 {
            -      "Sid": "A",
            +      "Sid": "B",
                   "Effect": "Allow"
                 }
               ]
            """.ReplaceLineEndings("\n"),
            diff);
    }

    [Fact]
    public void Distant_changes_get_their_own_hunks_with_correct_line_numbers()
    {
        string before = Policy(Enumerable.Range(0, 12).Select(i => $"S{i}"));
        string after = Policy(Enumerable.Range(0, 12).Select(i => i switch { 1 => "X1", 10 => "X10", _ => $"S{i}" }));
        string[] headers = PolicyDiff.Render(before, after).Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)).ToArray();

        // Each statement is three lines ({, "Sid", }) after the two opening lines.
        Assert.Equal(["@@ -4,7 +4,7 @@", "@@ -31,7 +31,7 @@"], headers);
    }

    [Fact]
    public void A_policy_that_did_not_exist_or_is_deleted_shows_as_all_added_or_removed()
    {
        string policy = """{"Version":"2012-10-17","Statement":[]}""";
        Assert.Equal("--- before\n+++ after\n@@ -0,0 +1,4 @@\n+{\n+  \"Version\": \"2012-10-17\",\n+  \"Statement\": []\n+}", PolicyDiff.Render("", policy));
        Assert.Equal("--- before\n+++ after\n@@ -1,4 +0,0 @@\n-{\n-  \"Version\": \"2012-10-17\",\n-  \"Statement\": []\n-}", PolicyDiff.Render(policy, ""));
    }

    [Fact]
    public void Text_that_is_not_a_policy_is_compared_line_by_line()
    {
        Assert.Equal("--- before\n+++ after\n@@ -1,2 +1,2 @@\n a\n-b\n+c", PolicyDiff.Render("a\r\nb", "a\nc"));
    }

    [Fact]
    public void Very_different_large_documents_still_give_a_complete_diff()
    {
        string before = Policy(Enumerable.Range(0, 600).Select(i => $"Before{i}"));
        string after = Policy(Enumerable.Range(0, 600).Select(i => $"After{i}"));
        string[] lines = PolicyDiff.Render(before, after).Split('\n');
        Assert.Equal(600, lines.Count(l => l.StartsWith("-      \"Sid\"", StringComparison.Ordinal)));
        Assert.Equal(600, lines.Count(l => l.StartsWith("+      \"Sid\"", StringComparison.Ordinal)));
        Assert.Equal(lines, PolicyDiff.Render(before, after).Split('\n'));
    }

    private static string Policy(IEnumerable<string> sids) =>
        "{\"Statement\":[" + string.Join(",", sids.Select(s => $"{{\"Sid\":\"{s}\"}}")) + "]}";
}
