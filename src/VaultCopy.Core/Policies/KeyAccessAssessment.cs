namespace VaultCopy.Core.Policies;

/// <summary>What a key policy says about one action, read conservatively.</summary>
public enum KeyAccessDecision
{
    /// <summary>An Allow statement certainly applies and no Deny statement can.</summary>
    Allowed,

    /// <summary>
    /// An Allow applies only if something VaultCopy cannot know holds (a condition key not in the known context, a
    /// resource ARN, a NotPrincipal), or a Deny might apply for the same reason. The preflight reports a warning.
    /// </summary>
    AllowedWithUnknownConditions,

    /// <summary>A Deny statement certainly applies, or no Allow statement can.</summary>
    Denied,
}

/// <summary>The key policy's answer for one action.</summary>
public sealed class KeyActionAssessment
{
    internal KeyActionAssessment(
        string action, KeyAccessDecision decision, bool explicitlyDenied, bool allowedViaAccountOnly, bool requiresIdentityPolicy,
        IReadOnlyList<string> allowingStatements, IReadOnlyList<string> denyingStatements, IReadOnlyList<string> unknowns,
        string reason)
    {
        Action = action;
        Decision = decision;
        ExplicitlyDenied = explicitlyDenied;
        AllowedViaAccountOnly = allowedViaAccountOnly;
        RequiresIdentityPolicy = requiresIdentityPolicy;
        AllowingStatements = allowingStatements;
        DenyingStatements = denyingStatements;
        Unknowns = unknowns;
        Reason = reason;
    }

    public string Action { get; }

    public KeyAccessDecision Decision { get; }

    /// <summary>Denied by a Deny statement, not merely for want of an Allow.</summary>
    public bool ExplicitlyDenied { get; }

    /// <summary>
    /// Every statement that allows names the caller only through its account (the account root ARN or bare id), so
    /// the key policy merely delegates to the caller's IAM policies.
    /// </summary>
    public bool AllowedViaAccountOnly { get; }

    /// <summary>
    /// The caller's IAM policy must allow the action too: always across accounts (docs/aws-behaviour.md §4.3), and in
    /// the key's own account when the allow is <see cref="AllowedViaAccountOnly"/>. False when denied.
    /// </summary>
    public bool RequiresIdentityPolicy { get; }

    /// <summary>Sids (or <c>#n</c>, 1-based, for statements without one) of the statements that allow or may allow.</summary>
    public IReadOnlyList<string> AllowingStatements { get; }

    /// <summary>Statements that deny, or that may deny when the decision is not certain.</summary>
    public IReadOnlyList<string> DenyingStatements { get; }

    /// <summary>
    /// What the decision depends on but could not be checked: condition keys missing from the known context (e.g.
    /// <c>kms:ViaService</c>), or a policy element (<c>Principal</c> naming roles when the caller's ARN is not known,
    /// <c>NotPrincipal</c>, <c>Resource</c> naming an ARN when the key's is not known).
    /// </summary>
    public IReadOnlyList<string> Unknowns { get; }

    /// <summary>One sentence for the preflight report.</summary>
    public string Reason { get; }

    public override string ToString() => $"{Action}: {Decision}";
}

/// <summary>The key policy's answer for each action asked about, in the order asked.</summary>
public sealed class KeyAccessAssessment
{
    internal KeyAccessAssessment(IReadOnlyList<KeyActionAssessment> actions)
    {
        Actions = actions;
    }

    public IReadOnlyList<KeyActionAssessment> Actions { get; }

    /// <summary>The least favourable decision over all actions: one denied action denies the whole.</summary>
    public KeyAccessDecision Decision =>
        Actions.Count == 0 ? KeyAccessDecision.Allowed : Actions.Max(a => a.Decision);

    /// <summary>Some allowed action still needs the caller's IAM policy to allow it.</summary>
    public bool RequiresIdentityPolicy => Actions.Any(a => a.RequiresIdentityPolicy);

    /// <summary>The assessment of an action (case-insensitive), or null when it was not asked about.</summary>
    public KeyActionAssessment? For(string action) =>
        Actions.FirstOrDefault(a => string.Equals(a.Action, action, StringComparison.OrdinalIgnoreCase));
}
