using System.Text.Json.Nodes;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Conversion;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Preflight;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Tests.Emulator;
using VaultCopy.Core.Tests.Preflight;
using VaultCopy.Core.VaultCopies;

namespace VaultCopy.Core.Tests.Rules;

/// <summary>
/// The preflight and the commands that write ask the same rules: a vault key the preflight fails is refused by the
/// copy with the same message and remediation, before anything that writes (and AWS managed aliases are never described).
/// </summary>
public sealed class PreflightAndCopyAgreeTests(EmulatorFixture fixture) : PreflightTestBase(fixture)
{
    private const string OtherRegionVaultKey = "arn:aws:kms:eu-central-1:222222222222:key/a1b2c3d4-0000-4000-8000-333333333333";

    [Theory]
    [InlineData("alias/aws/ebs", "AwsManagedKeyRefused")]
    [InlineData("alias/aws/rds", "AwsManagedKeyRefused")]
    [InlineData("arn:aws:kms:eu-west-1:222222222222:alias/aws/ebs", "AwsManagedKeyRefused")]
    [InlineData("alias/no-such-key", "KmsKeyNotFound")]
    [InlineData(OriginKeyArn, "KeyOutsideVault")]
    [InlineData(OtherRegionVaultKey, "KeyInOtherRegion")]
    public async Task The_copy_refuses_a_vault_key_the_preflight_fails_with_the_same_words(string keyId, string errorId)
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        VaultPrereqResult preflight = Single(await RunAsync(origin, vault, destinationKeyId: keyId), PrereqChecks.DestinationKey, keyId);
        string before = await StateAsync();
        Fixture.Server.Calls.Reset();

        using var copier = new VaultCopier(vault, source: origin);
        VaultCopyException refused = await Assert.ThrowsAsync<VaultCopyException>(() => copier.ResolveKeyAsync(keyId, keepSourceKey: false));

        AssertStatus(PrereqStatus.Fail, preflight);
        Assert.Equal(errorId, refused.ErrorId);
        Assert.Equal(preflight.Message, refused.Message);
        Assert.Equal(preflight.Remediation, refused.Remediation);
        if (keyId.Contains("alias/aws/", StringComparison.Ordinal))
        {
            // DescribeKey on an AWS managed alias would create that key in the vault.
            Assert.Equal(0, Fixture.Server.Calls.Count("kms:DescribeKey"));
        }

        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("Disabled")]
    [InlineData("PendingDeletion")]
    public async Task A_vault_key_that_is_not_enabled_is_refused_by_both_alike(string state)
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.VaultAccount, "kms")["keys"]![0]!["state"] = state;
        Load(world);
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        VaultPrereqResult preflight = Single(await RunAsync(origin, vault, destinationKeyId: "alias/vault-backup"), PrereqChecks.DestinationKey, VaultKeyArn);

        using var copier = new VaultCopier(vault, source: origin);
        VaultCopyException refused = await Assert.ThrowsAsync<VaultCopyException>(() => copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false));

        Assert.Equal("KmsKeyNotEnabled", refused.ErrorId);
        Assert.Equal(VaultCopyErrorKind.InvalidState, refused.Kind);
        Assert.Equal(preflight.Message, refused.Message);
        Assert.Equal(preflight.Remediation, refused.Remediation);
    }

    [Theory]
    [InlineData("alias/aws/ebs")]
    [InlineData("alias/aws/rds")]
    public async Task A_conversion_refuses_an_AWS_managed_target_key_by_its_name(string keyId)
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        Fixture.Server.Calls.Reset();
        using var converter = new SnapshotKeyConverter(origin);

        VaultCopyException refused = await Assert.ThrowsAsync<VaultCopyException>(() => converter.ResolveKeyAsync(keyId));

        Assert.Equal("AwsManagedKeyRefused", refused.ErrorId);
        Assert.Equal(0, Fixture.Server.Calls.Count("kms:DescribeKey"));
    }

    [Theory]
    [InlineData("Disabled", "SourceKeyDisabled")]
    [InlineData("PendingDeletion", "SourceKeyPendingDeletion")]
    public async Task With_the_origin_connected_a_source_on_an_unusable_origin_key_is_refused_with_the_preflights_words(string state, string errorId)
    {
        JsonObject world = DemoWorld();
        Section(world, Demo.OriginAccount, "kms")["keys"]!.AsArray().Single(k => OriginKeyArn.EndsWith(k!["id"]!.GetValue<string>(), StringComparison.Ordinal))!["state"] = state;
        Load(world);
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        const string snapshot = "snap-0a1b2c3d4e5f60001";
        VaultPrereqResult preflight = Single(await RunAsync(origin, vault, [snapshot]), PrereqChecks.SourceKeyState, OriginKeyArn);

        using var copier = new VaultCopier(vault, source: origin);
        VaultResource source = await copier.FindSourceAsync(snapshot, sourceAccountId: null);
        VaultCopyPlan plan = await copier.PlanAsync(source, await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false), false, [VaultResourceType.EbsSnapshot]);

        AssertStatus(PrereqStatus.Fail, preflight);
        Assert.Null(plan.Job);
        Assert.Equal(errorId, plan.Refusal?.ErrorId);
        Assert.Equal(preflight.Message, plan.Refusal?.Message);
        Assert.Equal(preflight.Remediation, plan.Refusal?.Remediation);
    }

    [Fact]
    public async Task A_source_the_preflight_fails_is_refused_by_the_copy_with_the_same_words()
    {
        Load(DemoWorld());
        VaultAccount origin = await ConnectOriginAsync();
        VaultAccount vault = await ConnectVaultAsync(origin);
        const string automated = "rds:origin-legacy-2026-01-15-03-05";
        VaultPrereqResult preflight = Single(await RunAsync(origin, vault, [automated]), PrereqChecks.ManualSnapshot, automated);

        using var copier = new VaultCopier(vault, source: origin);
        VaultResource source = await copier.FindSourceAsync(automated, sourceAccountId: null);
        VaultCopyPlan plan = await copier.PlanAsync(source, await copier.ResolveKeyAsync("alias/vault-backup", keepSourceKey: false), false, [VaultResourceType.RdsSnapshot]);

        AssertStatus(PrereqStatus.Fail, preflight);
        Assert.Equal("AutomatedSnapshot", plan.Refusal?.ErrorId);
        Assert.Equal(preflight.Message, plan.Refusal?.Message);
        Assert.Equal(preflight.Remediation, plan.Refusal?.Remediation);
    }
}
