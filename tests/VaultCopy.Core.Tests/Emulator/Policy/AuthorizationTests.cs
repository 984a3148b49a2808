using VaultCopy.Emulator.Policy;

namespace VaultCopy.Core.Tests.Emulator.Policy;

public class AuthorizationTests
{
    // Real-shaped resource policies. Keys and bucket live in the owner account 111122223333; the trust policies
    // belong to VaultCopyRole in the vault account 444455556666.
    private static readonly Dictionary<string, string> s_resourcePolicies = new()
    {
        // KMS default for CreateKey without a policy.
        ["kms-default"] = """
            {"Version":"2012-10-17","Id":"key-default-1","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}
            """,
        // Console default with a key administrator, an in-account key user role and the vault account as key user.
        ["kms-console"] = """
            {"Id":"key-consolepolicy-3","Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Allow access for Key Administrators","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/KeyAdmin"},
               "Action":["kms:Create*","kms:Describe*","kms:Enable*","kms:List*","kms:Put*","kms:Update*","kms:Revoke*","kms:Disable*","kms:Get*","kms:Delete*","kms:TagResource","kms:UntagResource","kms:ScheduleKeyDeletion","kms:CancelKeyDeletion"],"Resource":"*"},
              {"Sid":"Allow use of the key","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/BackupOperator","arn:aws:iam::444455556666:root"]},
               "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*"},
              {"Sid":"Allow attachment of persistent resources","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/BackupOperator","arn:aws:iam::444455556666:root"]},
               "Action":["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"],"Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}]}
            """,
        // The AWS managed aws/ebs key policy.
        ["kms-aws-ebs"] = """
            {"Version":"2012-10-17","Id":"auto-ebs-2","Statement":[
              {"Sid":"Allow access through EBS for all principals in the account that are authorized to use EBS","Effect":"Allow","Principal":{"AWS":"*"},
               "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*",
               "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"ec2.us-east-1.amazonaws.com"}}},
              {"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
               "Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}]}
            """,
        // A key shared with one specific role of the vault account, grants only through AWS services.
        ["kms-vault-role"] = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Allow vault copy role","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/VaultCopy"},
               "Action":["kms:Decrypt","kms:DescribeKey","kms:ReEncrypt*","kms:GenerateDataKeyWithoutPlaintext"],"Resource":"*"},
              {"Sid":"Allow vault copy grants","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/VaultCopy"},
               "Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":true}}}]}
            """,
        // Shared with the vault account, but Decrypt only through EBS (deny with a negated operator).
        ["kms-only-via-ebs"] = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Vault account","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"},
              {"Sid":"Decrypt only via EBS","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*",
               "Condition":{"StringNotEquals":{"kms:ViaService":"ec2.us-east-1.amazonaws.com"}}}]}
            """,
        // Deny deletion to everyone but the KeyAdmin role (NotPrincipal lists the role and its account, not sessions).
        ["kms-protect-deletion"] = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
              {"Sid":"Only KeyAdmin deletes","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/KeyAdmin","arn:aws:iam::111122223333:root"]},
               "Action":"kms:ScheduleKeyDeletion","Resource":"*"}]}
            """,
        // Trust: the source account, only with the agreed external id.
        ["trust-external-id"] = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",
               "Condition":{"StringEquals":{"sts:ExternalId":"vault-7f3a"}}}]}
            """,
        // Trust naming principals directly, as a string-or-array mix.
        ["trust-direct"] = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"Named","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:user/ops","arn:aws:iam::111122223333:role/BackupOperator"]},"Action":"sts:AssumeRole"},
              {"Sid":"OwnAccount","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["sts:AssumeRole","sts:TagSession"]}]}
            """,
        ["trust-ec2"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}
            """,
        // Bucket-style resource policies (ResourcePolicyKind.Standard).
        ["bucket-alice"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vault-bucket/*"}]}
            """,
        ["bucket-owner-account"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vault-bucket/*"}]}
            """,
        ["bucket-vault-account"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vault-bucket/*"},
              {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::vault-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """,
    };

    private static readonly Dictionary<string, string> s_identityPolicies = new()
    {
        ["kms-key"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey","kms:CreateGrant","kms:GenerateDataKey*"],
              "Resource":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}
            """,
        ["kms-all"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}
            """,
        ["deny-decrypt"] = """
            {"Version":"2012-10-17","Statement":[{"Sid":"NoDecrypt","Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}]}
            """,
        ["assume-vault"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444455556666:role/VaultCopyRole"}]}
            """,
        ["s3-get"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::vault-bucket/*"}]}
            """,
        ["ec2-copy"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:CopySnapshot","ec2:Describe*"],"Resource":"*"}]}
            """,
        // Region guard: deny everything but global services outside us-east-1.
        ["region-guard"] = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
              "Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}}]}
            """,
    };

    private const string ViaEbs = "kms:ViaService=ec2.us-east-1.amazonaws.com;kms:CallerAccount=111122223333";
    private const string Owner = PolicyKit.Owner;
    private const string Vault = PolicyKit.Vault;

    /// <summary>
    /// (kind, resource policy, identity policies, caller, action, resource account, context, expected). Expected is
    /// <c>Allow</c> or <c>Decision:identity|resource</c>; the reason must then name that policy type.
    /// </summary>
    public static TheoryData<string, string, string, string, string, string, string, string> Cases => new()
    {
        // --- KeyPolicy: the KMS API default only enables IAM.
        { "KeyPolicy", "kms-default", "kms-key", "user:111122223333:alice", "kms:Decrypt", Owner, "", "Allow" },
        { "KeyPolicy", "kms-default", "", "user:111122223333:alice", "kms:Decrypt", Owner, "", "ImplicitDeny:identity" },
        { "KeyPolicy", "kms-default", "kms-key", "user:111122223333:alice", "kms:PutKeyPolicy", Owner, "", "ImplicitDeny:identity" },
        { "KeyPolicy", "kms-default", "", "root:111122223333", "kms:ScheduleKeyDeletion", Owner, "", "Allow" },
        { "KeyPolicy", "kms-default", "kms-all", "user:444455556666:alice", "kms:Decrypt", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "", "kms-all", "user:111122223333:alice", "kms:Decrypt", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-default", "kms-all,deny-decrypt", "user:111122223333:alice", "kms:Decrypt", Owner, "", "ExplicitDeny:identity" },
        // --- KeyPolicy: console default. Named key users need no IAM policy in their own account.
        { "KeyPolicy", "kms-console", "", "session:111122223333:BackupOperator:nightly", "kms:Decrypt", Owner, "", "Allow" },
        { "KeyPolicy", "kms-console", "", "session:111122223333:BackupOperator:nightly", "kms:CreateGrant", Owner, "kms:GrantIsForAWSResource=true", "Allow" },
        // Without the flag only the root statement matches, which delegates to IAM: no IAM policy, no grant.
        { "KeyPolicy", "kms-console", "", "session:111122223333:BackupOperator:nightly", "kms:CreateGrant", Owner, "", "ImplicitDeny:identity" },
        { "KeyPolicy", "kms-console", "kms-key", "session:111122223333:BackupOperator:nightly", "kms:CreateGrant", Owner, "", "Allow" },
        { "KeyPolicy", "kms-console", "", "session:111122223333:KeyAdmin:admin", "kms:PutKeyPolicy", Owner, "", "Allow" },
        { "KeyPolicy", "kms-console", "", "session:111122223333:KeyAdmin:admin", "kms:Decrypt", Owner, "", "ImplicitDeny:identity" },
        // The vault account as "other AWS account" key user: both sides must allow.
        { "KeyPolicy", "kms-console", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "Allow" },
        { "KeyPolicy", "kms-console", "", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "ImplicitDeny:identity" },
        { "KeyPolicy", "kms-console", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", Owner, "kms:GrantIsForAWSResource=true", "Allow" },
        { "KeyPolicy", "kms-console", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-console", "kms-all", "session:444455556666:VaultCopy:copy-1", "kms:PutKeyPolicy", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-console", "kms-all", "user:999988887777:mallory", "kms:Decrypt", Owner, "", "ImplicitDeny:resource" },
        // --- KeyPolicy: aws/ebs. Principal "*" lets in-account callers through EBS without any IAM policy...
        { "KeyPolicy", "kms-aws-ebs", "", "user:111122223333:alice", "kms:Decrypt", Owner, ViaEbs, "Allow" },
        { "KeyPolicy", "kms-aws-ebs", "", "user:111122223333:alice", "kms:CreateGrant", Owner, ViaEbs + ";kms:GrantIsForAWSResource=true", "Allow" },
        // ...but not directly, not through another Region's EBS, and never from another account.
        { "KeyPolicy", "kms-aws-ebs", "kms-all", "user:111122223333:alice", "kms:Decrypt", Owner, "kms:CallerAccount=111122223333", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-aws-ebs", "kms-all", "user:111122223333:alice", "kms:Decrypt", Owner, "kms:ViaService=ec2.eu-west-1.amazonaws.com;kms:CallerAccount=111122223333", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-aws-ebs", "kms-all", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "kms:ViaService=ec2.us-east-1.amazonaws.com;kms:CallerAccount=444455556666", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-aws-ebs", "kms-key", "user:111122223333:alice", "kms:DescribeKey", Owner, "", "Allow" },
        { "KeyPolicy", "kms-aws-ebs", "", "user:111122223333:alice", "kms:DescribeKey", Owner, "", "ImplicitDeny:identity" },
        // --- KeyPolicy: a specific external role. Named directly, it still needs its own IAM allow.
        { "KeyPolicy", "kms-vault-role", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "Allow" },
        { "KeyPolicy", "kms-vault-role", "kms-key", "assumed:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "Allow" },
        { "KeyPolicy", "kms-vault-role", "", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "ImplicitDeny:identity" },
        { "KeyPolicy", "kms-vault-role", "kms-all", "session:444455556666:Intern:s", "kms:Decrypt", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-vault-role", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", Owner, "kms:GrantIsForAWSResource=true", "Allow" },
        { "KeyPolicy", "kms-vault-role", "kms-key", "session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", Owner, "", "ImplicitDeny:resource" },
        { "KeyPolicy", "kms-vault-role", "kms-all,deny-decrypt", "session:444455556666:VaultCopy:copy-1", "kms:Decrypt", Owner, "", "ExplicitDeny:identity" },
        // --- KeyPolicy: explicit denies inside the key policy.
        { "KeyPolicy", "kms-only-via-ebs", "kms-all", "user:444455556666:alice", "kms:Decrypt", Owner, "", "ExplicitDeny:resource" },
        { "KeyPolicy", "kms-only-via-ebs", "kms-all", "user:444455556666:alice", "kms:Decrypt", Owner, "kms:ViaService=ec2.us-east-1.amazonaws.com", "Allow" },
        { "KeyPolicy", "kms-only-via-ebs", "kms-all", "user:444455556666:alice", "kms:DescribeKey", Owner, "", "Allow" },
        { "KeyPolicy", "kms-protect-deletion", "kms-all", "role:111122223333:KeyAdmin", "kms:ScheduleKeyDeletion", Owner, "", "Allow" },
        { "KeyPolicy", "kms-protect-deletion", "kms-all", "user:111122223333:alice", "kms:ScheduleKeyDeletion", Owner, "", "ExplicitDeny:resource" },
        // A known session must be listed itself: naming the role does not exempt its sessions from NotPrincipal.
        { "KeyPolicy", "kms-protect-deletion", "kms-all", "session:111122223333:KeyAdmin:admin", "kms:ScheduleKeyDeletion", Owner, "", "ExplicitDeny:resource" },
        { "KeyPolicy", "kms-protect-deletion", "kms-all", "user:111122223333:alice", "kms:Decrypt", Owner, "", "Allow" },
        // --- TrustPolicy: cross-account AssumeRole with an external id (role lives in the vault account).
        { "TrustPolicy", "trust-external-id", "assume-vault", "user:111122223333:alice", "sts:AssumeRole", Vault, "sts:ExternalId=vault-7f3a", "Allow" },
        { "TrustPolicy", "trust-external-id", "assume-vault", "user:111122223333:alice", "sts:AssumeRole", Vault, "sts:ExternalId=guess", "ImplicitDeny:resource" },
        { "TrustPolicy", "trust-external-id", "assume-vault", "user:111122223333:alice", "sts:AssumeRole", Vault, "", "ImplicitDeny:resource" },
        { "TrustPolicy", "trust-external-id", "", "user:111122223333:alice", "sts:AssumeRole", Vault, "sts:ExternalId=vault-7f3a", "ImplicitDeny:identity" },
        { "TrustPolicy", "trust-external-id", "assume-vault", "user:999988887777:mallory", "sts:AssumeRole", Vault, "sts:ExternalId=vault-7f3a", "ImplicitDeny:resource" },
        // Trust naming principals: same-account named user alone, cross-account named role still needs IAM.
        { "TrustPolicy", "trust-direct", "", "user:444455556666:ops", "sts:AssumeRole", Vault, "", "Allow" },
        { "TrustPolicy", "trust-direct", "", "user:444455556666:bob", "sts:AssumeRole", Vault, "", "ImplicitDeny:identity" },
        { "TrustPolicy", "trust-direct", "assume-vault", "user:444455556666:bob", "sts:AssumeRole", Vault, "", "Allow" },
        { "TrustPolicy", "trust-direct", "", "session:111122223333:BackupOperator:nightly", "sts:AssumeRole", Vault, "", "ImplicitDeny:identity" },
        { "TrustPolicy", "trust-direct", "assume-vault", "session:111122223333:BackupOperator:nightly", "sts:AssumeRole", Vault, "", "Allow" },
        { "TrustPolicy", "trust-ec2", "", "service:ec2.amazonaws.com", "sts:AssumeRole", Vault, "", "Allow" },
        { "TrustPolicy", "trust-ec2", "assume-vault", "user:444455556666:bob", "sts:AssumeRole", Vault, "", "ImplicitDeny:resource" },
        // --- Standard resource policy: same account is identity OR resource; cross account is both.
        { "Standard", "bucket-alice", "", "user:111122223333:alice", "s3:GetObject", Owner, "", "Allow" },
        { "Standard", "bucket-owner-account", "", "user:111122223333:alice", "s3:GetObject", Owner, "", "ImplicitDeny:identity" },
        { "Standard", "bucket-owner-account", "s3-get", "user:111122223333:alice", "s3:GetObject", Owner, "", "Allow" },
        { "Standard", "", "s3-get", "user:111122223333:alice", "s3:GetObject", Owner, "", "Allow" },
        { "Standard", "bucket-vault-account", "s3-get", "session:444455556666:VaultCopy:copy-1", "s3:GetObject", Owner, "aws:SecureTransport=true", "Allow" },
        { "Standard", "bucket-vault-account", "", "session:444455556666:VaultCopy:copy-1", "s3:GetObject", Owner, "aws:SecureTransport=true", "ImplicitDeny:identity" },
        { "Standard", "bucket-vault-account", "s3-get", "session:444455556666:VaultCopy:copy-1", "s3:GetObject", Owner, "aws:SecureTransport=false", "ExplicitDeny:resource" },
        { "Standard", "bucket-owner-account", "s3-get", "session:444455556666:VaultCopy:copy-1", "s3:GetObject", Owner, "", "ImplicitDeny:resource" },
        { "Standard", "", "s3-get", "session:444455556666:VaultCopy:copy-1", "s3:GetObject", Owner, "", "ImplicitDeny:resource" },
        // --- None: identity policies alone, and only in the caller's own account.
        { "None", "", "ec2-copy", "session:444455556666:VaultCopy:copy-1", "ec2:CopySnapshot", Vault, "aws:RequestedRegion=us-east-1", "Allow" },
        { "None", "", "", "session:444455556666:VaultCopy:copy-1", "ec2:CopySnapshot", Vault, "", "ImplicitDeny:identity" },
        { "None", "", "ec2-copy,region-guard", "session:444455556666:VaultCopy:copy-1", "ec2:CopySnapshot", Vault, "aws:RequestedRegion=eu-west-1", "ExplicitDeny:identity" },
        { "None", "", "ec2-copy,region-guard", "session:444455556666:VaultCopy:copy-1", "ec2:DescribeSnapshots", Vault, "aws:RequestedRegion=us-east-1", "Allow" },
        // IfExists on a Deny: an absent key satisfies the condition, so the deny applies.
        { "None", "", "ec2-copy,region-guard", "session:444455556666:VaultCopy:copy-1", "ec2:DescribeSnapshots", Vault, "", "ExplicitDeny:identity" },
        { "None", "", "region-guard", "session:444455556666:VaultCopy:copy-1", "sts:GetCallerIdentity", Vault, "aws:RequestedRegion=eu-west-1", "ImplicitDeny:identity" },
        { "None", "", "ec2-copy", "session:444455556666:VaultCopy:copy-1", "ec2:CopySnapshot", Owner, "", "ImplicitDeny:resource" },
        { "None", "", "", "root:444455556666", "ec2:CopySnapshot", Vault, "", "Allow" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Combines_identity_and_resource_policies_as_aws_does(
        string kind, string resourcePolicy, string identity, string caller, string action, string resourceAccount,
        string context, string expected)
    {
        var policyKind = Enum.Parse<ResourcePolicyKind>(kind);
        string resource = policyKind switch
        {
            ResourcePolicyKind.KeyPolicy => PolicyKit.KeyArn,
            ResourcePolicyKind.TrustPolicy => PolicyKit.VaultRoleArn,
            ResourcePolicyKind.Standard => PolicyKit.BucketObjectArn,
            _ => PolicyKit.SnapshotArn,
        };
        var request = PolicyKit.Request(caller, action, resource, context);
        PolicyDocument? resourceDoc = resourcePolicy.Length == 0 ? null : PolicyDocument.Parse(s_resourcePolicies[resourcePolicy]);
        PolicyDocument[] identityDocs = identity
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(name => PolicyDocument.Parse(s_identityPolicies[name]))
            .ToArray();

        AuthorizationResult result = PolicyEvaluator.Authorize(request, identityDocs, resourceDoc, resourceAccount, policyKind);

        string[] expectation = expected.Split(':');
        Assert.Equal(Enum.Parse<PolicyDecision>(expectation[0]), result.Decision);
        Assert.Equal(expectation[0] == "Allow", result.IsAllowed);
        if (expectation.Length > 1)
        {
            string policyType = expectation[1] == "identity" ? "an identity-based" : "a resource-based";
            string expectedReason = result.Decision == PolicyDecision.ExplicitDeny
                ? $"explicit deny in {policyType} policy"
                : $"no {expectation[1]}-based policy allows the {action} action";
            Assert.Equal(expectedReason, result.Reason);
        }
    }

    [Fact]
    public void Console_key_user_statement_accepts_the_json_boolean_form_of_the_grant_condition()
    {
        string policy = s_resourcePolicies["kms-console"].Replace("\"kms:GrantIsForAWSResource\":\"true\"", "\"kms:GrantIsForAWSResource\":true", StringComparison.Ordinal);
        Assert.NotEqual(s_resourcePolicies["kms-console"], policy);
        var withFlag = PolicyKit.Request("session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", PolicyKit.KeyArn, "kms:GrantIsForAWSResource=true");
        var withoutFlag = PolicyKit.Request("session:444455556666:VaultCopy:copy-1", "kms:CreateGrant", PolicyKit.KeyArn);
        PolicyDocument[] identity = [PolicyDocument.Parse(s_identityPolicies["kms-key"])];

        Assert.True(PolicyEvaluator.Authorize(withFlag, identity, PolicyDocument.Parse(policy), Owner, ResourcePolicyKind.KeyPolicy).IsAllowed);
        Assert.False(PolicyEvaluator.Authorize(withoutFlag, identity, PolicyDocument.Parse(policy), Owner, ResourcePolicyKind.KeyPolicy).IsAllowed);
    }

    [Fact]
    public void Key_policy_statements_without_resource_have_no_effect_but_trust_statements_do()
    {
        const string noResource = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Decrypt","sts:AssumeRole"]}]}
            """;
        PolicyDocument doc = PolicyDocument.Parse(noResource);
        var decrypt = PolicyKit.Request("user:111122223333:alice", "kms:Decrypt", PolicyKit.KeyArn);
        var assume = PolicyKit.Request("user:111122223333:alice", "sts:AssumeRole", "arn:aws:iam::111122223333:role/Ops");

        Assert.False(PolicyEvaluator.Authorize(decrypt, [], doc, Owner, ResourcePolicyKind.KeyPolicy).IsAllowed);
        Assert.True(PolicyEvaluator.Authorize(assume, [], doc, Owner, ResourcePolicyKind.TrustPolicy).IsAllowed);
    }

    [Fact]
    public void Access_denied_message_has_the_aws_wording_and_shows_the_session()
    {
        var request = PolicyKit.Request("session:444455556666:VaultCopy:copy-1", "kms:DescribeKey", PolicyKit.KeyArn);
        PolicyDocument keyPolicy = PolicyDocument.Parse(s_resourcePolicies["kms-default"]);

        AuthorizationResult result = PolicyEvaluator.Authorize(request, [], keyPolicy, Owner, ResourcePolicyKind.KeyPolicy);

        Assert.Equal(
            "User: arn:aws:sts::444455556666:assumed-role/VaultCopy/copy-1 is not authorized to perform: kms:DescribeKey on resource: "
            + PolicyKit.KeyArn + " because no resource-based policy allows the kms:DescribeKey action",
            PolicyEvaluator.FormatAccessDeniedMessage(request, result));

        var denied = PolicyKit.Request("user:111122223333:alice", "kms:Decrypt", PolicyKit.KeyArn);
        AuthorizationResult explicitDeny = PolicyEvaluator.Authorize(denied,
            [PolicyDocument.Parse(s_identityPolicies["deny-decrypt"])], keyPolicy, Owner, ResourcePolicyKind.KeyPolicy);
        Assert.EndsWith("with an explicit deny in an identity-based policy", PolicyEvaluator.FormatAccessDeniedMessage(denied, explicitDeny), StringComparison.Ordinal);
    }
}
