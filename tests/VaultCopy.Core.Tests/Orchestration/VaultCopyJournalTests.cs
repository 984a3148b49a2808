using VaultCopy.Core.Orchestration;

namespace VaultCopy.Core.Tests.Orchestration;

public class VaultCopyJournalTests
{
    [Fact]
    public void A_journal_keeps_every_finished_step_and_skips_the_line_a_kill_cut_short()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vaultcopy-journal-{Guid.NewGuid():n}.jsonl");
        try
        {
            using (VaultCopyJournal journal = VaultCopyJournal.Open(path))
            {
                journal.Write("shared", "arn:aws:ec2:eu-west-1::snapshot/snap-1");
                journal.Write("copy-started", "arn:aws:ec2:eu-west-1::snapshot/snap-1", "eu-west-1", "snap-0c1");
            }

            File.AppendAllText(path, "{\"event\":\"verif");

            using VaultCopyJournal again = VaultCopyJournal.Open(path);
            Assert.Equal(["shared", "copy-started"], again.Earlier.Select(e => e.Event));
            Assert.Equal("snap-0c1", again.Earlier[1].Target);
            Assert.Equal("eu-west-1", again.Earlier[1].Region);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
