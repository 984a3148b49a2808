using System.Text;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

public class KeyPolicyDocumentTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n ", "empty")]
    [InlineData("[]", "must be a JSON object, not an array")]
    [InlineData("\"policy\"", "must be a JSON object, not a string")]
    [InlineData("{\"Version\":\"2012-10-17\"}", "no \"Statement\"")]
    [InlineData("{\"Statement\":\"Allow\"}", "\"Statement\" must be an object or an array of objects")]
    [InlineData("{\"Statement\":[{},1]}", "statement 2 of 2 is not a JSON object")]
    [InlineData("{\"Statement\":[{\"Sid\":\"a\",\"Sid\":\"b\"}]}", "\"Sid\" appears twice in $.Statement[0]")]
    [InlineData("{\"Statement\":[]} {}", "not well-formed JSON")]
    [InlineData("{\"Statement\":[],}", "not well-formed JSON")]
    [InlineData("{\"Statement\":[] // comment\n}", "not well-formed JSON")]
    public void Unreadable_documents_are_refused_with_the_reason(string json, string reason)
    {
        PolicyFormatException e = Assert.Throws<PolicyFormatException>(() => KeyPolicyDocument.Parse(json));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("The policy document is not valid: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_error_says_where()
    {
        PolicyFormatException e = Assert.Throws<PolicyFormatException>(() => KeyPolicyDocument.Parse("{\n  \"Statement\": [\n    {\"Sid\" \"x\"}\n  ]\n}"));
        Assert.Contains("(line 3, position", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compact_text_drops_only_insignificant_whitespace()
    {
        string compact = PolicyCorpus.OddOrderAndSpelling;
        KeyPolicyDocument document = KeyPolicyDocument.Parse(PolicyCorpus.Rewhitespace(compact, new Random(7)));

        // Escapes (\/, \u002A, \" and \\), the number spelling 1.50e2, null, an empty array, unknown fields and
        // field order all come back exactly.
        Assert.Equal(compact, document.ToJson());
        Assert.Equal(Encoding.UTF8.GetByteCount(compact), document.ByteSize);
    }

    [Fact]
    public void Latin1_characters_are_kept_and_counted_as_utf8_bytes()
    {
        string json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Café\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Describe*\",\"Resource\":\"*\"}]}";
        KeyPolicyDocument document = KeyPolicyDocument.Parse(json);
        Assert.Equal(json, document.ToJson());
        Assert.Equal(json.Length + 1, document.ByteSize);
    }

    [Fact]
    public void Statements_keep_every_field_and_expose_sid_and_effect()
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(PolicyCorpus.ConsoleDefault);
        Assert.Equal(["Enable IAM User Permissions", "Allow access for Key Administrators", "Allow use of the key", "Allow attachment of persistent resources"],
            document.Statements.Select(s => s.Sid));
        Assert.All(document.Statements, s => Assert.Equal("Allow", s.Effect));
        Assert.Equal("key-consolepolicy-3", document.Id);
        Assert.Equal("2012-10-17", document.Version);
        KeyPolicyStatement attach = document.FindStatement("Allow attachment of persistent resources")!;
        Assert.EndsWith("\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":true}}}", attach.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Sid_lookup_is_exact_and_takes_the_first()
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(
            "{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\"},{\"Sid\":\"A\",\"Effect\":\"Deny\"},{\"Effect\":\"Allow\"},{\"Sid\":7}]}");
        Assert.Equal("Allow", document.FindStatement("A")!.Effect);
        Assert.Null(document.FindStatement("a"));
        Assert.Null(document.Statements[2].Sid);
        Assert.Null(document.Statements[3].Sid);
    }

    [Fact]
    public void A_single_statement_object_stays_an_object()
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(PolicyCorpus.Rewhitespace(PolicyCorpus.SingleStatementObject, new Random(3)));
        Assert.Single(document.Statements);
        Assert.Equal(PolicyCorpus.SingleStatementObject, document.ToJson());
    }

    [Fact]
    public void Indented_text_reads_back_as_the_same_document()
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(PolicyCorpus.WithConditions);
        string indented = document.ToIndentedJson();
        Assert.StartsWith("{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"auto-ebs-2\",\n  \"Statement\": [\n    {\n      \"Sid\": ", indented, StringComparison.Ordinal);
        Assert.Equal(document.ToJson(), KeyPolicyDocument.Parse(indented).ToJson());
        Assert.Contains("      \"Principal\": {\n        \"AWS\": \"*\"\n      },", indented, StringComparison.Ordinal);
        Assert.Equal("{\n  \"Statement\": []\n}", KeyPolicyDocument.Parse("{\"Statement\":[]}").ToIndentedJson());
    }

    [Fact]
    public void Documents_can_be_read_from_several_threads()
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(PolicyCorpus.ConsoleDefault);
        string[] texts = new string[8];
        Parallel.For(0, texts.Length, i => texts[i] = document.ToIndentedJson() + string.Concat(document.Statements.Select(s => s.Json)));
        Assert.All(texts, t => Assert.Equal(texts[0], t));
    }
}
