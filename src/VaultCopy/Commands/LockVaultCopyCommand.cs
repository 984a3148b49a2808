using System.Management.Automation;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Lifecycle;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Locks vault copies against deletion: EBS Snapshot Lock, and for an AMI deregistration protection plus a lock on each of its snapshots.</para>
/// <para type="description">RDS and Aurora copies cannot be locked by any AWS API; the cmdlet says so per copy and names what protects them instead.</para>
/// </summary>
[Cmdlet(VerbsCommon.Lock, "VaultCopy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(VaultCopyJob))]
public sealed class LockVaultCopyCommand : VaultCopyLifecycleCmdletBase
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private CopyLocker? _locker;
    private CopyLockRequest _request = null!;

    /// <summary>Governance (removable by a principal allowed ec2:UnlockSnapshot) or Compliance (after the cool-off, by nobody).</summary>
    /// <remarks>A string, not the engine's enum: a value-type field of an engine type would load the engine before the module initializer can point at it.</remarks>
    [Parameter(Mandatory = true)]
    [ValidateSet("Governance", "Compliance")]
    public string Mode { get; set; } = null!;

    /// <summary>The lock's duration in days, counted from when the copy was first locked (or completed).</summary>
    [Parameter]
    [ValidateRange(1, CopyLockRequest.MaxDays)]
    public int Days { get; set; }

    /// <summary>The lock's end, instead of -Days.</summary>
    [Parameter]
    public DateTime Until { get; set; }

    /// <summary>Compliance only: hours (1–72) during which the lock can still be removed or changed.</summary>
    [Parameter]
    [ValidateRange(1, CopyLockRequest.MaxCoolOffHours)]
    public int CoolOffHours { get; set; }

    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        _request = new CopyLockRequest
        {
            Mode = Enum.Parse<CopyLockMode>(Mode, ignoreCase: true),
            Days = bound.ContainsKey(nameof(Days)) ? Days : null,
            Until = bound.ContainsKey(nameof(Until)) ? Until.ToUniversalTime() : null,
            CoolOffHours = bound.ContainsKey(nameof(CoolOffHours)) ? CoolOffHours : null,
        };
        try
        {
            _request.Validate();
        }
        catch (VaultCopyException error)
        {
            ThrowTerminatingError(ToErrorRecord(error, _request));
        }

        _locker = new CopyLocker(Destination, Region);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (VaultCopyJob job in InputObject)
            {
                if (_seen.Add(job.TargetArn ?? job.TargetId ?? job.JobId.ToString()))
                {
                    Process(job, job);
                }
            }

            return;
        }

        foreach (string id in Id.Select(i => i.Trim()))
        {
            if (!_seen.Add(id))
            {
                continue;
            }

            VaultCopyJob job;
            try
            {
                job = RunAsync(token => _locker!.FindCopyAsync(id, token));
            }
            catch (VaultCopyException error)
            {
                WriteError(ToErrorRecord(error, id));
                continue;
            }

            Process(job, id);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _locker?.Dispose();
            _locker = null;
        }

        base.Dispose(disposing);
    }

    private void Process(VaultCopyJob job, object target)
    {
        CopyLockPlan plan;
        try
        {
            plan = RunAsync(token => _locker!.PlanAsync(job, _request, token));
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, target));
            return;
        }

        if (plan.Refusal is not null)
        {
            WriteError(ToErrorRecord(plan.Refusal, target));
            return;
        }

        if (plan.IsNoOp)
        {
            WriteVerbose($"{job.TargetId} is already locked {_request.DescribeTerm()} in {_request.Mode} mode; nothing to change.");
            WriteObject(job);
            return;
        }

        if (!ShouldApply($"{job.Type} {job.TargetId} (copy of {job.SourceId})", plan.Action))
        {
            return;
        }

        try
        {
            WriteObject(RunAsync(token => _locker!.ApplyAsync(plan, token)));
        }
        catch (VaultCopyException error)
        {
            WriteError(ToErrorRecord(error, target));
        }
    }
}
