using System.Management.Automation;
using VaultCopy.Completion;
using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;

namespace VaultCopy.Commands;

/// <summary>
/// What Grant-VaultKeyAccess and Revoke-VaultKeyAccess share: the parameters, one plan per source key (reads only),
/// then each changed document confirmed and written on its own, with its before/after/diff as output.
/// </summary>
public abstract class VaultKeyAccessCmdletBase : CrossAccountCmdletBase
{
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private KeyAccessManager? _manager;

    /// <summary>The source key: key id, alias/name, key ARN or alias ARN. Binds the KmsKeyArn of piped objects (Get-VaultResource).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("SourceKeyId", "KmsKeyArn", "KeyArn")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SourceKeyCompleter))]
    public string KeyId { get; set; } = null!;

    /// <summary>The vault key (as on every VaultCopy cmdlet), whose users the vault principals become (or stop being).</summary>
    [Parameter]
    [Alias("DestinationKeyId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultKeyCompleter))]
    public string? KmsKeyId { get; set; }

    /// <summary>Roles or users of the destination account; default: the whole destination account in the source key
    /// policy, and the destination's own principal for the identity policy and the vault key.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Principal { get; set; } = [];

    /// <summary>Only output the documents; write nothing.</summary>
    [Parameter]
    public SwitchParameter PolicyOnly { get; set; }

    /// <summary>Do not ask for confirmation (for runbooks); -WhatIf still wins.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    private protected abstract KeyAccessOperation Operation { get; }

    private protected virtual bool ViaServiceRequested => false;

    protected override void BeginProcessing()
    {
        try
        {
            _manager = new KeyAccessManager(Source, Destination);
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
        }
    }

    protected override void ProcessRecord()
    {
        // Many backups share one key: each key is planned and written once per pipeline.
        if (!_done.Add(KeyId))
        {
            return;
        }

        KeyAccessManager manager = _manager!;
        var request = new KeyAccessRequest
        {
            KeyId = KeyId,
            KmsKeyId = KmsKeyId,
            Principals = Principal,
            ViaService = ViaServiceRequested,
            PolicyOnly = PolicyOnly.IsPresent,
        };

        KeyAccessPlan plan;
        try
        {
            plan = RunAsync(token => manager.PlanAsync(Operation, request, token));
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, KeyId));
            return;
        }

        foreach (string warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        foreach (PlannedPolicyEdit edit in plan.Edits)
        {
            if (!edit.Changed)
            {
                WriteVerbose($"{edit.DocumentName}: {edit.Preview.Reason}");
                WriteObject(edit.Preview);
                ReportBlocked(edit, edit.Preview, inEffect: true);
                continue;
            }

            if (PolicyOnly)
            {
                WriteObject(edit.NotApplied($"Not applied (-PolicyOnly). To apply it: {HowToApply(edit)}"));
                ReportBlocked(edit, edit.Preview, inEffect: false);
                continue;
            }

            if (!ShouldApply(edit, out bool whatIf))
            {
                WriteObject(edit.NotApplied(whatIf ? "Not applied (-WhatIf)." : "Not applied: not confirmed."));
                ReportBlocked(edit, edit.Preview, inEffect: false);
                continue;
            }

            try
            {
                VaultKeyPolicyChange applied = RunAsync(token => manager.ApplyAsync(edit, token));
                WriteObject(applied);
                ReportBlocked(edit, applied, inEffect: true);
            }
            catch (VaultCopyException error)
            {
                // Later documents depend on this one; stop here so a failure never leaves more half-done.
                WriteError(ToErrorRecord(error, KeyId));
                return;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _manager?.Dispose();
            _manager = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// A granted key policy that still keeps the vault out is not a success: an error (the key as target) when the
    /// policy is in effect, a warning when it was only planned (-WhatIf, -PolicyOnly, not confirmed).
    /// </summary>
    private void ReportBlocked(PlannedPolicyEdit edit, VaultKeyPolicyChange change, bool inEffect)
    {
        if (edit.AccessBlockedBy(change) is not VaultCopyException blocked)
        {
            return;
        }

        if (inEffect)
        {
            WriteError(ToErrorRecord(blocked, edit.Target));
        }
        else
        {
            WriteWarning($"{blocked.Message} {blocked.Remediation}");
        }
    }

    /// <summary>ShouldProcess with the diff in the WhatIf and Confirm text; -Force skips the prompt, -WhatIf still wins.</summary>
    private bool ShouldApply(PlannedPolicyEdit edit, out bool whatIf)
    {
        string diff = edit.Preview.Diff;
        string description = $"Performing the operation \"{edit.Action}\" on target \"{edit.Target}\".{Environment.NewLine}{diff}";
        ShouldProcessReason reason = ShouldProcessReason.None;
        bool proceed = ConfirmUnlessForced(
            Force, description, $"{MyInvocation.MyCommand.Name} ({edit.Action} on {edit.DocumentName})", edit.Target,
            () => ShouldProcess(description, $"{edit.Action} on {edit.DocumentName}?{Environment.NewLine}{diff}", "Change a key access policy", out reason));
        whatIf = reason == ShouldProcessReason.WhatIf;
        return proceed;
    }

    private static string HowToApply(PlannedPolicyEdit edit)
    {
        if (edit.Kind == VaultKeyPolicyKind.KeyPolicy)
        {
            return $"Write-KMSKeyPolicy -KeyId {edit.Target} -PolicyName default -Policy <After> (as account {edit.Preview.AccountId}), or the same document in your infrastructure code.";
        }

        bool isUser = edit.Target.Contains(":user/", StringComparison.Ordinal);
        string name = edit.Target[(edit.Target.LastIndexOf('/') + 1)..];
        string kind = isUser ? "User" : "Role";
        return edit.Preview.After.Length == 0
            ? $"Remove-IAM{kind}Policy -{kind}Name {name} -PolicyName {edit.Preview.PolicyName}, or remove it from your infrastructure code."
            : $"Write-IAM{kind}Policy -{kind}Name {name} -PolicyName {edit.Preview.PolicyName} -PolicyDocument <After>, or the same document in your infrastructure code.";
    }
}
