using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>The copy batch every copy command drives: prepare, approval, run, one outcome per item.</summary>
public class CopyBatchTests
{
    private static readonly CopyRunOptions s_wait = new() { PollInterval = TimeSpan.FromMilliseconds(1) };

    private static List<(VaultCopyJob Job, VaultResource Source)> Work(params string[] ids) =>
        ids.Select(id => (FakeCopyBackend.Job(VaultResourceType.EbsSnapshot, id), new VaultResource
        {
            Type = VaultResourceType.EbsSnapshot, Id = id, Arn = $"arn:aws:ec2:eu-west-1::snapshot/{id}", AccountId = "111111111111", Region = "eu-west-1", State = "completed",
        })).ToList();

    [Fact]
    public async Task Only_approved_new_copies_and_copies_found_again_run_and_each_gets_an_outcome()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot);
        backend.AlreadyCopied.Add("snap-001");
        using var engine = new CopyEngine([backend]);

        CopyBatch batch = await CopyBatch.PrepareAsync(engine, Work("snap-001", "snap-002", "snap-003"), CopyBatchWording.VaultCopy);
        Assert.Equal(["snap-001"], batch.Reused.Select(i => i.Job.SourceId));
        Assert.Equal(["snap-002", "snap-003"], batch.NeedingApproval.Select(i => i.Job.SourceId));
        batch.NeedingApproval.Single(i => i.Job.SourceId == "snap-002").Approve();

        IReadOnlyList<CopyOutcome> outcomes = await batch.RunAsync(s_wait, null);

        Assert.Equal(["snap-002"], backend.Started);
        Assert.Equal(["snap-001", "snap-002"], outcomes.Select(o => o.Job.SourceId));
        Assert.All(outcomes, o => Assert.Equal(CopyOutcomeKind.Verified, o.Kind));
        Assert.Equal(CopyJobState.Queued, batch.Items[2].Job.State);
    }

    [Fact]
    public async Task Without_waiting_a_started_copy_is_its_outcome()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = int.MaxValue };
        using var engine = new CopyEngine([backend]);
        CopyBatch batch = await CopyBatch.PrepareAsync(engine, Work("snap-001"), CopyBatchWording.Conversion);
        batch.Items[0].Approve();

        CopyOutcome outcome = Assert.Single(await batch.RunAsync(CopyRunOptions.ForWait(false, 1, 0), null));

        Assert.Equal(CopyOutcomeKind.Started, outcome.Kind);
        Assert.Null(outcome.Error);
    }

    [Theory]
    [InlineData("VaultCopy", "Wait-VaultCopy")]
    [InlineData("Conversion", "Convert-VaultSnapshotKey again")]
    public async Task A_wait_that_ends_first_is_a_timeout_worded_for_the_command(string prefix, string advice)
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot) { PollsToComplete = int.MaxValue };
        using var engine = new CopyEngine([backend]);
        CopyBatchWording wording = prefix == "VaultCopy" ? CopyBatchWording.VaultCopy : CopyBatchWording.Conversion;
        CopyBatch batch = await CopyBatch.PrepareAsync(engine, Work("snap-001"), wording);
        batch.Items[0].Approve();

        CopyOutcome outcome = Assert.Single(await batch.RunAsync(
            new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(5), MinPollInterval = TimeSpan.FromMilliseconds(1), Timeout = TimeSpan.FromMilliseconds(50) }, null));

        Assert.Equal(CopyOutcomeKind.TimedOut, outcome.Kind);
        Assert.Equal(VaultCopyErrorKind.Timeout, outcome.Error!.Kind);
        Assert.Equal($"{prefix}TimedOut", outcome.Error.ErrorId);
        Assert.Contains(advice, outcome.Error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_start_keeps_its_typed_failure_and_an_unverified_copy_fails_unless_accepted()
    {
        var backend = new FakeCopyBackend(VaultResourceType.EbsSnapshot)
        {
            StartFault = (call, _) => call == 1 ? new VaultCopyException(VaultCopyErrorKind.PermissionDenied, "VaultCopyKeyNotAccessible", "denied", "Grant it.") : null,
        };
        using var engine = new CopyEngine([backend]);
        CopyBatch batch = await CopyBatch.PrepareAsync(engine, Work("snap-001"), CopyBatchWording.VaultCopy);
        batch.Items[0].Approve();

        CopyOutcome failed = Assert.Single(await batch.RunAsync(s_wait, null));

        Assert.Equal(CopyOutcomeKind.Failed, failed.Kind);
        Assert.Equal("VaultCopyKeyNotAccessible", failed.Error!.ErrorId);
        Assert.Equal(VaultCopyErrorKind.PermissionDenied, failed.Error.Kind);

        VaultCopyJob unverified = FakeCopyBackend.Job(VaultResourceType.EbsSnapshot, "snap-009");
        unverified.State = CopyJobState.Completed;
        unverified.Verified = true;
        var strict = CopyBatch.OfStarted(
            new CopyEngine([new FakeCopyBackend(VaultResourceType.EbsSnapshot) { VerificationProblem = "under a key of account 111111111111" }]), [unverified], CopyBatchWording.VaultCopy);
        Assert.Equal("VaultCopyNotVerified", Assert.Single(await strict.RunAsync(s_wait, null)).Error!.ErrorId);
        CopyOutcome accepted = Assert.Single(await strict.RunAsync(s_wait, null, acceptUnverified: true));
        Assert.Equal(CopyOutcomeKind.Verified, accepted.Kind);
        Assert.Contains("111111111111", accepted.Warning, StringComparison.Ordinal);
    }
}
