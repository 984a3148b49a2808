using System.Collections.Concurrent;
using System.Globalization;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services;

/// <summary>How a service reports a denial: its code, HTTP status, and whether the message names caller, action and reason.</summary>
public sealed record AccessDeniedError(string Code, int HttpStatus, bool Detailed)
{
    /// <summary>Query services (STS, IAM, RDS): <c>AccessDenied</c> 403 "User: … is not authorized to perform: … on resource: … because …".</summary>
    public static AccessDeniedError Query { get; } = new("AccessDenied", 403, true);

    /// <summary>EC2: <c>UnauthorizedOperation</c> 403 "You are not authorized to perform this operation.".</summary>
    public static AccessDeniedError Ec2 { get; } = new("UnauthorizedOperation", 403, false);

    /// <summary>KMS (JSON): <c>AccessDeniedException</c> 400 with the detailed message.</summary>
    public static AccessDeniedError Kms { get; } = new("AccessDeniedException", 400, true);

    public static AccessDeniedError For(AwsProtocol protocol) => protocol switch
    {
        AwsProtocol.Ec2 => Ec2,
        AwsProtocol.Json => Kms,
        _ => Query,
    };

    /// <summary>The exception for a denial. <paramref name="reason"/> null gives AWS's short form without "because …".</summary>
    public AwsServiceException Create(string callerArn, string action, string resource, PolicyDecision decision, string? reason)
    {
        if (!Detailed)
        {
            return new AwsServiceException(Code, "You are not authorized to perform this operation.", HttpStatus);
        }

        string message = $"User: {callerArn} is not authorized to perform: {action} on resource: {resource}";
        if (!string.IsNullOrWhiteSpace(reason))
        {
            message += " " + ReasonPhrase(decision, reason);
        }

        return new AwsServiceException(Code, message, HttpStatus);
    }

    // AWS words it "… with an explicit deny in …" or "… because no … policy allows …".
    private static string ReasonPhrase(PolicyDecision decision, string reason)
    {
        if (reason.StartsWith("with ", StringComparison.Ordinal) || reason.StartsWith("because ", StringComparison.Ordinal))
        {
            return reason;
        }

        return decision == PolicyDecision.ExplicitDeny
            ? (reason.StartsWith("an ", StringComparison.Ordinal) ? "with " : "with an ") + reason
            : "because " + reason;
    }
}

/// <summary>
/// Authorization for service plug-ins on top of the policy engine (Policy/): builds the request context for the
/// caller, evaluates identity policies (plus a resource policy of the given kind) and the caller's session
/// policy, and throws the service's access-denied error.
/// </summary>
public static class AwsAuthorization
{
    private const string AllowAllPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private static readonly ConcurrentDictionary<string, PolicyDocument> s_parsed = new(StringComparer.Ordinal);

    /// <summary>A parsed policy, cached by its text.</summary>
    /// <exception cref="MalformedPolicyException">The text is not a valid policy.</exception>
    public static PolicyDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (s_parsed.TryGetValue(json, out var document))
        {
            return document;
        }

        document = PolicyDocument.Parse(json);
        if (s_parsed.Count > 10000)
        {
            s_parsed.Clear();
        }

        s_parsed[json] = document;
        return document;
    }

    /// <summary>
    /// An <see cref="AuthorizationRequest"/> for the caller with the global condition keys AWS sets
    /// (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid, aws:username, aws:PrincipalOrgID,
    /// aws:SourceIdentity, aws:RequestedRegion, aws:CurrentTime, aws:EpochTime, aws:SecureTransport,
    /// aws:TokenIssueTime) plus <paramref name="context"/> (service keys such as kms:ViaService, sts:ExternalId).
    /// </summary>
    public static AuthorizationRequest CreateAuthorizationRequest(
        this AwsRequest request,
        string action,
        string resource,
        IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>? context = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = request.Caller;
        var now = request.Clock.UtcNow;
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:PrincipalArn"] = [caller.PrincipalArn],
            ["aws:PrincipalAccount"] = [caller.AccountId],
            ["aws:PrincipalType"] = [caller.PrincipalType],
            ["aws:userid"] = [caller.UserId],
            ["aws:RequestedRegion"] = [request.Region],
            ["aws:CurrentTime"] = [AwsFormat.Iso8601Seconds(now)],
            ["aws:EpochTime"] = [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
            ["aws:SecureTransport"] = ["false"],
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

        lock (request.World.Sync)
        {
            if (request.World.FindAccount(caller.AccountId) is { } account)
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
        }

        foreach (var pair in context ?? [])
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

    /// <summary>
    /// The decision for <paramref name="authorization"/>: identity policies (root: allowed in its own account)
    /// combined with <paramref name="resourcePolicy"/> per <paramref name="kind"/>, then bounded by the caller's
    /// session policy. <paramref name="resourceAccount"/> null means the caller's account.
    /// </summary>
    public static AuthorizationResult Evaluate(
        this AwsRequest request,
        AuthorizationRequest authorization,
        PolicyDocument? resourcePolicy = null,
        string? resourceAccount = null,
        ResourcePolicyKind kind = ResourcePolicyKind.None)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        var caller = request.Caller;
        IEnumerable<PolicyDocument> identity = caller.IsRoot
            ? [Parse(AllowAllPolicy)]
            : caller.IdentityPolicies.Select(Parse).ToList();
        var result = PolicyEvaluator.Authorize(authorization, identity, resourcePolicy, resourceAccount, kind);
        if (result.IsAllowed && caller.SessionPolicy is { } sessionPolicy)
        {
            // A session policy only narrows: the action must also be allowed by it (IAM "session policies").
            var decision = PolicyEvaluator.Evaluate(Parse(sessionPolicy), authorization, isResourcePolicy: false);
            if (decision != PolicyDecision.Allow)
            {
                result = decision == PolicyDecision.ExplicitDeny
                    ? new AuthorizationResult(PolicyDecision.ExplicitDeny, "explicit deny in a session policy")
                    : new AuthorizationResult(PolicyDecision.ImplicitDeny, $"no session policy allows the {authorization.Action} action");
            }
        }

        return result;
    }

    /// <summary>
    /// Authorizes <paramref name="action"/> on <paramref name="resource"/> or throws the service's denial
    /// (default by protocol: Query AccessDenied 403, EC2 UnauthorizedOperation 403, JSON AccessDeniedException 400).
    /// </summary>
    public static AuthorizationResult Authorize(
        this AwsRequest request,
        string action,
        string resource,
        IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>? context = null,
        PolicyDocument? resourcePolicy = null,
        string? resourceAccount = null,
        ResourcePolicyKind kind = ResourcePolicyKind.None,
        AccessDeniedError? error = null,
        bool includeReason = true)
    {
        ArgumentNullException.ThrowIfNull(request);
        var authorization = request.CreateAuthorizationRequest(action, resource, context);
        var result = request.Evaluate(authorization, resourcePolicy, resourceAccount, kind);
        if (!result.IsAllowed)
        {
            throw (error ?? AccessDeniedError.For(request.Protocol))
                .Create(request.Caller.Arn, action, resource, result.Decision, includeReason ? result.Reason : null);
        }

        return result;
    }
}
