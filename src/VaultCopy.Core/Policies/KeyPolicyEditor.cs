using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace VaultCopy.Core.Policies;

/// <summary>
/// The safe merge behind Grant-VaultKeyAccess and Revoke-VaultKeyAccess. It reads the current key policy, adds or
/// removes only VaultCopy's own statements, and returns the document to write; it never writes anything itself.
/// </summary>
/// <remarks>
/// Sid scheme: one pair of statements per trusted account, <c>VaultCopyUseKey-&lt;account&gt;</c> and
/// <c>VaultCopyAttachPersistentResources-&lt;account&gt;</c> (the console's two key-user statements, "Allow use of the
/// key" and "Allow attachment of persistent resources"). Putting the account in the Sid keeps each account's grant
/// separate, so revoking one account can never touch another's statements, and no statement ever names principals of
/// two accounts. Only statements whose Sid is exactly one of these are ever edited or removed.
/// </remarks>
public static class KeyPolicyEditor
{
    public const string UseKeySidPrefix = "VaultCopyUseKey-";
    public const string AttachPersistentResourcesSidPrefix = "VaultCopyAttachPersistentResources-";

    private const string NotOurPrincipal = "its Principal no longer names only roles, users or the root of that account under \"AWS\"";

    private static readonly string[] s_useActions =
        ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

    private static readonly string[] s_attachActions = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"];

    private static readonly string[] s_useProperties = ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"];

    public static string UseKeySid(string trustedAccountId) => UseKeySidPrefix + trustedAccountId;

    public static string AttachPersistentResourcesSid(string trustedAccountId) =>
        AttachPersistentResourcesSidPrefix + trustedAccountId;

    /// <summary>
    /// Adds (or merges principals into) the account's two VaultCopy statements. Every other statement is kept exactly;
    /// granting what is already granted returns <see cref="PolicyEditResult.Changed"/> false and the input text.
    /// </summary>
    /// <exception cref="PolicyFormatException">The policy is not a readable policy document.</exception>
    /// <exception cref="PolicyEditRefusedException">The grant is unsafe or the result would be rejected.</exception>
    public static GrantResult Grant(string policyJson, KeyAccessGrant grant)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        ArgumentNullException.ThrowIfNull(grant);
        string account = grant.TrustedAccountId;
        RequireAccountId(account, "trusted account");
        if (!AwsIdentifiers.IsPartition(grant.Partition))
        {
            throw new PolicyEditRefusedException(PolicyRefusalReason.InvalidArgument, $"'{grant.Partition}' is not an AWS partition (aws, aws-cn, aws-us-gov, ...).");
        }

