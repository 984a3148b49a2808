using System.Collections.Concurrent;
using System.Globalization;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// Who calls KMS and how: the authenticated caller, the Region of the request, world time, and the integrated
/// service (e.g. <c>ec2.eu-west-1.amazonaws.com</c>) when a service calls on the caller's behalf (kms:ViaService).
/// </summary>
internal sealed record KmsCall(World World, Caller Caller, string Region, DateTimeOffset Now, string? ViaService = null)
{
    public Account? CallerAccount => World.FindAccount(Caller.AccountId);

    public static KmsCall From(AwsRequest request) => new(request.World, request.Caller, request.Region, request.Clock.UtcNow);
}

/// <summary>
/// KMS authorization (aws-behaviour.md §4.1–4.3, §5.4): the key policy must allow, directly or by naming the
/// account (which delegates to the caller's IAM policies); across accounts both must allow; an explicit deny in
/// either wins; a grant for the operation allows its grantee on its own. A role session's policy bounds the result.
/// </summary>
internal static class KmsAuthorizer
{
    private static readonly PolicyParseOptions s_keyPolicyOptions = new() { AllowStatementsWithoutAction = true };
    private static readonly ConcurrentDictionary<string, PolicyDocument> s_keyPolicies = new(StringComparer.Ordinal);

