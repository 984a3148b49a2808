using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Lifecycle;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Lifecycle;

/// <summary>The pure retention decision: rules select, the newest verified copy of a series survives, locks skip.</summary>
public sealed class RetentionPlannerTests
{
    private static readonly DateTime s_now = new(2026, 12, 4, 0, 0, 0, DateTimeKind.Utc);

    private static RetentionCandidate Copy(string id, int ageDays, string series = "vol-a", CopyJobState state = CopyJobState.Completed,
        CopyLockState lockState = CopyLockState.None, string key = "arn:aws:kms:eu-west-1:222222222222:key/k")
    {
        var job = new VaultCopyJob
        {
            JobId = Guid.NewGuid(),
            Purpose = "vault",
            Type = VaultResourceType.EbsSnapshot,
            SourceId = "snap-src-" + id,
            SourceArn = "arn:aws:ec2:eu-west-1::snapshot/snap-src-" + id,
            SourceAccountId = "111111111111",
            SourceRegion = "eu-west-1",
            TargetId = id,
            TargetArn = "arn:aws:ec2:eu-west-1::snapshot/" + id,
            TargetAccountId = "222222222222",
            TargetRegion = "eu-west-1",
            TargetKeyArn = key,
            State = state,
            StartTime = s_now.AddDays(-ageDays),
            LockState = lockState,
            LockExpiresOn = lockState == CopyLockState.None ? null : s_now.AddDays(3),
        };
        return new RetentionCandidate(job, series, []);
    }

    private static Dictionary<string, RetentionVerdict> Verdicts(IEnumerable<RetentionCandidate> copies, RetentionRule rule, IReadOnlySet<string>? selected = null) =>
        RetentionPlanner.Plan(copies.ToList(), selected, rule, s_now).ToDictionary(d => d.Job.TargetId!, d => d.Verdict);

    [Fact]
    public void Age_selects_but_the_newest_verified_copy_of_each_series_stays()
    {
        var verdicts = Verdicts([Copy("old", 50), Copy("older", 60), Copy("alone", 90, series: "vol-b")], new RetentionRule { OlderThanDays = 30 });

        Assert.Equal(RetentionVerdict.Keep, verdicts["old"]);
        Assert.Equal(RetentionVerdict.Remove, verdicts["older"]);
        Assert.Equal(RetentionVerdict.Keep, verdicts["alone"]);
    }

    [Fact]
    public void IncludeNewest_lets_the_newest_go_but_never_a_copy_in_flight_or_locked()
    {
        var verdicts = Verdicts(
            [Copy("newest", 40), Copy("copying", 50, state: CopyJobState.InProgress), Copy("locked", 60, lockState: CopyLockState.Compliance)],
            new RetentionRule { OlderThanDays = 30, IncludeNewest = true });

        Assert.Equal(RetentionVerdict.Remove, verdicts["newest"]);
        Assert.Equal(RetentionVerdict.Keep, verdicts["copying"]);
        Assert.Equal(RetentionVerdict.Skip, verdicts["locked"]);
    }

    [Fact]
    public void A_copy_under_a_foreign_key_is_not_the_verified_newest()
    {
        var verdicts = Verdicts([Copy("foreign-key", 40, key: "arn:aws:kms:eu-west-1:111111111111:key/k"), Copy("good", 50)], new RetentionRule { OlderThanDays = 30 });

        Assert.Equal(RetentionVerdict.Remove, verdicts["foreign-key"]);
        Assert.Equal(RetentionVerdict.Keep, verdicts["good"]);
    }

    [Fact]
    public void KeepLast_and_age_together_remove_only_what_both_select()
    {
        var verdicts = Verdicts([Copy("d1", 1), Copy("d10", 10), Copy("d20", 20), Copy("d40", 40)], new RetentionRule { OlderThanDays = 15, KeepLast = 3 });

        Assert.Equal(RetentionVerdict.Keep, verdicts["d20"]);
        Assert.Equal(RetentionVerdict.Remove, verdicts["d40"]);
        Assert.Equal(RetentionVerdict.Keep, verdicts["d10"]);
    }

    [Fact]
    public void An_AMI_with_deregistration_protection_is_skipped_even_when_its_protection_is_cooling_down()
    {
        var protectedImage = Copy("ami-protected", 40);
        protectedImage.Job.DeregistrationProtection = "disabled after 2026-12-05T00:00:00Z";
        var plain = Copy("ami-plain", 41);
        plain.Job.DeregistrationProtection = "disabled";

        var decisions = RetentionPlanner.Plan([protectedImage, plain], null, new RetentionRule { OlderThanDays = 30, IncludeNewest = true }, s_now);

        var skipped = Assert.Single(decisions, d => d.Verdict == RetentionVerdict.Skip);
        Assert.Equal("ami-protected", skipped.Job.TargetId);
        Assert.Contains("disabled after", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal(RetentionVerdict.Remove, Assert.Single(decisions, d => d.Job.TargetId == "ami-plain").Verdict);
    }

    [Fact]
    public void Only_the_given_copies_can_go()
    {
        var verdicts = Verdicts([Copy("new", 1), Copy("a", 10), Copy("b", 20)], new RetentionRule(), new HashSet<string> { "b" });

        Assert.Equal(RetentionVerdict.Keep, verdicts["a"]);
        Assert.Equal(RetentionVerdict.Remove, verdicts["b"]);
    }

    [Fact]
    public void Without_a_rule_or_copies_nothing_is_planned()
    {
        var error = Assert.Throws<VaultCopyException>(() => new RetentionRule().Validate(copiesGiven: false));
        Assert.Equal("RetentionRuleRequired", error.ErrorId);
    }
}
