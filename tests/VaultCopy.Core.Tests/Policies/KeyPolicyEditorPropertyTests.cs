using System.Text;
using System.Text.Json.Nodes;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.Tests.Policies;

/// <summary>
/// Properties of Grant and Revoke over every corpus policy, in every spelling, with every corpus grant. Each case
/// checks the property with comparisons of its own (JSON values, text), not with the editor's helpers.
/// </summary>
public class KeyPolicyEditorPropertyTests
{
    private static readonly string[] s_ourSids =
        [KeyPolicyEditor.UseKeySid(PolicyCorpus.Trusted), KeyPolicyEditor.AttachPersistentResourcesSid(PolicyCorpus.Trusted)];

    public static IEnumerable<object[]> Cases() => PolicyCorpus.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_original_statement_survives_unchanged_or_only_gains_principals(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult result)
            {
                continue;
            }

            List<JsonNode?> original = PolicyAssert.Statements(PolicyAssert.Root(before)["Statement"]);
            List<JsonNode?> after = PolicyAssert.Statements(PolicyAssert.Root(result.After)["Statement"]);
            string because = $"{policy}/{variant}/{grantName}";
            int searchFrom = 0;
            foreach (JsonNode? statement in original)
            {
                // Untouched statements keep their place relative to each other and their exact JSON value.
                int found = after.FindIndex(searchFrom, s => JsonNode.DeepEquals(s, statement));
                if (found >= 0)
                {
                    searchFrom = found + 1;
                    continue;
                }

                string? sid = PolicyAssert.Sid(statement);
                Assert.True(sid is not null && s_ourSids.Contains(sid), $"{because}: statement lost or changed: {statement!.ToJsonString()}");
                JsonNode merged = after.Single(s => PolicyAssert.Sid(s) == sid)!;
                Assert.Superset(PolicyAssert.AwsPrincipals(statement!).ToHashSet(), PolicyAssert.AwsPrincipals(merged).ToHashSet());
                var withoutPrincipal = (JsonObject)statement!.DeepClone();
                var mergedWithoutPrincipal = (JsonObject)merged.DeepClone();
                withoutPrincipal.Remove("Principal");
                mergedWithoutPrincipal.Remove("Principal");
                Assert.True(JsonNode.DeepEquals(withoutPrincipal, mergedWithoutPrincipal), $"{because}: {sid} changed beyond its principals");
            }

