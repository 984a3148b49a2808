using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;

namespace VaultCopy.Core.Policies;

/// <summary>
/// A deliberately conservative reading of a key policy for the preflight (Test-VaultCopyPrereq). It never claims
/// <see cref="KeyAccessDecision.Allowed"/> unless an Allow certainly applies and no Deny can; whatever it cannot decide
/// from the policy and the known request context becomes <see cref="KeyAccessDecision.AllowedWithUnknownConditions"/>.
/// It reads the key policy only: grants and the caller's IAM policies are checked elsewhere.
/// </summary>
public static class KeyPolicyAnalyzer
{
    private enum Via
    {
        Account,
        Named,
    }

    /// <param name="keyPolicyJson">The key policy as GetKeyPolicy returns it.</param>
    /// <param name="keyOwnerAccountId">The key's account.</param>
    /// <param name="callerAccountId">The account that will use the key.</param>
    /// <param name="callerPrincipalArn">The caller's role, user or role-session ARN; null when only the account is known.</param>
    /// <param name="actions">Actions such as <c>kms:Decrypt</c>.</param>
    /// <param name="knownContext">
    /// Condition keys whose values are known for the request (e.g. <c>kms:ViaService</c>,
    /// <c>kms:GrantIsForAWSResource</c>); keys compare case-insensitively. <c>kms:CallerAccount</c> and
    /// <c>aws:PrincipalAccount</c> default to <paramref name="callerAccountId"/>.
    /// </param>
    /// <param name="keyArn">The key's ARN, to match statements whose Resource is not "*"; without it they are unknown.</param>
    /// <exception cref="PolicyFormatException">The policy is not a readable policy document.</exception>
    public static KeyAccessAssessment Assess(
        string keyPolicyJson, string keyOwnerAccountId, string callerAccountId, string? callerPrincipalArn,
        IReadOnlyCollection<string> actions, IReadOnlyDictionary<string, string> knownContext, string? keyArn = null)
    {
        ArgumentNullException.ThrowIfNull(keyPolicyJson);
        return Assess(KeyPolicyDocument.Parse(keyPolicyJson), keyOwnerAccountId, callerAccountId, callerPrincipalArn, actions, knownContext, keyArn);
    }

    /// <summary>
    /// <see cref="Assess(string, string, string, string?, IReadOnlyCollection{string}, IReadOnlyDictionary{string, string}, string?)"/>
    /// on a policy already read, for a preflight that asks about several callers.
    /// </summary>
    public static KeyAccessAssessment Assess(
        KeyPolicyDocument document, string keyOwnerAccountId, string callerAccountId, string? callerPrincipalArn,
        IReadOnlyCollection<string> actions, IReadOnlyDictionary<string, string> knownContext, string? keyArn = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(knownContext);
        RequireAccountId(keyOwnerAccountId, nameof(keyOwnerAccountId));
        RequireAccountId(callerAccountId, nameof(callerAccountId));

        var context = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, string> entry in knownContext)
        {
            context[entry.Key] = entry.Value;
        }

        // Always true of the caller, and what makes an AWS managed key (aws/ebs, aws/rds) unusable from another account.
        context.TryAdd("kms:CallerAccount", callerAccountId);
        context.TryAdd("aws:PrincipalAccount", callerAccountId);

