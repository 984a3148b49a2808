using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>The one rule for earlier copies of a lineage: which copy every run keeps, and which failed copies may go.</summary>
public sealed class CopyLineageTests
{
    private const string VaultKey = "arn:aws:kms:eu-west-1:222222222222:key/vault";
    private const string OtherKey = "arn:aws:kms:eu-west-1:222222222222:key/other";
    private static readonly DateTime s_noon = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Every_run_keeps_the_earliest_copy_then_the_lowest_id_whatever_order_it_sees_them_in()
    {
        VaultCopyJob job = Job();
        FoundCopy later = Copy("snap-0000000000000000a", s_noon.AddSeconds(1));
        FoundCopy tiedHigh = Copy("snap-0000000000000000c", s_noon);
        FoundCopy tiedLow = Copy("snap-0000000000000000b", s_noon);
        FoundCopy[] seen = [later, tiedHigh, tiedLow];

        Assert.Equal("snap-0000000000000000b", CopyLineage.Decide(job, seen).Winner!.Id);
        Assert.Equal("snap-0000000000000000b", CopyLineage.Decide(job, seen.Reverse()).Winner!.Id);

        // A copy made after the winner never displaces it, complete or not.
        Assert.Equal("snap-0000000000000000b", CopyLineage.Decide(job, [.. seen, Copy("snap-00000000000000001", s_noon.AddMinutes(5))]).Winner!.Id);
    }

    [Fact]
    public void A_failed_copy_or_one_under_another_key_is_never_the_winner()
    {
        VaultCopyJob job = Job();
        LineageDecision decision = CopyLineage.Decide(job, [
            Copy("snap-00000000000000001", s_noon, FoundCopyStanding.Failed),
            Copy("snap-00000000000000002", s_noon, key: OtherKey),
            Copy("snap-00000000000000003", s_noon.AddSeconds(1)),
        ]);

        Assert.Equal("snap-00000000000000003", decision.Winner!.Id);
        Assert.Equal(["snap-00000000000000001"], decision.FailedToRemove.Select(c => c.Id));
    }

    [Fact]
    public void Only_failed_copies_carrying_the_jobs_own_vaultcopy_lineage_may_be_removed()
    {
        VaultCopyJob job = Job();
        var noLineage = new Dictionary<string, string>(StringComparer.Ordinal) { ["Name"] = "someone's copy" };
        var otherSource = Lineage("vault", "arn:aws:ec2:eu-west-1::snapshot/snap-0ffffffffffffffff");
        var otherPurpose = Lineage("backup", job.SourceArn);
        var conversion = Lineage("convert", job.SourceArn);

        LineageDecision decision = CopyLineage.Decide(job, [
            new FoundCopy("snap-00000000000000001", FoundCopyStanding.Failed, s_noon, VaultKey, noLineage),
            new FoundCopy("snap-00000000000000002", FoundCopyStanding.Failed, s_noon, VaultKey, otherSource),
            new FoundCopy("snap-00000000000000003", FoundCopyStanding.Failed, s_noon, VaultKey, otherPurpose),
            new FoundCopy("snap-00000000000000004", FoundCopyStanding.Failed, s_noon, VaultKey, conversion),
            Copy("snap-00000000000000005", s_noon, FoundCopyStanding.Failed, OtherKey),
            Copy("snap-00000000000000006", s_noon, FoundCopyStanding.Other),
            Copy("snap-00000000000000007", s_noon, FoundCopyStanding.Failed),
            Copy("snap-00000000000000008", s_noon, FoundCopyStanding.Failed, key: null),
        ]);

        Assert.Null(decision.Winner);
        Assert.Equal(["snap-00000000000000007", "snap-00000000000000008"], decision.FailedToRemove.Select(c => c.Id));
        Assert.False(CopyLineage.Carries(Job("backup"), otherPurpose));
    }

    private static FoundCopy Copy(string id, DateTime start, FoundCopyStanding standing = FoundCopyStanding.Live, string? key = VaultKey) =>
        new(id, standing, start, key, Lineage("vault", Job().SourceArn));

    private static Dictionary<string, string> Lineage(string purpose, string sourceArn) => new(StringComparer.Ordinal)
    {
        [CopyNaming.PurposeTag] = purpose,
        [CopyNaming.SourceArnTag] = sourceArn,
    };

    private static VaultCopyJob Job(string purpose = "vault") => VaultCopyJob.Create(purpose, new VaultResource
    {
        Type = VaultResourceType.EbsSnapshot,
        Id = "snap-0a1b2c3d4e5f60001",
        Arn = "arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001",
        AccountId = "111111111111",
        Region = "eu-west-1",
        State = "completed",
    }, "222222222222", "eu-west-1", VaultKey);
}
