using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VaultCopy.Core.Policies;

/// <summary>The kind of IAM identity an inline policy is attached to; IAM's size quota differs.</summary>
public enum IamPrincipalKind
{
    Role,
    User,
}

/// <summary>Which source keys the destination identity may use, and what IAM's quota has already used up.</summary>
public sealed class IdentityKeyAccess
{
    public IdentityKeyAccess(IReadOnlyList<string> keyArns)
    {
        ArgumentNullException.ThrowIfNull(keyArns);
        KeyArns = keyArns;
    }

    /// <summary>KMS key ARNs (arn:partition:kms:region:account:key/id), never aliases.</summary>
    public IReadOnlyList<string> KeyArns { get; }

    public IamPrincipalKind PrincipalKind { get; init; } = IamPrincipalKind.Role;

    /// <summary>
    /// <see cref="IdentityPolicyEditor.CountCharacters"/> summed over the identity's other inline policies: IAM's quota
    /// is on all of them together.
    /// </summary>
    public int OtherInlinePolicyCharacters { get; init; }

    public string PolicyName { get; init; } = IdentityPolicyEditor.DefaultPolicyName;
}

/// <summary>Which source keys to take back from the destination identity's inline policy.</summary>
public sealed class IdentityKeyRevoke
{
    public IdentityKeyRevoke(IReadOnlyList<string> keyArns)
    {
        ArgumentNullException.ThrowIfNull(keyArns);
        KeyArns = keyArns;
    }

    /// <summary>Key ARNs to remove; empty removes both VaultCopy statements whatever keys they name.</summary>
    public IReadOnlyList<string> KeyArns { get; }

    public string PolicyName { get; init; } = IdentityPolicyEditor.DefaultPolicyName;
}

/// <summary>
/// The identity side of cross-account key use (the destination's inline IAM policy), with the key policy editor's
/// discipline: only VaultCopy's two statements (<see cref="UseSourceKeysSid"/>, <see cref="GrantsForAwsResourcesSid"/>)
/// are edited, key ARNs are merged into their Resource, everything else is kept as written.
/// </summary>
public static partial class IdentityPolicyEditor
{
    public const string DefaultPolicyName = "VaultCopyKeyAccess";

    // IAM Sids are alphanumeric only, so no account suffix here: the policy belongs to one identity anyway.
    public const string UseSourceKeysSid = "VaultCopyUseSourceKeys";
    public const string GrantsForAwsResourcesSid = "VaultCopyGrantsForAwsResources";

    public const int RoleInlineCharacterLimit = 10_240;
    public const int UserInlineCharacterLimit = 2_048;

    private const string PolicyVersion = "2012-10-17";

    private static readonly string[] s_useActions = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncrypt*", "kms:GenerateDataKey*"];
    private static readonly string[] s_grantActions = ["kms:CreateGrant"];
    private static readonly string[] s_properties = ["Sid", "Effect", "Action", "Resource", "Condition"];

    private static readonly OwnStatementShape s_useShape = Shape(s_useActions, condition: null);
    private static readonly OwnStatementShape s_grantShape = Shape(s_grantActions, StatementShape.GrantForAwsResourceCondition());

    /// <summary>IAM's aggregate inline-policy quota for the kind of identity (docs/aws-behaviour.md §5.1).</summary>
    public static int CharacterLimit(IamPrincipalKind kind) =>
        kind == IamPrincipalKind.User ? UserInlineCharacterLimit : RoleInlineCharacterLimit;

