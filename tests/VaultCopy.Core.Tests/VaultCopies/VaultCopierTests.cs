using VaultCopy.Core.Accounts;
using VaultCopy.Core.Copies;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.VaultCopies;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.VaultCopies;

/// <summary>The vault copy's decisions (vault key, refusals, naming) and one copy end to end against the emulator.</summary>
public sealed class VaultCopierTests : IAsyncLifetime
{
    private const string OriginKeyArn = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string VaultKeyArn = "arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222";
    private static readonly VaultResourceType[] s_snapshots = [VaultResourceType.EbsSnapshot, VaultResourceType.RdsSnapshot, VaultResourceType.AuroraClusterSnapshot];

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
    public async Task The_vault_key_must_be_a_key_of_the_vault_unless_the_source_key_is_kept()
    {
        using var copier = new VaultCopier(_vault);

        Assert.Equal(VaultKeyArn, (await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false)).Arn);
        VaultCopyException foreign = await Assert.ThrowsAsync<VaultCopyException>(() => copier.ResolveKeyAsync(OriginKeyArn, keepSourceKey: false));
        Assert.Equal("KeyOutsideVault", foreign.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidArgument, foreign.Kind);
        Assert.Equal(OriginKeyArn, (await copier.ResolveKeyAsync(OriginKeyArn, keepSourceKey: true)).Arn);
        VaultCopyException missing = await Assert.ThrowsAsync<VaultCopyException>(() => copier.ResolveKeyAsync("alias/origin-backup", keepSourceKey: false));
        Assert.Equal("KmsKeyNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task An_encrypted_source_without_a_vault_key_is_refused_and_kept_on_its_key_only_when_asked()
    {
        using var copier = new VaultCopier(_vault, source: _origin);
        KmsKey key = await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false);
        VaultResource source = Source("snap-0a1b2c3d4e5f60001", VaultResourceType.EbsSnapshot, OriginKeyArn, KeyManager.Customer);

        VaultCopyPlan refused = copier.Plan(source, key: null, keepSourceKey: false, s_snapshots);
        VaultCopyPlan kept = copier.Plan(source, key: null, keepSourceKey: true, s_snapshots);
        VaultCopyPlan copied = copier.Plan(source, key, keepSourceKey: false, s_snapshots);

        Assert.Equal("VaultKeyRequired", refused.Refusal?.ErrorId);
        Assert.Null(refused.Job);
        Assert.Equal(OriginKeyArn, kept.Job?.TargetKeyArn);
        Assert.Equal(VaultKeyArn, copied.Job?.TargetKeyArn);
        Assert.Equal("vault", copied.Job?.Purpose);
        Assert.Equal(Demo.VaultAccount, copied.Job?.TargetAccountId);
    }

    [Fact]
    public async Task Sources_the_vault_cannot_copy_are_refused_with_the_command_that_helps()
    {
        using var copier = new VaultCopier(_vault, source: _origin);
        KmsKey key = await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false);
        VaultResource managed = Source("ami-0a1b2c3d4e5f60002", VaultResourceType.Ami, null, KeyManager.None) is var ami
            ? new VaultResource
            {
                Type = ami.Type, Id = ami.Id, Arn = ami.Arn, AccountId = ami.AccountId, Region = ami.Region, State = "available", SharedWith = [Demo.VaultAccount],
                BackingSnapshots = [Source("snap-0a1b2c3d4e5f60005", VaultResourceType.EbsSnapshot, "arn:aws:kms:eu-west-1:111111111111:key/aws-ebs", KeyManager.AwsManaged)],
            }
            : throw new InvalidOperationException();
        VaultResource unshared = Source("snap-0a1b2c3d4e5f60003", VaultResourceType.EbsSnapshot, null, KeyManager.None, sharedWith: []);
        VaultResource own = Source("snap-0a1b2c3d4e5f6ffff", VaultResourceType.EbsSnapshot, null, KeyManager.None, account: Demo.VaultAccount);

