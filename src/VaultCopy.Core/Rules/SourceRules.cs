using VaultCopy.Core.Errors;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Rules;

/// <summary>One rule's verdict on one source (or one backing snapshot of an AMI), under the preflight check's name.</summary>
internal sealed record SourceFinding(string Check, string Target, Finding Finding)
{
    /// <summary>What converting the source in the origin does about this finding (<see cref="SourceRules.ConversionEffectOf"/>).</summary>
    public ConversionEffect Conversion => SourceRules.ConversionEffectOf(Finding);
}

/// <summary>What a conversion in the origin (Convert-VaultSnapshotKey, Invoke-VaultCopy -ConvertKeyId) does about a finding.</summary>
internal enum ConversionEffect
{
    /// <summary>Nothing: a pass, or something the conversion copy keeps (a billing product).</summary>
    None,

    /// <summary>The conversion removes it: the preflight's remediation is Convert-VaultSnapshotKey.</summary>
    Fixes,

    /// <summary>The conversion cannot be made at all, and is refused with the finding's words.</summary>
    Blocks,
}

/// <summary>
/// What a source must be for a vault copy, as read in the origin: ready, a manual snapshot (RDS), without a billing
/// product (AMI), not on an AWS managed key, and encrypted or encryptable by the copy (not an unencrypted Aurora
/// snapshot). The preflight shows every finding; Copy-VaultSnapshot and Copy-VaultImage refuse on the first Fail,
/// with the same message and remediation; the conversion does what <see cref="ConversionEffectOf"/> says.
/// </summary>
internal static class SourceRules
{
    private const string SourceVariable = "$origin";

    public static IReadOnlyList<SourceFinding> Check(VaultResource resource)
    {
        string id = resource.Id;
        string usable = resource.Type == VaultResourceType.EbsSnapshot ? "completed" : "available";
        var findings = new List<SourceFinding>
        {
            new(PrereqChecks.ResourceState, id, string.Equals(resource.State, usable, StringComparison.OrdinalIgnoreCase)
                ? Finding.Pass($"{Describe(resource)} exists and is {resource.State}.")
                : Finding.Fail(VaultCopyErrorKind.InvalidState, "SourceNotReady",
                    $"{Describe(resource)} is {resource.State}; only a {usable} one can be shared and copied.",
                    IsFinal(resource.State)
                        ? "Pick another backup: this one will never become usable."
                        : $"Wait until it is {usable} (Get-VaultResource -Account {SourceVariable} -Id '{id}' shows its state), then run the command again.")),
        };

        if (resource.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot)
        {
            findings.Add(new(PrereqChecks.ManualSnapshot, id, resource.SnapshotType == "automated"
                ? Finding.Fail(VaultCopyErrorKind.InvalidArgument, "AutomatedSnapshot",
                    $"{id} is an automated snapshot: RDS shares only manual snapshots, so it must become a manual snapshot first.",
                    $"{ConvertCommand(resource)} (the copy it makes is a manual snapshot)")
                : Finding.Pass($"{id} is a {resource.SnapshotType} snapshot, which RDS can share.")));
        }

        if (resource.Type == VaultResourceType.Ami)
        {
            findings.Add(new(PrereqChecks.BillingProduct, id, resource.BillingProducts.Count > 0
                ? Finding.Fail(VaultCopyErrorKind.InvalidArgument, "BillingProductImage",
                    $"{id} carries a billing product ({string.Join(", ", resource.BillingProducts)}): EC2 refuses to copy such an AMI into another account.",
                    "Launch an instance from the AMI, create a new AMI from that instance, and copy the new AMI instead.")
                : Finding.Pass($"{id} has no billing product code.")));
            foreach (VaultResource snapshot in resource.BackingSnapshots)
            {
                findings.Add(new(PrereqChecks.Encryption, $"{id}/{snapshot.Id}", Encryption(snapshot, resource)));
            }
        }
        else
        {
            findings.Add(new(PrereqChecks.Encryption, id, Encryption(resource, resource)));
        }

        return findings;
    }

    /// <summary>The first finding that rules the copy out, or null.</summary>
    public static SourceFinding? FirstFailure(VaultResource resource) => Check(resource).FirstOrDefault(f => f.Finding.Failed);

