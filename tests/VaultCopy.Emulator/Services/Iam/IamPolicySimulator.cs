using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Policy;
using VaultCopy.Emulator.Protocol;

namespace VaultCopy.Emulator.Services.Iam;

/// <summary>
/// SimulatePrincipalPolicy (aws-behaviour.md §5.2; SimulatePrincipalPolicyRequest and EvaluationResult in
/// aws-models/iam/service-2.json; the request/response examples of the IAM API Reference page
/// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html). It evaluates the identity
/// policies of a user or role (minus PolicyExclusionList, plus PolicyInputList), optionally bounded by one
/// permissions boundary and combined with one ResourcePolicy, for each action on each resource. Like AWS it never
/// looks at the resources themselves: without a ResourcePolicy only the identity side is simulated.
/// </summary>
internal static partial class IamPolicySimulator
{
    private const string Allowed = "allowed";
    private const string ExplicitDeny = "explicitDeny";
    private const string ImplicitDeny = "implicitDeny";

    // The ResourceHandlingOption scenarios the parameter's documentation lists. The emulator accepts them but does
    // not enforce which resources each scenario needs.
    private static readonly string[] s_resourceHandlingOptions =
        ["EC2-VPC-InstanceStore", "EC2-VPC-InstanceStore-Subnet", "EC2-VPC-EBS", "EC2-VPC-EBS-Subnet"];

    private static readonly string[] s_contextKeyTypes =
        ["string", "stringList", "numeric", "numericList", "boolean", "booleanList", "ip", "ipList", "binary", "binaryList", "date", "dateList"];

    private static readonly string[] s_exclusionPolicyTypes = ["inline", "aws-managed", "user-managed", "permission-boundary", "scp", "rcp"];

    private static readonly string[] s_attachmentTypes = ["user", "group", "role"];

