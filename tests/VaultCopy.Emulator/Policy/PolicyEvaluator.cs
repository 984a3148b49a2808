using System.Text.RegularExpressions;

namespace VaultCopy.Emulator.Policy;

/// <summary>The outcome of evaluating one document, with the statements that decided it.</summary>
/// <param name="Decision">ExplicitDeny, Allow or ImplicitDeny for this document alone.</param>
/// <param name="MatchedStatements">The matching Deny statements for ExplicitDeny, the matching Allow statements for
/// Allow, empty for ImplicitDeny.</param>
/// <param name="AllowIsAccountLevelOnly">Resource policies only: every matching Allow named the caller's account
/// (root ARN or bare account id) rather than the caller itself, which delegates the decision to IAM.</param>
public sealed record PolicyEvaluation(
    PolicyDecision Decision,
    IReadOnlyList<PolicyStatement> MatchedStatements,
    bool AllowIsAccountLevelOnly);

/// <summary>
/// AWS policy evaluation: per-document decisions and the combination of identity and resource policies. Not modelled:
/// SCPs/RCPs, permissions boundaries, session policies, KMS grants (the KMS service applies those itself).
/// </summary>
public static partial class PolicyEvaluator
{
    private enum PrincipalMatch
    {
        None,
        Account,
        Direct,
    }

    public static PolicyDecision Evaluate(PolicyDocument document, AuthorizationRequest request, bool isResourcePolicy)
        => EvaluateDetailed(document, request, isResourcePolicy).Decision;

    /// <summary>
    /// Evaluates one document. In a resource policy a statement applies only to the principals it names (a statement
    /// without Principal/NotPrincipal applies to nobody); in an identity policy Principal is ignored. A statement
    /// without Resource/NotResource applies to any resource (role trust policies have none).
    /// </summary>
    public static PolicyEvaluation EvaluateDetailed(PolicyDocument document, AuthorizationRequest request, bool isResourcePolicy)
    {
        ArgumentNullException.ThrowIfNull(document);
        return EvaluateCore(document, EvaluationContext.Create(request), isResourcePolicy, requireResourceElement: false);
    }

    /// <summary>
    /// Authorizes a request the way AWS combines identity-based policies with a resource-based policy of the given
    /// kind. <paramref name="resourceAccount"/> null means the resource is in the caller's account.
    /// </summary>
    public static AuthorizationResult Authorize(
        AuthorizationRequest request,
        IEnumerable<PolicyDocument> identityPolicies,
        PolicyDocument? resourcePolicy,
        string? resourceAccount,
        ResourcePolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identityPolicies);

        EvaluationContext context = EvaluationContext.Create(request);
        CallerIdentity caller = context.Caller;
        string action = request.Action;

        PolicyEvaluation identity = EvaluateIdentityPolicies(identityPolicies, context);
        if (identity.Decision == PolicyDecision.ExplicitDeny)
        {
            return Deny(PolicyDecision.ExplicitDeny, "explicit deny in an identity-based policy");
        }

        // KMS documents that a key-policy statement without Resource has no effect; in a trust policy it is the norm.
        PolicyEvaluation? resource = kind == ResourcePolicyKind.None || resourcePolicy is null
            ? null
            : EvaluateCore(resourcePolicy, context, isResourcePolicy: true,
                requireResourceElement: kind == ResourcePolicyKind.KeyPolicy);
        if (resource?.Decision == PolicyDecision.ExplicitDeny)
        {
            return Deny(PolicyDecision.ExplicitDeny, "explicit deny in a resource-based policy");
        }

        bool sameAccount = resourceAccount is null || string.Equals(resourceAccount, request.PrincipalAccount, StringComparison.Ordinal);
        bool resourceAllows = resource?.Decision == PolicyDecision.Allow;
        bool resourceAllowsDirectly = resourceAllows && !resource!.AllowIsAccountLevelOnly;
        // The root user has every identity permission in its own account; no IAM policy can be attached to it.
        bool identityAllows = caller.Kind == CallerKind.Root || identity.Decision == PolicyDecision.Allow;
        string noIdentityAllow = $"no identity-based policy allows the {action} action";
        string noResourceAllow = $"no resource-based policy allows the {action} action";

        // An AWS service principal has no identity policies: the resource policy alone speaks for it.
        if (caller.Kind == CallerKind.Service)
        {
            return resourceAllows ? Allow("allowed by a resource-based policy naming the service") : Deny(noResourceAllow);
        }