        Assert.Equal("SourceOnAwsManagedKey", copier.Plan(managed, key, false, [VaultResourceType.Ami]).Refusal?.ErrorId);
        Assert.Contains("Convert-VaultSnapshotKey", copier.Plan(managed, key, false, [VaultResourceType.Ami]).Refusal?.Remediation);
        Assert.Equal("UseCopyVaultImage", copier.Plan(managed, key, false, s_snapshots).Refusal?.ErrorId);
        Assert.Equal("SourceNotShared", copier.Plan(unshared, key, false, s_snapshots).Refusal?.ErrorId);
        Assert.Contains("Grant-VaultSnapshotAccess", copier.Plan(unshared, key, false, s_snapshots).Refusal?.Remediation);
        Assert.Equal("AlreadyInVault", copier.Plan(own, key, false, s_snapshots).Refusal?.ErrorId);
    }

    [Fact]
    public void A_shared_RDS_snapshot_is_named_after_its_owners_identifier()
    {
        VaultResource shared = Source("arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk", VaultResourceType.RdsSnapshot, OriginKeyArn, KeyManager.Unknown)
            is var s ? new VaultResource { Type = s.Type, Id = s.Id, Arn = s.Id, AccountId = s.AccountId, Region = s.Region, State = s.State, SizeGiB = 100, KmsKeyArn = OriginKeyArn, Encrypted = true }
            : throw new InvalidOperationException();

        VaultResource named = VaultCopier.WithOwnersIdentifier(shared);

        Assert.Equal("origin-orders-manual-cmk", named.Id);
        Assert.Equal(shared.Arn, named.Arn);
        Assert.Equal("vault-111111111111-eu-west-1-origin-orders-manual-cmk", VaultCopyJob.Create("vault", named, Demo.VaultAccount, Demo.Region, VaultKeyArn).TargetId);
    }

    [Fact]
    public async Task A_shared_snapshot_found_from_the_vault_alone_is_copied_verified_and_listed_with_its_lineage()
    {
        using (var sharing = new ShareManager(_origin, _vault))
        {
            await sharing.ApplyAsync(await sharing.PlanAsync("snap-0a1b2c3d4e5f60003", ShareOperation.Grant));
        }

        using var copier = new VaultCopier(_vault);
        KmsKey key = await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false);
        VaultResource source = await copier.FindSourceAsync("snap-0a1b2c3d4e5f60003", sourceAccountId: null);
        VaultCopyJob job = copier.Plan(source, key, false, s_snapshots).Job!;
        await copier.Engine.AdoptExistingAsync([job]);
        await copier.Engine.RunAsync([job], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(30) });

        Assert.True(job.Verified, job.VerificationMessage);
        Assert.Equal(VaultKeyArn, job.TargetKeyArn);
        using var catalog = new VaultCopyCatalog(_vault);
        var listed = new List<VaultCopyJob>();
        await foreach (VaultCopyJob copy in catalog.ListAsync(new VaultCopyQuery { SourceId = "snap-0a1b2c3d4e5f60003" }))
        {
            listed.Add(copy);
        }

        VaultCopyJob only = Assert.Single(listed);
        Assert.Equal(job.TargetId, only.TargetId);
        Assert.Equal(Demo.OriginAccount, only.SourceAccountId);
        Assert.Equal("arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60003", only.SourceArn);
        Assert.Null(only.SourceKeyArn);
        Assert.Equal(CopyJobState.Completed, only.State);
    }

    private static VaultResource Source(
        string id, VaultResourceType type, string? keyArn, KeyManager manager, string account = Demo.OriginAccount, IReadOnlyList<string>? sharedWith = null) => new()
    {
        Type = type,
        Id = id,
        Arn = $"arn:aws:ec2:eu-west-1::{(type == VaultResourceType.Ami ? "image" : "snapshot")}/{id}",
        AccountId = account,
        Region = Demo.Region,
        State = type == VaultResourceType.Ami ? "available" : "completed",
        SizeGiB = 8,
        Encrypted = keyArn is not null,
        KmsKeyArn = keyArn,
        KeyManager = manager,
        SharedWith = sharedWith ?? [Demo.VaultAccount],
    };

    private Task<VaultAccount> Connect(string accessKey, string secretKey) => Demo.ConnectAsync(_server, accessKey, secretKey);
}