    /// <summary>
    /// What a conversion does about a finding. It fixes exactly the findings whose remediation is
    /// <see cref="ConvertCommand"/>: an AWS managed key, an automated snapshot, a key the origin cannot describe. A
    /// source that is not ready cannot be copied, and RDS refuses to encrypt an unencrypted Aurora cluster snapshot,
    /// so those block the conversion itself. Anything else (a billing product) the conversion copy keeps.
    /// </summary>
    public static ConversionEffect ConversionEffectOf(Finding finding) => finding.Status is PrereqStatus.Fail or PrereqStatus.Warning
        ? finding.ErrorId switch
        {
            "SourceOnAwsManagedKey" or "AutomatedSnapshot" or "SourceKeyUnknown" => ConversionEffect.Fixes,
            "SourceNotReady" or "UnencryptedAuroraSnapshot" => ConversionEffect.Blocks,
            _ => ConversionEffect.None,
        }
        : ConversionEffect.None;

    /// <summary>Whether a conversion has anything to fix before the source can be vaulted.</summary>
    public static bool NeedsConversion(IEnumerable<SourceFinding> findings) => findings.Any(f => f.Conversion == ConversionEffect.Fixes);

    /// <summary>
    /// An unencrypted Aurora cluster snapshot: CopyDBClusterSnapshot refuses a KmsKeyId for it (aws-models/rds,
    /// CopyDBClusterSnapshotMessage.KmsKeyId), so no copy of it — conversion or vault copy — can be encrypted.
    /// </summary>
    public static Finding UnencryptedAuroraSnapshot(VaultResource snapshot) =>
        Finding.Fail(VaultCopyErrorKind.InvalidArgument, "UnencryptedAuroraSnapshot",
            $"{snapshot.Id} is not encrypted, and RDS cannot encrypt an Aurora cluster snapshot while copying it (CopyDBClusterSnapshot refuses a KmsKeyId for an unencrypted one): neither a conversion in the origin nor the vault copy can put it under a customer managed key.",
            "Restore it into a cluster encrypted under a customer managed key, snapshot that cluster, and copy the new snapshot instead.");

    public static string ConvertCommand(VaultResource resource) =>
        $"Convert-VaultSnapshotKey -Account {SourceVariable} -Id '{resource.Id}' -KmsKeyId <customer managed key>";

    public static string Describe(VaultResource resource) => resource.Type switch
    {
        VaultResourceType.EbsSnapshot => $"EBS snapshot {resource.Id}",
        VaultResourceType.Ami => $"AMI {resource.Id}",
        VaultResourceType.RdsSnapshot => $"RDS DB snapshot {resource.Id}",
        _ => $"Aurora cluster snapshot {resource.Id}",
    };

    /// <param name="encrypted">The resource whose key is checked: the resource itself, or one backing snapshot of an AMI.</param>
    /// <param name="copied">The resource that will be copied (the AMI for a backing snapshot).</param>
    private static Finding Encryption(VaultResource encrypted, VaultResource copied)
    {
        switch (encrypted.KeyManager)
        {
            case KeyManager.None when copied.Type == VaultResourceType.AuroraClusterSnapshot:
                return UnencryptedAuroraSnapshot(copied);
            case KeyManager.None:
                return Finding.Pass($"{encrypted.Id} is not encrypted: its vault copy will be encrypted under the vault key.");
            case KeyManager.Customer:
                return Finding.Pass($"{encrypted.Id} is encrypted under the customer managed key {encrypted.KmsKeyArn}.");
            case KeyManager.AwsManaged:
                string alias = encrypted.Type is VaultResourceType.RdsSnapshot or VaultResourceType.AuroraClusterSnapshot ? "aws/rds" : "aws/ebs";
                return Finding.Fail(VaultCopyErrorKind.InvalidArgument, "SourceOnAwsManagedKey",
                    $"{encrypted.Id} is encrypted under the AWS managed key {alias} ({encrypted.KmsKeyArn}), which no other account can ever use: it cannot be shared with the vault.",
                    ConvertCommand(copied));
            default:
                return Finding.Warn("SourceKeyUnknown",
                    $"{encrypted.Id} is encrypted under {encrypted.KmsKeyArn}, which account {copied.AccountId} cannot describe (a key of another account?): the vault may not be able to use it.",
                    $"Re-encrypt it under a customer managed key of the origin: {ConvertCommand(copied)}");
        }
    }

    private static bool IsFinal(string state) => state is "error" or "failed" or "invalid" or "deregistered" or "incompatible-parameters";
}
