using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using VaultCopy.Core.Tests.Emulator.Conformance;
using static VaultCopy.Core.Tests.Emulator.Ec2.Ec2Worlds;

namespace VaultCopy.Core.Tests.Emulator.Ec2;

/// <summary>
/// The lifecycle operations for the model-conformance test, through the real AmazonEC2Client: snapshot lock with
/// every parameter, DescribeLockedSnapshots with filters and paging, deregistration protection, and the refusals.
/// </summary>
internal sealed class Ec2LifecycleConformanceScenario : IConformanceScenario
{
    public string Service => "ec2";

    public async Task RunAsync(ConformanceContext context)
    {
        context.LoadWorld(World);
        context.Server.Reset();
        using var origin = Client(context, OriginAdmin);

        await origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = PlainSnapshot, LockMode = LockMode.Compliance, LockDuration = 2, CoolOffPeriod = 1 });
        await origin.LockSnapshotAsync(new LockSnapshotRequest
        {
            SnapshotId = PrivateCmkSnapshot,
            LockMode = LockMode.Governance,
            ExpirationDate = DateTime.UtcNow + context.Server.Clock.Offset + TimeSpan.FromDays(1),
        });
        await origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = "snap-0000000000000a00d", LockMode = LockMode.Governance, LockDuration = 1 });
        await origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = "snap-0000000000000a00e", LockMode = LockMode.Governance, LockDuration = 1 });
        await origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = "snap-0000000000000a009", LockMode = LockMode.Governance, LockDuration = 1 });
        await origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = "snap-0000000000000a00a", LockMode = LockMode.Governance, LockDuration = 1 });
        var page = await origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest
        {
            Filters = [new Filter("lock-state", ["governance", "compliance-cooloff"])],
            MaxResults = 5,
        });
        await origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { MaxResults = 5, NextToken = page.NextToken });
        await origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { SnapshotIds = [PlainSnapshot, PrivateCmkSnapshot] });
        await origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PrivateCmkSnapshot });
        await origin.EnableImageDeregistrationProtectionAsync(new EnableImageDeregistrationProtectionRequest { ImageId = SharedImage, WithCooldown = true });
        await origin.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [SharedImage] });
        await origin.DescribeImageAttributeAsync(new DescribeImageAttributeRequest { ImageId = SharedImage, Attribute = "deregistrationProtection" });
        await Expect("OperationNotPermitted", () => origin.DeregisterImageAsync(new DeregisterImageRequest { ImageId = SharedImage }));
        await origin.DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = SharedImage });

        await Expect("OperationNotPermitted", () => origin.DeleteSnapshotAsync(new DeleteSnapshotRequest { SnapshotId = PlainSnapshot }));
        await Expect("IncorrectState", () => origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = SharedCmkSnapshot }));
        await Expect("MissingParameter", () => origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = SharedCmkSnapshot, LockMode = LockMode.Governance }));
        await Expect("InvalidParameterValue", () => origin.LockSnapshotAsync(new LockSnapshotRequest { SnapshotId = SharedCmkSnapshot, LockMode = new LockMode("forever"), LockDuration = 1 }));
        await Expect("InvalidParameterValue", () => origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { Filters = [new Filter("owner-id", ["self"])] }));
        await Expect("InvalidSnapshot.NotFound", () => origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { SnapshotIds = ["snap-0000000000000ffff"] }));
        await Expect("DryRunOperation", () => origin.EnableImageDeregistrationProtectionAsync(new EnableImageDeregistrationProtectionRequest { ImageId = TwoKeyImage, DryRun = true }));
        await Expect("DryRunOperation", () => origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PlainSnapshot, DryRun = true }));
        await Expect("DryRunOperation", () => origin.DescribeLockedSnapshotsAsync(new DescribeLockedSnapshotsRequest { DryRun = true }));
        await Expect("DryRunOperation", () => origin.DisableImageDeregistrationProtectionAsync(new DisableImageDeregistrationProtectionRequest { ImageId = TwoKeyImage, DryRun = true }));

        // In the cool-off the compliance lock may still be removed.
        await origin.UnlockSnapshotAsync(new UnlockSnapshotRequest { SnapshotId = PlainSnapshot });
        context.Server.Reset();
    }

    private static AmazonEC2Client Client(ConformanceContext context, Ec2Credentials credentials) =>
        new(new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey), new AmazonEC2Config
        {
            ServiceURL = context.Server.BaseUri.ToString(),
            AuthenticationRegion = HomeRegion,
            MaxErrorRetry = 0,
        });

    private static async Task Expect(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonEC2Exception>(call);
        Assert.Equal(code, error.ErrorCode);
    }
}
