using VaultCopy.Emulator.Policy;

namespace VaultCopy.Core.Tests.Emulator.Policy;

public class MatchingTests
{
    /// <summary>(Action element JSON, requested action, whether the statement applies.)</summary>
    public static TheoryData<string, string, bool> ActionCases => new()
    {
        { "\"Action\":\"kms:Decrypt\"", "kms:Decrypt", true },
        { "\"Action\":\"kms:decrypt\"", "KMS:Decrypt", true },
        { "\"Action\":\"kms:ReEncrypt*\"", "kms:ReEncryptFrom", true },
        { "\"Action\":\"kms:ReEncrypt*\"", "kms:Encrypt", false },
        { "\"Action\":[\"kms:Encrypt\",\"kms:GenerateDataKey*\"]", "kms:GenerateDataKeyWithoutPlaintext", true },
        { "\"Action\":\"kms:*\"", "ec2:CopySnapshot", false },
        { "\"Action\":\"*\"", "rds:CopyDBSnapshot", true },
        { "\"Action\":\"kms:Get?eyPolicy\"", "kms:GetKeyPolicy", true },
        { "\"NotAction\":\"kms:*\"", "ec2:CopySnapshot", true },
        { "\"NotAction\":[\"iam:*\",\"kms:*\"]", "kms:Decrypt", false },
    };

    [Theory]
    [MemberData(nameof(ActionCases))]
    public void Actions_match_case_insensitively_with_wildcards(string actionElement, string action, bool applies)
    {
        PolicyDocument policy = PolicyDocument.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow",{{actionElement}},"Resource":"*"}]}""");
        var request = PolicyKit.Request("user:111122223333:alice", action, PolicyKit.KeyArn);