    /// <summary>The grant operation that stands for each action a grant can allow.</summary>
    private static readonly Dictionary<string, string> s_grantOperations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["kms:Decrypt"] = "Decrypt",
        ["kms:Encrypt"] = "Encrypt",
        ["kms:GenerateDataKey"] = "GenerateDataKey",
        ["kms:GenerateDataKeyWithoutPlaintext"] = "GenerateDataKeyWithoutPlaintext",
        ["kms:ReEncryptFrom"] = "ReEncryptFrom",
        ["kms:ReEncryptTo"] = "ReEncryptTo",
        ["kms:CreateGrant"] = "CreateGrant",
        ["kms:RetireGrant"] = "RetireGrant",
        ["kms:DescribeKey"] = "DescribeKey",
    };

    /// <summary>A stored key policy, parsed with the KMS grammar (statements without Action allowed) and cached.</summary>
    public static PolicyDocument ParseKeyPolicy(string json)
    {
        if (s_keyPolicies.TryGetValue(json, out var document))
        {
            return document;
        }

        document = PolicyDocument.Parse(json, s_keyPolicyOptions);
        if (s_keyPolicies.Count > 10000)
        {
            s_keyPolicies.Clear();
        }

        s_keyPolicies[json] = document;
        return document;
    }

    /// <summary>Evaluates <paramref name="action"/> on <paramref name="key"/>; <paramref name="policyOverride"/> replaces the key policy (lockout check).</summary>
    public static AuthorizationResult Evaluate(
        KmsCall call,
        KmsKey key,
        string action,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null,
        IReadOnlyDictionary<string, string>? encryptionContext = null,
        PolicyDocument? policyOverride = null)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["kms:KeySpec"] = [key.KeySpec],
            ["kms:KeyUsage"] = [key.KeyUsage],
            ["kms:KeyOrigin"] = [key.Origin],
            ["kms:MultiRegion"] = [AwsFormat.Bool(key.MultiRegion)],
        };
        var aliases = call.World.FindAccount(key.AccountId)?.Regions.GetValueOrDefault(key.Region)?.Kms.AliasesOf(key.KeyId)
            .Select(a => a.Name).ToList() ?? [];
        if (aliases.Count > 0)
        {
            context["kms:ResourceAliases"] = aliases;
        }

        foreach (var tag in key.Tags)
        {
            context["aws:ResourceTag/" + tag.Key] = [tag.Value];
        }

        if (encryptionContext is not null)
        {
            foreach (var pair in encryptionContext)
            {
                context["kms:EncryptionContext:" + pair.Key] = [pair.Value];
            }

            if (encryptionContext.Count > 0)
            {
                context["kms:EncryptionContextKeys"] = encryptionContext.Keys.ToList();
            }
        }

        foreach (var pair in extra ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            context[pair.Key] = pair.Value;
        }

        var request = CreateRequest(call, action, key.Arn, context);
        var identity = IdentityPolicies(call.Caller);
        var keyPolicy = policyOverride ?? ParseKeyPolicy(key.Policy);
        var result = PolicyEvaluator.Authorize(request, identity, keyPolicy, key.AccountId, ResourcePolicyKind.KeyPolicy);
        if (result.Decision == PolicyDecision.ExplicitDeny)
        {
            return result;
        }

        if (!result.IsAllowed && policyOverride is null && GrantAllows(call, key, action, encryptionContext, request, identity))
        {
            result = new AuthorizationResult(PolicyDecision.Allow, "allowed by a grant");
        }

        return BoundBySession(call.Caller, request, result);
    }

    /// <summary>Evaluates an action that only IAM policies govern (CreateKey, ListKeys, ListAliases, the alias side of CreateAlias).</summary>
    public static AuthorizationResult EvaluateIdentity(
        KmsCall call, string action, string resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null)
    {
        var request = CreateRequest(call, action, resource, extra);
        var result = PolicyEvaluator.Authorize(request, IdentityPolicies(call.Caller), null, null, ResourcePolicyKind.None);
        return BoundBySession(call.Caller, request, result);
    }

    /// <summary>Throws AccessDeniedException (HTTP 400) in AWS's wording unless <paramref name="result"/> allows.</summary>
    public static void Demand(KmsCall call, AuthorizationResult result, string action, string resource)
    {
        if (!result.IsAllowed)
        {
            throw AccessDeniedError.Kms.Create(call.Caller.Arn, action, resource, result.Decision, result.Reason);
        }
    }

    public static void Authorize(
        KmsCall call,
        KmsKey key,
        string action,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null,
        IReadOnlyDictionary<string, string>? encryptionContext = null) =>
        Demand(call, Evaluate(call, key, action, extra, encryptionContext), action, key.Arn);

    public static void AuthorizeIdentity(
        KmsCall call, string action, string resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra = null) =>
        Demand(call, EvaluateIdentity(call, action, resource, extra), action, resource);

    /// <summary>Whether the caller's identity policies alone allow (used where a grant or retiring principal names an account).</summary>
    public static bool IdentityAllows(KmsCall call, string action, string resource)
    {
        if (call.Caller.IsRoot)
        {
            return true;
        }

        var request = CreateRequest(call, action, resource, null);
        bool allowed = false;
        foreach (var document in IdentityPolicies(call.Caller))
        {
            switch (PolicyEvaluator.Evaluate(document, request, isResourcePolicy: false))
            {
                case PolicyDecision.ExplicitDeny:
                    return false;
                case PolicyDecision.Allow:
                    allowed = true;
                    break;
            }
        }

        return allowed;
    }

    /// <summary>Whether <paramref name="principal"/> (a grantee or retiring principal) names the caller.</summary>
    public static bool NamesCaller(KmsCall call, string? principal, string action, string resource)
    {
        if (principal is null)
        {
            return false;
        }

        var caller = call.Caller;
        if (principal == caller.PrincipalArn || principal == caller.Arn)
        {
            return true;
        }

        // An account as grantee delegates to the account's IAM policies, as the account principal does in a key policy.
        bool namesAccount = principal == caller.AccountId || principal == $"arn:{caller.Partition}:iam::{caller.AccountId}:root";
        return namesAccount && IdentityAllows(call, action, resource);
    }

    private static bool GrantAllows(
        KmsCall call,
        KmsKey key,
        string action,
        IReadOnlyDictionary<string, string>? encryptionContext,
        AuthorizationRequest request,
        IReadOnlyList<PolicyDocument> identity)
    {
        if (!s_grantOperations.TryGetValue(action, out string? operation))
        {
            return false;
        }

        foreach (var grant in key.Grants)
        {
            // A grant a service made for a copy serves that service only, never the caller's direct calls.
            if (grant.IsForAwsResource && grant.RetiringPrincipal != call.ViaService)
            {
                continue;
            }

            if (!grant.Operations.Contains(operation, StringComparer.Ordinal)
                || !NamesCaller(call, grant.GranteePrincipal, action, key.Arn)
                || !ConstraintsHold(grant, operation, encryptionContext))
            {
                continue;
            }

            // An explicit deny in the caller's own policies still wins over a grant.
            if (identity.Any(d => PolicyEvaluator.Evaluate(d, request, isResourcePolicy: false) == PolicyDecision.ExplicitDeny))
            {
                return false;
            }

            return true;
        }

        return false;
    }

    // Encryption context constraints apply to the cryptographic operations only (CreateGrant documentation);
    // a SourceArn constraint needs a request made for that resource, which direct calls never are.
    private static bool ConstraintsHold(KmsGrant grant, string operation, IReadOnlyDictionary<string, string>? encryptionContext)
    {
        if (grant.SourceArn is not null)
        {
            return false;
        }

        if (operation is "DescribeKey" or "RetireGrant" or "CreateGrant")
        {
            return true;
        }

        var given = encryptionContext ?? new Dictionary<string, string>();
        if (grant.EncryptionContextEquals is { } equals
            && (equals.Count != given.Count || equals.Any(p => !given.TryGetValue(p.Key, out string? v) || v != p.Value)))
        {
            return false;
        }

        return grant.EncryptionContextSubset is not { } subset
            || subset.All(p => given.TryGetValue(p.Key, out string? v) && v == p.Value);
    }

    private static AuthorizationResult BoundBySession(Caller caller, AuthorizationRequest request, AuthorizationResult result)
    {
        if (!result.IsAllowed || caller.SessionPolicy is not { } sessionPolicy)
        {
            return result;
        }

        // A session policy only narrows what the role's policies allow (IAM "session policies").
        var decision = PolicyEvaluator.Evaluate(AwsAuthorization.Parse(sessionPolicy), request, isResourcePolicy: false);
        return decision switch
        {
            PolicyDecision.Allow => result,
            PolicyDecision.ExplicitDeny => new AuthorizationResult(PolicyDecision.ExplicitDeny, "explicit deny in a session policy"),
            _ => new AuthorizationResult(PolicyDecision.ImplicitDeny, $"no session policy allows the {request.Action} action"),
        };
    }

    private static List<PolicyDocument> IdentityPolicies(Caller caller) =>
        caller.IsRoot ? [] : caller.IdentityPolicies.Select(AwsAuthorization.Parse).ToList();

    /// <summary>The request with the global keys AWS sets for the caller plus kms:CallerAccount and kms:ViaService.</summary>
    private static AuthorizationRequest CreateRequest(
        KmsCall call, string action, string resource, IReadOnlyDictionary<string, IReadOnlyList<string>>? extra)
    {
        var caller = call.Caller;
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:PrincipalArn"] = [caller.PrincipalArn],
            ["aws:PrincipalAccount"] = [caller.AccountId],
            ["aws:PrincipalType"] = [caller.PrincipalType],
            ["aws:userid"] = [caller.UserId],
            ["aws:RequestedRegion"] = [call.Region],
            ["aws:CurrentTime"] = [AwsFormat.Iso8601Seconds(call.Now)],
            ["aws:EpochTime"] = [call.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
            ["aws:SecureTransport"] = ["false"],
            ["kms:CallerAccount"] = [caller.AccountId],
        };
        if (caller.User is { } user)
        {
            keys["aws:username"] = [user.Name];
        }

        if (caller.Session is { } session)
        {
            keys["aws:TokenIssueTime"] = [AwsFormat.Iso8601Seconds(session.IssuedAt)];
            if (session.SourceIdentity is { } sourceIdentity)
            {
                keys["aws:SourceIdentity"] = [sourceIdentity];
            }

            foreach (var tag in session.Tags)
            {
                keys["aws:PrincipalTag/" + tag.Key] = [tag.Value];
            }
        }

        if (call.CallerAccount is { } account)
        {
            if (account.OrganizationId is { } org)
            {
                keys["aws:PrincipalOrgID"] = [org];
            }

            if (account.OrganizationPath is { } orgPath)
            {
                keys["aws:PrincipalOrgPaths"] = [orgPath];
            }
        }

        if (call.ViaService is { } via)
        {
            keys["kms:ViaService"] = [via];
        }

        foreach (var pair in extra ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            keys[pair.Key] = pair.Value;
        }

        return new AuthorizationRequest
        {
            Action = action,
            Resource = resource,
            PrincipalArn = caller.PrincipalArn,
            PrincipalAccount = caller.AccountId,
            SessionArn = caller.IsRoleSession ? caller.Arn : null,
            Context = keys,
        };
    }
}
