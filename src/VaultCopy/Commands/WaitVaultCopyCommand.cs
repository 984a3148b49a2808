using System.Management.Automation;
using System.Text.Json;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;

namespace VaultCopy.Commands;

/// <summary>
/// <para type="synopsis">Waits for vault copies to finish, verifies each, and returns the finished jobs.</para>
/// <para type="description">Takes copy jobs from Copy-VaultSnapshot, Copy-VaultImage or Get-VaultCopy, or read back from JSON.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "VaultCopy")]
[OutputType(typeof(VaultCopyJob))]
public sealed class WaitVaultCopyCommand : CopyJobCmdletBase
{
    private readonly List<VaultCopyJob> _jobs = [];

    /// <summary>Copy jobs: VaultCopyJob objects, their JSON text (VaultCopyJob.ToJson), or objects read back with ConvertFrom-Json.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Job")]
    [ValidateNotNull]
    [CopyJobTransformation]
    public VaultCopyJob[] InputObject { get; set; } = [];

    protected override string ActivityName => "Wait-VaultCopy";

    protected override void ProcessRecord()
    {
        _jobs.AddRange(InputObject);
    }

    protected override void EndProcessing()
    {
        var waiting = new List<VaultCopyJob>();
        foreach (VaultCopyJob job in _jobs.DistinctBy(j => j.JobId))
        {
            if (job.TargetAccountId != Destination.AccountId)
            {
                WriteError(ToErrorRecord(new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "JobOfAnotherAccount",
                    $"The copy of {job.SourceId} was made in account {job.TargetAccountId}, not in {Destination.AccountId}.",
                    $"Connect to account {job.TargetAccountId} (Connect-VaultAccount) and pass that connection as -Destination."), job));
            }
            else if (job.State == CopyJobState.Queued)
            {
                WriteError(ToErrorRecord(new VaultCopyException(VaultCopyErrorKind.InvalidState, "JobNeverStarted",
                    $"The copy of {job.SourceId} was never started, so there is nothing to wait for.",
                    "Run the copy command (Copy-VaultSnapshot or Copy-VaultImage) again; it starts the copy, or picks it up if it exists."), job));
            }
            else if (string.IsNullOrWhiteSpace(job.TargetId))
            {
                WriteError(ToErrorRecord(new VaultCopyException(VaultCopyErrorKind.InvalidArgument, "JobWithoutCopy",
                    $"The job for {job.SourceId} says it is {job.State} but names no copy (TargetId), so there is nothing to look at.",
                    "Pass the job as the copy command or Get-VaultCopy returned it; Get-VaultCopy -Destination <vault> lists the vault's copies."), job));
            }
            else
            {
                waiting.Add(job);
            }
        }

        if (waiting.Count == 0)
        {
            return;
        }

        RunAsync(async token =>
        {
            foreach (IGrouping<string, VaultCopyJob> region in waiting.GroupBy(j => j.TargetRegion, StringComparer.Ordinal))
            {
                var jobs = region.ToList();
                IReadOnlyList<CopyOutcome> outcomes;
                using (var engine = new CopyEngine(Destination, region.Key))
                {
                    try
                    {
                        CopyBatch batch = CopyBatch.OfStarted(engine, jobs, CopyBatchWording.VaultCopy);
                        outcomes = await RunBatchAsync(batch, _ => true, WaitOptions(wait: true), acceptUnverified: false, token).ConfigureAwait(false);
                    }
                    catch (VaultCopyException error)
                    {
                        // The vault could not be read in this Region: every job there stays as it was.
                        foreach (VaultCopyJob job in jobs)
                        {
                            PostError(error, job);
                        }

                        continue;
                    }
                }

                foreach (CopyOutcome outcome in outcomes)
                {
                    await WriteOutcomeAsync(outcome).ConfigureAwait(false);
                }
            }
        });
    }

    /// <summary>Reads jobs back from their JSON text, ConvertFrom-Json objects or Import-Csv rows, so -InputObject stays a typed VaultCopyJob[].</summary>
    private sealed class CopyJobTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => inputData switch
        {
            object[] items => items.Select(ToJob).ToArray(),
            System.Collections.IList items => items.Cast<object>().Select(ToJob).ToArray(),
            _ => ToJob(inputData),
        };

        private static VaultCopyJob ToJob(object? input)
        {
            object? value = input is PSObject wrapped ? wrapped.BaseObject : input;
            try
            {
                return value switch
                {
                    VaultCopyJob job => job,
                    string json => VaultCopyJob.FromJson(json),
                    // Import-Csv rows hold text only; ConvertFrom-Json objects hold numbers, booleans and nested objects.
                    PSCustomObject when Properties((PSObject)input!) is var cells && cells.Values.All(v => v is null or string) =>
                        VaultCopyJob.FromCells(cells.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal)),
                    PSCustomObject => VaultCopyJob.FromJson(JsonSerializer.Serialize(Properties((PSObject)input!))),
                    _ => throw new JsonException($"a {value?.GetType().Name ?? "null"} is not a copy job"),
                };
            }
            catch (Exception error) when (error is JsonException or NotSupportedException or InvalidOperationException or FormatException or OverflowException)
            {
                throw new ArgumentTransformationMetadataException(
                    $"NotACopyJob: the input is not a vault copy job: {error.Message}. Pass the jobs Copy-VaultSnapshot, Copy-VaultImage or Get-VaultCopy return, or their JSON (ToJson(), or ConvertTo-Json then ConvertFrom-Json).",
                    error);
            }
        }

        /// <summary>A ConvertFrom-Json object's properties as plain values, for the job's own JSON reader.</summary>
        private static Dictionary<string, object?> Properties(PSObject item) =>
            item.Properties.Where(p => p.IsGettable).ToDictionary(p => p.Name, p => (object?)(p.Value is PSObject wrapped ? wrapped.BaseObject : p.Value), StringComparer.Ordinal);
    }
}