        if (grant.SameAccountKeyUsers && grant.KeyOwnerAccountId != account)
        {
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.InvalidArgument,
                $"A same-account key user grant needs the key's own account: the key belongs to {grant.KeyOwnerAccountId ?? "an unknown account"}, the principals to {account}.");
        }

        if (grant.KeyOwnerAccountId is not null)
        {
            RequireAccountId(grant.KeyOwnerAccountId, "key owner account");
            if (grant.KeyOwnerAccountId == account && !grant.SameAccountKeyUsers)
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.GrantToKeyOwner,
                    $"Account {account} owns the key: it needs no cross-account grant. Give its roles access with their IAM policies (the key policy's account statement delegates to IAM).");
            }
        }

        JsonObject? useCondition = ViaServiceCondition(grant.Partition, grant.ViaServiceRegion);
        List<string> principals = ValidatePrincipals(grant.Principals, account, grant.Partition);
        if (grant.SameAccountKeyUsers && (principals.Count == 0 || principals.Contains(AwsIdentifiers.RootArn(grant.Partition, account))))
        {
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.InvalidArgument,
                $"A same-account key user grant names roles or users of account {account}, never the account root: the key policy's account statement already governs the root.");
        }

        if (principals.Count == 0)
        {
            principals.Add(AwsIdentifiers.RootArn(grant.Partition, account));
        }

        KeyPolicyDocument document = KeyPolicyDocument.Parse(policyJson);
        var statements = document.Statements.ToList();
        var added = new List<string>();
        var changed = new List<string>();
        MergeInto(statements, UseKeySid(account), UseShape(account), s_useActions, useCondition, account, principals, added, changed, grant.ViaServiceRegion);
        MergeInto(statements, AttachPersistentResourcesSid(account), AttachShape(account), s_attachActions, StatementShape.GrantForAwsResourceCondition(), account, principals, added, changed, viaServiceRegion: null);

        if (added.Count == 0 && changed.Count == 0)
        {
            return new GrantResult(policyJson, policyJson, false, Encoding.UTF8.GetByteCount(policyJson), [], [], []);
        }

        KeyPolicyDocument result = document.WithStatements(statements);
        if (result.ByteSize > KeyPolicyDocument.MaxByteSize)
        {
            int limit = KeyPolicyDocument.MaxByteSize;
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.SizeLimitExceeded,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The key policy would be {result.ByteSize:N0} bytes, {result.ByteSize - limit:N0} over KMS's {limit:N0}-byte limit (it is {document.ByteSize:N0} bytes now, compact; this grant adds {result.ByteSize - document.ByteSize:N0}). ")
                + "Nothing was changed. Grant to the account root instead of individual roles, or remove statements that are no longer needed.");
        }

        return new GrantResult(policyJson, result.ToJson(), true, result.ByteSize, added, [], changed);
    }

    /// <summary>
    /// Removes what <see cref="Grant"/> added: named principals from the account's VaultCopy statements (a statement
    /// left without principals goes), or, with no principals named, both statements. Statements without a VaultCopy
    /// Sid are never touched; a policy with nothing to revoke comes back unchanged, as the same text.
    /// </summary>
    /// <exception cref="PolicyFormatException">The policy is not a readable policy document.</exception>
    /// <exception cref="PolicyEditRefusedException">The request is invalid, or a VaultCopy statement was edited into something removing could widen.</exception>
    public static RevokeResult Revoke(string policyJson, KeyAccessRevoke revoke)
    {
        ArgumentNullException.ThrowIfNull(policyJson);
        ArgumentNullException.ThrowIfNull(revoke);
        string account = revoke.TrustedAccountId;
        RequireAccountId(account, "trusted account");
        List<string> principals = ValidatePrincipals(revoke.Principals, account, partition: null);

        KeyPolicyDocument document = KeyPolicyDocument.Parse(policyJson);
        var statements = document.Statements.ToList();
        var removed = new List<string>();
        var changed = new List<string>();
        var warnings = new List<string>();
        StatementShape.RemoveNames(
            statements, [(UseKeySid(account), UseShape(account)), (AttachPersistentResourcesSid(account), AttachShape(account))], "key policy",
            principals, statement => ReadOwnPrincipals(statement, account)!,
            (statement, remaining) => StatementShape.WithProperty(statement, "Principal", AwsPrincipal(remaining)),
            removed, changed, warnings);

        if (removed.Count == 0 && changed.Count == 0)
        {
            return new RevokeResult(policyJson, policyJson, false, Encoding.UTF8.GetByteCount(policyJson), [], [], []) { Warnings = warnings };
        }

        KeyPolicyDocument result = document.WithStatements(statements);
        return new RevokeResult(policyJson, result.ToJson(), true, result.ByteSize, [], removed, changed) { Warnings = warnings };
    }

    private static void MergeInto(
        List<KeyPolicyStatement> statements, string sid, OwnStatementShape shape, string[] actions, JsonObject? condition, string account,
        List<string> principals, List<string> added, List<string> changed, string? viaServiceRegion)
    {
        int index = StatementShape.FindSingle(statements, sid, "key policy");
        if (index < 0)
        {
            statements.Add(new KeyPolicyStatement(NewStatement(sid, principals, actions, condition)));
            added.Add(sid);
            return;
        }

        JsonObject statement = statements[index].Node;
        CheckOwnShape(statement, sid, shape, condition, viaServiceRegion);
        List<string> existing = ReadOwnPrincipals(statement, account)!;
        var merged = existing.ToList();
        foreach (string principal in principals)
        {
            if (!merged.Contains(principal, StringComparer.Ordinal))
            {
                merged.Add(principal);
            }
        }

        if (merged.Count == existing.Count)
        {
            return;
        }

        statements[index] = new KeyPolicyStatement(StatementShape.WithProperty(statement, "Principal", AwsPrincipal(merged)));
        changed.Add(sid);
    }

    /// <summary>The shape VaultCopy writes for the account's use statement: with or without a kms:ViaService limit.</summary>
    private static OwnStatementShape UseShape(string account) =>
        OwnShape(account, s_useActions, condition => ReadViaServiceScope(condition) is not null);

    private static OwnStatementShape AttachShape(string account) =>
        OwnShape(account, s_attachActions, condition => StatementShape.ConditionsEqual(condition, StatementShape.GrantForAwsResourceCondition()));

    private static OwnStatementShape OwnShape(string account, string[] actions, Func<JsonNode?, bool> isOwnCondition) => new()
    {
        Properties = s_useProperties,
        ForeignElements = "NotPrincipal, NotAction, NotResource or others",
        Actions = actions,
        IsOwnResource = StatementShape.IsAnyResource,
        ResourceMismatch = "its Resource is not \"*\"",
        IsOwnPrincipal = statement => ReadOwnPrincipals(statement, account) is not null,
        PrincipalMismatch = NotOurPrincipal,
        IsOwnCondition = isOwnCondition,
    };

    private static void CheckOwnShape(JsonObject statement, string sid, OwnStatementShape shape, JsonObject? condition, string? viaServiceRegion)
    {
        if (shape.Mismatch(statement) is string why)
        {
            throw Modified(sid, why);
        }

        if (StatementShape.ConditionsEqual(statement["Condition"], condition))
        {
            return;
        }

        if (sid.StartsWith(UseKeySidPrefix, StringComparison.Ordinal) && ReadViaServiceScope(statement["Condition"]) is { } scope)
        {
            string existing = scope.Length == 0 ? "has no kms:ViaService limit" : $"is limited to EC2 and RDS in {scope}";
            string asked = viaServiceRegion is null ? "without a kms:ViaService limit" : $"limited to EC2 and RDS in {viaServiceRegion}";
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.ConflictingGrant,
                $"Statement {sid} {existing}, but this grant asks for access {asked}. Nothing was changed. "
                + "Revoke the account's access first, or grant with the same -ViaServiceRegion.");
        }

        throw Modified(sid, "its Condition is not the one VaultCopy writes");
    }

    /// <summary>The Region of a use statement VaultCopy wrote for some scope: "" for none, null when it is not ours.</summary>
    private static string? ReadViaServiceScope(JsonNode? condition)
    {
        if (condition is null)
        {
            return string.Empty;
        }

        if (condition is JsonObject { Count: 1 } operators && operators["StringEquals"] is JsonObject { Count: 1 } keys
            && keys["kms:ViaService"] is JsonNode values && PolicyJson.AsStringList(values) is [string first, _]
            && first.StartsWith("ec2.", StringComparison.Ordinal))
        {
            string region = first["ec2.".Length..].Split('.')[0];
            if (AwsIdentifiers.IsRegion(region) && StatementShape.ConditionsEqual(condition, ViaServiceCondition("aws", region)))
            {
                return region;
            }
        }

        return null;
    }

    /// <summary>
    /// The principals of one of our statements, in document order, or null when the Principal is not the shape we
    /// write: an "AWS" entry naming only the trusted account's root, roles and users (or the unique ids KMS leaves
    /// when one of them is deleted).
    /// </summary>
    private static List<string>? ReadOwnPrincipals(JsonObject statement, string account)
    {
        if (statement["Principal"] is not JsonObject { Count: 1 } principal || !principal.ContainsKey("AWS"))
        {
            return null;
        }

        List<string>? values = PolicyJson.AsStringList(principal["AWS"]);
        if (values is null || values.Count == 0)
        {
            return null;
        }

        foreach (string value in values)
        {
            bool ours = AwsIdentifiers.TryParseIamPrincipal(value, out _, out string valueAccount, out _) && valueAccount == account;
            if (!ours && !AwsIdentifiers.IsUniqueId(value))
            {
                return null;
            }
        }

        return values;
    }

    private static List<string> ValidatePrincipals(IReadOnlyList<string> principals, string account, string? partition)
    {
        ArgumentNullException.ThrowIfNull(principals);
        var result = new List<string>();
        foreach (string principal in principals)
        {
            if (string.IsNullOrWhiteSpace(principal))
            {
                throw new PolicyEditRefusedException(PolicyRefusalReason.InvalidArgument, "A principal is empty.");
            }

            if (AwsIdentifiers.HasWildcard(principal))
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.WildcardPrincipal,
                    $"Principal '{principal}' has a wildcard. VaultCopy never opens a key to everyone; name the account or its roles.");
            }

            if (!AwsIdentifiers.TryParseIamPrincipal(principal, out string principalPartition, out string principalAccount, out _))
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.InvalidArgument,
                    $"'{principal}' is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>); for a role session, name its role.");
            }

            if (principalAccount != account)
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.PrincipalOutsideTrustedAccount,
                    $"Principal '{principal}' belongs to account {principalAccount}, not to the trusted account {account}.");
            }

            if (partition is not null && principalPartition != partition)
            {
                throw new PolicyEditRefusedException(
                    PolicyRefusalReason.InvalidArgument, $"Principal '{principal}' is in partition {principalPartition}, not {partition}.");
            }

            if (!result.Contains(principal, StringComparer.Ordinal))
            {
                result.Add(principal);
            }
        }

        return result;
    }

    private static void RequireAccountId(string value, string what)
    {
        if (!AwsIdentifiers.IsAccountId(value))
        {
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.InvalidAccountId, $"The {what} id '{value}' is not an AWS account id (exactly 12 digits).");
        }
    }

    private static JsonObject NewStatement(string sid, IReadOnlyList<string> principals, string[] actions, JsonObject? condition)
    {
        var statement = new JsonObject
        {
            ["Sid"] = sid,
            ["Effect"] = "Allow",
            ["Principal"] = AwsPrincipal(principals),
            ["Action"] = PolicyJson.StringOrArray(actions),
            ["Resource"] = "*",
        };
        if (condition is not null)
        {
            statement["Condition"] = condition;
        }

        return statement;
    }

    private static JsonObject AwsPrincipal(IReadOnlyList<string> principals) => new() { ["AWS"] = PolicyJson.StringOrArray(principals) };

    private static JsonObject? ViaServiceCondition(string partition, string? region)
    {
        if (region is null)
        {
            return null;
        }

        if (!AwsIdentifiers.IsRegion(region))
        {
            throw new PolicyEditRefusedException(PolicyRefusalReason.InvalidArgument, $"'{region}' is not an AWS Region name (e.g. eu-west-1).");
        }

        // Service endpoints of the other partitions have other DNS suffixes whose kms:ViaService spelling we have not
        // confirmed; a wrong value would silently make the grant useless.
        if (partition is not ("aws" or "aws-us-gov"))
        {
            throw new PolicyEditRefusedException(
                PolicyRefusalReason.InvalidArgument,
                $"A kms:ViaService limit is only supported in the aws and aws-us-gov partitions, not {partition}; grant without -ViaServiceRegion.");
        }

        return new JsonObject
        {
            ["StringEquals"] = new JsonObject
            {
                ["kms:ViaService"] = new JsonArray($"ec2.{region}.amazonaws.com", $"rds.{region}.amazonaws.com"),
            },
        };
    }

    private static PolicyEditRefusedException Modified(string sid, string why) =>
        new(PolicyRefusalReason.VaultCopyStatementModified,
            $"Statement {sid} was changed outside VaultCopy: {why}. Nothing was changed; fix or remove that statement by hand, then try again.");
}
