namespace VaultCopy.Core.Policies;

/// <summary>
/// The outcome of an <see cref="IdentityPolicyEditor"/> edit of one inline policy. An empty
/// <see cref="PolicyEditResult.Before"/> means the policy did not exist; <see cref="DeletePolicy"/> means the edit
/// left it without statements, so the caller deletes it (IAM refuses a policy with no statement) and
/// <see cref="PolicyEditResult.After"/> is empty.
/// </summary>
public sealed class IdentityPolicyEditResult : PolicyEditResult
{
    internal IdentityPolicyEditResult(
        string policyName, string before, string after, bool changed, bool deletePolicy, int characters, int aggregateCharacters,
        IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> changedSids)
        : base(before, after, changed, added, removed, changedSids)
    {
        PolicyName = policyName;
        DeletePolicy = deletePolicy;
        Characters = characters;
        AggregateCharacters = aggregateCharacters;
    }

    public string PolicyName { get; }

    public bool PolicyExisted => Before.Length > 0;

    public bool DeletePolicy { get; }

    /// <summary>IAM's size measure of <see cref="PolicyEditResult.After"/> (see <see cref="IdentityPolicyEditor.CountCharacters"/>).</summary>
    public int Characters { get; }

    /// <summary><see cref="Characters"/> plus the principal's other inline policies, as IAM's quota counts them.</summary>
    public int AggregateCharacters { get; }
}
