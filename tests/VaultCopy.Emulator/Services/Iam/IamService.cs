using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Iam;

/// <summary>
/// AWS IAM (query protocol, 2010-05-08): users, roles, their inline and attached policies, and the policy simulator,
/// per aws-models/iam/service-2.json and aws-behaviour.md §5. IAM is global: requests must be signed for the
/// partition's global Region (us-east-1 in aws). Every operation is authorized against the caller's identity
/// policies (IAM has no resource policies), which the pipeline gathers per request, so a change made here applies
/// from the next request on.
/// </summary>
public sealed class IamService : IAwsService
{
    /// <summary>Aggregate inline-policy quotas in non-whitespace characters (aws-behaviour.md §5.1).</summary>
    public const int UserInlineQuota = 2048;

    public const int RoleInlineQuota = 10240;

    /// <summary>Roles under this path are service-linked: only AWS may change their policies.</summary>
    public const string ServiceLinkedRolePath = "/aws-service-role/";

    public string SigningName => "iam";

    public AwsProtocol Protocol => AwsProtocol.Query;

    public IReadOnlyCollection<string> Operations { get; } =
    [
        "GetUser", "GetRole",
        "PutRolePolicy", "PutUserPolicy", "GetRolePolicy", "GetUserPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
        "ListRolePolicies", "ListUserPolicies", "ListAttachedRolePolicies", "ListAttachedUserPolicies",
        "SimulatePrincipalPolicy",
    ];

    public Task<AwsResponse> HandleAsync(AwsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireGlobalScope(request);
        return Task.FromResult(request.Action switch
        {
            "GetUser" => GetUser(request),
            "GetRole" => GetRole(request),
            "PutRolePolicy" => PutInlinePolicy(request, EntityKind.Role),
            "PutUserPolicy" => PutInlinePolicy(request, EntityKind.User),
            "GetRolePolicy" => GetInlinePolicy(request, EntityKind.Role),
            "GetUserPolicy" => GetInlinePolicy(request, EntityKind.User),
            "DeleteRolePolicy" => DeleteInlinePolicy(request, EntityKind.Role),
            "DeleteUserPolicy" => DeleteInlinePolicy(request, EntityKind.User),
            "ListRolePolicies" => ListInlinePolicies(request, EntityKind.Role),
            "ListUserPolicies" => ListInlinePolicies(request, EntityKind.User),
            "ListAttachedRolePolicies" => ListAttachedPolicies(request, EntityKind.Role),
            "ListAttachedUserPolicies" => ListAttachedPolicies(request, EntityKind.User),
            "SimulatePrincipalPolicy" => IamPolicySimulator.Simulate(request),
            _ => throw request.UnknownAction(),
        });
    }

    /// <summary>
    /// Authorizes <c>iam:{Action}</c> on <paramref name="resourceArn"/> with the caller's identity policies. IAM's
    /// denial names the entity as "role NAME" / "user NAME" (<paramref name="shownResource"/>) for the entity
    /// operations and by ARN for the simulator.
    /// </summary>
    internal static void Authorize(AwsRequest request, string resourceArn, string shownResource, string? resourceAccount = null)
    {
        var authorization = request.CreateAuthorizationRequest(request.IamAction, resourceArn);
        var result = request.Evaluate(authorization, resourceAccount: resourceAccount);
        if (!result.IsAllowed)
        {
            throw AccessDeniedError.Query.Create(request.Caller.Arn, request.IamAction, shownResource, result.Decision, result.Reason);
        }
    }

    // The global endpoint only accepts the partition's global Region in the credential scope; SDKs sign IAM for
    // us-east-1, and anything else is refused as AWS refuses it (SignatureDoesNotMatch, 403).
    private static void RequireGlobalScope(AwsRequest request)
    {
        string expected = Model.Partitions.GlobalRegion(request.Caller.Partition);
        if (!string.Equals(request.Region, expected, StringComparison.Ordinal))
        {
            throw new AwsServiceException("SignatureDoesNotMatch", Model.Partitions.InvalidScopeRegionMessage(request.Region) + " ", 403);
        }
    }

