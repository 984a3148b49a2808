using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Copies;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Posture;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Sharing;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.VaultCopies;
using VaultCopy.Emulator.Hosting;

namespace VaultCopy.Core.Tests.VaultCopies;

/// <summary>
/// One owner of clients: the façade a command creates opens each service's client once per account and Region,
/// and the parts of the engine it uses (inventory, key resolver, copy engine) share them.
/// </summary>
public sealed class ClientOwnershipTests : IAsyncLifetime
{
    private static readonly VaultResourceType[] s_snapshots = [VaultResourceType.EbsSnapshot];

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
    public async Task A_vault_copy_from_the_vault_alone_opens_one_client_per_service_account_and_Region()
    {
        await ShareAsync("snap-0a1b2c3d4e5f60003");
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var copier = new VaultCopier(_vault))
        {
            KmsKey key = await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false);
            VaultResource source = await copier.FindSourceAsync("snap-0a1b2c3d4e5f60003", sourceAccountId: null);
            VaultCopyJob job = (await copier.PlanAsync(source, key, false, s_snapshots)).Job!;
            await copier.Engine.AdoptExistingAsync([job]);
            await copier.Engine.RunAsync([job], new CopyRunOptions { PollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(30) });
            Assert.True(job.Verified, job.VerificationMessage);
        }

        // The source is read by the vault's EC2 client, the one the copy engine copies with.
        AssertOncePerAccountAndRegion(opened, $"ec2 {Demo.VaultAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}");
    }

    [Fact]
    public async Task A_vault_copy_with_the_origin_connected_opens_one_client_per_service_account_and_Region()
    {
        await ShareAsync("snap-0a1b2c3d4e5f60001");
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var copier = new VaultCopier(_vault, source: _origin))
        {
            KmsKey key = await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false);
            VaultResource source = await copier.FindSourceAsync("snap-0a1b2c3d4e5f60001", sourceAccountId: null);
            VaultCopyJob job = (await copier.PlanAsync(source, key, false, s_snapshots)).Job!;
            await copier.Engine.AdoptExistingAsync([job]);
        }

        // The origin's key is described by the KMS client that read the source's key when it was found.
        AssertOncePerAccountAndRegion(opened,
            $"ec2 {Demo.VaultAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}", $"ec2 {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.OriginAccount} {Demo.Region}");
    }

    [Fact]
    public async Task A_conversion_opens_one_client_per_service_in_its_account_and_Region()
    {
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var converter = new SnapshotKeyConverter(_origin))
        {
            KmsKey key = await converter.ResolveKeyAsync("alias/origin-backup");
            VaultResource source = await converter.Inventory.GetAsync("snap-0a1b2c3d4e5f60003");
            ConversionPlan plan = converter.Plan(source, key);
            if (plan.Job is VaultCopyJob job)
            {
                await converter.Engine.AdoptExistingAsync([job]);
            }
        }

        AssertOncePerAccountAndRegion(opened, $"ec2 {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.OriginAccount} {Demo.Region}");
    }

    [Fact]
    public async Task The_preflight_opens_one_client_per_service_and_account()
    {
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var checker = new PrereqChecker(_origin, _vault))
        {
            await foreach (VaultPrereqResult _ in checker.CheckAsync(new PrereqRequest { Resources = ["snap-0a1b2c3d4e5f60001"], KmsKeyId = "alias/vault-backup" }))
            {
            }
        }

        AssertOncePerAccountAndRegion(opened, $"ec2 {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.OriginAccount} {Demo.Region}", $"ec2 {Demo.VaultAccount} {Demo.Region}");
    }

    [Theory]
    [InlineData(KeyAccessOperation.Grant)]
    [InlineData(KeyAccessOperation.Revoke)]
    public async Task Key_access_opens_one_client_per_service_and_account(KeyAccessOperation operation)
    {
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var manager = new KeyAccessManager(_origin, _vault))
        {
            var request = new KeyAccessRequest { KeyId = "alias/origin-backup", KmsKeyId = "alias/vault-backup" };
            KeyAccessPlan plan = await manager.PlanAsync(operation, request);
            foreach (PlannedPolicyEdit edit in plan.Edits)
            {
                await manager.ApplyAsync(edit);
            }
        }

        AssertOncePerAccountAndRegion(opened, $"kms {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}");
    }

    [Fact]
    public async Task Key_access_uses_the_clients_of_the_command_that_hands_them_over()
    {
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var clients = new AwsClients())
        {
            using (var inventory = new ResourceInventory(_origin, null, clients))
            {
                await inventory.GetAsync("snap-0a1b2c3d4e5f60001");
            }

            using var manager = new KeyAccessManager(_origin, _vault, clients);
            await manager.PlanAsync(KeyAccessOperation.Grant, new KeyAccessRequest { KeyId = "alias/origin-backup", KmsKeyId = "alias/vault-backup" });
        }

        AssertOncePerAccountAndRegion(opened, $"kms {Demo.OriginAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}");
    }

    [Fact]
    public async Task The_posture_check_opens_one_client_per_service_account_and_Region()
    {
        IReadOnlyList<string> opened = ClientFactory.RecordOpenedClients();
        using (var inspector = new PostureInspector(_origin, _vault))
        {
            await foreach (VaultPostureFinding _ in inspector.InspectAsync(new PostureRequest { VaultKeyIds = ["alias/vault-backup"] }))
            {
            }
        }

        AssertOncePerAccountAndRegion(opened,
            $"ec2 {Demo.OriginAccount} {Demo.Region}", $"ec2 {Demo.VaultAccount} {Demo.Region}", $"kms {Demo.VaultAccount} {Demo.Region}");
    }

    private async Task ShareAsync(string snapshotId)
    {
        using var sharing = new ShareManager(_origin, _vault);
        await sharing.ApplyAsync(await sharing.PlanAsync(snapshotId, ShareOperation.Grant));
    }

    /// <summary>Each client opened at most once, and those named among them.</summary>
    internal static void AssertOncePerAccountAndRegion(IReadOnlyList<string> opened, params string[] expected)
    {
        List<string> all;
        lock (opened)
        {
            all = [.. opened];
        }

        Assert.All(expected, e => Assert.Contains(e, all));
        Assert.Empty(all.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key} opened {g.Count()} times"));
    }

    private Task<VaultAccount> Connect(string accessKey, string secretKey) => Demo.ConnectAsync(_server, accessKey, secretKey);
}