            Assert.Equal(original.Count + result.AddedStatements.Count, after.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Untouched_statements_keep_their_exact_text(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        string compactBefore = KeyPolicyDocument.Parse(before).ToJson();
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult result)
            {
                continue;
            }

            foreach (KeyPolicyStatement statement in KeyPolicyDocument.Parse(before).Statements)
            {
                if (statement.Sid is string sid && s_ourSids.Contains(sid))
                {
                    continue;
                }

                // The statement's text, as written minus insignificant whitespace, appears in the compact input and
                // in the output: escapes and number spellings included.
                Assert.Contains(statement.Json, compactBefore, StringComparison.Ordinal);
                Assert.True(result.After.Contains(statement.Json, StringComparison.Ordinal), $"{policy}/{variant}/{grantName}: {statement.Json}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Granting_twice_is_granting_once(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult once)
            {
                continue;
            }

            GrantResult twice = KeyPolicyEditor.Grant(once.After, grant);
            Assert.False(twice.Changed, $"{policy}/{variant}/{grantName}");
            Assert.Equal(once.After, twice.After);
            Assert.Same(once.After, twice.Before);
            Assert.Empty(twice.AddedStatements);
            Assert.Empty(twice.ChangedStatements);
            Assert.Equal(string.Empty, twice.Diff);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Grant_then_revoke_of_the_same_principals_gives_the_policy_back(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        // The grammar's lone statement object becomes an array when a grant adds statements, and stays one: a later
        // revoke cannot know it was an object, and an array of one is the far more common spelling to keep.
        bool statementArray = policy != nameof(PolicyCorpus.SingleStatementObject);
        bool compact = before == KeyPolicyDocument.Parse(before).ToJson();
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult granted)
            {
                continue;
            }

            string because = $"{policy}/{variant}/{grantName}";
            RevokeResult revoked = KeyPolicyEditor.Revoke(granted.After, new KeyAccessRevoke(PolicyCorpus.Trusted) { Principals = PolicyCorpus.EffectivePrincipals(grant) });
            PolicyAssert.SemanticallyEqual(before, revoked.After, because);
            if (statementArray)
            {
                Assert.Equal(KeyPolicyDocument.Parse(before).ToJson(), revoked.After);
            }

            if (compact && statementArray)
            {
                Assert.Equal(before, revoked.After);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Revoking_the_whole_account_removes_exactly_its_two_statements(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult granted)
            {
                continue;
            }

            RevokeResult revoked = KeyPolicyEditor.Revoke(granted.After, new KeyAccessRevoke(PolicyCorpus.Trusted));
            Assert.True(revoked.Changed);
            Assert.Equal(s_ourSids, revoked.RemovedStatements);
            List<JsonNode?> expected = PolicyAssert.Statements(PolicyAssert.Root(before)["Statement"])
                .Where(s => PolicyAssert.Sid(s) is not string sid || !s_ourSids.Contains(sid)).ToList();
            List<JsonNode?> actual = PolicyAssert.Statements(PolicyAssert.Root(revoked.After)["Statement"]);
            Assert.Equal(expected.Count, actual.Count);
            Assert.All(expected.Zip(actual), pair => Assert.True(JsonNode.DeepEquals(pair.First, pair.Second), $"{policy}/{variant}/{grantName}"));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Revoking_what_was_never_granted_leaves_the_text_untouched(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        string stranger = "210987654321";
        foreach (KeyAccessRevoke revoke in new[]
        {
            new KeyAccessRevoke(stranger),
            new KeyAccessRevoke(stranger) { Principals = [$"arn:aws:iam::{stranger}:role/Nobody"] },
            new KeyAccessRevoke(PolicyCorpus.Trusted) { Principals = [$"arn:aws:iam::{PolicyCorpus.Trusted}:role/NeverGranted"] },
        })
        {
            RevokeResult result = KeyPolicyEditor.Revoke(before, revoke);
            Assert.False(result.Changed);
            Assert.Same(before, result.After);
            Assert.Equal(string.Empty, result.Diff);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_result_is_within_the_size_limit_and_a_refusal_says_by_how_much(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            try
            {
                GrantResult result = KeyPolicyEditor.Grant(before, grant);
                Assert.Equal(Encoding.UTF8.GetByteCount(result.After), result.ByteSize);
                Assert.True(result.ByteSize <= KeyPolicyDocument.MaxByteSize, $"{policy}/{variant}/{grantName}: {result.ByteSize}");
            }
            catch (PolicyEditRefusedException e) when (e.Reason == PolicyRefusalReason.SizeLimitExceeded)
            {
                Assert.Equal(nameof(PolicyCorpus.NearLimit), policy);
                Assert.Matches(@"would be 3\d,\d{3} bytes, \d+ over KMS's 32,768-byte limit", e.Message);
            }
            catch (PolicyEditRefusedException e) when (e.Reason == PolicyRefusalReason.ConflictingGrant)
            {
                Assert.Equal(nameof(PolicyCorpus.WithVaultCopyStatements), policy);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_wildcard_or_foreign_principal_is_refused_whatever_the_policy(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        (string Principal, PolicyRefusalReason Reason)[] refused =
        [
            ("*", PolicyRefusalReason.WildcardPrincipal),
            ($"arn:aws:iam::{PolicyCorpus.Trusted}:role/*", PolicyRefusalReason.WildcardPrincipal),
            ("arn:aws:iam::*:root", PolicyRefusalReason.WildcardPrincipal),
            ($"arn:aws:iam::{PolicyCorpus.Other}:role/VaultCopyVault", PolicyRefusalReason.PrincipalOutsideTrustedAccount),
            ($"arn:aws:iam::{PolicyCorpus.Owner}:root", PolicyRefusalReason.PrincipalOutsideTrustedAccount),
        ];
        foreach ((string principal, PolicyRefusalReason reason) in refused)
        {
            var grant = new KeyAccessGrant(PolicyCorpus.Trusted) { Principals = [PolicyCorpus.TrustedRole, principal] };
            PolicyEditRefusedException e = Assert.Throws<PolicyEditRefusedException>(() => KeyPolicyEditor.Grant(before, grant));
            Assert.Equal(reason, e.Reason);
        }
    }

    public static IEnumerable<object[]> Names() => PolicyCorpus.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Access_for_anyone_outside_the_trusted_account_is_what_it_was(string policy)
    {
        // The analyzer is an independent reading of the policy: for callers the grant does not name, every action's
        // decision must be the same before and after. Whitespace does not matter to it, so one spelling will do.
        string variant = "as written";
        string before = PolicyCorpus.Get(policy, variant);
        string[] actions = ["kms:Decrypt", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:GenerateDataKey"];
        (string Account, string? Arn)[] callers =
        [
            (PolicyCorpus.Owner, PolicyCorpus.OwnerAdmin),
            (PolicyCorpus.Owner, $"arn:aws:iam::{PolicyCorpus.Owner}:role/SomeoneElse"),
            (PolicyCorpus.Other, $"arn:aws:iam::{PolicyCorpus.Other}:role/VaultCopyVault"),
            ("210987654321", null),
        ];
        var context = new Dictionary<string, string> { ["kms:GrantIsForAWSResource"] = "true", ["kms:ViaService"] = "ec2.eu-west-1.amazonaws.com" };
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult result)
            {
                continue;
            }

            KeyPolicyDocument wasDocument = KeyPolicyDocument.Parse(before);
            KeyPolicyDocument nowDocument = KeyPolicyDocument.Parse(result.After);
            foreach ((string account, string? arn) in callers)
            {
                KeyAccessAssessment was = KeyPolicyAnalyzer.Assess(wasDocument, PolicyCorpus.Owner, account, arn, actions, context);
                KeyAccessAssessment now = KeyPolicyAnalyzer.Assess(nowDocument, PolicyCorpus.Owner, account, arn, actions, context);
                Assert.Equal(was.Actions.Select(a => a.Decision), now.Actions.Select(a => a.Decision));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_diff_is_deterministic_and_only_adds_for_a_fresh_grant(string policy, string variant)
    {
        string before = PolicyCorpus.Get(policy, variant);
        foreach ((string grantName, KeyAccessGrant grant) in PolicyCorpus.Grants)
        {
            if (TryGrant(policy, before, grant) is not GrantResult result)
            {
                continue;
            }

            Assert.Equal(result.Diff, PolicyDiff.Render(before, result.After));
            Assert.StartsWith("--- before\n+++ after\n@@ ", result.Diff, StringComparison.Ordinal);
            string[] lines = result.Diff.Split('\n');
            if (result.ChangedStatements.Count == 0 && policy != nameof(PolicyCorpus.SingleStatementObject))
            {
                // New statements go at the end; at most the closing brace of the statement before them "changes" (it
                // gains a comma), depending on how the longest common subsequence lines up.
                string[] removed = lines.Skip(2).Where(l => l.StartsWith('-')).ToArray();
                Assert.True(removed.Length <= 1 && removed.All(l => l == "-    }"), result.Diff);
                Assert.Contains(lines, l => l.Contains(s_ourSids[0], StringComparison.Ordinal) && l.StartsWith('+'));
            }
        }
    }

    /// <summary>The grant's result, or null for the two refusals the corpus is built to provoke, and only for those.</summary>
    private static GrantResult? TryGrant(string policy, string json, KeyAccessGrant grant)
    {
        try
        {
            return KeyPolicyEditor.Grant(json, grant);
        }
        catch (PolicyEditRefusedException e) when (e.Reason == PolicyRefusalReason.SizeLimitExceeded)
        {
            Assert.Equal(nameof(PolicyCorpus.NearLimit), policy);
            return null;
        }
        catch (PolicyEditRefusedException e) when (e.Reason == PolicyRefusalReason.ConflictingGrant)
        {
            // The corpus's existing grant to the trusted account has no kms:ViaService limit.
            Assert.Equal(nameof(PolicyCorpus.WithVaultCopyStatements), policy);
            Assert.NotNull(grant.ViaServiceRegion);
            return null;
        }
    }
}