    private static AwsResponse GetUser(AwsRequest request)
    {
        var errors = new ValidationErrors();
        string? userName = request.Parameters.Get("UserName");
        if (userName is not null)
        {
            IamInput.RequireName(errors, "UserName", userName, IamInput.ExistingUserNameMax);
        }

        errors.ThrowIfAny();
        var caller = request.Caller;
        lock (request.World.Sync)
        {
            var account = request.CallerAccount;
            if (userName is null)
            {
                switch (caller.Kind)
                {
                    case Model.CallerKind.AssumedRole:
                        // Without a name IAM takes the user from the access key; a role session has none.
                        throw new AwsServiceException("ValidationError", "Must specify userName when calling with non-User credentials");
                    case Model.CallerKind.Root:
                        // The root user is described without Path and UserName (it is not an IAM user).
                        return AwsResponse.Query(request, new XElement("User",
                            new XElement("UserId", account.Id),
                            new XElement("Arn", account.RootArn),
                            new XElement("CreateDate", AwsFormat.Iso8601Seconds(AccountCreateDate(account, request)))));
                    default:
                        userName = caller.User!.Name;
                        break;
                }
            }

            var user = account.Users.GetValueOrDefault(userName);
            Authorize(request, user?.Arn ?? EntityArn(account, EntityKind.User, userName), "user " + userName);
            if (user is null)
            {
                throw NoSuchEntity(EntityKind.User, userName);
            }

            return AwsResponse.Query(request, UserElement(user));
        }
    }

    private static AwsResponse GetRole(AwsRequest request)
    {
        var errors = new ValidationErrors();
        string? roleName = request.Parameters.Get("RoleName");
        IamInput.RequireName(errors, "RoleName", roleName, IamInput.EntityNameMax);
        errors.ThrowIfAny();
        lock (request.World.Sync)
        {
            var role = FindRole(request, roleName!);
            return AwsResponse.Query(request, new XElement("Role",
                new XElement("Path", role.Path),
                new XElement("RoleName", role.Name),
                new XElement("RoleId", role.RoleId),
                new XElement("Arn", role.Arn),
                new XElement("CreateDate", AwsFormat.Iso8601Seconds(role.CreateDate)),
                new XElement("AssumeRolePolicyDocument", IamInput.UrlEncode(role.TrustPolicy)),
                AwsFormat.Optional("Description", role.Description),
                new XElement("MaxSessionDuration", role.MaxSessionDuration),
                // The emulator does not track last use; AWS answers an unused role with an empty element.
                new XElement("RoleLastUsed")));
        }
    }

    private static AwsResponse PutInlinePolicy(AwsRequest request, EntityKind kind)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        string? entityName = ReadEntityName(p, errors, kind);
        string? policyName = p.Get("PolicyName");
        IamInput.RequireName(errors, "PolicyName", policyName, IamInput.PolicyNameMax);
        string? document = p.Get("PolicyDocument");
        IamInput.RequireDocument(errors, "PolicyDocument", document);
        errors.ThrowIfAny();