        switch (kind)
        {
            case ResourcePolicyKind.None:
                if (!sameAccount)
                {
                    return Deny(noResourceAllow);
                }

                return identityAllows ? Allow(IdentityAllowReason(caller)) : Deny(noIdentityAllow);

            case ResourcePolicyKind.Standard:
                if (sameAccount)
                {
                    if (identityAllows)
                    {
                        return Allow(IdentityAllowReason(caller));
                    }

                    // A resource policy naming only the account delegates to IAM, which did not allow.
                    return resourceAllowsDirectly ? Allow("allowed by a resource-based policy") : Deny(noIdentityAllow);
                }

                if (!resourceAllows)
                {
                    return Deny(noResourceAllow);
                }

                return identityAllows ? Allow("allowed by a resource-based policy and an identity-based policy") : Deny(noIdentityAllow);

            case ResourcePolicyKind.KeyPolicy:
            case ResourcePolicyKind.TrustPolicy:
                if (!resourceAllows)
                {
                    return Deny(noResourceAllow);
                }

                if (sameAccount && resourceAllowsDirectly)
                {
                    return Allow("allowed by a resource-based policy naming the caller");
                }

                return identityAllows
                    ? Allow("allowed by a resource-based policy and an identity-based policy")
                    : Deny(noIdentityAllow);

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown resource policy kind.");
        }
    }

    /// <summary>
    /// The AccessDenied message AWS writes, e.g. <c>User: arn:aws:iam::111122223333:user/bob is not authorized to
    /// perform: kms:Decrypt on resource: arn:aws:kms:… because no resource-based policy allows the kms:Decrypt
    /// action</c>. For a role session the session ARN is shown, as AWS does.
    /// </summary>
    public static string FormatAccessDeniedMessage(AuthorizationRequest request, AuthorizationResult result)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        string caller = EvaluationContext.Create(request).Caller.DisplayArn;
        string why = result.Decision == PolicyDecision.ExplicitDeny ? $"with an {result.Reason}" : $"because {result.Reason}";
        return $"User: {caller} is not authorized to perform: {request.Action} on resource: {request.Resource} {why}";
    }

    private static PolicyEvaluation EvaluateIdentityPolicies(IEnumerable<PolicyDocument> documents, EvaluationContext context)
    {
        var allows = new List<PolicyStatement>();
        var denies = new List<PolicyStatement>();
        foreach (PolicyDocument document in documents)
        {
            ArgumentNullException.ThrowIfNull(document);
            PolicyEvaluation evaluation = EvaluateCore(document, context, isResourcePolicy: false, requireResourceElement: false);
            (evaluation.Decision == PolicyDecision.ExplicitDeny ? denies : allows).AddRange(evaluation.MatchedStatements);
        }

        if (denies.Count > 0)
        {
            return new PolicyEvaluation(PolicyDecision.ExplicitDeny, denies, false);
        }

        return allows.Count > 0
            ? new PolicyEvaluation(PolicyDecision.Allow, allows, false)
            : new PolicyEvaluation(PolicyDecision.ImplicitDeny, [], false);
    }

    private static PolicyEvaluation EvaluateCore(
        PolicyDocument document, EvaluationContext context, bool isResourcePolicy, bool requireResourceElement)
    {
        var allows = new List<PolicyStatement>();
        var denies = new List<PolicyStatement>();
        bool anyDirectAllow = false;
        foreach (PolicyStatement statement in document.Statements)
        {
            if (!Applies(statement, document, context, isResourcePolicy, requireResourceElement, out PrincipalMatch match))
            {
                continue;
            }

            if (statement.Effect == PolicyEffect.Deny)
            {
                denies.Add(statement);
            }
            else
            {
                allows.Add(statement);
                anyDirectAllow |= match == PrincipalMatch.Direct;
            }
        }

        if (denies.Count > 0)
        {
            return new PolicyEvaluation(PolicyDecision.ExplicitDeny, denies, false);
        }

        return allows.Count > 0
            ? new PolicyEvaluation(PolicyDecision.Allow, allows, isResourcePolicy && !anyDirectAllow)
            : new PolicyEvaluation(PolicyDecision.ImplicitDeny, [], false);
    }

    private static bool Applies(
        PolicyStatement statement,
        PolicyDocument document,
        EvaluationContext context,
        bool isResourcePolicy,
        bool requireResourceElement,
        out PrincipalMatch match)
    {
        match = PrincipalMatch.Direct;
        if (!statement.HasAction || (requireResourceElement && !statement.HasResource))
        {
            return false;
        }

        if (isResourcePolicy)
        {
            if (statement.Principal is { } principal)
            {
                match = MatchPrincipal(principal, context);
                if (match == PrincipalMatch.None)
                {
                    return false;
                }
            }
            else if (statement.NotPrincipal is { } notPrincipal)
            {
                // Everyone but the excluded: as broad as "*", so it names the caller directly.
                if (IsExcluded(notPrincipal, context))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        return ActionMatches(statement, context.Request.Action)
            && ResourceMatches(statement, document, context)
            && ConditionEvaluator.AllHold(statement.Conditions, context, document.SupportsPolicyVariables);
    }

    private static bool ActionMatches(PolicyStatement statement, string action)
    {
        bool any = false;
        foreach (int[] pattern in statement.CompiledActions)
        {
            if (Wildcard.IsMatch(pattern, action, ignoreCase: true))
            {
                any = true;
                break;
            }
        }

        return statement.Action is not null ? any : !any;
    }

    private static bool ResourceMatches(PolicyStatement statement, PolicyDocument document, EvaluationContext context)
    {
        IReadOnlyList<string>? patterns = statement.Resource ?? statement.NotResource;
        if (patterns is null)
        {
            return true;
        }

        bool any = false;
        foreach (string raw in patterns)
        {
            int[]? pattern = document.SupportsPolicyVariables ? PolicyVariables.Resolve(raw, context) : Wildcard.Compile(raw);
            if (pattern is null)
            {
                // An unresolvable variable invalidates the statement, in Resource and NotResource alike.
                return false;
            }

            any |= Wildcard.IsArnMatch(pattern, context.Request.Resource);
        }

        return statement.Resource is not null ? any : !any;
    }

    private static PrincipalMatch MatchPrincipal(PolicyPrincipal principal, EvaluationContext context)
    {
        if (principal.IsEveryone)
        {
            return PrincipalMatch.Direct;
        }

        CallerIdentity caller = context.Caller;
        if (caller.Kind == CallerKind.Service)
        {
            return principal.Service.Contains(caller.ServicePrincipal!, StringComparer.OrdinalIgnoreCase)
                ? PrincipalMatch.Direct
                : PrincipalMatch.None;
        }

        var best = PrincipalMatch.None;
        foreach (string value in principal.Aws)
        {
            if (NamesAccount(value, caller))
            {
                best = PrincipalMatch.Account;
            }
            else if (caller.SpecificArns.Contains(value, StringComparer.Ordinal))
            {
                return PrincipalMatch.Direct;
            }
        }

        // Web-identity/SAML callers: the STS emulator passes the identity provider as PrincipalArn.
        if (caller.Kind == CallerKind.Unknown && principal.Federated.Contains(caller.PrincipalArn, StringComparer.Ordinal))
        {
            return PrincipalMatch.Direct;
        }

        return best;
    }

    /// <summary>
    /// NotPrincipal excludes a caller only when every level of its identity is listed: the account, then the user,
    /// or the role and (when known) its session. AWS may evaluate each level separately, which is why its
    /// documentation tells authors to list the account and role ARNs alongside the user or session.
    /// </summary>
    private static bool IsExcluded(PolicyPrincipal notPrincipal, EvaluationContext context)
    {
        if (notPrincipal.IsEveryone)
        {
            return true;
        }

        CallerIdentity caller = context.Caller;
        if (caller.Kind == CallerKind.Service)
        {
            return notPrincipal.Service.Contains(caller.ServicePrincipal!, StringComparer.OrdinalIgnoreCase);
        }

        return notPrincipal.Aws.Any(v => NamesAccount(v, caller))
            && caller.SpecificArns.All(arn => notPrincipal.Aws.Contains(arn, StringComparer.Ordinal));
    }

    /// <summary>A bare 12-digit account id or <c>arn:PARTITION:iam::ACCOUNT:root</c> in the caller's partition.</summary>
    private static bool NamesAccount(string value, CallerIdentity caller)
    {
        if (AccountId().IsMatch(value))
        {
            return value == caller.Account;
        }

        return Arn.TryParse(value, out Arn arn)
            && arn.Service == "iam"
            && arn.Resource == "root"
            && arn.Partition == caller.Partition
            && arn.Account == caller.Account;
    }

    private static string IdentityAllowReason(CallerIdentity caller) => caller.Kind == CallerKind.Root
        ? "allowed: the account root user has every identity-based permission in its account"
        : "allowed by an identity-based policy";

    private static AuthorizationResult Allow(string reason) => new(PolicyDecision.Allow, reason);

    private static AuthorizationResult Deny(string reason) => new(PolicyDecision.ImplicitDeny, reason);

    private static AuthorizationResult Deny(PolicyDecision decision, string reason) => new(decision, reason);

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountId();
}
