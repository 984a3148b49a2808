using VaultCopy.Core.Errors;
using VaultCopy.Core.Policies;

namespace VaultCopy.Core.KeyAccess;

/// <summary>
/// What a key policy says about a vault principal using the key for vault copies (the copy actions through EC2 and
/// RDS, CreateGrant for AWS resources), read by <see cref="KeyPolicyAnalyzer"/>. The preflight (Test-VaultCopyPrereq)
/// and Grant-VaultKeyAccess (on the policy it wrote) both ask here, so a Deny is worded once: what to remove or narrow.
/// </summary>
internal static class VaultKeyUse
{
    public const string DeniedErrorId = "KeyPolicyDeniesVault";
    public const string NotAllowedErrorId = "KeyAccessNotEffective";

    /// <summary>Each copy action's assessment, per service (<c>ec2</c>, <c>rds</c>) using the key in <paramref name="region"/>.</summary>
    /// <exception cref="PolicyFormatException">The policy is not a readable policy document.</exception>
    public static IReadOnlyList<KeyActionAssessment> Assess(
        string policy, string keyArn, string ownerAccountId, string callerAccountId, string? callerArn,
        IEnumerable<string> services, string region, string partition)
    {
        KeyPolicyDocument document = KeyPolicyDocument.Parse(policy);
        var assessments = new List<KeyActionAssessment>();
        foreach (string service in services)
        {
            var useContext = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["kms:ViaService"] = ViaService(service, region, partition) };
            var grantContext = new Dictionary<string, string>(useContext, StringComparer.OrdinalIgnoreCase) { ["kms:GrantIsForAWSResource"] = "true" };
            assessments.AddRange(KeyPolicyAnalyzer.Assess(document, ownerAccountId, callerAccountId, callerArn, CopyKeyActions.Use, useContext, keyArn).Actions);
            assessments.AddRange(KeyPolicyAnalyzer.Assess(document, ownerAccountId, callerAccountId, callerArn, [CopyKeyActions.CreateGrant], grantContext, keyArn).Actions);
        }

        return assessments;
    }

    /// <summary>The kms:ViaService value of a service's endpoint in a Region.</summary>
    public static string ViaService(string service, string region, string partition) =>
        $"{service}.{region}.{Accounts.RegionName.DnsSuffixOf(partition)}";

    /// <summary>The denied actions, each once, in the order assessed.</summary>
    public static List<KeyActionAssessment> Denied(IEnumerable<KeyActionAssessment> assessments) =>
        assessments.Where(a => a.Decision == KeyAccessDecision.Denied)
            .GroupBy(a => a.Action, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();

    /// <summary>
    /// The words for Deny statements that certainly apply to <paramref name="who"/>: null when none does. No grant can
    /// outweigh an explicit Deny, so the advice is to remove or narrow the statement, never to grant again.
    /// </summary>
    public static (string Message, string Remediation)? ExplicitDeny(string keyArn, string who, IReadOnlyList<KeyActionAssessment> denied)
    {
        var byDeny = denied.Where(a => a.ExplicitlyDenied).ToList();
        if (byDeny.Count == 0)
        {
            return null;
        }

        string statements = string.Join(", ", byDeny.SelectMany(a => a.DenyingStatements).Distinct(StringComparer.Ordinal).Select(s => $"'{s}'"));
        string actions = string.Join(", ", byDeny.Select(a => a.Action));
        string noun = byDeny.SelectMany(a => a.DenyingStatements).Distinct(StringComparer.Ordinal).Count() == 1 ? "statement" : "statements";
        return (
            $"The key policy of {keyArn} denies {who} {actions}: Deny {noun} {statements} applies, and a Deny wins over every Allow.",
            $"Remove or narrow key policy {noun} {statements} of {keyArn} so that it no longer denies {who} {actions} (as the key's administrator: Get-KMSKeyPolicy and Write-KMSKeyPolicy, or your infrastructure code); adding Allow statements cannot outweigh it.");
    }

    /// <summary>
    /// The words for an IAM policy of <paramref name="who"/> that explicitly denies it the key (a simulated
    /// explicitDeny): as for a key policy Deny, the advice is to remove or narrow it, never to grant again.
    /// </summary>
    public static string IdentityDenyRemediation(string keyArn, string who, IReadOnlyList<string> actions, IReadOnlyList<string> policies)
    {
        string named = policies.Count == 0 ? "the IAM policy" : $"IAM {(policies.Count == 1 ? "policy" : "policies")} {string.Join(", ", policies.Select(p => $"'{p}'"))}";
        return $"Remove or narrow the Deny statement of {named} of {who} so that it no longer denies {string.Join(", ", actions)} on {keyArn} (or the service control policy or permissions boundary that holds it); adding Allow statements cannot outweigh it.";
    }

    /// <summary>
    /// Why the vault principals still may not use the key after Grant-VaultKeyAccess wrote its statements into
    /// <paramref name="policy"/>; null when the policy lets each of them (or cannot tell: a warning is the preflight's).
    /// </summary>
    public static VaultCopyException? StillBlocked(
        string policy, string keyArn, string ownerAccountId, string callerAccountId, IReadOnlyList<string> callers, string region, string partition)
    {
        foreach (string caller in callers)
        {
            IReadOnlyList<KeyActionAssessment> assessments;
            try
            {
                assessments = Assess(policy, keyArn, ownerAccountId, callerAccountId, caller, ["ec2", "rds"], region, partition);
            }
            catch (PolicyFormatException)
            {
                return null;
            }

            List<KeyActionAssessment> denied = Denied(assessments);
            if (denied.Count == 0)
            {
                continue;
            }

            if (ExplicitDeny(keyArn, caller, denied) is (string message, string remediation))
            {
                return new VaultCopyException(VaultCopyErrorKind.PermissionDenied, DeniedErrorId, $"VaultCopy's statements are in place, but: {message}", remediation);
            }

            return new VaultCopyException(
                VaultCopyErrorKind.PermissionDenied, NotAllowedErrorId,
                $"VaultCopy's statements are in place, but the key policy of {keyArn} still does not let {caller} use the key: {denied[0].Reason}",
                $"Read the key policy of {keyArn} (Get-KMSKeyPolicy) for what keeps {caller} out, and change it by hand.");
        }

        return null;
    }
}
