using System.Collections.Concurrent;

namespace VaultCopy.Core.Aws;

/// <summary>
/// The one owner of a command's gateways: one per service, account session and Region, made when first asked for
/// and disposed together. The façade a cmdlet creates owns it and hands it to the façades it uses, so one command
/// opens one EC2 (KMS, RDS, IAM, STS) client per account and Region however many parts of the engine it runs.
/// </summary>
internal sealed class AwsClients : IDisposable
{
    private readonly ConcurrentDictionary<(AwsSession Session, string Service, string Region), Lazy<IDisposable>> _gateways = new();
    private bool _disposed;

    public Ec2Gateway Ec2(AwsSession session, string? region = null) => Get(session, "ec2", region, r => new Ec2Gateway(session, r));

    public KmsGateway Kms(AwsSession session, string? region = null) => Get(session, "kms", region, r => new KmsGateway(session, r));

    public RdsGateway Rds(AwsSession session, string? region = null) => Get(session, "rds", region, r => new RdsGateway(session, r));

    /// <summary>IAM is global: one client per account session.</summary>
    public IamGateway Iam(AwsSession session) => Get(session, "iam", session.Region, _ => new IamGateway(session));

    public StsGateway Sts(AwsSession session) => Get(session, "sts", session.Region, _ => new StsGateway(session));

    public void Dispose()
    {
        _disposed = true;
        foreach (Lazy<IDisposable> gateway in _gateways.Values.Where(g => g.IsValueCreated))
        {
            gateway.Value.Dispose();
        }

        _gateways.Clear();
    }

    private T Get<T>(AwsSession session, string service, string? region, Func<string, T> create)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(session);
        ObjectDisposedException.ThrowIf(_disposed, this);
        string resolved = string.IsNullOrEmpty(region) ? session.Region : region;
        return (T)_gateways.GetOrAdd((session, service, resolved), _ => new Lazy<IDisposable>(() => create(resolved))).Value;
    }
}