        Assert.Equal(applies ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny,
            PolicyEvaluator.Evaluate(policy, request, isResourcePolicy: false));
    }

    /// <summary>(Resource element JSON, requested resource, caller, whether the statement applies.)</summary>
    public static TheoryData<string, string, string, bool> ResourceCases => new()
    {
        { "\"Resource\":\"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"", PolicyKit.KeyArn, "user:111122223333:alice", true },
        { "\"Resource\":\"arn:aws:kms:*:111122223333:key/*\"", PolicyKit.KeyArn, "user:111122223333:alice", true },
        { "\"Resource\":\"arn:aws:kms:us-east-1:444455556666:key/*\"", PolicyKit.KeyArn, "user:111122223333:alice", false },
        // The resource part is case-sensitive.
        { "\"Resource\":\"arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab\"", PolicyKit.KeyArn, "user:111122223333:alice", false },
        { "\"Resource\":\"arn:aws:ec2:*::snapshot/*\"", PolicyKit.SnapshotArn, "user:111122223333:alice", true },
        // Actions without resource-level permissions are requested on "*", which only "*" matches.
        { "\"Resource\":\"*\"", "*", "user:111122223333:alice", true },
        { "\"Resource\":\"arn:aws:kms:*:*:*\"", "*", "user:111122223333:alice", false },
        { "\"NotResource\":\"arn:aws:kms:*:111122223333:key/*\"", PolicyKit.KeyArn, "user:111122223333:alice", false },
        { "\"NotResource\":\"arn:aws:kms:*:111122223333:key/*\"", PolicyKit.SnapshotArn, "user:111122223333:alice", true },
        // Policy variables in the resource part; an unresolved one (roles have no aws:username) never matches.
        { "\"Resource\":\"arn:aws:iam::111122223333:user/${aws:username}\"", "arn:aws:iam::111122223333:user/alice", "user:111122223333:alice", true },
        { "\"Resource\":\"arn:aws:iam::111122223333:user/${aws:username}\"", "arn:aws:iam::111122223333:user/bob", "user:111122223333:alice", false },
        { "\"Resource\":[\"arn:aws:iam::111122223333:user/${aws:username}\",\"*\"]", "arn:aws:iam::111122223333:user/bob", "role:111122223333:Ops", false },
        { "\"Resource\":\"arn:aws:s3:::vault-bucket/${aws:PrincipalAccount}/*\"", "arn:aws:s3:::vault-bucket/111122223333/x", "user:111122223333:alice", true },
        // ${*} is a literal asterisk, not a wildcard.
        { "\"Resource\":\"arn:aws:s3:::vault-bucket/${*}\"", "arn:aws:s3:::vault-bucket/x", "user:111122223333:alice", false },
        { "\"Resource\":\"arn:aws:s3:::vault-bucket/${*}\"", "arn:aws:s3:::vault-bucket/*", "user:111122223333:alice", true },
    };

    [Theory]
    [MemberData(nameof(ResourceCases))]
    public void Resources_match_arn_wildcards_and_variables(string resourceElement, string resource, string caller, bool applies)
    {
        PolicyDocument policy = PolicyDocument.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*",{{resourceElement}}}]}""");
        var request = PolicyKit.Request(caller, "iam:GetUser", resource);

        Assert.Equal(applies ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny,
            PolicyEvaluator.Evaluate(policy, request, isResourcePolicy: false));
    }

    /// <summary>(Principal element JSON, caller descriptor, whether a resource-policy statement applies.)</summary>
    public static TheoryData<string, string, bool> PrincipalCases => new()
    {
        { "\"*\"", "user:999988887777:mallory", true },
        { "{\"AWS\":\"*\"}", "session:444455556666:VaultCopy:copy-1", true },
        { "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "user:111122223333:alice", true },
        { "{\"AWS\":\"111122223333\"}", "session:111122223333:Backup:s1", true },
        { "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "user:444455556666:alice", false },
        { "{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"}", "user:111122223333:alice", true },
        { "{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"}", "user:111122223333:bob", false },
        // A role ARN covers every session of the role, however the session is presented.
        { "{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopy\"}", "role:444455556666:VaultCopy", true },
        { "{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopy\"}", "session:444455556666:VaultCopy:copy-1", true },
        { "{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopy\"}", "assumed:444455556666:VaultCopy:copy-1", true },
        { "{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopy\"}", "session:444455556666:Other:copy-1", false },
        // A session ARN names only that session.
        { "{\"AWS\":\"arn:aws:sts::444455556666:assumed-role/VaultCopy/copy-1\"}", "assumed:444455556666:VaultCopy:copy-1", true },
        { "{\"AWS\":\"arn:aws:sts::444455556666:assumed-role/VaultCopy/copy-1\"}", "session:444455556666:VaultCopy:copy-2", false },
        { "{\"AWS\":[\"arn:aws:iam::444455556666:role/Other\",\"arn:aws:iam::444455556666:role/VaultCopy\"]}", "session:444455556666:VaultCopy:copy-1", true },
        { "{\"Service\":\"ec2.amazonaws.com\"}", "service:ec2.amazonaws.com", true },
        { "{\"Service\":\"ec2.amazonaws.com\"}", "user:111122223333:alice", false },
        { "{\"AWS\":\"111122223333\"}", "service:ec2.amazonaws.com", false },
        // The partition of an account principal must match the caller's.
        { "{\"AWS\":\"arn:aws:iam::111122223333:root\"}", "cnuser:111122223333:alice", false },
        { "{\"AWS\":\"arn:aws-cn:iam::111122223333:root\"}", "cnuser:111122223333:alice", true },
    };

    [Theory]
    [MemberData(nameof(PrincipalCases))]
    public void Resource_policy_principals_match_callers(string principalElement, string caller, bool applies)
    {
        PolicyDocument policy = PolicyDocument.Parse(
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{{principalElement}},"Action":"kms:Decrypt","Resource":"*"}]}""");
        var request = PolicyKit.Request(caller, "kms:Decrypt", PolicyKit.KeyArn);

        Assert.Equal(applies ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny,
            PolicyEvaluator.Evaluate(policy, request, isResourcePolicy: true));
    }

    [Fact]
    public void Principal_is_ignored_in_identity_policies_and_required_in_resource_policies()
    {
        PolicyDocument namesBob = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:Decrypt","Resource":"*"}]}
            """);
        PolicyDocument noPrincipal = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}
            """);
        var alice = PolicyKit.Request("user:111122223333:alice", "kms:Decrypt", PolicyKit.KeyArn);

        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Evaluate(namesBob, alice, isResourcePolicy: false));
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(namesBob, alice, isResourcePolicy: true));
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate(noPrincipal, alice, isResourcePolicy: true));
    }

    [Fact]
    public void Detailed_evaluation_reports_matched_statements_and_account_level_delegation()
    {
        PolicyDocument policy = PolicyDocument.Parse("""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Ops","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/Ops"},"Action":"kms:Decrypt","Resource":"*"}]}
            """);

        PolicyEvaluation decrypt = PolicyEvaluator.EvaluateDetailed(policy,
            PolicyKit.Request("session:111122223333:Ops:s1", "kms:Decrypt", PolicyKit.KeyArn), isResourcePolicy: true);
        PolicyEvaluation encrypt = PolicyEvaluator.EvaluateDetailed(policy,
            PolicyKit.Request("session:111122223333:Ops:s1", "kms:Encrypt", PolicyKit.KeyArn), isResourcePolicy: true);

        Assert.Equal(["Root", "Ops"], decrypt.MatchedStatements.Select(s => s.Sid));
        Assert.False(decrypt.AllowIsAccountLevelOnly);
        Assert.Equal(["Root"], encrypt.MatchedStatements.Select(s => s.Sid));
        Assert.True(encrypt.AllowIsAccountLevelOnly);
    }
}
