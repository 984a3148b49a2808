using VaultCopy.Core.Policies;
using static VaultCopy.Core.Tests.Policies.PolicyCorpus;

namespace VaultCopy.Core.Tests.Policies;

public class KeyPolicyEditorTests
{
    private const string UseActions = """["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"]""";
    private const string AttachActions = """["kms:CreateGrant","kms:ListGrants","kms:RevokeGrant"]""";
    private const string ForAwsResource = """{"Bool":{"kms:GrantIsForAWSResource":"true"}}""";

    [Fact]
    public void A_root_grant_appends_the_two_statements_vaultcopy_writes()
    {
        GrantResult result = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted));

        string expected = ApiDefault[..^2]
            + $$$""",{"Sid":"VaultCopyUseKey-444455556666","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":{{{UseActions}}},"Resource":"*"}"""
            + $$$""",{"Sid":"VaultCopyAttachPersistentResources-444455556666","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":{{{AttachActions}}},"Resource":"*","Condition":{{{ForAwsResource}}}}]}""";
        Assert.Equal(expected, result.After);
        Assert.True(result.Changed);
        Assert.Same(ApiDefault, result.Before);
        Assert.Equal(["VaultCopyUseKey-444455556666", "VaultCopyAttachPersistentResources-444455556666"], result.AddedStatements);
        Assert.Empty(result.ChangedStatements);
        Assert.Empty(result.RemovedStatements);
        Assert.Equal(expected.Length, result.ByteSize);
    }

    [Fact]
    public void A_via_service_grant_limits_the_use_statement_to_ec2_and_rds_in_the_region()
    {
        GrantResult result = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { ViaServiceRegion = "eu-central-1" });
        KeyPolicyStatement use = KeyPolicyDocument.Parse(result.After).FindStatement(KeyPolicyEditor.UseKeySid(Trusted))!;
        Assert.EndsWith(
            Q("'Resource':'*','Condition':{'StringEquals':{'kms:ViaService':['ec2.eu-central-1.amazonaws.com','rds.eu-central-1.amazonaws.com']}}}"),
            use.Json, StringComparison.Ordinal);
        KeyPolicyStatement attach = KeyPolicyDocument.Parse(result.After).FindStatement(KeyPolicyEditor.AttachPersistentResourcesSid(Trusted))!;
        Assert.EndsWith(Q("'Condition':") + ForAwsResource + "}", attach.Json, StringComparison.Ordinal);
    }

    [Fact]
    public void Principals_are_merged_as_a_set_in_stable_order()
    {
        var roleA = new KeyAccessGrant(Trusted) { Principals = [TrustedRole] };
        var roleB = new KeyAccessGrant(Trusted) { Principals = [TrustedUser] };
        string one = KeyPolicyEditor.Grant(ApiDefault, roleA).After;
        Assert.Contains(Q($"'Principal':{{'AWS':'{TrustedRole}'}}"), one, StringComparison.Ordinal);

        GrantResult two = KeyPolicyEditor.Grant(one, roleB);
        Assert.Equal(["VaultCopyUseKey-444455556666", "VaultCopyAttachPersistentResources-444455556666"], two.ChangedStatements);
        Assert.Empty(two.AddedStatements);
        Assert.Equal(2, CountOf(Q($"'Principal':{{'AWS':['{TrustedRole}','{TrustedUser}']}}"), two.After));

        GrantResult again = KeyPolicyEditor.Grant(two.After, new KeyAccessGrant(Trusted) { Principals = [TrustedUser, TrustedRole, TrustedUser] });
        Assert.False(again.Changed);

        GrantResult withRoot = KeyPolicyEditor.Grant(two.After, new KeyAccessGrant(Trusted));
        Assert.Equal(2, CountOf(Q($"'Principal':{{'AWS':['{TrustedRole}','{TrustedUser}','{TrustedRoot}']}}"), withRoot.After));

        RevokeResult revoked = KeyPolicyEditor.Revoke(two.After, new KeyAccessRevoke(Trusted) { Principals = [TrustedRole] });
        Assert.Equal(2, CountOf(Q($"'Principal':{{'AWS':'{TrustedUser}'}}"), revoked.After));
        Assert.Equal(["VaultCopyUseKey-444455556666", "VaultCopyAttachPersistentResources-444455556666"], revoked.ChangedStatements);
    }

    [Fact]
    public void A_policy_stored_indented_that_already_has_the_grant_comes_back_as_it_was()
    {
        var grant = new KeyAccessGrant(Trusted) { Principals = [TrustedRole], ViaServiceRegion = "eu-west-1" };
        string stored = KeyPolicyDocument.Parse(KeyPolicyEditor.Grant(ConsoleDefault, grant).After).ToIndentedJson().ReplaceLineEndings("\r\n");
        GrantResult again = KeyPolicyEditor.Grant(stored, grant);
        Assert.False(again.Changed);
        Assert.Same(stored, again.After);
        Assert.Equal(string.Empty, again.Diff);
    }

    [Fact]
    public void The_unique_id_of_a_deleted_role_is_kept_beside_new_principals()
    {
        string policy = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole] }).After
            .Replace(TrustedRole, "AROAEXAMPLEID1234567", StringComparison.Ordinal);
        GrantResult result = KeyPolicyEditor.Grant(policy, new KeyAccessGrant(Trusted) { Principals = [TrustedUser] });
        Assert.Contains(Q($"'AWS':['AROAEXAMPLEID1234567','{TrustedUser}']"), result.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("44445555666", PolicyRefusalReason.InvalidAccountId)]
    [InlineData("4444555566667", PolicyRefusalReason.InvalidAccountId)]
    [InlineData("44445555666x", PolicyRefusalReason.InvalidAccountId)]
    [InlineData(" 444455556666", PolicyRefusalReason.InvalidAccountId)]
    [InlineData("*", PolicyRefusalReason.InvalidAccountId)]
    public void An_account_id_that_is_not_twelve_digits_is_refused(string account, PolicyRefusalReason reason)
    {
        Assert.Equal(reason, Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(account))).Reason);
        Assert.Equal(reason, Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Revoke(ApiDefault, new KeyAccessRevoke(account))).Reason);
    }

    [Theory]
    [InlineData("arn:aws:sts::444455556666:assumed-role/VaultCopyVault/s1", "for a role session, name its role")]
    [InlineData("arn:aws:iam::444455556666:group/Admins", "not an IAM role or user ARN")]
    [InlineData("444455556666", "not an IAM role or user ARN")]
    [InlineData("arn:aws-cn:iam::444455556666:role/VaultCopyVault", "partition aws-cn, not aws")]
    [InlineData("", "empty")]
    public void A_principal_that_is_not_a_role_or_user_arn_of_the_partition_is_refused(string principal, string message)
    {
        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [principal] }));
        Assert.Equal(PolicyRefusalReason.InvalidArgument, e.Reason);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Granting_to_the_keys_own_account_is_refused()
    {
        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Owner) { KeyOwnerAccountId = Owner }));
        Assert.Equal(PolicyRefusalReason.GrantToKeyOwner, e.Reason);
        Assert.Equal(PolicyRefusalReason.InvalidAccountId, Assert.Throws<PolicyEditRefusedException>(
            () => KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { KeyOwnerAccountId = "owner" })).Reason);
    }

    [Theory]
    [InlineData("aws", "eu-west", "not an AWS Region name")]
    [InlineData("aws", "EU-WEST-1", "not an AWS Region name")]
    [InlineData("aws-cn", "cn-north-1", "only supported in the aws and aws-us-gov partitions")]
    [InlineData("amazon", null, "not an AWS partition")]
    public void Malformed_partitions_and_regions_are_refused(string partition, string? region, string message)
    {
        var grant = new KeyAccessGrant(Trusted) { Partition = partition, ViaServiceRegion = region };
        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(ApiDefault, grant));
        Assert.Equal(PolicyRefusalReason.InvalidArgument, e.Reason);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_partitions_get_their_own_root_arn()
    {
        GrantResult result = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Partition = "aws-us-gov", ViaServiceRegion = "us-gov-west-1" });
        Assert.Contains("\"AWS\":\"arn:aws-us-gov:iam::444455556666:root\"", result.After, StringComparison.Ordinal);
        Assert.Contains("ec2.us-gov-west-1.amazonaws.com", result.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"]", "\"Action\":\"kms:*\"", "its actions are not exactly")]
    [InlineData("\"Effect\":\"Allow\"", "\"Effect\":\"Deny\"", "its Effect is not \"Allow\"")]
    [InlineData("\"Resource\":\"*\"}", "\"Resource\":\"*\",\"NotAction\":\"kms:Sign\"}", "it has elements VaultCopy does not write")]
    [InlineData("\"Resource\":\"*\"}", "\"Resource\":\"arn:aws:kms:eu-west-1:111122223333:key/x\"}", "its Resource is not \"*\"")]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopyVault\"}", "{\"AWS\":[\"arn:aws:iam::444455556666:role/VaultCopyVault\",\"*\"]}", "its Principal no longer names only")]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopyVault\"}", "{\"AWS\":\"arn:aws:iam::777788889999:root\"}", "its Principal no longer names only")]
    [InlineData("{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopyVault\"}", "{\"AWS\":\"arn:aws:iam::444455556666:role/VaultCopyVault\",\"Service\":\"ec2.amazonaws.com\"}", "its Principal no longer names only")]
    [InlineData("\"Resource\":\"*\"}", "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:ViaService\":\"ec2.eu-west-1.amazonaws.com\"}}}", "its Condition is not the one VaultCopy writes")]
    public void A_vaultcopy_statement_edited_by_hand_is_not_merged_into(string original, string edited, string message)
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole] }).After;
        int use = granted.IndexOf("{\"Sid\":\"VaultCopyUseKey-", StringComparison.Ordinal);
        int at = granted.IndexOf(original, use, StringComparison.Ordinal);
        string policy = granted[..at] + edited + granted[(at + original.Length)..];

        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(policy, new KeyAccessGrant(Trusted) { Principals = [TrustedUser] }));
        Assert.Equal(PolicyRefusalReason.VaultCopyStatementModified, e.Reason);
        Assert.Contains("VaultCopyUseKey-444455556666 was changed outside VaultCopy: " + message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":[\"kms:CreateGrant\"", "\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":[\"kms:CreateGrant\"", "its Effect is not \"Allow\"")]
    [InlineData("\"kms:ListGrants\",\"kms:RevokeGrant\"]", "\"kms:ListGrants\",\"kms:RevokeGrant\",\"kms:ScheduleKeyDeletion\"]", "its actions are not exactly")]
    [InlineData("{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}", "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"},\"StringEquals\":{\"aws:PrincipalTag/team\":\"backup\"}}", "its Condition is not the one VaultCopy writes")]
    [InlineData("\"kms:RevokeGrant\"],\"Resource\":\"*\"", "\"kms:RevokeGrant\"],\"Resource\":[\"*\",\"arn:aws:kms:eu-west-1:111122223333:key/other\"]", "its Resource is not \"*\"")]
    [InlineData("\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":[\"kms:CreateGrant\"", "\"Principal\":{\"AWS\":[\"arn:aws:iam::444455556666:root\",\"arn:aws:iam::777788889999:role/Auditor\"]},\"Action\":[\"kms:CreateGrant\"", "its Principal no longer names only")]
    public void A_revoke_leaves_a_vaultcopy_statement_it_did_not_write_untouched_with_a_warning(string original, string edited, string why)
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted)).After;
        int at = granted.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, original);
        string policy = granted[..at] + edited + granted[(at + original.Length)..];
        KeyPolicyStatement handEdited = KeyPolicyDocument.Parse(policy).FindStatement(KeyPolicyEditor.AttachPersistentResourcesSid(Trusted))!;

        RevokeResult all = KeyPolicyEditor.Revoke(policy, new KeyAccessRevoke(Trusted));
        RevokeResult named = KeyPolicyEditor.Revoke(policy, new KeyAccessRevoke(Trusted) { Principals = ["arn:aws:iam::444455556666:root"] });

        foreach (RevokeResult result in new[] { all, named })
        {
            KeyPolicyDocument after = KeyPolicyDocument.Parse(result.After);
            Assert.Null(after.FindStatement(KeyPolicyEditor.UseKeySid(Trusted)));
            Assert.Equal(handEdited.Json, after.FindStatement(KeyPolicyEditor.AttachPersistentResourcesSid(Trusted))!.Json);
            Assert.Equal([KeyPolicyEditor.UseKeySid(Trusted)], result.RemovedStatements);
            string warning = Assert.Single(result.Warnings);
            Assert.Contains($"Statement {KeyPolicyEditor.AttachPersistentResourcesSid(Trusted)} was changed outside VaultCopy: {why}", warning, StringComparison.Ordinal);
            Assert.Contains("left it untouched", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_revoke_of_only_hand_edited_statements_changes_nothing_and_says_why()
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted)).After;
        string policy = granted.Replace("\"kms:DescribeKey\"]", "\"kms:DescribeKey\",\"kms:Sign\"]", StringComparison.Ordinal)
            .Replace("\"kms:RevokeGrant\"]", "\"kms:RevokeGrant\",\"kms:RetireGrant\"]", StringComparison.Ordinal);

        RevokeResult result = KeyPolicyEditor.Revoke(policy, new KeyAccessRevoke(Trusted));

        Assert.False(result.Changed);
        Assert.Same(policy, result.After);
        Assert.Equal(2, result.Warnings.Count);
    }

    [Fact]
    public void A_duplicated_vaultcopy_sid_is_ambiguous()
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted)).After;
        KeyPolicyStatement use = KeyPolicyDocument.Parse(granted).FindStatement(KeyPolicyEditor.UseKeySid(Trusted))!;
        string duplicated = granted[..^2] + "," + use.Json + "]}";
        Assert.Equal(PolicyRefusalReason.DuplicateVaultCopySid, Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(duplicated, new KeyAccessGrant(Trusted))).Reason);
        Assert.Equal(PolicyRefusalReason.DuplicateVaultCopySid, Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Revoke(duplicated, new KeyAccessRevoke(Trusted))).Reason);
    }

    [Theory]
    [InlineData("eu-west-1", null, "is limited to EC2 and RDS in eu-west-1, but this grant asks for access without a kms:ViaService limit")]
    [InlineData(null, "eu-west-1", "has no kms:ViaService limit, but this grant asks for access limited to EC2 and RDS in eu-west-1")]
    [InlineData("eu-west-1", "us-east-1", "is limited to EC2 and RDS in eu-west-1, but this grant asks for access limited to EC2 and RDS in us-east-1")]
    public void A_grant_with_another_via_service_scope_is_refused_not_merged(string? existing, string? asked, string message)
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { ViaServiceRegion = existing }).After;
        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(granted, new KeyAccessGrant(Trusted) { Principals = [TrustedRole], ViaServiceRegion = asked }));
        Assert.Equal(PolicyRefusalReason.ConflictingGrant, e.Reason);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_size_limit_is_exact_and_checked_before_anything_is_produced()
    {
        var grant = new KeyAccessGrant(Trusted) { Principals = [TrustedRole, TrustedRoleWithPath] };
        int added = KeyPolicyEditor.Grant(ApiDefault, grant).ByteSize - ApiDefault.Length;

        string fits = PadTo(ApiDefault, KeyPolicyDocument.MaxByteSize - added);
        Assert.Equal(KeyPolicyDocument.MaxByteSize, KeyPolicyEditor.Grant(fits, grant).ByteSize);

        string tooBig = PadTo(ApiDefault, KeyPolicyDocument.MaxByteSize - added + 1);
        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(tooBig, grant));
        Assert.Equal(PolicyRefusalReason.SizeLimitExceeded, e.Reason);
        Assert.Contains($"would be 32,769 bytes, 1 over KMS's 32,768-byte limit (it is {KeyPolicyDocument.MaxByteSize - added + 1:N0} bytes now, compact; this grant adds {added:N0})", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_is_measured_on_the_compact_text_that_is_sent()
    {
        // Stored indented, this policy is well over 32 KB; sent compact it leaves room for the grant.
        string indented = KeyPolicyDocument.Parse(NearLimit).ToIndentedJson();
        Assert.True(indented.Length > KeyPolicyDocument.MaxByteSize);
        GrantResult result = KeyPolicyEditor.Grant(indented, new KeyAccessGrant(Trusted));
        Assert.True(result.ByteSize <= KeyPolicyDocument.MaxByteSize);
        Assert.Same(indented, result.Before);
    }

    [Fact]
    public void Revoking_named_principals_leaves_the_rest_and_the_account_revoke_takes_all()
    {
        string granted = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole, TrustedUser] }).After;
        RevokeResult partial = KeyPolicyEditor.Revoke(granted, new KeyAccessRevoke(Trusted) { Principals = [TrustedUser, TrustedRoleWithPath] });
        Assert.Equal(KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole] }).After, partial.After);

        RevokeResult all = KeyPolicyEditor.Revoke(granted, new KeyAccessRevoke(Trusted));
        Assert.Equal(ApiDefault, all.After);
        Assert.Equal(["VaultCopyUseKey-444455556666", "VaultCopyAttachPersistentResources-444455556666"], all.RemovedStatements);

        var e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Revoke(granted, new KeyAccessRevoke(Trusted) { Principals = ["*"] }));
        Assert.Equal(PolicyRefusalReason.WildcardPrincipal, e.Reason);
    }

    [Fact]
    public void Grant_and_revoke_results_carry_a_readable_diff()
    {
        GrantResult result = KeyPolicyEditor.Grant(ApiDefault, new KeyAccessGrant(Trusted) { Principals = [TrustedRole] });
        string[] lines = result.Diff.Split('\n');
        Assert.Equal("--- before", lines[0]);
        Assert.Equal("+++ after", lines[1]);
        Assert.Contains("+      \"Sid\": \"VaultCopyUseKey-444455556666\",", lines);
        Assert.Contains("+        \"AWS\": \"arn:aws:iam::444455556666:role/VaultCopyVault\"", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("-      ", StringComparison.Ordinal));

        RevokeResult revoked = KeyPolicyEditor.Revoke(result.After, new KeyAccessRevoke(Trusted));
        Assert.Contains("-      \"Sid\": \"VaultCopyAttachPersistentResources-444455556666\",", revoked.Diff.Split('\n'));
    }

    /// <summary>JSON written with single quotes, for readable expectations.</summary>
    private static string Q(string text) => text.Replace('\'', '"');

    private static int CountOf(string needle, string text)
    {
        int count = 0;
        for (int at = text.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = text.IndexOf(needle, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
