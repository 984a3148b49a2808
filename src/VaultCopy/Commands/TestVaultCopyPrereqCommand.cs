using System.Management.Automation;
using VaultCopy.Completion;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;
using static VaultCopy.Commands.BackupParameters;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Proves every prerequisite of a vault copy, before any data moves, and says what to fix.</para>
/// <para type="description">Checks both accounts, each resource, the source keys' policies, both principals' IAM
/// permissions, the vault key and the quotas, and emits one VaultPrereqResult per check. It never changes
/// anything: EC2 permissions are proved with DryRun, IAM ones with SimulatePrincipalPolicy.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VaultCopyPrereq", DefaultParameterSetName = IdSet)]
[OutputType(typeof(VaultPrereqResult), typeof(bool))]
public sealed class TestVaultCopyPrereqCommand : CrossAccountCmdletBase
{
    private readonly List<string> _resources = [];
    private bool _inputRejected;

    /// <summary>Ids or ARNs of the backups to be copied; binds the id and ARN properties of AWS Tools and AWS CLI objects.</summary>
    [Parameter(Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Resource", DBSnapshotArn, DBClusterSnapshotArn, BackupParameters.Arn, SourceArn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier)]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    /// <summary>The backups to be copied, as VaultCopy output names them: VaultResource (Get-VaultResource), VaultShare, VaultCopyJob (its source).</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public INamesBackup InputObject { get; set; } = null!;

    /// <summary>The vault key the copies are to be encrypted under: a key id, alias or ARN in the destination account.</summary>
    [Parameter]
    [Alias("DestinationKeyId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(VaultKeyCompleter))]
    public string? KmsKeyId { get; set; }

    /// <summary>Return only $true (no check failed) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string text in ParameterSetName == InputObjectSet ? [InputObject.BackupIdOrArn] : Id)
        {
            try
            {
                _ = ResourceReference.Parse(text);
                _resources.Add(text);
            }
            catch (VaultCopyException error)
            {
                _inputRejected = true;
                WriteError(ToErrorRecord(error, text));
            }
        }
    }

    protected override void EndProcessing()
    {
        var request = new PrereqRequest { Resources = _resources, KmsKeyId = KmsKeyId };
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
}
