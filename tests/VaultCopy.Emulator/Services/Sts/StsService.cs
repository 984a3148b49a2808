using System.Globalization;
using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Sts;

/// <summary>
/// AWS STS (query protocol, 2011-06-15): GetCallerIdentity and AssumeRole, per aws-models/sts/service-2.json and
/// aws-behaviour.md §5.3.
/// </summary>
public sealed class StsService : IAwsService
{
    /// <summary>Role chaining caps a session at one hour (AssumeRole DurationSeconds documentation).</summary>
    public const int RoleChainingMaxSeconds = 3600;

    public const int DefaultDurationSeconds = 3600;

    // The model's patterns use \w; .NET's \w also matches non-ASCII letters, so spell out what AWS accepts.
    private const string SessionNamePattern = "[A-Za-z0-9_+=,.@-]*";
    private const string ExternalIdPattern = @"[A-Za-z0-9_+=,.@:\/-]*";
    private const string SessionPolicyPattern = "[\u0009\u000A\u000D\u0020-\u00FF]+";

    public string SigningName => "sts";

    public AwsProtocol Protocol => AwsProtocol.Query;

    public IReadOnlyCollection<string> Operations { get; } = ["GetCallerIdentity", "AssumeRole"];

    public Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(request.Action switch
        {
            "GetCallerIdentity" => GetCallerIdentity(request),
            "AssumeRole" => AssumeRole(request),
            _ => throw request.UnknownAction(),
        });
    }

    // Needs no permission, and an explicit deny cannot block it (GetCallerIdentity documentation): so no Authorize.
    private static AwsResponse GetCallerIdentity(AwsRequest request) =>
        AwsResponse.Query(request,
            new XElement("Arn", request.Caller.Arn),
            new XElement("UserId", request.Caller.UserId),
            new XElement("Account", request.Caller.AccountId));

    private static AwsResponse AssumeRole(AwsRequest request)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        string? roleArn = p.Get("RoleArn");
        string? sessionName = p.Get("RoleSessionName");
        if (roleArn is null)
        {
            errors.Add("RoleArn", null, "Member must not be null");
        }

        if (sessionName is null)
        {
            errors.Add("RoleSessionName", null, "Member must not be null");
        }

        errors.CheckString("RoleArn", roleArn, min: 20, max: 2048);
        errors.CheckString("RoleSessionName", sessionName, min: 2, max: 64, pattern: SessionNamePattern, patternText: @"[\w+=,.@-]*");
        int? duration = p.GetInt("DurationSeconds");
        errors.CheckRange("DurationSeconds", duration, 900, 43200);
        string? externalId = p.Get("ExternalId");
        errors.CheckString("ExternalId", externalId, min: 2, max: 1224, pattern: ExternalIdPattern, patternText: @"[\w+=,.@:\/-]*");
        string? sourceIdentity = p.Get("SourceIdentity");
        errors.CheckString("SourceIdentity", sourceIdentity, min: 2, max: 64, pattern: SessionNamePattern, patternText: @"[\w+=,.@-]*");
        string? policy = p.Get("Policy");
        errors.CheckString("Policy", policy, min: 1, max: 2048, pattern: SessionPolicyPattern, patternText: @"[\u0009\u000A\u000D\u0020-\u00FF]+");
        var tags = ReadTags(p, errors);
        errors.ThrowIfAny();

        if (sourceIdentity is not null && sourceIdentity.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            throw new AwsServiceException("ValidationError", "SourceIdentity cannot start with the reserved prefix 'aws:'.");
        }

        // MalformedPolicyDocument is the modelled error for a bad session policy.
        if (policy is not null && PolicyText.Check(policy, PolicyKind.Identity) is { } problem)
        {
            throw new AwsServiceException("MalformedPolicyDocument", problem);
        }

        var caller = request.Caller;
        if (caller.IsRoot)
        {
            throw new AwsServiceException("AccessDenied", "Roles may not be assumed by root accounts.", 403);
        }

        var world = request.World;
        lock (world.Sync)
        {
            if (!IsRoleArn(roleArn!))
            {
                throw new AwsServiceException("ValidationError", $"{roleArn} is not a valid role ARN: expected arn:aws:iam::123456789012:role/name.");
            }

            // A role that does not exist is refused exactly like one that does not trust the caller: AWS does not
            // reveal which roles exist.
            var role = world.FindRoleByArn(roleArn!);
            var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
            {
                ["sts:RoleSessionName"] = [sessionName!],
            };
            if (externalId is not null)
            {
                context["sts:ExternalId"] = [externalId];
            }

            string? effectiveSourceIdentity = caller.SourceIdentity ?? sourceIdentity;
            if (sourceIdentity is not null)
            {
                context["sts:SourceIdentity"] = [sourceIdentity];
            }

            foreach (var tag in tags)
            {
                context["aws:RequestTag/" + tag.Key] = [tag.Value];
            }

            if (tags.Count > 0)
            {
                context["aws:TagKeys"] = tags.Keys.ToList();
            }

            if (role is null)
            {
                throw AccessDeniedError.Query.Create(caller.Arn, "sts:AssumeRole", roleArn!, PolicyDecision.ImplicitDeny, null);
            }

            var trust = AwsAuthorization.Parse(role.TrustPolicy);
            AuthorizeAgainstTrust(request, "sts:AssumeRole", role, trust, context);
            if (sourceIdentity is not null && caller.SourceIdentity is null)
            {
                // Setting a source identity needs its own permission in the trust policy.
                AuthorizeAgainstTrust(request, "sts:SetSourceIdentity", role, trust, context);
            }

            if (tags.Count > 0)
            {
                AuthorizeAgainstTrust(request, "sts:TagSession", role, trust, context);
            }

            if (caller.SourceIdentity is not null && sourceIdentity is not null
                && !string.Equals(caller.SourceIdentity, sourceIdentity, StringComparison.Ordinal))
            {
                throw new AwsServiceException("ValidationError", "The source identity of a role session cannot be changed in a role chain.");
            }

            int seconds = duration ?? DefaultDurationSeconds;
            if (caller.IsRoleSession && seconds > RoleChainingMaxSeconds)
            {
                throw new AwsServiceException("ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
            }

            if (seconds > role.MaxSessionDuration)
            {
                throw new AwsServiceException("ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
            }

            var now = request.Clock.UtcNow;
            var session = new RoleSession
            {
                AccessKeyId = Ids.Random("ASIA", 16),
                SecretAccessKey = Ids.Secret(),
                SessionToken = Ids.SessionToken(),
                AccountId = role.AccountId,
                RoleArn = role.Arn,
                RoleName = role.Name,
                RoleId = role.RoleId,
                SessionName = sessionName!,
                IssuedAt = now,
                // STS timestamps have whole seconds.
                Expiration = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + seconds),
                AssumedBy = caller.Arn,
                IsChained = caller.IsRoleSession,
                SourceIdentity = effectiveSourceIdentity,
                ExternalId = externalId,
                SessionPolicy = policy,
                Tags = tags,
            };
            PruneSessions(world, now);
            world.Sessions[session.AccessKeyId] = session;

            int? packed = policy is null && tags.Count == 0
                ? null
                : (int)Math.Ceiling(((policy?.Length ?? 0) + tags.Sum(t => t.Key.Length + t.Value.Length)) * 100.0 / 2048);
            return AwsResponse.Query(request,
                AwsFormat.Optional("SourceIdentity", session.SourceIdentity),
                new XElement("AssumedRoleUser",
                    new XElement("AssumedRoleId", session.UserId),
                    new XElement("Arn", session.Arn)),
                new XElement("Credentials",
                    new XElement("AccessKeyId", session.AccessKeyId),
                    new XElement("SecretAccessKey", session.SecretAccessKey),
                    new XElement("SessionToken", session.SessionToken),
                    new XElement("Expiration", AwsFormat.Iso8601Seconds(session.Expiration))),
                AwsFormat.Optional("PackedPolicySize", packed?.ToString(CultureInfo.InvariantCulture)));
        }
    }

    // The trust policy is the role's resource policy: it must allow, and across accounts the caller's identity
    // policies must allow too (ResourcePolicyKind.TrustPolicy). AWS's message for a refused AssumeRole has no reason.
    private static void AuthorizeAgainstTrust(AwsRequest request, string action, IamRole role, PolicyDocument trust, Dictionary<string, IReadOnlyList<string>> context) =>
        request.Authorize(action, role.Arn, context, trust, role.AccountId, ResourcePolicyKind.TrustPolicy, AccessDeniedError.Query, includeReason: false);

    // Expired sessions stay for a day so their keys still answer ExpiredToken; after that they are forgotten.
    private static void PruneSessions(World world, DateTimeOffset now)
    {
        foreach (var stale in world.Sessions.Values.Where(s => s.Expiration < now - TimeSpan.FromDays(1)).ToList())
        {
            world.Sessions.Remove(stale.AccessKeyId);
        }
    }

    private static Dictionary<string, string> ReadTags(QueryParameters p, ValidationErrors errors)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var items = p.GetStructList("Tags", "member");
        if (items.Count > 50)
        {
            errors.Add("Tags", $"[{items.Count} tags]", "Member must have length less than or equal to 50");
        }

        foreach (var item in items)
        {
            string? key = item.Get("Key");
            string value = item.Get("Value") ?? string.Empty;
            errors.CheckString(item.Prefix + "Key", key, min: 1, max: 128);
            errors.CheckString(item.Prefix + "Value", value, max: 256);
            if (key is not null)
            {
                tags[key] = value;
            }
        }

        return tags;
    }

    private static bool IsRoleArn(string arn) =>
        Model.Arn.TryParse(arn, out var parsed)
        && parsed.Service == "iam"
        && parsed.Region.Length == 0
        && parsed.Account.Length == 12 && parsed.Account.All(char.IsAsciiDigit)
        && parsed.Resource.StartsWith("role/", StringComparison.Ordinal)
        && parsed.Resource.Length > "role/".Length;
}
