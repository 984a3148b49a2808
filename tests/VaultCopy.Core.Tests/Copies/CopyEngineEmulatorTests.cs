using Amazon.EC2;
using Amazon.EC2.Model;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>The copy engine and the key conversion against the emulator's EC2, RDS and KMS (demo world).</summary>
public sealed class CopyEngineEmulatorTests : IAsyncLifetime
{
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";

    private static readonly CopyRunOptions s_poll = new() { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) };

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;
    private VaultAccount _vault = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server.Settings.TimeScale = 600;
        _origin = await Connect(Demo.OriginAdminKey, Demo.OriginAdminSecret);
        _vault = await Connect(Demo.VaultAdminKey, Demo.VaultAdminSecret);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Converting_default_key_resources_makes_verified_copies_under_the_customer_key()
    {
        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        List<VaultCopyJob> jobs = await PlanAsync(converter, key, "snap-0a1b2c3d4e5f60002", "ami-0a1b2c3d4e5f60002", "rds:origin-legacy-2026-01-15-03-05", "origin-legacy-ledger-manual-awsrds");

        CopyRunOutcome outcome = await converter.Engine.RunAsync(jobs, s_poll);

        Assert.Equal(CopyRunOutcome.Done, outcome);
        Assert.Equal(OriginKeyArn, key.Arn);
        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.All(jobs, j => Assert.True(j.Verified, j.VerificationMessage));
        Assert.All(jobs, j => Assert.Equal(OriginKeyArn, j.TargetKeyArn));
        Assert.Equal("convert-111111111111-eu-west-1-rds-origin-legacy-2026-01-15-03-05", jobs[2].TargetId);
        VaultResource ami = await converter.Inventory.GetAsync(jobs[1].TargetId!);
        Assert.All(ami.BackingSnapshots, s => Assert.Equal(KeyManager.Customer, s.KeyManager));
        Assert.Equal("convert", ami.Tags[CopyNaming.PurposeTag]);
        Assert.Equal("arn:aws:ec2:eu-west-1::image/ami-0a1b2c3d4e5f60002", ami.Tags[CopyNaming.SourceArnTag]);
    }

    [Fact]
    public async Task A_second_run_adopts_the_copies_by_their_lineage_instead_of_copying_again()
    {
        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        string[] ids = ["snap-0a1b2c3d4e5f60002", "ami-0a1b2c3d4e5f60002", "origin-legacy-manual-awsrds"];
        List<VaultCopyJob> first = await PlanAsync(converter, key, ids);
        await converter.Engine.RunAsync(first, s_poll);
        int copies = CopyCalls();

        List<VaultCopyJob> second = await PlanAsync(converter, key, ids);
        await converter.Engine.AdoptExistingAsync(second);
        await converter.Engine.RunAsync(second, s_poll);

        Assert.All(second, j => Assert.True(j.Reused));
        Assert.Equal(first.Select(j => j.TargetId), second.Select(j => j.TargetId));
        Assert.All(second, j => Assert.True(j.Verified, j.VerificationMessage));
        Assert.Equal(copies, CopyCalls());
    }

    [Fact]
    public async Task A_refresh_is_one_describe_call_per_type_whatever_the_number_of_copies()
    {
        // Real time: the copies are all still in flight at the refresh (a copy this run made is looked at once more
        // by its lineage before it is verified, which is not what this counts).
        _server.Settings.TimeScale = 1;
        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        List<VaultCopyJob> jobs = await PlanAsync(converter, key,
            "snap-0a1b2c3d4e5f60002", "snap-0a1b2c3d4e5f60003", "snap-0a1b2c3d4e5f60005", "origin-legacy-manual-awsrds", "rds:origin-legacy-2026-01-15-03-05");
        await converter.Engine.RunAsync(jobs, new CopyRunOptions { UntilFinished = false });
        var before = _server.Calls.Snapshot().Operations;

        await converter.Engine.RefreshAsync(jobs);

        var after = _server.Calls.Snapshot().Operations;
        Assert.Equal(1, after["ec2:DescribeSnapshots"] - before.GetValueOrDefault("ec2:DescribeSnapshots"));
        Assert.Equal(1, after["rds:DescribeDBSnapshots"] - before.GetValueOrDefault("rds:DescribeDBSnapshots"));
    }

    [Fact]
    public async Task A_full_copy_quota_in_the_destination_is_waited_out_not_failed()
    {
        // AWS's own count is what matters: the engine believes in 20 slots, EC2 allows one.
        _server.Settings.Ec2.ConcurrentSnapshotCopies = 1;
        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        List<VaultCopyJob> jobs = await PlanAsync(converter, key, "snap-0a1b2c3d4e5f60002", "snap-0a1b2c3d4e5f60003");

        await converter.Engine.RunAsync(jobs, s_poll);

        Assert.All(jobs, j => Assert.Equal(CopyJobState.Completed, j.State));
        Assert.True(_server.Calls.Snapshot().Errors.GetValueOrDefault("ec2:CopySnapshot") >= 1, "EC2 refused a copy for the quota");
    }

    [Fact]
    public async Task A_vault_copy_the_vault_cannot_decrypt_fails_in_plain_words()
    {
        // Shared with the vault, but the origin key's policy does not let the vault use it.
        using (var ec2 = new AmazonEC2Client(Demo.OriginAdmin, new AmazonEC2Config { ServiceURL = _server.BaseUri.ToString(), AuthenticationRegion = Demo.Region }))
        {
            await ec2.ModifySnapshotAttributeAsync(new ModifySnapshotAttributeRequest
            {
                SnapshotId = "snap-0a1b2c3d4e5f60001", Attribute = SnapshotAttributeName.CreateVolumePermission, OperationType = OperationType.Add, UserIds = [Demo.VaultAccount],
            });
        }

        using var inventory = new ResourceInventory(_origin);
        VaultResource source = await inventory.GetAsync("snap-0a1b2c3d4e5f60001");
        VaultCopyJob job = VaultCopyJob.Create("vault", source, Demo.VaultAccount, Demo.Region, VaultKeyArn);
        using var engine = new CopyEngine(_vault);

        await engine.RunAsync([job], s_poll);

        Assert.Equal(CopyJobState.Failed, job.State);
        Assert.Equal("error", job.ServiceState);
        Assert.StartsWith("snap-", job.TargetId, StringComparison.Ordinal);
        Assert.Contains("Account 222222222222 could not use a KMS key", job.FailureReason, StringComparison.Ordinal);
        Assert.Contains(OriginKeyArn, job.FailureReason, StringComparison.Ordinal);
        Assert.Contains("Grant-VaultKeyAccess", job.FailureReason, StringComparison.Ordinal);
        Assert.Null(job.Verified);
    }

    [Fact]
    public async Task An_rds_copy_the_account_cannot_encrypt_fails_at_once()
    {
        using var inventory = new ResourceInventory(_origin);
        VaultResource source = await inventory.GetAsync("origin-legacy-manual-awsrds");
        // The vault's key in the origin account's copy: RDS refuses it synchronously.
        VaultCopyJob job = VaultCopyJob.Create("convert", source, Demo.OriginAccount, Demo.Region, VaultKeyArn);
        using var engine = new CopyEngine(_origin);

        await engine.RunAsync([job], s_poll);

        Assert.Equal(CopyJobState.Failed, job.State);
        Assert.Contains("RDS said", job.FailureReason, StringComparison.Ordinal);

        // A copy inside one account: the fix is that account's use of the key, not the vault's access.
        Assert.Contains($"Let the principal of account 111111111111 use {VaultKeyArn} through RDS", job.FailureReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alias/aws/ebs", "AwsManagedKeyRefused")]
    [InlineData("alias/aws/rds", "AwsManagedKeyRefused")]
    [InlineData("alias/no-such-key", "KmsKeyNotFound")]
    // Another account's key: refused by its ARN, before asking KMS.
    [InlineData(VaultKeyArn, "KeyOfAnotherAccount")]
    public async Task Only_a_customer_managed_key_of_the_account_is_a_conversion_target(string keyId, string errorId)
    {
        using var converter = new SnapshotKeyConverter(_origin);

        var error = await Assert.ThrowsAsync<VaultCopyException>(() => converter.ResolveKeyAsync(keyId));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("customer managed key of account 111111111111", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resources_already_on_a_customer_key_are_skipped_and_the_source_is_removed_only_when_verified()
    {
        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");

        ConversionPlan onCustomerKey = converter.Plan(await converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60001"), key);
        ConversionPlan amiOnCustomerKey = converter.Plan(await converter.Inventory.GetAsync("ami-0a1b2c3d4e5f60001"), key);
        Assert.Null(onCustomerKey.Job);
        Assert.Contains("already encrypted under the customer managed key", onCustomerKey.SkipReason, StringComparison.Ordinal);
        Assert.Null(amiOnCustomerKey.Job);

        VaultCopyJob job = converter.Plan(await converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60002"), key).Job!;
        await converter.Engine.RunAsync([job], new CopyRunOptions { UntilFinished = false });
        var early = await Assert.ThrowsAsync<VaultCopyException>(() => converter.RemoveSourceAsync(job));
        Assert.Equal("SourceKeptUnverified", early.ErrorId);
        Assert.NotNull(await converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60002"));

        await converter.Engine.RunAsync([job], s_poll);

        // The same job, as it could come back edited from JSON as a vault copy, never deletes the original.
        VaultCopyJob relabelled = VaultCopyJob.FromJson(job.ToJson().Replace("\"Purpose\":\"convert\"", "\"Purpose\":\"vault\"", StringComparison.Ordinal));
        Assert.Equal("vault", relabelled.Purpose);
        var refused = await Assert.ThrowsAsync<VaultCopyException>(() => converter.RemoveSourceAsync(relabelled));
        Assert.Equal("NotAConversion", refused.ErrorId);
        Assert.NotNull(await converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60002"));

        SourceRemoval removal = await converter.RemoveSourceAsync(job);
        Assert.True(removal.Removed);
        await Assert.ThrowsAsync<VaultCopyException>(() => converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60002"));
    }

    private static async Task<List<VaultCopyJob>> PlanAsync(SnapshotKeyConverter converter, KmsKey key, params string[] ids)
    {
        var jobs = new List<VaultCopyJob>();
        foreach (string id in ids)
        {
            ConversionPlan plan = converter.Plan(await converter.Inventory.GetAsync(id), key);
            jobs.Add(plan.Job ?? throw new InvalidOperationException(plan.SkipReason ?? plan.Refusal?.Message));
        }

        return jobs;
    }

    private int CopyCalls()
    {
        var operations = _server.Calls.Snapshot().Operations;
        return new[] { "ec2:CopySnapshot", "ec2:CopyImage", "rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot" }.Sum(o => operations.GetValueOrDefault(o));
    }

    private Task<VaultAccount> Connect(string accessKey, string secretKey) => Demo.ConnectAsync(_server, accessKey, secretKey);
}
