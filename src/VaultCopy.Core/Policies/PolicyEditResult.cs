namespace VaultCopy.Core.Policies;

/// <summary>
/// What an editor would change. <see cref="After"/> is what to send; when <see cref="Changed"/> is false it is the
/// input text exactly, and nothing needs to be written.
/// </summary>
public abstract class PolicyEditResult
{
    private string? _diff;

    private protected PolicyEditResult(
        string before, string after, bool changed,
        IReadOnlyList<string> addedStatements, IReadOnlyList<string> removedStatements, IReadOnlyList<string> changedStatements)
    {
        Before = before;
        After = after;
        Changed = changed;
        AddedStatements = addedStatements;
        RemovedStatements = removedStatements;
        ChangedStatements = changedStatements;
    }

    public string Before { get; }

    public string After { get; }

    public bool Changed { get; }

    /// <summary>Sids of the statements the edit adds.</summary>
    public IReadOnlyList<string> AddedStatements { get; }

    /// <summary>Sids of the statements the edit removes.</summary>
    public IReadOnlyList<string> RemovedStatements { get; }

    /// <summary>Sids of the statements that stay but change (principals or resources merged or removed).</summary>
    public IReadOnlyList<string> ChangedStatements { get; }

    /// <summary>
    /// What the edit deliberately left alone and the user should know: a VaultCopy statement changed by hand, which a
    /// revoke leaves untouched.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary><see cref="PolicyDiff.Render"/> of <see cref="Before"/> and <see cref="After"/>.</summary>
    public string Diff => _diff ??= PolicyDiff.Render(Before, After);
}

/// <summary>The outcome of <see cref="KeyPolicyEditor.Grant"/>.</summary>
public sealed class GrantResult : PolicyEditResult
{
    internal GrantResult(
        string before, string after, bool changed, int byteSize,
        IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> changedSids)
        : base(before, after, changed, added, removed, changedSids)
    {
        ByteSize = byteSize;
    }

    /// <summary>UTF-8 bytes of <see cref="PolicyEditResult.After"/>, at most <see cref="KeyPolicyDocument.MaxByteSize"/>.</summary>
    public int ByteSize { get; }
}

/// <summary>The outcome of <see cref="KeyPolicyEditor.Revoke"/>.</summary>
public sealed class RevokeResult : PolicyEditResult
{
    internal RevokeResult(
        string before, string after, bool changed, int byteSize,
        IReadOnlyList<string> added, IReadOnlyList<string> removed, IReadOnlyList<string> changedSids)
        : base(before, after, changed, added, removed, changedSids)
    {
        ByteSize = byteSize;
    }

    public int ByteSize { get; }
}
