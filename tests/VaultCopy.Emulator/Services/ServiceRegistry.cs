using VaultCopy.Emulator.Services.Iam;
using VaultCopy.Emulator.Services.Kms;
using VaultCopy.Emulator.Services.Rds;
using VaultCopy.Emulator.Services.Sts;

namespace VaultCopy.Emulator.Services;

/// <summary>The one list of service plug-ins and world extensions. Add KMS, EC2, RDS, IAM, SSM here.</summary>
public static class ServiceRegistry
{
    public static IReadOnlyList<IAwsService> Services { get; } =
    [
        new StsService(),
        new IamService(),
        new KmsService(),
        new RdsService(),
        new Ec2.Ec2Service(),
    ];

    public static IReadOnlyList<IWorldExtension> Extensions { get; } =
    [
        new KmsWorldExtension(),
        new RdsWorldExtension(),
        new Ec2.Ec2WorldExtension(),
    ];

    /// <summary>KMS as EC2 and RDS use it on a caller's behalf; set by the KMS plug-in, null until it is registered.</summary>
    public static IServiceKeyAccess? KeyAccess { get; set; } = new KmsServiceKeyAccess();

    /// <summary>Tells every extension that watches key state that <paramref name="keyArn"/> became unusable at <paramref name="at"/> (world time).</summary>
    public static void KeyBecameUnusable(Model.World world, string keyArn, DateTimeOffset at)
    {
        foreach (var observer in Extensions.OfType<IKeyStateObserver>())
        {
            observer.KeyBecameUnusable(world, keyArn, at);
        }
    }

    /// <summary>Tells every extension that watches key state that <paramref name="keyArn"/> is usable again.</summary>
    public static void KeyBecameUsable(Model.World world, string keyArn, DateTimeOffset at)
    {
        foreach (var observer in Extensions.OfType<IKeyStateObserver>())
        {
            observer.KeyBecameUsable(world, keyArn, at);
        }
    }

    public static IAwsService? Find(string signingName) =>
        Services.FirstOrDefault(s => string.Equals(s.SigningName, signingName, StringComparison.Ordinal));
}
