using VaultCopy.Core.Orchestration;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Orchestration;

public class VaultCopyReportTests
{
    private static VaultCopyOutcome Outcome(OutcomeKind kind, string id, string? cause = null) => new()
    {
        Outcome = kind,
        OriginAccountId = "111111111111",
        SourceRegion = "eu-west-1",
        Type = VaultResourceType.EbsSnapshot,
        Id = id,
        Arn = $"arn:aws:ec2:eu-west-1::snapshot/{id}",
        SizeGiB = 20,
        Planned = PlanAction.Copy,
        VaultCopies = "eu-west-1:snap-0c1; eu-central-1:snap-0c2",
        Cause = cause,
    };

    [Fact]
    public void The_csv_has_flat_plain_cells_quoted_where_needed_and_never_a_formula()
    {
        string csv = VaultCopyReport.ToCsv([Outcome(OutcomeKind.Vaulted, "snap-1"), Outcome(OutcomeKind.Failed, "snap-2", "=HYPERLINK(\"x\"), then \"quoted\"")]);
        string[] lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("Outcome,OriginAccountId,SourceRegion,Type,Id,Arn,SizeGiB,Planned,VaultCopies,ConvertedId,ShareWithdrawn,ErrorId,Cause,Remediation", lines[0]);
        Assert.StartsWith("Vaulted,111111111111,eu-west-1,EbsSnapshot,snap-1,arn:aws:ec2:eu-west-1::snapshot/snap-1,20,Copy,eu-west-1:snap-0c1; eu-central-1:snap-0c2,,false,,,", lines[1]);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\"), then \"\"quoted\"\"\",", lines[2]);
        Assert.DoesNotContain("VaultCopy.Core", csv);
    }

    [Fact]
    public void Json_and_csv_are_written_side_by_side_whatever_extension_is_given()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"vaultcopy-report-{Guid.NewGuid():n}");
        try
        {
            var result = new VaultCopyRunResult { Outcomes = [Outcome(OutcomeKind.Vaulted, "snap-1")], Summary = new VaultCopyRunSummary { Total = 1, Vaulted = 1 } };
            (string json, string csv) = VaultCopyReport.Write(Path.Combine(folder, "run.csv"), result);

            Assert.Equal(Path.Combine(folder, "run.json"), json);
            Assert.Equal(Path.Combine(folder, "run.csv"), csv);
            Assert.Contains("\"Vaulted\": 1", File.ReadAllText(json));
            Assert.Contains("\"Outcome\": \"Vaulted\"", File.ReadAllText(json));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
