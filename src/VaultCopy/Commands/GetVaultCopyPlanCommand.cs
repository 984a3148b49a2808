using System.Management.Automation;
using VaultCopy.Core.Orchestration;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Plans a whole vault copy with reads only: per backup, Convert, Share, Copy, Reuse or Refuse, and why.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VaultCopyPlan", DefaultParameterSetName = SelectSet)]
[OutputType(typeof(VaultCopyPlanItem))]
public sealed class GetVaultCopyPlanCommand : VaultCopyPlanCmdletBase
{
    protected override void EndProcessing()
    {
        VaultCopyRequest request;
        try
        {
            request = BuildRequest(keepShares: false);
        }
        catch (Core.Errors.VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, string.Join(", ", KmsKeyId)));
            return;
        }

        using VaultCopyRunPlan? plan = Plan(request);
        if (plan is null)
        {
            return;
        }

        WriteVerbose(plan.Summary);
        foreach (string warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        foreach (VaultCopyPlanItem item in plan.Items)
        {
            WriteObject(item);
        }
    }
}
