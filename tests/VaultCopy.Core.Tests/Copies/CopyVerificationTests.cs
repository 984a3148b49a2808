using VaultCopy.Core.Copies;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Tests.Copies;

public class CopyVerificationTests
{
    private const string VaultKey = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";
    private const string OriginKey = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";

    private static VaultCopyJob Job(VaultResourceType type = VaultResourceType.EbsSnapshot, int size = 20) =>
        VaultCopyJob.Create("vault", new VaultResource
        {
            Type = type, Id = "snap-0a1b2c3d4e5f60001", Arn = "arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001",
            AccountId = "111111111111", Region = "eu-west-1", State = "completed", SizeGiB = size, Encrypted = true, KmsKeyArn = OriginKey,
        }, "222222222222", "eu-west-1", VaultKey);

    [Fact]
    public void A_copy_under_the_requested_key_of_the_target_account_with_the_source_size_is_verified()
    {
        VaultCopyJob job = Job();

        CopyVerifier.Verify(job, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 20));

        Assert.True(job.Verified);
        Assert.Contains("222222222222", job.VerificationMessage, StringComparison.Ordinal);
        Assert.Contains("20 GiB as the source", job.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_still_under_the_source_accounts_key_is_not_verified()
    {
        VaultCopyJob job = Job();

        CopyVerifier.Verify(job, new CopyObservation("snap-1", "completed", 100, true, OriginKey, 20));

        Assert.False(job.Verified);
        Assert.Contains("of account 111111111111, not of 222222222222", job.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_of_another_size_or_unencrypted_is_not_verified()
    {
        VaultCopyJob small = Job();
        CopyVerifier.Verify(small, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 8));
        VaultCopyJob plain = Job();
        CopyVerifier.Verify(plain, new CopyObservation("snap-1", "completed", 100, false, null, 20));

        Assert.False(small.Verified);
        Assert.Contains("holds 8 GiB but the source 20 GiB", small.VerificationMessage, StringComparison.Ordinal);
        Assert.False(plain.Verified);
        Assert.Contains("is not encrypted", plain.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_backing_snapshot_of_an_ami_copy_is_checked()
    {
        VaultCopyJob good = Job(VaultResourceType.Ami, 16);
        CopyVerifier.Verify(good, new CopyObservation("ami-1", "available", 100, true, null, 16)
        {
            BackingSnapshots = [new("snap-a", true, VaultKey, 8), new("snap-b", true, VaultKey, 8)],
        });
        VaultCopyJob bad = Job(VaultResourceType.Ami, 16);
        CopyVerifier.Verify(bad, new CopyObservation("ami-1", "available", 100, true, null, 16)
        {
            BackingSnapshots = [new("snap-a", true, VaultKey, 8), new("snap-b", true, "arn:aws:kms:eu-west-1:222222222222:key/other", 8)],
        });

        Assert.True(good.Verified);
        Assert.StartsWith("Encrypted under 2 snapshots on key", good.VerificationMessage, StringComparison.Ordinal);
        Assert.False(bad.Verified);
        Assert.Contains("backing snapshot snap-b is encrypted under key arn:aws:kms:eu-west-1:222222222222:key/other, not under the requested", bad.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ebs_copy_that_could_not_use_a_key_fails_in_plain_words()
    {
        VaultCopyJob job = Job();
        job.TargetId = "snap-0fff";

        CopyStates.ApplySnapshot(job, new CopyObservation("snap-0fff", "error", 0, true, VaultKey, 20), "Given key ID is not accessible", DateTime.UtcNow);

        Assert.Equal(CopyJobState.Failed, job.State);
        Assert.Equal("error", job.ServiceState);
        Assert.Contains("Account 222222222222 could not use a KMS key the copy needs", job.FailureReason, StringComparison.Ordinal);
        Assert.Contains(OriginKey, job.FailureReason, StringComparison.Ordinal);
        Assert.Contains("Grant-VaultKeyAccess", job.FailureReason, StringComparison.Ordinal);
        Assert.NotNull(job.EndTime);
    }

    [Fact]
    public void A_failed_ami_copy_turns_its_state_reason_into_plain_words()
    {
        VaultCopyJob job = Job(VaultResourceType.Ami);
        job.TargetId = "ami-0fff";

        CopyStates.ApplyImage(job, new CopyObservation("ami-0fff", "failed", 0, true, null, 20),
            "AMI snapshot copy failed with error: Given key ID is not accessible. You must have DescribeKey permissions on the default CMK", DateTime.UtcNow);

        Assert.Equal(CopyJobState.Failed, job.State);
        Assert.Contains("Grant-VaultKeyAccess", job.FailureReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pending", "45%", CopyJobState.InProgress, 45)]
    [InlineData("completed", "100%", CopyJobState.Completed, 100)]
    [InlineData("recovering", "10%", CopyJobState.InProgress, 10)]
    public void Snapshot_states_map_onto_the_job(string state, string progress, CopyJobState expected, int percent)
    {
        VaultCopyJob job = Job();

        CopyStates.ApplySnapshot(job, new CopyObservation("snap-1", state, CopyStates.ParsePercent(progress), true, VaultKey, 20), null, DateTime.UtcNow);

        Assert.Equal(expected, job.State);
        Assert.Equal(percent, job.Progress);
        Assert.Equal(state, job.ServiceState);
    }

    [Theory]
    [InlineData("creating", CopyJobState.InProgress)]
    [InlineData("copying", CopyJobState.InProgress)]
    [InlineData("pending", CopyJobState.InProgress)]
    [InlineData("available", CopyJobState.Completed)]
    [InlineData("failed", CopyJobState.Failed)]
    [InlineData("deleted", CopyJobState.Failed)]
    public void Rds_states_map_onto_the_job(string status, CopyJobState expected)
    {
        VaultCopyJob job = Job(VaultResourceType.RdsSnapshot);

        CopyStates.ApplyRds(job, new CopyObservation(job.TargetId!, status, 30, true, VaultKey, 20), DateTime.UtcNow);

        Assert.Equal(expected, job.State);
        Assert.Equal(expected == CopyJobState.Failed, job.FailureReason is not null);
    }

    [Fact]
    public void A_copy_that_disappeared_fails_with_a_reason()
    {
        VaultCopyJob job = Job();
        job.TargetId = "snap-gone";

        CopyStates.ApplyMissing(job, DateTime.UtcNow);

        Assert.Equal(CopyJobState.Failed, job.State);
        Assert.Contains("snap-gone no longer exists", job.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_owned_by_another_account_is_not_verified()
    {
        VaultCopyJob job = Job();

        CopyVerifier.Verify(job, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 20) { OwnerAccountId = "111111111111" });

        Assert.False(job.Verified);
        Assert.Contains("snap-1 belongs to account 111111111111, not to the vault account 222222222222", job.VerificationMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_whose_lineage_names_another_source_or_purpose_is_not_verified()
    {
        VaultCopyJob other = Job();
        CopyVerifier.Verify(other, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 20)
        {
            OwnerAccountId = "222222222222",
            Tags = new Dictionary<string, string> { [CopyNaming.PurposeTag] = "vault", [CopyNaming.SourceArnTag] = "arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60003" },
        });
        VaultCopyJob untagged = Job();
        CopyVerifier.Verify(untagged, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 20) { Tags = new Dictionary<string, string>() });
        VaultCopyJob ours = Job();
        CopyVerifier.Verify(ours, new CopyObservation("snap-1", "completed", 100, true, VaultKey, 20)
        {
            OwnerAccountId = "222222222222",
            Tags = new Dictionary<string, string> { [CopyNaming.PurposeTag] = "vault", [CopyNaming.SourceArnTag] = ours.SourceArn },
        });

        Assert.False(other.Verified);
        Assert.Contains("snap-1 is not VaultCopy's vault copy of snap-0a1b2c3d4e5f60001: its lineage tags name vault / arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60003", other.VerificationMessage, StringComparison.Ordinal);
        Assert.False(untagged.Verified);
        Assert.Contains("its lineage tags name no source", untagged.VerificationMessage, StringComparison.Ordinal);
        Assert.True(ours.Verified, ours.VerificationMessage);
    }
}