    /// <summary>
    /// A policy's size as IAM's quota counts it, "non-whitespace characters". Whitespace inside string values is
    /// counted too, which can only overestimate: a policy this accepts IAM accepts.
    /// </summary>
    public static int CountCharacters(string policyJson)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        return PolicyJson.Minify(policyJson).Length;
    }

    /// <summary>
    /// Adds the key ARNs to VaultCopy's statements in the inline policy (creating it when
    /// <paramref name="existingPolicyJson"/> is null or empty). Granting what is granted changes nothing.
    /// </summary>
    /// <exception cref="PolicyFormatException">The existing policy is not a readable policy document.</exception>
    /// <exception cref="PolicyEditRefusedException">A key ARN is invalid, or IAM's size quota would be exceeded.</exception>
    public static IdentityPolicyEditResult Grant(string? existingPolicyJson, IdentityKeyAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        RequirePolicyName(access.PolicyName);
        if (access.OtherInlinePolicyCharacters < 0)
        {
            throw new PolicyEditRefusedException(PolicyRefusalReason.InvalidArgument, "The other inline policies' size cannot be negative.");
        }

        List<string> keyArns = ValidateKeyArns(access.KeyArns);
        if (keyArns.Count == 0)
        {
            throw new PolicyEditRefusedException(PolicyRefusalReason.InvalidArgument, "Name at least one source key ARN to grant.");
        }

        string before = existingPolicyJson ?? string.Empty;
        KeyPolicyDocument document = string.IsNullOrWhiteSpace(before)
            ? KeyPolicyDocument.CreateEmpty(PolicyVersion)
            : KeyPolicyDocument.Parse(before);
        var statements = document.Statements.ToList();
        var added = new List<string>();
        var changed = new List<string>();
        MergeInto(statements, UseSourceKeysSid, s_useShape, s_useActions, null, keyArns, added, changed);
        MergeInto(statements, GrantsForAwsResourcesSid, s_grantShape, s_grantActions, StatementShape.GrantForAwsResourceCondition(), keyArns, added, changed);

        int limit = CharacterLimit(access.PrincipalKind);
        if (added.Count == 0 && changed.Count == 0)
        {
            int same = CountCharacters(before);
            return new IdentityPolicyEditResult(access.PolicyName, before, before, false, false, same, same + access.OtherInlinePolicyCharacters, [], [], []);
        }

        string after = document.WithStatements(statements).ToJson();
        int characters = CountCharacters(after);
        int aggregate = characters + access.OtherInlinePolicyCharacters;
        if (aggregate > limit)
        {
            string kind = access.PrincipalKind == IamPrincipalKind.User ? "user" : "role";
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.SizeLimitExceeded,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The {kind}'s inline policies would total {aggregate:N0} characters, {aggregate - limit:N0} over IAM's {limit:N0}-character quota for a {kind} (this policy {characters:N0}, the others {access.OtherInlinePolicyCharacters:N0}). ")
                + "Nothing was changed. Use a managed policy, or remove inline policies that are no longer needed.");
        }

        return new IdentityPolicyEditResult(access.PolicyName, before, after, true, false, characters, aggregate, added, [], changed);
    }

    /// <summary>
    /// Removes key ARNs from VaultCopy's statements, and statements left with none. When no statement is left at all,
    /// <see cref="IdentityPolicyEditResult.DeletePolicy"/> is true.
    /// </summary>
    /// <exception cref="PolicyFormatException">The existing policy is not a readable policy document.</exception>
    /// <exception cref="PolicyEditRefusedException">A key ARN is invalid, or a VaultCopy statement was edited into something removing could widen.</exception>
    public static IdentityPolicyEditResult Revoke(string? existingPolicyJson, IdentityKeyRevoke revoke)
    {
        ArgumentNullException.ThrowIfNull(revoke);
        RequirePolicyName(revoke.PolicyName);
        List<string> keyArns = ValidateKeyArns(revoke.KeyArns);
        string before = existingPolicyJson ?? string.Empty;
        if (string.IsNullOrWhiteSpace(before))
        {
            return new IdentityPolicyEditResult(revoke.PolicyName, before, before, false, false, 0, 0, [], [], []);
        }

        KeyPolicyDocument document = KeyPolicyDocument.Parse(before);
        var statements = document.Statements.ToList();
        var removed = new List<string>();
        var changed = new List<string>();
        var warnings = new List<string>();
        StatementShape.RemoveNames(
            statements, [(UseSourceKeysSid, s_useShape), (GrantsForAwsResourcesSid, s_grantShape)], "inline policy",
            keyArns, statement => PolicyJson.AsStringList(statement["Resource"])!,
            (statement, remaining) => StatementShape.WithProperty(statement, "Resource", PolicyJson.StringOrArray(remaining)),
            removed, changed, warnings);

        if (removed.Count == 0 && changed.Count == 0)
        {
            int same = CountCharacters(before);
            return new IdentityPolicyEditResult(revoke.PolicyName, before, before, false, false, same, same, [], [], []) { Warnings = warnings };
        }

        if (statements.Count == 0)
        {
            return new IdentityPolicyEditResult(revoke.PolicyName, before, string.Empty, true, true, 0, 0, [], removed, changed) { Warnings = warnings };
        }

        string after = document.WithStatements(statements).ToJson();
        int characters = CountCharacters(after);
        return new IdentityPolicyEditResult(revoke.PolicyName, before, after, true, false, characters, characters, [], removed, changed) { Warnings = warnings };
    }

    private static void MergeInto(
        List<KeyPolicyStatement> statements, string sid, OwnStatementShape shape, string[] actions, JsonObject? condition, List<string> keyArns,
        List<string> added, List<string> changed)
    {
        int index = StatementShape.FindSingle(statements, sid, "inline policy");
        if (index < 0)
        {
            var statement = new JsonObject
            {
                ["Sid"] = sid,
                ["Effect"] = "Allow",
                ["Action"] = PolicyJson.StringOrArray(actions),
                ["Resource"] = PolicyJson.StringOrArray(keyArns),
            };
            if (condition is not null)
            {
                statement["Condition"] = condition;
            }

            statements.Add(new KeyPolicyStatement(statement));
            added.Add(sid);
            return;
        }

        JsonObject existingStatement = statements[index].Node;
        if (shape.Mismatch(existingStatement) is string why)
        {
            throw Modified(sid, why);
        }

        List<string> existing = PolicyJson.AsStringList(existingStatement["Resource"])!;
        var merged = existing.ToList();
        merged.AddRange(keyArns.Where(k => !existing.Contains(k, StringComparer.Ordinal)));
        if (merged.Count == existing.Count)
        {
            return;
        }

        statements[index] = new KeyPolicyStatement(StatementShape.WithProperty(existingStatement, "Resource", PolicyJson.StringOrArray(merged)));
        changed.Add(sid);
    }

    private static List<string> ValidateKeyArns(IReadOnlyList<string> keyArns)
    {
        ArgumentNullException.ThrowIfNull(keyArns);
        var result = new List<string>();
        foreach (string arn in keyArns)
        {
            if (arn is null || !AwsIdentifiers.IsKeyArn(arn))
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.InvalidKeyArn,
                    $"'{arn}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>). Aliases and wildcards are not accepted: cross-account grants need the key ARN.");
            }

            if (!result.Contains(arn, StringComparer.Ordinal))
            {
                result.Add(arn);
            }
        }

        return result;
    }

    private static void RequirePolicyName(string name)
    {
        if (name is null || !PolicyNamePattern().IsMatch(name))
        {
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.InvalidArgument, $"'{name}' is not an IAM policy name (1 to 128 of letters, digits and +=,.@_-).");
        }
    }

    /// <summary>What VaultCopy writes: these actions on a list of key ARNs, with this condition (or none).</summary>
    private static OwnStatementShape Shape(string[] actions, JsonObject? condition) => new()
    {
        Properties = s_properties,
        ForeignElements = "NotAction, NotResource, Principal or others",
        Actions = actions,
        IsOwnResource = resource => PolicyJson.AsStringList(resource) is { Count: > 0 } arns && arns.TrueForAll(r => AwsIdentifiers.IsKeyArn(r)),
        ResourceMismatch = "its Resource is no longer a list of KMS key ARNs",
        IsOwnCondition = actual => StatementShape.ConditionsEqual(actual, condition),
    };

    private static PolicyEditRefusedException Modified(string sid, string why) =>
        new(PolicyRefusalReason.VaultCopyStatementModified,
            $"Statement {sid} of the inline policy was changed outside VaultCopy: {why}. Nothing was changed; fix or remove that statement by hand, then try again.");

    [GeneratedRegex("^[A-Za-z0-9_+=,.@-]{1,128}$")]
    private static partial Regex PolicyNamePattern();
}
