namespace VaultCopy.Emulator.Policy;

// The contract of the emulator's policy engine. Every service (STS, KMS, EC2, RDS, IAM) authorizes through it.
// Implementation: PolicyDocument.cs, PolicyEvaluator.cs, Conditions.cs (same folder).

/// <summary>Which kind of resource policy takes part in a decision; the kinds differ in how they combine with IAM.</summary>
public enum ResourcePolicyKind
{
    /// <summary>No resource policy (EC2/RDS/IAM actions): the caller's identity policies alone decide.</summary>
    None,

    /// <summary>Ordinary resource policy: same account, identity OR resource allows; cross account, both must.</summary>
    Standard,

    /// <summary>KMS key policy: the key policy must always allow, directly or by naming the account (which
    /// delegates to IAM, so the identity policy must then allow too). Cross account, both must allow.</summary>
    KeyPolicy,

    /// <summary>IAM role trust policy for sts:AssumeRole: like KeyPolicy (the trust policy must always allow).</summary>
    TrustPolicy,
}

public enum PolicyDecision
{
    ImplicitDeny,
    Allow,
    ExplicitDeny,
}

/// <summary>One request to authorize.</summary>
public sealed class AuthorizationRequest
{
    /// <summary>e.g. <c>kms:Decrypt</c>. Matched case-insensitively.</summary>
    public required string Action { get; init; }

    /// <summary>The resource ARN, or <c>*</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>The caller: an IAM user ARN, a role ARN (for an assumed-role session pass the role ARN here and
    /// the session ARN in the context key aws:userid/aws:PrincipalArn as you see fit), or account root.</summary>
    public required string PrincipalArn { get; init; }

    public required string PrincipalAccount { get; init; }

    /// <summary>For a role session: <c>arn:aws:sts::ACCT:assumed-role/NAME/SESSION</c>, so that a Principal naming
    /// that exact session matches. Optional; an assumed-role ARN in <see cref="PrincipalArn"/> or in the context key
    /// aws:userid is recognised too.</summary>
    public string? SessionArn { get; init; }

    /// <summary>Set when an AWS service principal (e.g. <c>ec2.amazonaws.com</c>) is the caller.</summary>
    public string? ServicePrincipal { get; init; }

    /// <summary>Condition keys (case-insensitive names) and their values. aws:PrincipalArn and
    /// aws:PrincipalAccount are added by the evaluator when absent.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The outcome, with enough detail for a real-looking AccessDenied message.</summary>
public sealed record AuthorizationResult(PolicyDecision Decision, string Reason)
{
    public bool IsAllowed => Decision == PolicyDecision.Allow;
}

public sealed class MalformedPolicyException(string message) : Exception(message);
