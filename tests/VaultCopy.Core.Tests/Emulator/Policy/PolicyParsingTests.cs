using System.Text.Json;
using VaultCopy.Emulator.Policy;

namespace VaultCopy.Core.Tests.Emulator.Policy;

public class PolicyParsingTests
{
    private const string KeyPolicy = """
        {
          "Version": "2012-10-17",
          "Id": "key-consolepolicy-3",
          "Statement": [
            {
              "Sid": "Enable IAM User Permissions",
              "Effect": "Allow",
              "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
              "Action": "kms:*",
              "Resource": "*"
            },
            {
              "Sid": "Allow attachment of persistent resources",
              "Effect": "Allow",
              "Principal": {"AWS": ["arn:aws:iam::111122223333:role/BackupOperator", "444455556666"]},
              "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
              "Resource": "*",
              "Condition": {"Bool": {"kms:GrantIsForAWSResource": true}}
            }
          ]
        }
        """;

    [Fact]
    public void Parses_a_console_key_policy_into_its_elements()
    {
        PolicyDocument doc = PolicyDocument.Parse(KeyPolicy);

        Assert.Equal("2012-10-17", doc.Version);
        Assert.Equal("key-consolepolicy-3", doc.Id);
        Assert.Same(KeyPolicy, doc.Json);
        Assert.Equal(2, doc.Statements.Count);
        Assert.True(doc.AllStatementsHavePrincipal);

        PolicyStatement root = doc.Statements[0];
        Assert.Equal("Enable IAM User Permissions", root.Sid);
        Assert.Equal(PolicyEffect.Allow, root.Effect);
        Assert.Equal(["arn:aws:iam::111122223333:root"], root.Principal!.Aws);
        Assert.Equal(["kms:*"], root.Action);
        Assert.Null(root.NotAction);
        Assert.Equal(["*"], root.Resource);
        Assert.Empty(root.Conditions);

        PolicyStatement grants = doc.Statements[1];
        Assert.Equal(["arn:aws:iam::111122223333:role/BackupOperator", "444455556666"], grants.Principal!.Aws);
        Assert.Equal(3, grants.Action!.Count);
        PolicyCondition condition = Assert.Single(grants.Conditions);
        Assert.Equal("Bool", condition.Operator.Name);
        Assert.Equal("kms:GrantIsForAWSResource", condition.Key);
        Assert.Equal(["true"], condition.Values);
    }

    [Fact]
    public void Statement_raw_json_re_emits_the_original_statement()
    {
        PolicyDocument doc = PolicyDocument.Parse(KeyPolicy);

        foreach (PolicyStatement statement in doc.Statements)
        {
            Assert.Contains(statement.RawJson, doc.Json, StringComparison.Ordinal);
            using JsonDocument reparsed = JsonDocument.Parse(statement.RawJson);
            Assert.Equal(statement.Sid, reparsed.RootElement.GetProperty("Sid").GetString());
        }

        // A key policy rebuilt from the raw statements parses to the same decisions.
        string rebuilt = $$"""{"Version":"2012-10-17","Statement":[{{string.Join(",", doc.Statements.Select(s => s.RawJson))}}]}""";
        Assert.Equal(2, PolicyDocument.Parse(rebuilt).Statements.Count);
    }

