using System.Net;
using System.Text.Json.Nodes;
using VaultCopy.Core.Tests.Emulator.Rds;

namespace VaultCopy.Core.Tests.Emulator;

/// <summary>
/// A key disabled or scheduled for deletion while a copy is in flight. AWS: a KMS key that becomes unusable fails
/// every later cryptographic request at once, but data keys a service already holds are not affected until the key
/// is needed again (KMS Developer Guide, "How unusable KMS keys affect data keys"). So an EBS copy fails only if the
/// key turns unusable before EBS has asked KMS for the copy's data keys (its key step, 5 s in), and completes after;
/// an RDS copy, whose keys are checked by the call itself, always completes. Raw signed requests, demo origin account.
/// </summary>
public class KeyStateDuringCopyTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private const string OriginKey = "arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111";
    private const string Unencrypted = "snap-0a1b2c3d4e5f60003";   // 8 GiB: 96.9 s of world time
    private const string OnOriginKey = "snap-0a1b2c3d4e5f60001";   // 20 GiB, alias/origin-backup: 219.8 s

    public Task InitializeAsync() => emulator.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("DisableKey")]
    [InlineData("ScheduleKeyDeletion")]
    public async Task The_target_key_made_unusable_before_the_key_step_fails_the_ebs_copy(string operation)
    {
        string copy = await CopySnapshotAsync(Unencrypted, OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(2));

        await MakeUnusableAsync(operation, OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(3));

        var (state, message) = await SnapshotStateAsync(copy);
        Assert.Equal("error", state);
        Assert.Equal("Given key ID is not accessible", message);
        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(5));
        Assert.Equal("error", (await SnapshotStateAsync(copy)).State);
    }

    [Theory]
    [InlineData("DisableKey")]
    [InlineData("ScheduleKeyDeletion")]
    public async Task The_target_key_made_unusable_after_the_key_step_lets_the_ebs_copy_complete_on_its_data_key(string operation)
    {
        string copy = await CopySnapshotAsync(Unencrypted, OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(10));

        await MakeUnusableAsync(operation, OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(("completed", (string?)null), await SnapshotStateAsync(copy));

        // A new copy needs the key now, and fails.
        string next = await CopySnapshotAsync(Unencrypted, OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("error", (await SnapshotStateAsync(next)).State);
    }

    [Fact]
    public async Task A_key_enabled_again_before_the_key_step_lets_the_copy_go_on()
    {
        string copy = await CopySnapshotAsync(Unencrypted, OriginKey);
        await MakeUnusableAsync("DisableKey", OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(2));
        await KeyCallAsync("EnableKey", OriginKey);

        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(("completed", (string?)null), await SnapshotStateAsync(copy));
    }

    [Fact]
    public async Task The_source_key_scheduled_for_deletion_fails_a_copy_before_its_key_step_and_not_after()
    {
        string otherKey = await CreateKeyAsync();
        string early = await CopySnapshotAsync(OnOriginKey, otherKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(6));
        string late = await CopySnapshotAsync(OnOriginKey, otherKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromSeconds(1));

        // early is past its key step (5 s), late is not (1 s in).
        await MakeUnusableAsync("ScheduleKeyDeletion", OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(5));

        Assert.Equal("completed", (await SnapshotStateAsync(early)).State);
        Assert.Equal(("error", "Given key ID is not accessible"), await SnapshotStateAsync(late));
    }

    [Fact]
    public async Task An_ami_copy_whose_target_key_is_disabled_before_the_key_step_fails()
    {
        string otherKey = await CreateKeyAsync();
        using var response = await Ec2Async($"Action=CopyImage&Version=2016-11-15&Name=app-copy&SourceImageId=ami-0a1b2c3d4e5f60001&SourceRegion=eu-west-1&Encrypted=true&KmsKeyId={otherKey}");
        string image = RawAws.Element(RawAws.Xml(await response.Content.ReadAsStringAsync()), "imageId")!;

        await MakeUnusableAsync("DisableKey", otherKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromMinutes(5));

        using var describe = await Ec2Async($"Action=DescribeImages&Version=2016-11-15&ImageId.1={image}");
        var root = RawAws.Xml(await describe.Content.ReadAsStringAsync());
        Assert.Equal("failed", RawAws.Element(root, "imageState"));
        Assert.StartsWith("AMI snapshot copy failed with error: Given key ID is not accessible", RawAws.Element(root, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_made_unusable_mid_copy_never_fails_an_rds_copy_whose_call_already_checked_it()
    {
        var rds = new RdsApi(emulator.Http, emulator.BaseUri, Demo.OriginAdmin);
        await rds.OkAsync("CopyDBSnapshot", ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy"));

        await MakeUnusableAsync("DisableKey", OriginKey);
        await emulator.AdvanceClockAsync(TimeSpan.FromHours(1));

        var copy = (await rds.OkAsync("DescribeDBSnapshots", ("DBSnapshotIdentifier", "orders-copy"))).Snapshots().Single();
        Assert.Equal("available", copy.Field("Status"));
        Assert.Equal("100", copy.Field("PercentProgress"));
        await rds.FailsAsync("KMSKeyNotAccessibleFault", 400, "CopyDBSnapshot",
            ("SourceDBSnapshotIdentifier", "origin-orders-manual-cmk"), ("TargetDBSnapshotIdentifier", "orders-copy-2"));
    }

    private Task<HttpResponseMessage> Ec2Async(string form) => RawAws.PostFormAsync(emulator.Http, emulator.BaseUri, "ec2", form, Demo.OriginAdmin);

    private async Task<string> CopySnapshotAsync(string source, string keyArn)
    {
        using var response = await Ec2Async($"Action=CopySnapshot&Version=2016-11-15&SourceRegion=eu-west-1&SourceSnapshotId={source}&Encrypted=true&KmsKeyId={Uri.EscapeDataString(keyArn)}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return RawAws.Element(RawAws.Xml(body), "snapshotId")!;
    }

    private async Task<(string? State, string? Message)> SnapshotStateAsync(string id)
    {
        using var response = await Ec2Async($"Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.1={id}");
        var root = RawAws.Xml(await response.Content.ReadAsStringAsync());
        return (RawAws.Element(root, "status"), RawAws.Element(root, "statusMessage"));
    }

    private async Task MakeUnusableAsync(string operation, string keyArn) => await KeyCallAsync(operation, keyArn);

    private async Task KeyCallAsync(string operation, string keyArn)
    {
        using var response = await RawAws.PostJsonAsync(emulator.Http, emulator.BaseUri, "kms", "TrentService." + operation,
            new JsonObject { ["KeyId"] = keyArn }.ToJsonString(), Demo.OriginAdmin);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> CreateKeyAsync()
    {
        using var response = await RawAws.PostJsonAsync(emulator.Http, emulator.BaseUri, "kms", "TrentService.CreateKey", "{}", Demo.OriginAdmin);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (string)JsonNode.Parse(body)!["KeyMetadata"]!["Arn"]!;
    }
}
