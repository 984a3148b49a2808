using System.Text.Json.Nodes;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

public class IdentityPolicyEditorTests
{
    private const string K1 = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string K2 = "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    private const string K3 = "arn:aws:kms:us-east-1:777788889999:key/0f0e0d0c-0b0a-0908-0706-050403020100";
    private const string K4 = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/abcdef01-2345-6789-abcd-ef0123456789";
    private static readonly string[] s_pool = [K1, K2, K3, K4];
    private static readonly string[] s_ourSids = [IdentityPolicyEditor.UseSourceKeysSid, IdentityPolicyEditor.GrantsForAwsResourcesSid];

    private static readonly string s_userStatements = """
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "CopySnapshots", "Effect": "Allow", "Action": ["ec2:CopySnapshot", "ec2:CreateTags"], "Resource": "*"},
                {"Sid": "DenyOutsideRegion", "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}
            ]
        }
        """;

    public static IEnumerable<object[]> Existing()
    {
        yield return ["none"];
        yield return ["ours"];
        yield return ["user statements"];
        yield return ["ours and user statements"];
        yield return ["ours and user statements, indented"];
    }

    [Fact]
    public void A_new_policy_holds_the_two_statements_vaultcopy_writes()
    {
        IdentityPolicyEditResult result = IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1]));
        Assert.Equal(
            "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"VaultCopyUseSourceKeys\",\"Effect\":\"Allow\",\"Action\":[\"kms:Decrypt\",\"kms:DescribeKey\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\"],\"Resource\":\"" + K1 + "\"},"
            + "{\"Sid\":\"VaultCopyGrantsForAwsResources\",\"Effect\":\"Allow\",\"Action\":\"kms:CreateGrant\",\"Resource\":\"" + K1 + "\",\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}}]}",
            result.After);
        Assert.False(result.PolicyExisted);
        Assert.Equal(string.Empty, result.Before);
        Assert.Equal("VaultCopyKeyAccess", result.PolicyName);
        Assert.Equal(result.After.Length, result.Characters);
        Assert.Equal(s_ourSids, result.AddedStatements);
        Assert.StartsWith("--- before\n+++ after\n@@ -0,0 +1,", result.Diff, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Existing))]
    public void Grants_merge_key_arns_keep_other_statements_and_revoke_gives_the_policy_back(string existingName)
    {
        var random = new Random(existingName.Length);
        for (int round = 0; round < 12; round++)
        {
            string? existing = ExistingPolicy(existingName);
            string[] keys = s_pool.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
            IdentityPolicyEditResult granted = IdentityPolicyEditor.Grant(existing, new IdentityKeyAccess(keys));
            string because = $"{existingName} + {string.Join(" ", keys)}";

            // Every statement that is not ours is there, exactly as written.
            List<JsonNode?> before = existing is null ? [] : PolicyAssert.Statements(PolicyAssert.Root(existing)["Statement"]);
            List<JsonNode?> after = PolicyAssert.Statements(PolicyAssert.Root(granted.After)["Statement"]);
            foreach (JsonNode? statement in before.Where(s => !s_ourSids.Contains(PolicyAssert.Sid(s))))
            {
                Assert.True(after.Exists(s => JsonNode.DeepEquals(s, statement)), because);
            }

            // Our statements name the union of old and new keys, old ones first.
            List<string> previous = existing is null ? [] : Resources(existing, IdentityPolicyEditor.UseSourceKeysSid);
            List<string> expected = previous.Concat(keys.Where(k => !previous.Contains(k))).ToList();
            Assert.Equal(expected, Resources(granted.After, IdentityPolicyEditor.UseSourceKeysSid));
            Assert.Equal(expected, Resources(granted.After, IdentityPolicyEditor.GrantsForAwsResourcesSid));
            Assert.Equal(IdentityPolicyEditor.CountCharacters(granted.After), granted.Characters);

            IdentityPolicyEditResult again = IdentityPolicyEditor.Grant(granted.After, new IdentityKeyAccess(keys.Reverse().ToArray()));
            Assert.False(again.Changed, because);
            Assert.Same(granted.After, again.After);

            string[] added = keys.Where(k => !previous.Contains(k)).ToArray();
            if (added.Length == 0)
            {
                Assert.False(granted.Changed);
                continue;
            }

            IdentityPolicyEditResult revoked = IdentityPolicyEditor.Revoke(granted.After, new IdentityKeyRevoke(added));
            if (existing is null)
            {
                Assert.True(revoked.DeletePolicy, because);
                Assert.Equal(string.Empty, revoked.After);
                continue;
            }

            PolicyAssert.SemanticallyEqual(existing, revoked.After, because);
            if (existing == KeyPolicyDocument.Parse(existing).ToJson())
            {
                Assert.Equal(existing, revoked.After);
            }
        }
    }

    [Fact]
    public void Revoke_removes_keys_then_statements_then_asks_for_the_policy_to_be_deleted()
    {
        string both = IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1, K2])).After;
        IdentityPolicyEditResult one = IdentityPolicyEditor.Revoke(both, new IdentityKeyRevoke([K2]));
        Assert.Equal(IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1])).After, one.After);
        Assert.Equal(s_ourSids, one.ChangedStatements);

        IdentityPolicyEditResult none = IdentityPolicyEditor.Revoke(one.After, new IdentityKeyRevoke([K1]));
        Assert.True(none.DeletePolicy);
        Assert.True(none.Changed);
        Assert.Equal(string.Empty, none.After);
        Assert.Equal(s_ourSids, none.RemovedStatements);

        string mixed = IdentityPolicyEditor.Grant(s_userStatements, new IdentityKeyAccess([K1, K3])).After;
        IdentityPolicyEditResult all = IdentityPolicyEditor.Revoke(mixed, new IdentityKeyRevoke([]));
        Assert.False(all.DeletePolicy);
        Assert.Equal(KeyPolicyDocument.Parse(s_userStatements).ToJson(), all.After);
    }

    [Fact]
    public void Revoking_nothing_changes_nothing()
    {
        Assert.False(IdentityPolicyEditor.Revoke(null, new IdentityKeyRevoke([K1])).Changed);
        Assert.False(IdentityPolicyEditor.Revoke(null, new IdentityKeyRevoke([K1])).DeletePolicy);
        IdentityPolicyEditResult result = IdentityPolicyEditor.Revoke(s_userStatements, new IdentityKeyRevoke([K1]));
        Assert.False(result.Changed);
        Assert.Same(s_userStatements, result.After);
        string ours = IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1])).After;
        Assert.Same(ours, IdentityPolicyEditor.Revoke(ours, new IdentityKeyRevoke([K3])).After);
    }

    [Theory]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:alias/backup")]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/*")]
    [InlineData("arn:aws:kms:*:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws:kms:eu-west-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws:kms::111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/1234ABCD-12ab-34cd-56ef-1234567890ab")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("*")]
    public void Anything_but_a_key_arn_is_refused(string arn)
    {
        var e = Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1, arn])));
        Assert.Equal(PolicyRefusalReason.InvalidKeyArn, e.Reason);
        Assert.Equal(PolicyRefusalReason.InvalidKeyArn, Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Revoke(null, new IdentityKeyRevoke([arn]))).Reason);
    }

    [Fact]
    public void Granting_no_key_or_naming_a_bad_policy_is_refused()
    {
        Assert.Equal(PolicyRefusalReason.InvalidArgument, Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([]))).Reason);
        Assert.Equal(PolicyRefusalReason.InvalidArgument, Assert.Throws<PolicyEditRefusedException>(
            () => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1]) { PolicyName = "Vault Copy" })).Reason);
        Assert.Equal(PolicyRefusalReason.InvalidArgument, Assert.Throws<PolicyEditRefusedException>(
            () => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1]) { OtherInlinePolicyCharacters = -1 })).Reason);
    }

    [Theory]
    [InlineData(IamPrincipalKind.Role, 10_240)]
    [InlineData(IamPrincipalKind.User, 2_048)]
    public void The_inline_quota_counts_the_other_policies_and_is_exact(IamPrincipalKind kind, int limit)
    {
        int size = IdentityPolicyEditor.Grant(s_userStatements, new IdentityKeyAccess([K1, K2])).Characters;
        var fits = new IdentityKeyAccess([K1, K2]) { PrincipalKind = kind, OtherInlinePolicyCharacters = limit - size };
        Assert.Equal(limit, IdentityPolicyEditor.Grant(s_userStatements, fits).AggregateCharacters);

        var over = new IdentityKeyAccess([K1, K2]) { PrincipalKind = kind, OtherInlinePolicyCharacters = limit - size + 1 };
        var e = Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Grant(s_userStatements, over));
        Assert.Equal(PolicyRefusalReason.SizeLimitExceeded, e.Reason);
        Assert.Contains($"would total {limit + 1:N0} characters, 1 over IAM's {limit:N0}-character quota", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_user_reaches_the_quota_long_before_a_role()
    {
        string[] keys = Enumerable.Range(0, 14).Select(i => $"arn:aws:kms:eu-west-1:111122223333:key/{i:D8}-0000-0000-0000-000000000000").ToArray();
        Assert.True(IdentityPolicyEditor.Grant(null, new IdentityKeyAccess(keys)).AggregateCharacters <= IdentityPolicyEditor.RoleInlineCharacterLimit);
        Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess(keys) { PrincipalKind = IamPrincipalKind.User }));
    }

    [Fact]
    public void Characters_are_counted_without_whitespace_outside_strings()
    {
        Assert.Equal(18, IdentityPolicyEditor.CountCharacters("{ \"a b\" :\n\t[ 1 , \"\\\" x\" ] }"));
        Assert.Equal(KeyPolicyDocument.Parse(s_userStatements).ToJson().Length, IdentityPolicyEditor.CountCharacters(s_userStatements));
    }

    [Theory]
    [InlineData("\"Action\":[\"kms:Decrypt\",\"kms:DescribeKey\",\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\"]", "\"Action\":\"kms:*\"", "its actions are not exactly")]
    [InlineData("\"Resource\":\"" + K1 + "\"}", "\"Resource\":\"*\"}", "its Resource is no longer a list of KMS key ARNs")]
    [InlineData("\"Effect\":\"Allow\"", "\"Effect\":\"Deny\"", "its Effect is not \"Allow\"")]
    [InlineData("\"Resource\":\"" + K1 + "\"}", "\"Resource\":\"" + K1 + "\",\"NotAction\":\"s3:*\"}", "it has elements VaultCopy does not write")]
    public void A_vaultcopy_statement_edited_by_hand_is_not_merged_into(string original, string edited, string message)
    {
        string policy = IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1])).After;
        int at = policy.IndexOf(original, StringComparison.Ordinal);
        policy = policy[..at] + edited + policy[(at + original.Length)..];
        var e = Assert.Throws<PolicyEditRefusedException>(() => IdentityPolicyEditor.Grant(policy, new IdentityKeyAccess([K2])));
        Assert.Equal(PolicyRefusalReason.VaultCopyStatementModified, e.Reason);
        Assert.Contains("VaultCopyUseSourceKeys of the inline policy was changed outside VaultCopy: " + message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Sid\":\"VaultCopyGrantsForAwsResources\",\"Effect\":\"Allow\"", "\"Sid\":\"VaultCopyGrantsForAwsResources\",\"Effect\":\"Deny\"", "its Effect is not \"Allow\"")]
    [InlineData("\"Action\":\"kms:CreateGrant\"", "\"Action\":[\"kms:CreateGrant\",\"kms:PutKeyPolicy\"]", "its actions are not exactly")]
    [InlineData("{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}", "{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"},\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}", "its Condition is not the one VaultCopy writes")]
    [InlineData("\"Action\":\"kms:CreateGrant\",\"Resource\":\"" + K1 + "\"", "\"Action\":\"kms:CreateGrant\",\"Resource\":[\"" + K1 + "\",\"*\"]", "its Resource is no longer a list of KMS key ARNs")]
    public void A_revoke_leaves_a_vaultcopy_statement_it_did_not_write_untouched_with_a_warning(string original, string edited, string why)
    {
        string granted = IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K1])).After;
        int at = granted.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, original);
        string policy = granted[..at] + edited + granted[(at + original.Length)..];
        KeyPolicyStatement handEdited = KeyPolicyDocument.Parse(policy).FindStatement(IdentityPolicyEditor.GrantsForAwsResourcesSid)!;

        foreach (IdentityPolicyEditResult result in new[]
        {
            IdentityPolicyEditor.Revoke(policy, new IdentityKeyRevoke([K1])),
            IdentityPolicyEditor.Revoke(policy, new IdentityKeyRevoke([])),
        })
        {
            Assert.False(result.DeletePolicy);
            KeyPolicyDocument after = KeyPolicyDocument.Parse(result.After);
            Assert.Null(after.FindStatement(IdentityPolicyEditor.UseSourceKeysSid));
            Assert.Equal(handEdited.Json, Assert.Single(after.Statements).Json);
            string warning = Assert.Single(result.Warnings);
            Assert.Contains($"Statement {IdentityPolicyEditor.GrantsForAwsResourcesSid} was changed outside VaultCopy: {why}", warning, StringComparison.Ordinal);
            Assert.Contains("left it untouched", warning, StringComparison.Ordinal);
        }
    }

    private static string? ExistingPolicy(string name) => name switch
    {
        "none" => null,
        "ours" => IdentityPolicyEditor.Grant(null, new IdentityKeyAccess([K2])).After,
        "user statements" => s_userStatements,
        "ours and user statements" => IdentityPolicyEditor.Grant(s_userStatements, new IdentityKeyAccess([K3])).After,
        _ => KeyPolicyDocument.Parse(IdentityPolicyEditor.Grant(s_userStatements, new IdentityKeyAccess([K3, K1])).After).ToIndentedJson(),
    };

    private static List<string> Resources(string policy, string sid)
    {
        JsonNode? statement = PolicyAssert.Statements(PolicyAssert.Root(policy)["Statement"]).SingleOrDefault(s => PolicyAssert.Sid(s) == sid);
        return statement?["Resource"] switch
        {
            null => [],
            JsonArray array => array.Select(v => v!.GetValue<string>()).ToList(),
            JsonNode single => [single.GetValue<string>()],
        };
    }
}
