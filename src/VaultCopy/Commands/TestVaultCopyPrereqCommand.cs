using System.Management.Automation;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Proves every prerequisite of a vault copy, before any data moves, and says what to fix.</para>
/// <para type="description">Checks both accounts, each resource, the source keys' policies, both principals' IAM
/// permissions, the vault key and the quotas, and emits one VaultPrereqResult per check. It never changes
/// anything: EC2 permissions are proved with DryRun, IAM ones with SimulatePrincipalPolicy.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VaultCopyPrereq")]
[OutputType(typeof(VaultPrereqResult), typeof(bool))]
public sealed class TestVaultCopyPrereqCommand : CrossAccountCmdletBase
{
    private static readonly string[] s_idProperties =
        ["Arn", "DBSnapshotArn", "DBClusterSnapshotArn", "SnapshotId", "ImageId", "DBSnapshotIdentifier", "DBClusterSnapshotIdentifier", "Id"];

    private readonly List<string> _resources = [];
    private bool _inputRejected;

    /// <summary>The backups to be copied: VaultResource objects (Get-VaultResource), ids, ARNs, or AWS Tools objects.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject[] Resource { get; set; } = [];

    /// <summary>The vault key the copies are to be encrypted under: a key id, alias or ARN in the destination account.</summary>
    [Parameter]
    [Alias("DestinationKeyId")]
    [ValidateNotNullOrEmpty]
    public string? KmsKeyId { get; set; }

    /// <summary>Return only $true (no check failed) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (PSObject item in Resource)
        {
            string? text = IdOf(item);
            if (text is null)
            {
                _inputRejected = true;
                WriteError(ToErrorRecord(new VaultCopyException(
                    VaultCopyErrorKind.InvalidArgument, "UnsupportedResourceInput",
                    $"A {item.BaseObject.GetType().Name} is not a resource VaultCopy can check.",
                    "Pass VaultResource objects from Get-VaultResource, ids (snap-…, ami-…, an RDS snapshot identifier) or ARNs."), item));
                continue;
            }

            try
            {
                _ = ResourceReference.Parse(text);
                _resources.Add(text);
            }
            catch (VaultCopyException error)
            {
                _inputRejected = true;
                WriteError(ToErrorRecord(error, item.BaseObject));
            }
        }
    }

    protected override void EndProcessing()
    {
        var request = new PrereqRequest { Resources = _resources, DestinationKeyId = KmsKeyId };
        bool failed = _inputRejected;
        using var checker = new PrereqChecker(Source, Destination);
        try
        {
            RunAsync(async token =>
            {
                await foreach (VaultPrereqResult result in checker.CheckAsync(request, token).ConfigureAwait(false))
                {
                    failed |= result.Status == PrereqStatus.Fail;
                    if (!Quiet)
                    {
                        PostObject(result);
                    }
                }
            });
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, Destination));
        }

        if (Quiet)
        {
            WriteObject(!failed);
        }
    }

    /// <summary>The id or ARN of a pipeline item: a string, a VaultResource, or an AWS Tools object by its id property.</summary>
    private static string? IdOf(PSObject item)
    {
        switch (item.BaseObject)
        {
            case string text:
                return text;
            case VaultResource resource:
                return resource.Arn;
        }

        foreach (string name in s_idProperties)
        {
            if (item.Properties[name]?.Value is string { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
