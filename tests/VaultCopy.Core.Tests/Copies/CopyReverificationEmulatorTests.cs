using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.Copies;

/// <summary>
/// A finished job handed back to a copy batch (Wait-VaultCopy's <see cref="CopyBatch.OfStarted"/>) is a claim: the copy
/// is read again in AWS, its lineage and owner checked, and its key described again, every time.
/// </summary>
public sealed class CopyReverificationEmulatorTests : IAsyncLifetime
{
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";

    private static readonly CopyRunOptions s_wait = new() { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) };

    private EmulatorServer _server = null!;
    private VaultAccount _origin = null!;
    private List<VaultCopyJob> _verified = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions());
        _server.Settings.TimeScale = 600;
        _origin = await AccountConnector.ConnectAsync(new ConnectionRequest
        {
            AccessKey = Demo.OriginAdminKey,
            SecretKey = Demo.OriginAdminSecret,
            Region = Demo.Region,
            EndpointUrl = _server.BaseUri.ToString(),
        });

        using var converter = new SnapshotKeyConverter(_origin);
        KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
        _verified = [];
        foreach (string id in new[] { "snap-0a1b2c3d4e5f60002", "origin-legacy-manual-awsrds" })
        {
            _verified.Add(converter.Plan(await converter.Inventory.GetAsync(id), key).Job!);
        }

        await converter.Engine.RunAsync(_verified, s_wait);
        Assert.All(_verified, j => Assert.True(j.Verified, j.VerificationMessage));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_saved_verified_job_whose_key_was_disabled_or_scheduled_for_deletion_is_not_verified_and_says_how_to_fix_it()
    {
        using var kms = new AmazonKeyManagementServiceClient(Demo.OriginAdmin, new AmazonKeyManagementServiceConfig { ServiceURL = _server.BaseUri.ToString(), AuthenticationRegion = Demo.Region });
        await kms.DisableKeyAsync(new DisableKeyRequest { KeyId = OriginKeyArn });

        IReadOnlyList<CopyOutcome> disabled = await WaitAgainAsync(_verified[0]);

        await kms.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = OriginKeyArn, PendingWindowInDays = 7 });
        IReadOnlyList<CopyOutcome> pending = await WaitAgainAsync(_verified[1]);

        CopyOutcome off = Assert.Single(disabled);
        Assert.Equal(CopyOutcomeKind.NotVerified, off.Kind);
        Assert.False(off.Job.Verified);
        Assert.Equal("ConversionNotVerified", off.Error!.ErrorId);
        Assert.Contains($"KMS key {OriginKeyArn} is Disabled", off.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"aws kms enable-key --key-id {OriginKeyArn}", off.Error.Remediation, StringComparison.Ordinal);
        CopyOutcome doomed = Assert.Single(pending);
        Assert.Equal(CopyOutcomeKind.NotVerified, doomed.Kind);
        Assert.Contains($"KMS key {OriginKeyArn} is PendingDeletion", doomed.Error!.Message, StringComparison.Ordinal);
        Assert.Contains($"aws kms cancel-key-deletion --key-id {OriginKeyArn}", doomed.Error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_saved_verified_job_whose_copy_was_deleted_fails_and_a_job_naming_another_copy_is_not_verified()
    {
        VaultCopyJob saved = VaultCopyJob.FromJson(_verified[0].ToJson());
        using var ec2 = new AmazonEC2Client(Demo.OriginAdmin, new AmazonEC2Config { ServiceURL = _server.BaseUri.ToString(), AuthenticationRegion = Demo.Region });
        await ec2.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = saved.TargetId });
        VaultCopyJob renamed = VaultCopyJob.FromJson(_verified[0].ToJson().Replace(_verified[0].TargetId!, "snap-0a1b2c3d4e5f60001", StringComparison.Ordinal));

        CopyOutcome gone = Assert.Single(await WaitAgainAsync(saved));
        CopyOutcome other = Assert.Single(await WaitAgainAsync(renamed));

        Assert.Equal(CopyOutcomeKind.Failed, gone.Kind);
        Assert.Equal(CopyJobState.Failed, gone.Job.State);
        Assert.Contains($"The copy {saved.TargetId} no longer exists in account 111111111111", gone.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(CopyOutcomeKind.NotVerified, other.Kind);
        Assert.Contains("snap-0a1b2c3d4e5f60001 is not VaultCopy's convert copy of snap-0a1b2c3d4e5f60002", other.Error!.Message, StringComparison.Ordinal);
    }

    private async Task<IReadOnlyList<CopyOutcome>> WaitAgainAsync(VaultCopyJob job)
    {
        VaultCopyJob saved = VaultCopyJob.FromJson(job.ToJson());
        Assert.True(saved.Verified);
        using var engine = new CopyEngine(_origin);
        return await CopyBatch.OfStarted(engine, [saved], CopyBatchWording.Conversion).RunAsync(s_wait, null);
    }
}