    public static TheoryData<string, int, bool> ShapeCases => new()
    {
        // Statement as a single object, string-valued Action/Resource, no principal (identity policy).
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ec2:CopySnapshot","Resource":"*"}}""", 1, false },
        // Statement array; NotAction/NotResource; no Version (legacy semantics).
        { """{"Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::logs/*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}""", 2, false },
        // Trust policy: Principal string "*" and no Resource element.
        { """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}""", 1, true },
        // Service and Federated principals, condition value as number and array.
        { """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"],"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"StringEquals":{"sts:ExternalId":["a1","b2"]}}}]}""", 1, true },
        // NotPrincipal with an assumed-role session ARN.
        { """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/Audit/app","arn:aws:iam::444455556666:role/Audit","444455556666"]},"Action":"kms:*","Resource":"*"}]}""", 1, true },
    };

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Accepts_every_legal_shape(string json, int statements, bool hasPrincipal)
    {
        Assert.True(PolicyDocument.TryParse(json, out PolicyDocument? doc, out string? error), error);
        Assert.Null(error);
        Assert.Equal(statements, doc.Statements.Count);
        Assert.Equal(hasPrincipal, doc.Statements[0].HasPrincipal);
    }

    [Fact]
    public void Parsed_principal_and_condition_details_are_exposed()
    {
        PolicyDocument doc = PolicyDocument.Parse((string)ShapeCases.ElementAt(3)[0]);
        PolicyStatement statement = doc.Statements[0];

        Assert.Equal(["ec2.amazonaws.com"], statement.Principal!.Service);
        Assert.Equal(["cognito-identity.amazonaws.com"], statement.Principal.Federated);
        Assert.False(statement.Principal.IsEveryone);
        Assert.Null(statement.Resource);
        Assert.False(statement.HasResource);
        Assert.Equal(["3600"], statement.Conditions.Single(c => c.Operator.BaseName == "NumericLessThan").Values);
        Assert.Equal(["a1", "b2"], statement.Conditions.Single(c => c.Operator.BaseName == "StringEquals").Values);
    }

    public static TheoryData<string, string> MalformedCases => new()
    {
        { """{"Version":"2012-10-17","Statement":[""", "not valid JSON" },
        { """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*",}]}""", "not valid JSON" },
        { """[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]""", "must be a JSON object" },
        { """{"Version":"2012-10-17"}""", "no Statement element" },
        { """{"Version":"2012-10-17","Statement":[]}""", "Statement list is empty" },
        { """{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}}""", "valid version string" },
        { """{"Version":"2012-10-17","Statement":{"Action":"kms:*","Resource":"*"}}""", "Missing required field Effect" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"kms:*","Resource":"*"}}""", "Invalid effect 'allow'" },
        { """{"Version":"2012-10-17","Statement":{"Sid":"NoAction","Effect":"Allow","Resource":"*"}}""", "must contain actions: statement 0 (Sid 'NoAction')" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","NotAction":"kms:Decrypt","Resource":"*"}}""", "both Action and NotAction" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","NotResource":"*"}}""", "both Resource and NotResource" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}}""", "both Principal and NotPrincipal" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}""", "empty list" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"Decrypt","Resource":"*"}}""", "prefaced by a vendor" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"key/1234"}}""", "must be in ARN format" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"arn:aws:iam::111122223333:root","Action":"kms:*","Resource":"*"}}""", "Invalid principal" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"kms:*","Resource":"*"}}""", "Invalid principal" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/Admins"},"Action":"kms:*","Resource":"*"}}""", "Invalid principal" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"User":"bob"},"Action":"kms:*","Resource":"*"}}""", "unknown principal type 'User'" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEqualsAnyCase":{"kms:ViaService":"x"}}}}""", "Invalid Condition type : StringEqualsAnyCase" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"stringequals":{"kms:ViaService":"x"}}}}""", "Invalid Condition type : stringequals" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"NullIfExists":{"kms:ViaService":"true"}}}}""", "Invalid Condition type : NullIfExists" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"ViaService":"x"}}}}""", "prefaced by a vendor" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":{"v":"x"}}}}}""", "must be a string, number, boolean" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Actions":"kms:*","Resource":"*"}}""", "unknown element 'Actions'" },
        { """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Effect":"Deny","Action":"kms:*","Resource":"*"}}""", "duplicate element 'Effect'" },
        { """{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"kms:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"kms:*","Resource":"*"}]}""", "must be unique: 'A'" },
    };

    [Theory]
    [MemberData(nameof(MalformedCases))]
    public void Rejects_malformed_documents_with_the_reason(string json, string expectedReason)
    {
        var ex = Assert.Throws<MalformedPolicyException>(() => PolicyDocument.Parse(json));
        Assert.Contains(expectedReason, ex.Message, StringComparison.Ordinal);

        Assert.False(PolicyDocument.TryParse(json, out PolicyDocument? doc, out string? error));
        Assert.Null(doc);
        Assert.Equal(ex.Message, error);
    }

    [Fact]
    public void Kms_leniency_accepts_a_statement_without_action_that_then_has_no_effect()
    {
        const string json = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Forgot the action","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"*"}]}
            """;
        Assert.Throws<MalformedPolicyException>(() => PolicyDocument.Parse(json));

        PolicyDocument doc = PolicyDocument.Parse(json, new PolicyParseOptions { AllowStatementsWithoutAction = true });

        Assert.False(doc.Statements[0].HasAction);
        var request = PolicyKit.Request("root:" + PolicyKit.Owner, "kms:Decrypt", PolicyKit.KeyArn);
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(doc, request, isResourcePolicy: true));
    }
}