        lock (request.World.Sync)
        {
            var (entity, policies) = FindEntity(request, kind, entityName!);
            if (entity is IamRole role)
            {
                RequireModifiable(role);
            }

            if (CheckIdentityPolicy(document!) is { } problem)
            {
                throw IamInput.MalformedPolicyDocument(problem);
            }

            // The quota is on the entity's inline policies together, counting the new one in place of any it replaces.
            int quota = kind == EntityKind.Role ? RoleInlineQuota : UserInlineQuota;
            int size = policies.Where(pair => !string.Equals(pair.Key, policyName, StringComparison.Ordinal))
                .Sum(pair => IamInput.PolicySize(pair.Value)) + IamInput.PolicySize(document!);
            if (size > quota)
            {
                throw IamInput.LimitExceeded($"Maximum policy size of {quota} bytes exceeded for {KindWord(kind)} {EntityName(entity)}");
            }

            policies[policyName!] = document!;
            return AwsResponse.QueryWithoutResult(request);
        }
    }

    private static AwsResponse GetInlinePolicy(AwsRequest request, EntityKind kind)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        string? entityName = ReadEntityName(p, errors, kind);
        string? policyName = p.Get("PolicyName");
        IamInput.RequireName(errors, "PolicyName", policyName, IamInput.PolicyNameMax);
        errors.ThrowIfAny();

        lock (request.World.Sync)
        {
            var (entity, policies) = FindEntity(request, kind, entityName!);
            if (!policies.TryGetValue(policyName!, out var document))
            {
                throw NoSuchPolicy(kind, policyName!);
            }

            return AwsResponse.Query(request,
                new XElement(kind == EntityKind.Role ? "RoleName" : "UserName", EntityName(entity)),
                new XElement("PolicyName", policyName),
                new XElement("PolicyDocument", IamInput.UrlEncode(document)));
        }
    }

    private static AwsResponse DeleteInlinePolicy(AwsRequest request, EntityKind kind)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        string? entityName = ReadEntityName(p, errors, kind);
        string? policyName = p.Get("PolicyName");
        IamInput.RequireName(errors, "PolicyName", policyName, IamInput.PolicyNameMax);
        errors.ThrowIfAny();

        lock (request.World.Sync)
        {
            var (entity, policies) = FindEntity(request, kind, entityName!);
            if (entity is IamRole role)
            {
                RequireModifiable(role);
            }

            if (!policies.Remove(policyName!))
            {
                throw NoSuchPolicy(kind, policyName!);
            }

            return AwsResponse.QueryWithoutResult(request);
        }
    }

    private static AwsResponse ListInlinePolicies(AwsRequest request, EntityKind kind)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        string? entityName = ReadEntityName(p, errors, kind);
        var (marker, maxItems) = IamInput.ReadPaging(p, errors);
        errors.ThrowIfAny();

        lock (request.World.Sync)
        {
            var (_, policies) = FindEntity(request, kind, entityName!);
            var names = policies.Keys.Order(StringComparer.Ordinal).ToList();
            // ListRolePolicies/ListUserPolicies model no InvalidInput, so a foreign marker is a validation error.
            var (page, next) = IamInput.Page(names, marker, maxItems, IamInput.InvalidMarkerValidation);
            return AwsResponse.Query(request,
                AwsFormat.QueryList("PolicyNames", "member", page),
                IamInput.PagingElements(next));
        }
    }

    private static AwsResponse ListAttachedPolicies(AwsRequest request, EntityKind kind)
    {
        var p = request.Parameters;
        var errors = new ValidationErrors();
        // ListAttachedUserPolicies takes userNameType (1-64), unlike the other user operations (1-128).
        string? entityName = p.Get(kind == EntityKind.Role ? "RoleName" : "UserName");
        IamInput.RequireName(errors, kind == EntityKind.Role ? "RoleName" : "UserName", entityName, IamInput.EntityNameMax);
        string? pathPrefix = p.Get("PathPrefix");
        errors.CheckString("PathPrefix", pathPrefix, 1, 512, IamInput.PolicyPathPattern);
        var (marker, maxItems) = IamInput.ReadPaging(p, errors);
        errors.ThrowIfAny();

        lock (request.World.Sync)
        {
            var (entity, _) = FindEntity(request, kind, entityName!);
            var account = request.CallerAccount;
            var attached = (entity is IamRole role ? role.AttachedPolicies : ((IamUser)entity).AttachedPolicies)
                .Select(account.FindManagedPolicy)
                .OfType<ManagedPolicy>()
                .Where(policy => pathPrefix is null || policy.Path.StartsWith(pathPrefix, StringComparison.Ordinal))
                .ToList();
            var (page, next) = IamInput.Page(attached, marker, maxItems, () => IamInput.InvalidInput("Invalid Marker."));
            return AwsResponse.Query(request,
                new XElement("AttachedPolicies", page.Select(policy => new XElement("member",
                    new XElement("PolicyName", policy.Name),
                    new XElement("PolicyArn", policy.Arn)))),
                IamInput.PagingElements(next));
        }
    }

    /// <summary>
    /// Null when <paramref name="document"/> may be an identity-based inline policy; otherwise IAM's
    /// MalformedPolicyDocument message.
    /// </summary>
    internal static string? CheckIdentityPolicy(string document)
    {
        if (!PolicyDocument.TryParse(document, out var parsed, out string? error))
        {
            return error;
        }

        foreach (var statement in parsed.Statements)
        {
            if (statement.HasPrincipal)
            {
                return "Policy document should not specify a principal.";
            }

            if (!statement.HasResource)
            {
                return "Policy statement must contain resources.";
            }
        }

        return null;
    }

    internal static XElement UserElement(IamUser user) => new("User",
        new XElement("Path", user.Path),
        new XElement("UserName", user.Name),
        new XElement("UserId", user.UserId),
        new XElement("Arn", user.Arn),
        new XElement("CreateDate", AwsFormat.Iso8601Seconds(user.CreateDate)));

    internal static string EntityArn(Account account, EntityKind kind, string name) =>
        $"arn:{account.Partition}:iam::{account.Id}:{(kind == EntityKind.Role ? "role" : "user")}/{name}";

    internal static AwsServiceException NoSuchEntity(EntityKind kind, string name) =>
        IamInput.NoSuchEntity($"The {KindWord(kind)} with name {name} cannot be found.");

    private static AwsServiceException NoSuchPolicy(EntityKind kind, string policyName) =>
        IamInput.NoSuchEntity($"The {KindWord(kind)} policy with name {policyName} cannot be found.");

    private static string? ReadEntityName(QueryParameters p, ValidationErrors errors, EntityKind kind)
    {
        string member = kind == EntityKind.Role ? "RoleName" : "UserName";
        string? name = p.Get(member);
        IamInput.RequireName(errors, member, name, kind == EntityKind.Role ? IamInput.EntityNameMax : IamInput.ExistingUserNameMax);
        return name;
    }

    // Authorization comes first, on the entity's ARN (built from the name when it does not exist): IAM answers
    // AccessDenied rather than revealing whether an entity exists to a caller who may not look.
    private static IamRole FindRole(AwsRequest request, string roleName)
    {
        var account = request.CallerAccount;
        var role = account.Roles.GetValueOrDefault(roleName);
        Authorize(request, role?.Arn ?? EntityArn(account, EntityKind.Role, roleName), "role " + roleName);
        return role ?? throw NoSuchEntity(EntityKind.Role, roleName);
    }

    private static (object Entity, Dictionary<string, string> InlinePolicies) FindEntity(AwsRequest request, EntityKind kind, string name)
    {
        if (kind == EntityKind.Role)
        {
            var role = FindRole(request, name);
            return (role, role.InlinePolicies);
        }

        var account = request.CallerAccount;
        var user = account.Users.GetValueOrDefault(name);
        Authorize(request, user?.Arn ?? EntityArn(account, EntityKind.User, name), "user " + name);
        if (user is null)
        {
            throw NoSuchEntity(EntityKind.User, name);
        }

        return (user, user.InlinePolicies);
    }

    private static void RequireModifiable(IamRole role)
    {
        if (role.Path.StartsWith(ServiceLinkedRolePath, StringComparison.Ordinal))
        {
            throw IamInput.UnmodifiableEntity($"Cannot perform the operation on the protected role '{role.Name}' - this role is only modifiable by AWS");
        }
    }

    private static string EntityName(object entity) => entity is IamRole role ? role.Name : ((IamUser)entity).Name;

    private static string KindWord(EntityKind kind) => kind == EntityKind.Role ? "role" : "user";

    // The account's creation is not modelled; its oldest principal stands in for it.
    private static DateTimeOffset AccountCreateDate(Account account, AwsRequest request) =>
        account.Users.Values.Select(u => u.CreateDate).Concat(account.Roles.Values.Select(r => r.CreateDate))
            .DefaultIfEmpty(request.Clock.UtcNow).Min();
}

internal enum EntityKind
{
    User,
    Role,
}
