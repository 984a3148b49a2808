using System.Text.Json.Serialization;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Orchestration;

/// <summary>What the whole vault copy will do with one backup (and its steps, in order).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PlanAction>))]
public enum PlanAction
{
    /// <summary>Re-encrypt it in the origin under -ConvertKeyId first (default key, automated snapshot).</summary>
    Convert,

    /// <summary>Share it (and an AMI's snapshots) with the vault account.</summary>
    Share,

    /// <summary>Copy it into the vault under the vault key.</summary>
    Copy,

    /// <summary>It is already vaulted under the vault key: the copy is verified again and nothing is copied.</summary>
    Reuse,

    /// <summary>It cannot be vaulted as asked; the cause and the remediation say why and what to do.</summary>
    Refuse,
}

/// <summary>One destination Region of a planned backup.</summary>
public sealed class VaultCopyPlanDestination
{
    public required string Region { get; init; }

    public required string KmsKeyArn { get; init; }

    /// <summary>Copy or Reuse.</summary>
    public required PlanAction Action { get; init; }

    /// <summary>A copy an earlier run made (found by its lineage tags): reused when complete, followed when in flight.</summary>
    public string? ExistingCopyId { get; init; }

    public override string ToString() => ExistingCopyId is null ? $"{Region}: {Action}" : $"{Region}: {Action} {ExistingCopyId}";
}

/// <summary>
/// The plan for one backup of one origin, made by reads only: what will happen (<see cref="Steps"/>), why, and —
/// when it is refused — the cause and the remediation, from the rules the preflight and the copy use.
/// </summary>
public sealed class VaultCopyPlanItem
{
    public required string OriginAccountId { get; init; }

    public required string SourceRegion { get; init; }

    public required VaultResourceType Type { get; init; }

    public required string Id { get; init; }

    public required string Arn { get; init; }

    public int? SizeGiB { get; init; }

    public KeyManager KeyManager { get; init; }

    public string? SourceKeyArn { get; init; }

    /// <summary>The headline: Convert, Copy, Reuse or Refuse.</summary>
    public required PlanAction Action { get; init; }

    /// <summary>Every step, in order (Convert, Share, Copy; or Reuse; or Refuse).</summary>
    public IReadOnlyList<PlanAction> Steps { get; init; } = [];

    public IReadOnlyList<VaultCopyPlanDestination> Destinations { get; init; } = [];

    /// <summary>Why, in words.</summary>
    public string? Reason { get; init; }

    /// <summary>For a refusal: the stable error id, the cause and the command that fixes it.</summary>
    public string? ErrorId { get; init; }

    public string? Cause { get; init; }

    public string? Remediation { get; init; }

    /// <summary>The key-policy and IAM documents this backup needs changed (with -GrantKeyAccess they are changed).</summary>
    public IReadOnlyList<VaultKeyPolicyChange> KeyAccessChanges { get; init; } = [];

    /// <summary>A conversion an earlier run made or started (its lineage names this backup).</summary>
    public string? ConvertedId { get; init; }

    /// <summary>Whether the backup is shared with the vault now.</summary>
    public bool SharedWithVault { get; init; }

    internal VaultResource Source { get; init; } = null!;

    internal VaultAccount Origin { get; init; } = null!;

    /// <summary>The conversion copy already in the origin, when there is one.</summary>
    internal VaultResource? Converted { get; init; }

    /// <summary>The origin key the vault will read: the source's, or the conversion key's.</summary>
    internal string? CopiedKeyArn { get; init; }

    public override string ToString() => Action == PlanAction.Refuse
        ? $"Refuse {Type} {Id} ({OriginAccountId}): {Cause}"
        : $"{string.Join(", ", Steps)} {Type} {Id} ({OriginAccountId}, {SizeGiB} GiB) -> {string.Join("; ", Destinations)}";
}

/// <summary>The plan of a whole vault copy: one item per backup, the documents key access changes, and the counts.</summary>
public sealed class VaultCopyRunPlan : IDisposable
{
    public required IReadOnlyList<VaultCopyPlanItem> Items { get; init; }

    /// <summary>The key-policy and IAM documents that would change (distinct; written only with -GrantKeyAccess).</summary>
    public IReadOnlyList<VaultKeyPolicyChange> KeyAccessChanges { get; init; } = [];

    public IReadOnlyList<string> DestinationRegions { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    internal IReadOnlyList<PlannedKeyAccessEdit> KeyAccessEdits { get; init; } = [];

    internal IReadOnlyList<VaultAccount> Origins { get; init; } = [];

    internal VaultAccount Vault { get; init; } = null!;

    internal IReadOnlyDictionary<string, Keys.KmsKey> VaultKeys { get; init; } = new Dictionary<string, Keys.KmsKey>();

    internal IReadOnlyDictionary<string, Keys.KmsKey> ConvertKeys { get; init; } = new Dictionary<string, Keys.KmsKey>();

    /// <summary>What the planned key-access edits write through (their AWS clients).</summary>
    internal IDisposable? Owned { get; init; }

    /// <summary>The clients the planning opened; the run executes with them.</summary>
    internal Aws.AwsClients Clients { get; init; } = null!;

    public void Dispose()
    {
        Owned?.Dispose();
        Clients?.Dispose();
    }

    public int ToCopy => Items.Count(i => i.Action == PlanAction.Copy);

    public int ToConvert => Items.Count(i => i.Action == PlanAction.Convert);

    public int AlreadyVaulted => Items.Count(i => i.Action == PlanAction.Reuse);

    public int Refused => Items.Count(i => i.Action == PlanAction.Refuse);

    /// <summary>"12 to copy, 3 to convert, 40 already vaulted, 2 refused" (converted backups are copied too).</summary>
    public string Summary
    {
        get
        {
            string line = $"{ToCopy} to copy, {ToConvert} to convert, {AlreadyVaulted} already vaulted, {Refused} refused";
            int documents = KeyAccessChanges.Count(c => c.Changed);
            return documents == 0 ? line : $"{line}; {documents} key policy/IAM document{(documents == 1 ? string.Empty : "s")} to change";
        }
    }

    public override string ToString() => Summary;
}