        var caller = new Caller(callerAccountId, callerPrincipalArn);
        var results = new List<KeyActionAssessment>();
        foreach (string action in actions)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(action, nameof(actions));
        }

        foreach (string action in actions.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            results.Add(AssessAction(document, action, keyOwnerAccountId, caller, context, keyArn));
        }

        return new KeyAccessAssessment(results);
    }

    private static KeyActionAssessment AssessAction(
        KeyPolicyDocument document, string action, string owner, Caller caller, Dictionary<string, string> context, string? keyArn)
    {
        var allowYes = new List<(string Label, Via Via)>();
        var allowUnknown = new List<(string Label, Via Via)>();
        var denyYes = new List<string>();
        var denyUnknown = new List<string>();
        var allowUnknownKeys = new List<string>();
        var denyUnknownKeys = new List<string>();
        for (int i = 0; i < document.Statements.Count; i++)
        {
            KeyPolicyStatement statement = document.Statements[i];
            bool isDeny = statement.Effect == "Deny";
            if (!isDeny && statement.Effect != "Allow")
            {
                continue;
            }

            var keys = new List<string>();
            (PolicyMatch match, Via via) = Evaluate(statement.Node, isDeny, action, caller, context, keyArn, keys);
            string label = statement.Sid is { Length: > 0 } sid ? sid : $"#{i + 1}";
            switch (match, isDeny)
            {
                case (PolicyMatch.Yes, true):
                    denyYes.Add(label);
                    break;
                case (PolicyMatch.Unknown, true):
                    denyUnknown.Add(label);
                    denyUnknownKeys.AddRange(keys);
                    break;
                case (PolicyMatch.Yes, false):
                    allowYes.Add((label, via));
                    break;
                case (PolicyMatch.Unknown, false):
                    allowUnknown.Add((label, via));
                    allowUnknownKeys.AddRange(keys);
                    break;
            }
        }

        bool crossAccount = owner != caller.AccountId;
        if (denyYes.Count > 0)
        {
            return new KeyActionAssessment(
                action, KeyAccessDecision.Denied, true, false, false, [], denyYes, [],
                $"{action} is denied by key policy statement {Quote(denyYes)}.");
        }

        if (allowYes.Count > 0)
        {
            bool accountOnly = allowYes.TrueForAll(a => a.Via == Via.Account);
            string allowedBy = $"{action} is allowed by key policy statement {Quote(allowYes.Select(a => a.Label))}";
            string iamNote = crossAccount
                ? "; the caller's IAM policy must allow it too (cross-account)"
                : accountOnly ? "; the statement names the account, so the caller's IAM policy must allow it too" : string.Empty;
            if (denyUnknown.Count > 0)
            {
                return new KeyActionAssessment(
                    action, KeyAccessDecision.AllowedWithUnknownConditions, false, accountOnly, crossAccount || accountOnly,
                    allowYes.Select(a => a.Label).ToList(), denyUnknown, Distinct(denyUnknownKeys),
                    $"{allowedBy}{iamNote}, but statement {Quote(denyUnknown)} may deny it ({Unknowns(denyUnknownKeys)}).");
            }

            return new KeyActionAssessment(
                action, KeyAccessDecision.Allowed, false, accountOnly, crossAccount || accountOnly,
                allowYes.Select(a => a.Label).ToList(), [], [], allowedBy + iamNote + ".");
        }

        if (allowUnknown.Count > 0)
        {
            bool accountOnly = allowUnknown.TrueForAll(a => a.Via == Via.Account);
            List<string> unknownKeys = [.. allowUnknownKeys, .. denyUnknownKeys];
            return new KeyActionAssessment(
                action, KeyAccessDecision.AllowedWithUnknownConditions, false, accountOnly, crossAccount || accountOnly,
                allowUnknown.Select(a => a.Label).ToList(), denyUnknown, Distinct(unknownKeys),
                $"{action} is allowed by key policy statement {Quote(allowUnknown.Select(a => a.Label))} only if what cannot be checked here holds ({Unknowns(unknownKeys)}).");
        }

        return new KeyActionAssessment(
            action, KeyAccessDecision.Denied, false, false, false, [], [], [],
            $"No key policy statement allows {action} for {caller.Describe()}.");
    }

    /// <summary>Whether a statement applies to the request; Unknown when that depends on something not known.</summary>
    private static (PolicyMatch Match, Via Via) Evaluate(
        JsonObject statement, bool isDeny, string action, Caller caller, Dictionary<string, string> context, string? keyArn,
        List<string> unknownKeys)
    {
        // The action first: it is the cheapest test and rules most statements out.
        PolicyMatch result = MatchAction(statement, action);
        if (result == PolicyMatch.No)
        {
            return (PolicyMatch.No, Via.Named);
        }

        (PolicyMatch principal, Via via) = MatchPrincipal(statement, isDeny, caller, unknownKeys);
        result = Min(result, principal);
        if (result == PolicyMatch.No)
        {
            return (PolicyMatch.No, via);
        }

        result = Min(result, MatchResource(statement, keyArn, unknownKeys));
        if (result == PolicyMatch.No)
        {
            return (PolicyMatch.No, via);
        }

        return (Min(result, PolicyConditions.Evaluate(statement["Condition"], context, unknownKeys)), via);
    }

    private static (PolicyMatch, Via) MatchPrincipal(JsonObject statement, bool isDeny, Caller caller, List<string> notes)
    {
        if (statement.TryGetPropertyValue("NotPrincipal", out JsonNode? notPrincipal))
        {
            // Allow with NotPrincipal is too unusual to trust. For Deny, listing only the caller's account does not
            // exempt its roles and users (AWS asks for the principal and its account both), so the deny applies; a
            // caller listed by name may or may not be exempt (a role session must be listed by session too).
            if (!isDeny)
            {
                notes.Add("NotPrincipal");
                return (PolicyMatch.Unknown, Via.Named);
            }

            PolicyMatch listed = ListedIn(notPrincipal, caller);
            if (listed == PolicyMatch.Yes)
            {
                return (PolicyMatch.Yes, Via.Named);
            }

            notes.Add("NotPrincipal");
            return (PolicyMatch.Unknown, Via.Named);
        }

        if (!statement.TryGetPropertyValue("Principal", out JsonNode? principal))
        {
            return (PolicyMatch.No, Via.Named);
        }

        (PolicyMatch match, Via via) = MatchPrincipalValue(principal, caller);
        if (match == PolicyMatch.Unknown)
        {
            notes.Add("Principal");
        }

        return (match, via);
    }

    /// <summary>Whether a Deny's NotPrincipal leaves the caller under the deny: Yes certainly, Unknown otherwise.</summary>
    private static PolicyMatch ListedIn(JsonNode? notPrincipal, Caller caller)
    {
        if (PolicyJson.AsString(notPrincipal) == "*")
        {
            return PolicyMatch.Unknown;
        }

        if (notPrincipal is not JsonObject byType)
        {
            return PolicyMatch.Unknown;
        }

        bool byAccount = false;
        foreach (KeyValuePair<string, JsonNode?> entry in byType)
        {
            if (entry.Key != "AWS")
            {
                continue;
            }

            List<string>? values = PolicyJson.AsStringList(entry.Value);
            if (values is null)
            {
                return PolicyMatch.Unknown;
            }

            foreach (string value in values)
            {
                (PolicyMatch match, Via via) = caller.Matches(value);
                if (match != PolicyMatch.No && via == Via.Named)
                {
                    return PolicyMatch.Unknown;
                }

                byAccount |= match == PolicyMatch.Yes;
            }
        }

        return byAccount && caller.MightBeRoot ? PolicyMatch.Unknown : PolicyMatch.Yes;
    }

    private static (PolicyMatch, Via) MatchPrincipalValue(JsonNode? principal, Caller caller)
    {
        if (PolicyJson.AsString(principal) == "*")
        {
            return (PolicyMatch.Yes, Via.Named);
        }

        if (principal is not JsonObject byType)
        {
            return (PolicyMatch.Unknown, Via.Named);
        }

        PolicyMatch best = PolicyMatch.No;
        Via via = Via.Account;
        foreach (KeyValuePair<string, JsonNode?> entry in byType)
        {
            if (entry.Key != "AWS")
            {
                // Service, Federated and CanonicalUser principals are never an IAM caller.
                continue;
            }

            List<string>? values = PolicyJson.AsStringList(entry.Value);
            if (values is null)
            {
                return (PolicyMatch.Unknown, Via.Named);
            }

            foreach (string value in values)
            {
                (PolicyMatch match, Via valueVia) = caller.Matches(value);
                if (match > best || (match == best && match != PolicyMatch.No && valueVia == Via.Named))
                {
                    best = match;
                    via = valueVia;
                }
            }
        }

        return (best, via);
    }

    private static PolicyMatch MatchAction(JsonObject statement, string action)
    {
        bool negated = statement.ContainsKey("NotAction");
        JsonNode? node = negated ? statement["NotAction"] : statement["Action"];
        if (node is null)
        {
            return PolicyMatch.No;
        }

        List<string>? patterns = PolicyJson.AsStringList(node);
        if (patterns is null)
        {
            return PolicyMatch.Unknown;
        }

        bool any = patterns.Exists(p => PolicyWildcard.IsMatch(p, action, ignoreCase: true));
        return any != negated ? PolicyMatch.Yes : PolicyMatch.No;
    }

    private static PolicyMatch MatchResource(JsonObject statement, string? keyArn, List<string> notes)
    {
        bool negated = statement.ContainsKey("NotResource");
        JsonNode? node = negated ? statement["NotResource"] : statement["Resource"];
        if (node is null)
        {
            // AWS accepts a statement without Resource but it has no effect (docs/aws-behaviour.md §4.5).
            return PolicyMatch.No;
        }

        List<string>? patterns = PolicyJson.AsStringList(node);
        if (patterns is null)
        {
            notes.Add(negated ? "NotResource" : "Resource");
            return PolicyMatch.Unknown;
        }

        bool any;
        if (patterns.Contains("*"))
        {
            any = true;
        }
        else if (keyArn is not null)
        {
            any = patterns.Exists(p => PolicyWildcard.IsArnMatch(p, keyArn));
        }
        else
        {
            // In a key policy "*" means this key; a specific ARN might or might not be this one.
            notes.Add(negated ? "NotResource" : "Resource");
            return PolicyMatch.Unknown;
        }

        return any != negated ? PolicyMatch.Yes : PolicyMatch.No;
    }

    private static PolicyMatch Min(PolicyMatch a, PolicyMatch b) => a < b ? a : b;

    private static void RequireAccountId(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (!AwsIdentifiers.IsAccountId(value))
        {
            throw new ArgumentException($"'{value}' is not an AWS account id (12 digits).", name);
        }
    }

    private static List<string> Distinct(List<string> keys) => keys.Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string Quote(IEnumerable<string> labels) => string.Join(", ", labels.Select(l => $"'{l}'"));

    private static string Unknowns(List<string> keys)
    {
        List<string> distinct = Distinct(keys);
        return distinct.Count == 0 ? "an element that cannot be evaluated" : "unknown: " + string.Join(", ", distinct);
    }

    /// <summary>The caller as policies name it: the account root or bare id, or the role or user ARN.</summary>
    private sealed class Caller
    {
        private readonly string? _arn;
        private readonly string? _principalArn;
        private readonly (string Type, string Name)? _identity;

        public Caller(string accountId, string? arn)
        {
            AccountId = accountId;
            _arn = string.IsNullOrWhiteSpace(arn) ? null : arn;
            if (_arn is not null)
            {
                // A role session is named in policies by its role, whose ARN may carry a path the session ARN lacks.
                _principalArn = Arn.PrincipalOf(_arn);
                _identity = IsRootOf(_principalArn, accountId) ? ("root", string.Empty) : IdentityOf(_principalArn, accountId);
            }
        }

        public string AccountId { get; }

        /// <summary>The caller may be the account's root user itself rather than a role or user in it.</summary>
        public bool MightBeRoot => _arn is null || _identity is ("root", _);

        public string Describe() => _arn ?? $"account {AccountId}";

        public (PolicyMatch, Via) Matches(string value)
        {
            if (value == "*")
            {
                return (PolicyMatch.Yes, Via.Named);
            }

            if (value == AccountId || IsRootOf(value, AccountId))
            {
                return (PolicyMatch.Yes, Via.Account);
            }

            if (_arn is not null && (string.Equals(value, _arn, StringComparison.OrdinalIgnoreCase)
                || string.Equals(value, _principalArn, StringComparison.OrdinalIgnoreCase)))
            {
                return (PolicyMatch.Yes, Via.Named);
            }

            (string Type, string Name)? named = IdentityOf(value, AccountId);
            if (named is null)
            {
                return (PolicyMatch.No, Via.Named);
            }

            if (_identity is null)
            {
                // A role or user of the caller's account, and we do not know which one the caller is.
                return (PolicyMatch.Unknown, Via.Named);
            }

            // IAM names are unique per account whatever the path, and case-insensitive.
            bool same = named.Value.Type == _identity.Value.Type
                && string.Equals(named.Value.Name, _identity.Value.Name, StringComparison.OrdinalIgnoreCase);
            return (same ? PolicyMatch.Yes : PolicyMatch.No, Via.Named);
        }

        private static bool IsRootOf(string value, string accountId) =>
            AwsIdentifiers.TryParseIamPrincipal(value, out _, out string account, out bool isRoot) && isRoot && account == accountId;

        /// <summary>("role" or "user", name) of an IAM role or user ARN in the account; null for anything else.</summary>
        private static (string Type, string Name)? IdentityOf(string arn, string accountId)
        {
            if (!AwsIdentifiers.TryParseIamPrincipal(arn, out _, out string account, out bool isRoot) || isRoot || account != accountId)
            {
                return null;
            }

            string resource = Accounts.Arn.ParseOrNull(arn)!.Resource;
            int slash = resource.IndexOf('/', StringComparison.Ordinal);
            return (resource[..slash], resource[(resource.LastIndexOf('/') + 1)..]);
        }
    }
}
