using VaultCopy.Core.Policies;
using static VaultCopy.Core.Policies.KeyAccessDecision;
using static VaultCopy.Core.Tests.Policies.PolicyCorpus;

namespace VaultCopy.Core.Tests.Policies;

public class KeyPolicyAnalyzerTests
{
    private const string KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly Dictionary<string, string> s_policies = new()
    {
        ["api-default"] = ApiDefault,
        ["console"] = ConsoleDefault,
        ["ebs"] = WithConditions,
        ["deny"] = WithDeny,
        ["not-principal"] = WithNotPrincipal,
        ["bare-account"] = IdFirstNoSids,
        ["vault-roles"] = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole, TrustedRoleWithPath] }).After,
        ["vault-via"] = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { ViaServiceRegion = "eu-west-1" }).After,
        ["specific-resource"] = $$$$"""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"{{{{TrustedRoot}}}}"},"Action":"kms:Decrypt","Resource":"{{{{KeyArn}}}}"},{"Effect":"Allow","Principal":{"AWS":"{{{{TrustedRoot}}}}"},"Action":"kms:Encrypt","NotResource":"arn:aws:kms:*:*:key/*"}]}""",
        ["conditions"] = $$$$"""
            {"Statement": [
              {"Sid": "Like", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:Decrypt", "Resource": "*",
               "Condition": {"StringLike": {"kms:ViaService": "ec2.*.amazonaws.com"}}},
              {"Sid": "IfExists", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:Encrypt", "Resource": "*",
               "Condition": {"StringEqualsIfExists": {"KMS:VIASERVICE": "rds.eu-west-1.amazonaws.com"}}},
              {"Sid": "ArnLike", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:ReEncrypt*", "Resource": "*",
               "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:{{{{Trusted}}}}:*"}}},
              {"Sid": "Numeric", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:GenerateDataKey*", "Resource": "*",
               "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}},
              {"Sid": "AnyValue", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:DescribeKey", "Resource": "*",
               "Condition": {"ForAnyValue:StringEquals": {"kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}},
              {"Sid": "Variable", "Effect": "Allow", "Principal": {"AWS": "{{{{TrustedRoot}}}}"}, "Action": "kms:ListGrants", "Resource": "*",
               "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}}},
              {"Sid": "Service", "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "kms:*", "Resource": "*"}
            ]}
            """,
    };

    // policy, caller ("account" or "account:role/Name" or "account:session/Name"), action, known context, expected,
    // and flags: "account-only" (allowed only via the account principal), "iam" (the caller's IAM must allow too),
    // "explicit" (a Deny statement matched).
    [Theory]
    // The API default delegates to the owner's IAM and allows no one else.
    [InlineData("api-default", "111122223333:role/Anyone", "kms:Decrypt", "", Allowed, "account-only iam")]
    [InlineData("api-default", "444455556666:role/VaultCopyVault", "kms:Decrypt", "", Denied, "")]
    // Console default: the external account 777788889999 is a key user; grants only for AWS resources.
    [InlineData("console", "777788889999:session/Copier", "kms:Decrypt", "", Allowed, "account-only iam")]
    [InlineData("console", "777788889999:session/Copier", "kms:CreateGrant", "kms:GrantIsForAWSResource=true", Allowed, "account-only iam")]
    [InlineData("console", "777788889999:session/Copier", "kms:CreateGrant", "", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("console", "777788889999:session/Copier", "kms:CreateGrant", "kms:GrantIsForAWSResource=false", Denied, "")]
    [InlineData("console", "777788889999:session/Copier", "kms:ScheduleKeyDeletion", "", Denied, "")]
    [InlineData("console", "444455556666:role/VaultCopyVault", "kms:Decrypt", "", Denied, "")]
    [InlineData("console", "111122223333:session/ExampleUserRole", "kms:Decrypt", "", Allowed, "")]
    [InlineData("console", "111122223333:role/KeyAdmin", "kms:PutKeyPolicy", "", Allowed, "")]
    [InlineData("console", "111122223333:role/Somebody", "kms:PutKeyPolicy", "", Allowed, "account-only iam")]
    // Only two named vault roles: the account as such gets nothing.
    [InlineData("vault-roles", "444455556666:session/VaultCopyVault", "kms:Decrypt", "", Allowed, "iam")]
    [InlineData("vault-roles", "444455556666:session/VaultCopyRestore", "KMS:reencryptfrom", "", Allowed, "iam")]
    [InlineData("vault-roles", "444455556666:role/backup/VaultCopyRestore", "kms:DescribeKey", "", Allowed, "iam")]
    [InlineData("vault-roles", "444455556666:role/Intruder", "kms:Decrypt", "", Denied, "")]
    [InlineData("vault-roles", "444455556666", "kms:Decrypt", "", AllowedWithUnknownConditions, "iam")]
    [InlineData("vault-roles", "444455556666:session/VaultCopyVault", "kms:CreateGrant", "kms:GrantIsForAWSResource=true", Allowed, "iam")]
    [InlineData("vault-roles", "444455556666:session/VaultCopyVault", "kms:Encrypt", "", Allowed, "iam")]
    [InlineData("vault-roles", "444455556666:session/VaultCopyVault", "kms:PutKeyPolicy", "", Denied, "")]
    // The use statement limited to EC2 and RDS in eu-west-1.
    [InlineData("vault-via", "444455556666", "kms:Decrypt", "kms:ViaService=ec2.eu-west-1.amazonaws.com", Allowed, "account-only iam")]
    [InlineData("vault-via", "444455556666", "kms:Decrypt", "kms:ViaService=rds.eu-west-1.amazonaws.com", Allowed, "account-only iam")]
    [InlineData("vault-via", "444455556666", "kms:Decrypt", "kms:ViaService=ec2.us-east-1.amazonaws.com", Denied, "")]
    [InlineData("vault-via", "444455556666", "kms:DescribeKey", "", AllowedWithUnknownConditions, "account-only iam")]
    // aws/ebs: principal "*" limited to the owner account through EBS. Another account never gets in.
    [InlineData("ebs", "444455556666:role/VaultCopyVault", "kms:Decrypt", "kms:ViaService=ec2.eu-west-1.amazonaws.com", Denied, "")]
    [InlineData("ebs", "444455556666:role/VaultCopyVault", "kms:CreateGrant", "kms:ViaService=ec2.eu-west-1.amazonaws.com;kms:GrantIsForAWSResource=true", Denied, "")]
    [InlineData("ebs", "111122223333:role/App", "kms:Decrypt", "kms:ViaService=ec2.eu-west-1.amazonaws.com", Allowed, "")]
    [InlineData("ebs", "111122223333:role/App", "kms:Decrypt", "", AllowedWithUnknownConditions, "")]
    [InlineData("ebs", "111122223333:role/App", "kms:DescribeKey", "", Allowed, "account-only iam")]
    [InlineData("ebs", "111122223333:role/App", "kms:ListGrants", "", Allowed, "account-only iam")]
    // Deny deletion except the administrator, and deny plaintext data keys to everyone.
    [InlineData("deny", "111122223333:role/KeyAdmin", "kms:ScheduleKeyDeletion", "aws:PrincipalArn=arn:aws:iam::111122223333:role/KeyAdmin", Allowed, "account-only iam")]
    [InlineData("deny", "111122223333:role/Other", "kms:ScheduleKeyDeletion", "aws:PrincipalArn=arn:aws:iam::111122223333:role/Other", Denied, "explicit")]
    [InlineData("deny", "111122223333:role/Other", "kms:ScheduleKeyDeletion", "", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("deny", "111122223333:role/Other", "kms:GenerateDataKey", "", Denied, "explicit")]
    [InlineData("deny", "111122223333:role/Other", "kms:GenerateDataKeyWithoutPlaintext", "", Allowed, "account-only iam")]
    // NotPrincipal: listing only the account does not exempt a role; a listed role may or may not be exempt.
    [InlineData("not-principal", "111122223333:role/Other", "kms:PutKeyPolicy", "", Denied, "explicit")]
    [InlineData("not-principal", "111122223333:session/KeyAdmin", "kms:PutKeyPolicy", "", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("not-principal", "111122223333:role/Other", "kms:Decrypt", "", Allowed, "account-only iam")]
    [InlineData("not-principal", "111122223333:session/AWSBackupDefaultServiceRole", "kms:Decrypt", "", Allowed, "")]
    // The bare account id is the account principal.
    [InlineData("bare-account", "111122223333:role/Anyone", "kms:Decrypt", "", Allowed, "account-only iam")]
    // A Resource naming an ARN matches only when the key's ARN is known (see the keyArn test below).
    [InlineData("specific-resource", "444455556666", "kms:Decrypt", "", AllowedWithUnknownConditions, "account-only iam")]
    // Conditions: StringLike, IfExists with a case-insensitive key, ArnLike; unsupported ones are unknown.
    [InlineData("conditions", "444455556666", "kms:Decrypt", "kms:ViaService=ec2.ap-south-1.amazonaws.com", Allowed, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:Decrypt", "kms:ViaService=rds.ap-south-1.amazonaws.com", Denied, "")]
    [InlineData("conditions", "444455556666", "kms:Encrypt", "kms:ViaService=rds.eu-west-1.amazonaws.com", Allowed, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:Encrypt", "", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:ReEncryptTo", "aws:SourceArn=arn:aws:ec2:eu-west-1:444455556666:snapshot/snap-1", Allowed, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:ReEncryptTo", "aws:SourceArn=arn:aws:ec2:eu-west-1:777788889999:snapshot/snap-1", Denied, "")]
    [InlineData("conditions", "444455556666", "kms:GenerateDataKey", "aws:MultiFactorAuthAge=10", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:DescribeKey", "kms:ViaService=ec2.eu-west-1.amazonaws.com", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:ListGrants", "aws:PrincipalTag/team=alice", AllowedWithUnknownConditions, "account-only iam")]
    [InlineData("conditions", "444455556666", "kms:RevokeGrant", "", Denied, "")]
    public void Reads_real_shaped_policies_conservatively(string policy, string caller, string action, string context, KeyAccessDecision expected, string flags)
    {
        (string account, string? arn) = Caller(caller);
        KeyAccessAssessment assessment = KeyPolicyAnalyzer.Assess(s_policies[policy], Owner, account, arn, [action], Context(context));

        KeyActionAssessment result = Assert.Single(assessment.Actions);
        Assert.Equal(expected, result.Decision);
        Assert.Equal(flags.Contains("account-only", StringComparison.Ordinal), result.AllowedViaAccountOnly);
        Assert.Equal(flags.Contains("iam", StringComparison.Ordinal), result.RequiresIdentityPolicy);
        Assert.Equal(flags.Contains("explicit", StringComparison.Ordinal), result.ExplicitlyDenied);
        Assert.Equal(expected == Allowed, result.Unknowns.Count == 0 && result.Decision != Denied);
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public void Unknowns_name_what_the_preflight_could_not_check()
    {
        KeyActionAssessment grant = KeyPolicyAnalyzer.Assess(ConsoleDefault, Owner, Other, null, ["kms:CreateGrant"], Context("")).Actions[0];
        Assert.Equal(["kms:GrantIsForAWSResource"], grant.Unknowns);
        Assert.Equal(["Allow attachment of persistent resources"], grant.AllowingStatements);
        Assert.Contains("kms:GrantIsForAWSResource", grant.Reason, StringComparison.Ordinal);

        KeyActionAssessment named = KeyPolicyAnalyzer.Assess(s_policies["vault-roles"], Owner, Trusted, null, ["kms:Decrypt"], Context("")).Actions[0];
        Assert.Equal(["Principal"], named.Unknowns);

        KeyActionAssessment deny = KeyPolicyAnalyzer.Assess(WithDeny, Owner, Owner, OwnerAdmin, ["kms:DisableKey"], Context("")).Actions[0];
        Assert.Equal(["DenyDeletionExceptAdmin"], deny.DenyingStatements);
        Assert.Equal(["aws:PrincipalArn"], deny.Unknowns);
        Assert.Contains("may deny", deny.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknowns_of_an_allow_that_does_not_matter_are_not_reported()
    {
        string policy = """
            {"Statement": [
              {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
              {"Sid": "Tagged", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "storage"}}},
              {"Sid": "OnlyFromVpc", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}}
            ]}
            """;
        KeyActionAssessment result = KeyPolicyAnalyzer.Assess(policy, Owner, Owner, OwnerAdmin, ["kms:Decrypt"], Context("")).Actions[0];
        Assert.Equal(AllowedWithUnknownConditions, result.Decision);
        Assert.Equal(["Root"], result.AllowingStatements);
        Assert.Equal(["OnlyFromVpc"], result.DenyingStatements);
        Assert.Equal(["aws:SourceVpc"], result.Unknowns);

        result = KeyPolicyAnalyzer.Assess(policy, Owner, Trusted, TrustedRole, ["kms:Decrypt"], Context("aws:SourceVpc=vpc-1")).Actions[0];
        Assert.Equal(["Tagged"], result.AllowingStatements);
        Assert.Equal(["aws:PrincipalTag/team"], result.Unknowns);
    }

    [Fact]
    public void Statements_without_a_sid_are_labelled_by_position()
    {
        KeyActionAssessment result = KeyPolicyAnalyzer.Assess(IdFirstNoSids, Owner, Owner, OwnerAdmin, ["kms:CreateKey"], Context("")).Actions[0];
        Assert.Equal(["#1", "#2"], result.AllowingStatements);
        Assert.False(result.AllowedViaAccountOnly);
    }

    [Theory]
    [InlineData(KeyArn, "kms:Decrypt", Allowed)]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000", "kms:Decrypt", Denied)]
    [InlineData(KeyArn, "kms:Encrypt", Denied)]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:alias/not-a-key", "kms:Encrypt", Allowed)]
    public void Resources_are_matched_against_the_key_arn_when_it_is_known(string keyArn, string action, KeyAccessDecision expected)
    {
        KeyAccessAssessment assessment = KeyPolicyAnalyzer.Assess(s_policies["specific-resource"], Owner, Trusted, TrustedRole, [action], Context(""), keyArn);
        Assert.Equal(expected, assessment.Actions[0].Decision);
    }

    [Fact]
    public void The_overall_decision_is_the_least_favourable_and_actions_keep_their_order()
    {
        string[] actions = ["kms:Decrypt", "kms:CreateGrant", "kms:DescribeKey", "kms:decrypt", "kms:ScheduleKeyDeletion"];
        KeyAccessAssessment assessment = KeyPolicyAnalyzer.Assess(ConsoleDefault, Owner, Other, $"arn:aws:iam::{Other}:role/Copier", actions, Context(""));
        Assert.Equal(["kms:Decrypt", "kms:CreateGrant", "kms:DescribeKey", "kms:ScheduleKeyDeletion"], assessment.Actions.Select(a => a.Action));
        Assert.Equal(Denied, assessment.Decision);
        Assert.True(assessment.RequiresIdentityPolicy);
        Assert.Equal(AllowedWithUnknownConditions, assessment.For("KMS:CREATEGRANT")!.Decision);
        Assert.Null(assessment.For("kms:Encrypt"));
        Assert.Equal(Allowed, KeyPolicyAnalyzer.Assess(ConsoleDefault, Owner, Other, null, [], Context("")).Decision);
    }

    [Fact]
    public void Caller_account_context_defaults_to_the_caller_but_an_explicit_value_wins()
    {
        // Claiming to be the owner account through the context is the caller's business; the analyzer takes what it is told.
        KeyAccessAssessment assessment = KeyPolicyAnalyzer.Assess(
            WithConditions, Owner, Trusted, TrustedRole, ["kms:Decrypt"],
            Context($"kms:ViaService=ec2.eu-west-1.amazonaws.com;KMS:CallerAccount={Owner}"));
        Assert.Equal(Allowed, assessment.Decision);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => KeyPolicyAnalyzer.Assess(ApiDefault, "1234", Trusted, null, ["kms:Decrypt"], Context("")));
        Assert.Throws<ArgumentException>(() => KeyPolicyAnalyzer.Assess(ApiDefault, Owner, "not-an-account", null, ["kms:Decrypt"], Context("")));
        Assert.Throws<PolicyFormatException>(() => KeyPolicyAnalyzer.Assess("{", Owner, Trusted, null, ["kms:Decrypt"], Context("")));
    }

    private static (string Account, string? Arn) Caller(string text)
    {
        string[] parts = text.Split(':', 2);
        if (parts.Length == 1)
        {
            return (parts[0], null);
        }

        string arn = parts[1].StartsWith("session/", StringComparison.Ordinal)
            ? $"arn:aws:sts::{parts[0]}:assumed-role/{parts[1]["session/".Length..]}/preflight"
            : $"arn:aws:iam::{parts[0]}:{parts[1]}";
        return (parts[0], arn);
    }

    private static Dictionary<string, string> Context(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
}