    // Keys the policy engine supplies for the simulated caller itself (principal facts and the time), so they are
    // never reported as missing.
    private static readonly HashSet<string> s_suppliedKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalType", "aws:username", "aws:CurrentTime", "aws:EpochTime",
    };

    public static AwsResponse Simulate(AwsRequest request)
    {
        var input = ReadInput(request.Parameters);
        var sourceArn = ParseEntityArn(input.PolicySourceArn)
            ?? throw IamInput.InvalidInput($"Invalid Entity Arn: {input.PolicySourceArn} does not clearly define entity type and name.");

        lock (request.World.Sync)
        {
            // Authorized on the principal whose policies are disclosed, named by ARN in AWS's denial.
            IamService.Authorize(request, input.PolicySourceArn, input.PolicySourceArn, sourceArn.Account);
            var account = request.World.FindAccount(sourceArn.Account);
            var policies = new List<SimulatedPolicy>();
            string entityArn;
            string entityKind;
            switch (sourceArn.Kind)
            {
                case "user":
                    var user = account?.Users.GetValueOrDefault(sourceArn.Name)
                        ?? throw IamService.NoSuchEntity(EntityKind.User, sourceArn.Name);
                    entityArn = user.Arn;
                    entityKind = "user";
                    AddEntityPolicies(policies, account!, "user", user.Name, user.InlinePolicies, user.AttachedPolicies, input.Exclusions);
                    break;
                case "role":
                    var role = account?.Roles.GetValueOrDefault(sourceArn.Name)
                        ?? throw IamService.NoSuchEntity(EntityKind.Role, sourceArn.Name);
                    entityArn = role.Arn;
                    entityKind = "role";
                    AddEntityPolicies(policies, account!, "role", role.Name, role.InlinePolicies, role.AttachedPolicies, input.Exclusions);
                    break;
                default:
                    // The world has no IAM groups.
                    throw IamInput.NoSuchEntity($"The group with name {sourceArn.Name} cannot be found.");
            }

            return Evaluate(request, input, policies, entityArn, entityKind);
        }
    }

    private static AwsResponse Evaluate(
        AwsRequest request, SimulationInput input, List<SimulatedPolicy> identity, string entityArn, string entityKind)
    {
        for (int i = 0; i < input.PolicyInputList.Count; i++)
        {
            string text = input.PolicyInputList[i];
            if (IamService.CheckIdentityPolicy(text) is { } problem)
            {
                throw IamInput.InvalidInput($"Invalid policy document in PolicyInputList.{i + 1}: {problem}");
            }

            identity.Add(new SimulatedPolicy($"PolicyInputList.{i + 1}", "none", text));
        }

        SimulatedPolicy? boundary = null;
        if (input.Boundaries.Count > 1)
        {
            throw IamInput.InvalidInput("Only one permissions boundary policy can be simulated at a time.");
        }

        if (input.Boundaries.Count == 1 && !input.Exclusions.Any(e => e.PolicyType == "permission-boundary"))
        {
            if (IamService.CheckIdentityPolicy(input.Boundaries[0]) is { } problem)
            {
                throw IamInput.InvalidInput($"Invalid policy document in PermissionsBoundaryPolicyInputList.1: {problem}");
            }

            boundary = new SimulatedPolicy("PermissionsBoundaryPolicyInputList.1", "none", input.Boundaries[0]);
        }

        SimulatedPolicy? resourcePolicy = null;
        if (input.ResourcePolicy is { } resourceText)
        {
            if (!PolicyDocument.TryParse(resourceText, out _, out string? problem))
            {
                throw IamInput.InvalidInput($"Invalid policy document in ResourcePolicy: {problem}");
            }

            resourcePolicy = new SimulatedPolicy("ResourcePolicy", "resource", resourceText);
        }

        // The simulated caller: CallerArn, else the principal itself. A resource policy needs a user to match its
        // Principal element against (SimulatePrincipalPolicy documentation, CallerArn).
        string callerArn = entityArn;
        string callerKind = entityKind;
        if (input.CallerArn is { } given)
        {
            var parsed = ParseEntityArn(given);
            if (parsed is null || parsed.Kind == "group")
            {
                throw IamInput.InvalidInput($"Invalid CallerArn: {given} must be the ARN of an IAM user or role.");
            }

            callerArn = given;
            callerKind = parsed.Kind;
        }

        if (resourcePolicy is not null && callerKind != "user")
        {
            throw IamInput.InvalidInput("Invalid caller - Caller must be an IAM user in this context.");
        }

        string callerAccount = ParseEntityArn(callerArn)!.Account;
        string? ownerAccount = input.ResourceOwner is null ? null : ParseAccount(input.ResourceOwner)
            ?? throw IamInput.InvalidInput($"Invalid ResourceOwner: {input.ResourceOwner} is not an account ID or an account root ARN.");
        var context = ReadContext(input.ContextEntries);

        var results = new List<XElement>();
        foreach (string action in input.ActionNames)
        {
            foreach (string resource in input.ResourceArns)
            {
                var authorization = new AuthorizationRequest
                {
                    Action = action,
                    Resource = resource,
                    PrincipalArn = callerArn,
                    PrincipalAccount = callerAccount,
                    Context = context,
                };
                // The account that owns the resource: named in its ARN, else ResourceOwner, else the caller's.
                string resourceAccount = AccountInArn(resource) ?? ownerAccount ?? callerAccount;
                results.Add(EvaluatePair(authorization, identity, boundary, resourcePolicy, resourceAccount, context));
            }
        }

        var (page, next) = IamInput.Page(results, input.Marker, input.MaxItems, () => IamInput.InvalidInput("Invalid Marker."));
        return AwsResponse.Query(request,
            new XElement("EvaluationResults", page),
            IamInput.PagingElements(next));
    }

    private static XElement EvaluatePair(
        AuthorizationRequest authorization,
        List<SimulatedPolicy> identity,
        SimulatedPolicy? boundary,
        SimulatedPolicy? resourcePolicy,
        string resourceAccount,
        IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        var identityEvaluations = identity.Select(p => (Policy: p, Result: PolicyEvaluator.EvaluateDetailed(p.Document, authorization, isResourcePolicy: false))).ToList();
        var identityDecision = Combine(identityEvaluations.Select(e => e.Result.Decision));
        var boundaryEvaluation = boundary is null ? null : PolicyEvaluator.EvaluateDetailed(boundary.Document, authorization, isResourcePolicy: false);
        var resourceEvaluation = resourcePolicy is null ? null : PolicyEvaluator.EvaluateDetailed(resourcePolicy.Document, authorization, isResourcePolicy: true);

        bool crossAccount = !string.Equals(resourceAccount, authorization.PrincipalAccount, StringComparison.Ordinal);
        PolicyDecision decision = resourcePolicy is null
            ? identityDecision
            : PolicyEvaluator.Authorize(authorization, identity.Select(p => p.Document), resourcePolicy.Document, resourceAccount, ResourcePolicyKind.Standard).Decision;
        if (boundaryEvaluation is not null)
        {
            // A permissions boundary only narrows: an explicit deny in it wins, and without its allow nothing is allowed.
            if (boundaryEvaluation.Decision == PolicyDecision.ExplicitDeny)
            {
                decision = PolicyDecision.ExplicitDeny;
            }
            else if (decision == PolicyDecision.Allow && boundaryEvaluation.Decision != PolicyDecision.Allow)
            {
                decision = PolicyDecision.ImplicitDeny;
            }
        }

        // The statements that decided: the denies for an explicit deny, the allows of the identity and resource
        // policies for an allow, none for an implicit deny (IAM API Reference, EvaluationResult.MatchedStatements).
        var matched = new List<XElement>();
        if (decision != PolicyDecision.ImplicitDeny)
        {
            var wanted = decision;
            foreach (var (policy, result) in identityEvaluations)
            {
                if (result.Decision == wanted)
                {
                    matched.AddRange(result.MatchedStatements.Select(s => StatementElement(policy, s)));
                }
            }

            if (resourceEvaluation?.Decision == wanted)
            {
                matched.AddRange(resourceEvaluation.MatchedStatements.Select(s => StatementElement(resourcePolicy!, s)));
            }

            if (wanted == PolicyDecision.ExplicitDeny && boundaryEvaluation?.Decision == PolicyDecision.ExplicitDeny)
            {
                matched.AddRange(boundaryEvaluation.MatchedStatements.Select(s => StatementElement(boundary!, s)));
            }
        }

        var evaluated = identity.Concat(new[] { boundary, resourcePolicy }.OfType<SimulatedPolicy>());
        var missing = MissingContextKeys(evaluated, authorization, context);
        bool specificResource = authorization.Resource != "*";

        // EvalDecisionDetails: per policy type across accounts (the types that took part); present but empty for a
        // same-account simulation of a specific resource; absent for a same-account simulation of "*"
        // (EvaluationResult documentation; key names from the cross-account example of the API Reference).
        XElement? details = null;
        if (crossAccount)
        {
            details = new XElement("EvalDecisionDetails",
                Entry("IAM Policy", identityDecision),
                resourceEvaluation is null ? null : Entry("Resource Policy", resourceEvaluation.Decision),
                boundaryEvaluation is null ? null : Entry("Permissions Boundary Policy", boundaryEvaluation.Decision));
        }
        else if (specificResource)
        {
            details = new XElement("EvalDecisionDetails");
        }

        XElement? boundaryDetail = boundaryEvaluation is null
            ? null
            : new XElement("PermissionsBoundaryDecisionDetail",
                new XElement("AllowedByPermissionsBoundary", AwsFormat.Bool(boundaryEvaluation.Decision == PolicyDecision.Allow)));

        XElement? resourceSpecific = specificResource
            ? new XElement("ResourceSpecificResults", new XElement("member",
                new XElement("EvalResourceName", authorization.Resource),
                new XElement("EvalResourceDecision", DecisionText(decision)),
                new XElement("MatchedStatements", matched.Select(m => new XElement(m))),
                AwsFormat.QueryList("MissingContextValues", "member", missing),
                details is null ? null : new XElement(details),
                boundaryDetail is null ? null : new XElement(boundaryDetail)))
            : null;

        return new XElement("member",
            new XElement("EvalActionName", authorization.Action),
            new XElement("EvalResourceName", authorization.Resource),
            new XElement("EvalDecision", DecisionText(decision)),
            new XElement("MatchedStatements", matched),
            AwsFormat.QueryList("MissingContextValues", "member", missing),
            details,
            boundaryDetail,
            resourceSpecific);
    }

    /// <summary>
    /// Best effort: the condition keys of every statement whose action and resource match the simulated pair,
    /// whatever its effect, that ContextEntries did not supply and the engine does not supply for the caller.
    /// </summary>
    private static List<string> MissingContextKeys(
        IEnumerable<SimulatedPolicy> policies, AuthorizationRequest authorization, IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        var missing = new List<string>();
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Document.Statements)
            {
                if (statement.Conditions.Count == 0 || !ActionMatches(statement, authorization.Action) || !ResourceMatches(statement, authorization.Resource))
                {
                    continue;
                }

                foreach (var condition in statement.Conditions)
                {
                    if (!context.ContainsKey(condition.Key) && !s_suppliedKeys.Contains(condition.Key)
                        && !missing.Contains(condition.Key, StringComparer.OrdinalIgnoreCase))
                    {
                        missing.Add(condition.Key);
                    }
                }
            }
        }

        return missing;
    }

    private static bool ActionMatches(PolicyStatement statement, string action)
    {
        bool any = statement.CompiledActions.Any(pattern => Wildcard.IsMatch(pattern, action, ignoreCase: true));
        return statement.Action is not null ? any : !any;
    }

    private static bool ResourceMatches(PolicyStatement statement, string resource)
    {
        var patterns = statement.Resource ?? statement.NotResource;
        if (patterns is null)
        {
            return true;
        }

        // Policy variables are not resolved here; a pattern holding one is taken to match.
        bool any = patterns.Any(p => p.Contains("${", StringComparison.Ordinal) || Wildcard.IsArnMatch(Wildcard.Compile(p), resource));
        return statement.Resource is not null ? any : !any;
    }

    private static XElement StatementElement(SimulatedPolicy policy, PolicyStatement statement)
    {
        var element = new XElement("member",
            new XElement("SourcePolicyId", policy.Id),
            new XElement("SourcePolicyType", policy.Type));
        if (statement.Index < policy.Positions.Count)
        {
            var (start, end) = policy.Positions[statement.Index];
            element.Add(
                new XElement("StartPosition", new XElement("Line", start.Line), new XElement("Column", start.Column)),
                new XElement("EndPosition", new XElement("Line", end.Line), new XElement("Column", end.Column)));
        }

        return element;
    }

    private static XElement Entry(string key, PolicyDecision decision) =>
        new("entry", new XElement("key", key), new XElement("value", DecisionText(decision)));

    private static string DecisionText(PolicyDecision decision) => decision switch
    {
        PolicyDecision.Allow => Allowed,
        PolicyDecision.ExplicitDeny => ExplicitDeny,
        _ => ImplicitDeny,
    };

    private static PolicyDecision Combine(IEnumerable<PolicyDecision> decisions)
    {
        var list = decisions.ToList();
        return list.Contains(PolicyDecision.ExplicitDeny) ? PolicyDecision.ExplicitDeny
            : list.Contains(PolicyDecision.Allow) ? PolicyDecision.Allow
            : PolicyDecision.ImplicitDeny;
    }

    private static void AddEntityPolicies(
        List<SimulatedPolicy> policies,
        Account account,
        string attachmentType,
        string entityName,
        Dictionary<string, string> inline,
        List<string> attached,
        IReadOnlyList<PolicyExclusion> exclusions)
    {
        foreach (var (name, text) in inline.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            bool excluded = exclusions.Any(e => e.PolicyType == "inline"
                || (e.InlinePolicyName is not null
                    && string.Equals(e.InlinePolicyName, name, StringComparison.Ordinal)
                    && e.AttachmentType == attachmentType
                    && string.Equals(e.AttachmentName, entityName, StringComparison.OrdinalIgnoreCase)));
            if (!excluded)
            {
                policies.Add(new SimulatedPolicy(name, attachmentType, text));
            }
        }

        foreach (string arn in attached)
        {
            if (account.FindManagedPolicy(arn) is not { } policy)
            {
                continue;
            }

            string type = policy.Arn.Split(':')[4] == "aws" ? "aws-managed" : "user-managed";
            bool excluded = exclusions.Any(e => e.PolicyType == type
                || (e.PolicyArn is not null && Wildcard.IsMatch(Wildcard.Compile(e.PolicyArn), policy.Arn, ignoreCase: false)));
            if (!excluded)
            {
                policies.Add(new SimulatedPolicy(policy.Name, type, policy.Document));
            }
        }
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadContext(IReadOnlyList<ContextEntry> entries)
    {
        var context = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            bool isList = entry.Type.EndsWith("List", StringComparison.Ordinal);
            if (!isList && entry.Values.Count > 1)
            {
                throw IamInput.InvalidInput($"Invalid context entry {entry.Name}: a {entry.Type} key takes one value, not {entry.Values.Count}.");
            }

            string scalarType = isList ? entry.Type[..^"List".Length] : entry.Type;
            foreach (string value in entry.Values)
            {
                if (!IsValidContextValue(scalarType, value))
                {
                    throw IamInput.InvalidInput($"Invalid context entry {entry.Name}: '{value}' is not a valid {scalarType} value.");
                }
            }

            context[entry.Name] = entry.Values;
        }

        return context;
    }

    private static bool IsValidContextValue(string type, string value) => type switch
    {
        "numeric" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        "boolean" => value is "true" or "false",
        "ip" => IPAddress.TryParse(value, out _) || IPNetwork.TryParse(value, out _),
        "binary" => IsBase64(value),
        "date" => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            || long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static SimulationInput ReadInput(QueryParameters p)
    {
        var errors = new ValidationErrors();
        string? sourceArn = p.Get("PolicySourceArn");
        if (sourceArn is null)
        {
            errors.Add("PolicySourceArn", null, "Member must not be null");
        }

        errors.CheckString("PolicySourceArn", sourceArn, 20, 2048);
        var actions = p.GetList("ActionNames");
        if (actions is null)
        {
            errors.Add("ActionNames", null, "Member must not be null");
        }
        else
        {
            for (int i = 0; i < actions.Count; i++)
            {
                errors.CheckString($"ActionNames.{i + 1}.member", actions[i], 3, 128);
            }
        }

        var resources = p.GetList("ResourceArns");
        for (int i = 0; i < (resources?.Count ?? 0); i++)
        {
            errors.CheckString($"ResourceArns.{i + 1}.member", resources![i], 1, 2048);
        }

        string? resourcePolicy = p.Get("ResourcePolicy");
        IamInput.CheckDocument(errors, "ResourcePolicy", resourcePolicy);
        string? resourceOwner = p.Get("ResourceOwner");
        errors.CheckString("ResourceOwner", resourceOwner, 1, 2048);
        string? callerArn = p.Get("CallerArn");
        errors.CheckString("CallerArn", callerArn, 1, 2048);
        var policyInputs = p.GetList("PolicyInputList") ?? [];
        for (int i = 0; i < policyInputs.Count; i++)
        {
            IamInput.CheckDocument(errors, $"PolicyInputList.{i + 1}.member", policyInputs[i]);
        }

        var boundaries = p.GetList("PermissionsBoundaryPolicyInputList") ?? [];
        for (int i = 0; i < boundaries.Count; i++)
        {
            IamInput.CheckDocument(errors, $"PermissionsBoundaryPolicyInputList.{i + 1}.member", boundaries[i]);
        }

        var exclusions = ReadExclusions(p, errors);
        var contextEntries = ReadContextEntries(p, errors);
        string? handling = p.Get("ResourceHandlingOption");
        errors.CheckString("ResourceHandlingOption", handling, 1, 64);
        var (marker, maxItems) = IamInput.ReadPaging(p, errors);
        errors.ThrowIfAny();

        if (actions!.Count == 0)
        {
            throw IamInput.InvalidInput("ActionNames must name at least one action.");
        }

        foreach (string action in actions)
        {
            if (!ActionName().IsMatch(action))
            {
                throw IamInput.InvalidInput($"Invalid action name: {action} (expected service:Action, such as iam:CreateUser).");
            }
        }

        if (handling is not null && !s_resourceHandlingOptions.Contains(handling, StringComparer.Ordinal))
        {
            throw IamInput.InvalidInput($"Invalid ResourceHandlingOption: {handling}.");
        }

        return new SimulationInput(
            sourceArn!, actions, resources is { Count: > 0 } ? resources : ["*"], resourcePolicy, resourceOwner, callerArn,
            policyInputs, boundaries, exclusions, contextEntries, marker, maxItems);
    }

    private static List<PolicyExclusion> ReadExclusions(QueryParameters p, ValidationErrors errors)
    {
        var items = p.GetStructList("PolicyExclusionList", "member");
        if (items.Count > 256)
        {
            errors.Add("PolicyExclusionList", $"[{items.Count} items]", "Member must have length less than or equal to 256");
        }

        var exclusions = new List<PolicyExclusion>();
        foreach (var item in items)
        {
            string? type = item.Get("PolicyType");
            string? arn = item.Get("PolicyArn");
            var inline = item.Scope("InlinePolicyIdentifier");
            string? inlineName = inline.Get("PolicyName");
            string? attachmentType = inline.Get("AttachmentType");
            string? attachmentName = inline.Get("AttachmentName");
            bool hasInline = inlineName is not null || attachmentType is not null || attachmentName is not null;
            if (type is not null && !s_exclusionPolicyTypes.Contains(type, StringComparer.Ordinal))
            {
                errors.Add(item.Prefix + "PolicyType", type, "Member must satisfy enum value set: [" + string.Join(", ", s_exclusionPolicyTypes) + "]");
            }

            errors.CheckString(item.Prefix + "PolicyArn", arn, 20, 2048);
            if (hasInline)
            {
                IamInput.RequireName(errors, inline.Prefix + "PolicyName", inlineName, IamInput.PolicyNameMax);
                if (attachmentType is null)
                {
                    errors.Add(inline.Prefix + "AttachmentType", null, "Member must not be null");
                }
                else if (!s_attachmentTypes.Contains(attachmentType, StringComparer.Ordinal))
                {
                    errors.Add(inline.Prefix + "AttachmentType", attachmentType, "Member must satisfy enum value set: [user, group, role]");
                }

                IamInput.RequireName(errors, inline.Prefix + "AttachmentName", attachmentName, 128);
            }

            // A union: exactly one way of naming the policies to exclude.
            int given = (type is null ? 0 : 1) + (arn is null ? 0 : 1) + (hasInline ? 1 : 0);
            if (given != 1)
            {
                throw IamInput.InvalidInput("Each PolicyExclusionList entry must set exactly one of PolicyType, PolicyArn and InlinePolicyIdentifier.");
            }

            if (arn is not null && !PolicyArnPattern().IsMatch(arn))
            {
                throw IamInput.InvalidInput($"Invalid PolicyArn in PolicyExclusionList: {arn}.");
            }

            exclusions.Add(new PolicyExclusion(type, arn, inlineName, attachmentType, attachmentName));
        }

        return exclusions;
    }

    private static List<ContextEntry> ReadContextEntries(QueryParameters p, ValidationErrors errors)
    {
        var entries = new List<ContextEntry>();
        foreach (var item in p.GetStructList("ContextEntries", "member"))
        {
            string? name = item.Get("ContextKeyName");
            errors.CheckString(item.Prefix + "ContextKeyName", name, 5, 256);
            string? type = item.Get("ContextKeyType");
            if (type is not null && !s_contextKeyTypes.Contains(type, StringComparer.Ordinal))
            {
                errors.Add(item.Prefix + "ContextKeyType", type, "Member must satisfy enum value set: [" + string.Join(", ", s_contextKeyTypes) + "]");
            }

            var values = item.GetList("ContextKeyValues") ?? [];
            if (name is null || type is null)
            {
                throw IamInput.InvalidInput("Each ContextEntries entry needs a ContextKeyName and a ContextKeyType.");
            }

            entries.Add(new ContextEntry(name, type, values));
        }

        return entries;
    }

    private static SourceArn? ParseEntityArn(string arn)
    {
        var match = EntityArnPattern().Match(arn);
        if (!match.Success)
        {
            return null;
        }

        string resource = match.Groups["resource"].Value;
        return new SourceArn(
            match.Groups["partition"].Value,
            match.Groups["account"].Value,
            match.Groups["kind"].Value,
            resource[(resource.LastIndexOf('/') + 1)..]);
    }

    private static string? ParseAccount(string owner)
    {
        if (AccountId().IsMatch(owner))
        {
            return owner;
        }

        return Model.Arn.TryParse(owner, out var arn) && arn.Service == "iam" && arn.Resource == "root" && AccountId().IsMatch(arn.Account)
            ? arn.Account
            : null;
    }

    private static string? AccountInArn(string resource) =>
        Model.Arn.TryParse(resource, out var arn) && AccountId().IsMatch(arn.Account) ? arn.Account : null;

    [GeneratedRegex(@"^arn:(?<partition>aws|aws-cn|aws-us-gov):iam::(?<account>\d{12}):(?<kind>user|role|group)(?<resource>(/[\x21-\x7E]+)*/[A-Za-z0-9_+=,.@-]+)$")]
    private static partial Regex EntityArnPattern();

    [GeneratedRegex(@"^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}|\*):policy/\S+$")]
    private static partial Regex PolicyArnPattern();

    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex AccountId();

    [GeneratedRegex(@"^[A-Za-z0-9-]+:[A-Za-z0-9*?_-]+$")]
    private static partial Regex ActionName();

    private sealed record SourceArn(string Partition, string Account, string Kind, string Name);

    private sealed record PolicyExclusion(string? PolicyType, string? PolicyArn, string? InlinePolicyName, string? AttachmentType, string? AttachmentName);

    private sealed record ContextEntry(string Name, string Type, IReadOnlyList<string> Values);

    private sealed record SimulationInput(
        string PolicySourceArn,
        IReadOnlyList<string> ActionNames,
        IReadOnlyList<string> ResourceArns,
        string? ResourcePolicy,
        string? ResourceOwner,
        string? CallerArn,
        IReadOnlyList<string> PolicyInputList,
        IReadOnlyList<string> Boundaries,
        IReadOnlyList<PolicyExclusion> Exclusions,
        IReadOnlyList<ContextEntry> ContextEntries,
        string? Marker,
        int MaxItems);

    /// <summary>A policy taking part in the simulation, with how AWS identifies it in MatchedStatements.</summary>
    private sealed class SimulatedPolicy(string id, string type, string text)
    {
        private IReadOnlyList<(TextPosition Start, TextPosition End)>? _positions;

        /// <summary>SourcePolicyId: the policy name, <c>PolicyInputList.N</c> or <c>ResourcePolicy</c>.</summary>
        public string Id { get; } = id;

        /// <summary>SourcePolicyType per the model's PolicySourceType enum: user, role, aws-managed, user-managed, resource, none.</summary>
        public string Type { get; } = type;

        public PolicyDocument Document { get; } = AwsAuthorization.Parse(text);

        public IReadOnlyList<(TextPosition Start, TextPosition End)> Positions => _positions ??= StatementPositions.Locate(text);
    }
}
