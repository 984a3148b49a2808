using System.Xml.Linq;
using VaultCopy.Core.Aws.Query;

namespace VaultCopy.Core.Aws;

/// <summary>
/// One simulated decision: allowed, explicitDeny or implicitDeny (IAM's own words); for an explicit deny, the policies
/// whose Deny statements decided (MatchedStatements' SourcePolicyId).
/// </summary>
internal sealed record SimulatedDecision(string Action, string Resource, string Decision, IReadOnlyList<string>? DeniedBy = null)
{
    public bool IsAllowed => Decision == "allowed";

    public bool IsExplicitDeny => Decision == "explicitDeny";
}

/// <summary>A condition key and its values for a simulation, e.g. kms:GrantIsForAWSResource = true (boolean).</summary>
internal sealed record SimulationContext(string Key, string Type, params string[] Values);

/// <summary>The IAM calls VaultCopy makes, over the query-protocol client (IAM is global).</summary>
internal sealed partial class IamGateway : IDisposable
{
    private readonly IQueryProtocolClient _client;
    private readonly IDisposable? _owned;

    public IamGateway(AwsSession session)
    {
        var client = new QueryClient(session, QueryServiceDefinition.Iam);
        _client = client;
        _owned = client;
    }

    internal IamGateway(IQueryProtocolClient client)
    {
        _client = client;
    }

    /// <summary>
    /// What the principal's identity policies decide for each action on each resource (SimulatePrincipalPolicy).
    /// Resource policies are deliberately not passed: KMS key policies of another account cannot be read.
    /// </summary>
    public async Task<IReadOnlyList<SimulatedDecision>> SimulateAsync(
        string principalArn, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        IReadOnlyList<SimulationContext> context, CancellationToken cancellationToken)
    {
        var results = new List<SimulatedDecision>();
        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new("PolicySourceArn", principalArn) };
            AddList(parameters, "ActionNames", actions);
            AddList(parameters, "ResourceArns", resources);
            for (int i = 0; i < context.Count; i++)
            {
                string prefix = $"ContextEntries.member.{i + 1}";
                parameters.Add(new($"{prefix}.ContextKeyName", context[i].Key));
                parameters.Add(new($"{prefix}.ContextKeyType", context[i].Type));
                AddList(parameters, $"{prefix}.ContextKeyValues", context[i].Values);
            }

            if (marker is not null)
            {
                parameters.Add(new("Marker", marker));
            }

            XElement result = await _client.CallAsync("SimulatePrincipalPolicy", parameters, cancellationToken).ConfigureAwait(false);
            foreach (XElement member in result.Element("EvaluationResults")?.Elements("member") ?? [])
            {
                string decision = member.Element("EvalDecision")?.Value ?? "implicitDeny";
                results.Add(new SimulatedDecision(
                    member.Element("EvalActionName")?.Value ?? string.Empty,
                    member.Element("EvalResourceName")?.Value ?? "*",
                    decision,
                    decision == "explicitDeny"
                        ? (member.Element("MatchedStatements")?.Elements("member") ?? []).Select(m => m.Element("SourcePolicyId")?.Value).OfType<string>().Distinct(StringComparer.Ordinal).ToList()
                        : null));
            }

            marker = result.Element("IsTruncated")?.Value == "true" ? result.Element("Marker")?.Value : null;
        }
        while (marker is not null);

        return results;
    }

    /// <summary>The names of a role's or user's inline policies.</summary>
    public async Task<IReadOnlyList<string>> ListInlinePolicyNamesAsync(IamPrincipal principal, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        string? marker = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>> { new(principal.NameParameter, principal.Name) };
            if (marker is not null)
            {
                parameters.Add(new("Marker", marker));
            }

            XElement result = await _client.CallAsync($"List{principal.Kind}Policies", parameters, cancellationToken).ConfigureAwait(false);
            names.AddRange(result.Element("PolicyNames")?.Elements("member").Select(e => e.Value) ?? []);
            marker = result.Element("IsTruncated")?.Value == "true" ? result.Element("Marker")?.Value : null;
        }
        while (marker is not null);

        return names;
    }

    /// <summary>An inline policy document (decoded: IAM returns it URL-encoded), or null when it does not exist.</summary>
    public async Task<string?> GetInlinePolicyAsync(IamPrincipal principal, string policyName, CancellationToken cancellationToken)
    {
        try
        {
            XElement result = await _client.CallAsync(
                $"Get{principal.Kind}Policy", [new(principal.NameParameter, principal.Name), new("PolicyName", policyName)], cancellationToken).ConfigureAwait(false);
            string? document = result.Element("PolicyDocument")?.Value;
            return document is null ? null : Uri.UnescapeDataString(document);
        }
        catch (QueryServiceException error) when (error.ErrorCode == QueryErrorCodes.NoSuchEntity)
        {
            return null;
        }
    }

    public async Task PutInlinePolicyAsync(IamPrincipal principal, string policyName, string document, CancellationToken cancellationToken) =>
        await _client.CallAsync(
            $"Put{principal.Kind}Policy",
            [new(principal.NameParameter, principal.Name), new("PolicyName", policyName), new("PolicyDocument", document)],
            cancellationToken).ConfigureAwait(false);

    public async Task DeleteInlinePolicyAsync(IamPrincipal principal, string policyName, CancellationToken cancellationToken) =>
        await _client.CallAsync(
            $"Delete{principal.Kind}Policy", [new(principal.NameParameter, principal.Name), new("PolicyName", policyName)], cancellationToken).ConfigureAwait(false);

    public void Dispose() => _owned?.Dispose();

    private static void AddList(List<KeyValuePair<string, string>> parameters, string name, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            parameters.Add(new($"{name}.member.{i + 1}", values[i]));
        }
    }
}

/// <summary>An IAM user or role, named as the IAM API wants it (roles by RoleName, users by UserName).</summary>
internal sealed record IamPrincipal(string Kind, string Name)
{
    public string NameParameter => $"{Kind}Name";

    /// <summary>From an IAM user/role ARN or an assumed-role session ARN; null for anything else (root, federated).</summary>
    public static IamPrincipal? FromArn(string arn)
    {
        if (!Accounts.Arn.TryParse(arn, out Accounts.Arn parsed))
        {
            return null;
        }

        string[] path = parsed.Resource.Split('/');
        return (parsed.Service, path[0]) switch
        {
            ("iam", "role") => new IamPrincipal("Role", path[^1]),
            ("iam", "user") => new IamPrincipal("User", path[^1]),
            ("sts", "assumed-role") when path.Length >= 2 => new IamPrincipal("Role", path[1]),
            _ => null,
        };
    }
}
