using System.Management.Automation;
using VaultCopy.Completion;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Posture;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Reports what could make the backups leak or be lost, in the origin and in the vault; changes nothing.</para>
/// <para type="description">One finding per problem, with severity, resource, account, Region, message and the command or AWS step that fixes it; -Quiet returns $true or $false.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VaultPosture")]
[OutputType(typeof(VaultPostureFinding), typeof(bool))]
public sealed class TestVaultPostureCommand : VaultCopyCmdletBase
{
    /// <summary>The origin account, from Connect-VaultAccount (optional: without it only the vault is inspected).</summary>
    [Parameter]
    public VaultAccount? Source { get; set; }

    /// <summary>The vault account, from Connect-VaultAccount.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNull]
    public VaultAccount Destination { get; set; } = null!;

    /// <summary>The Region to inspect in both accounts (default: each account's own Region).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRegionName]
    public string? Region { get; set; }

    /// <summary>A backup older than this many hours without a verified vault copy is a finding.</summary>
    [Parameter]
    [ValidateRange(0, 87600)]
    public double MaxAgeHours { get; set; } = 24;

    /// <summary>Copies without a lock (AMIs: without deregistration protection) are findings.</summary>
    [Parameter]
    public SwitchParameter RequireLock { get; set; }

    /// <summary>Locks that end within this many days are findings.</summary>
    [Parameter]
    [ValidateRange(0, 36500)]
    public double WarnDays { get; set; } = 7;

    /// <summary>Vault keys to check even if no copy uses them yet (id, alias or ARN in the vault account).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultKeyCompleter))]
    public string[] KmsKeyId { get; set; } = [];

    /// <summary>Return only $true (nothing above Info was found) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void EndProcessing()
    {
        var request = new PostureRequest { MaxAgeHours = MaxAgeHours, RequireLock = RequireLock, WarnDays = WarnDays, VaultKeyIds = KmsKeyId };
        PostureInspector inspector;
        try
        {
            inspector = new PostureInspector(Source, Destination, Region);
        }
        catch (VaultCopyException error)
        {
            // The two accounts cannot be origin and vault of each other (the same account, two partitions).
            ThrowTerminatingError(ToErrorRecord(error, Source));
            return;
        }

        using PostureInspector owned = inspector;
        bool clean = true;
        try
        {
            RunAsync(async token =>
            {
                await foreach (VaultPostureFinding finding in inspector.InspectAsync(request, token).ConfigureAwait(false))
                {
                    clean &= finding.Severity == PostureSeverity.Info;
                    if (!Quiet)
                    {
                        PostObject(finding);
                    }
                    else
                    {
                        PostVerbose(finding.ToString());
                    }
                }
            });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
            return;
        }

        if (Quiet)
        {
            WriteObject(clean);
        }
    }
}
