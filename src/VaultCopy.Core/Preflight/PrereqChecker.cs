using System.Runtime.CompilerServices;
using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;

namespace VaultCopy.Core.Preflight;

/// <summary>
/// Proves the whole cross-account chain of a vault copy before any data moves: both accounts, each resource, the
/// source keys' policies, both principals' IAM permissions, the vault key and the quotas. It only reads: EC2
/// permissions are probed with DryRun, RDS and IAM ones with SimulatePrincipalPolicy, key policies are read and
/// assessed with <see cref="Policies.KeyPolicyAnalyzer"/>. Every check yields one <see cref="VaultPrereqResult"/>,
/// streamed as soon as it is known.
/// </summary>
public sealed partial class PrereqChecker : IDisposable
{
    private const string SourceVariable = "$origin";
    private const string DestinationVariable = "$vault";

    private readonly VaultAccount _source;
    private readonly VaultAccount _destination;
    private readonly ResourceInventory _inventory;
    private readonly Ec2Gateway _sourceEc2;
    private readonly KmsGateway _sourceKms;
    private readonly IamGateway _sourceIam;
    private readonly Ec2Gateway _destinationEc2;
    private readonly KmsGateway _destinationKms;
    private readonly IamGateway _destinationIam;
    private readonly RdsGateway _destinationRds;

    private readonly AwsClients _clients = new();

    public PrereqChecker(VaultAccount source, VaultAccount destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        _source = source;
        _destination = destination;
        _inventory = new ResourceInventory(source, null, _clients);
        _sourceEc2 = _clients.Ec2(source.Session);
        _sourceKms = _clients.Kms(source.Session);
        _sourceIam = _clients.Iam(source.Session);
        _destinationEc2 = _clients.Ec2(destination.Session);
        _destinationKms = _clients.Kms(destination.Session);
        _destinationIam = _clients.Iam(destination.Session);
        _destinationRds = _clients.Rds(destination.Session);
    }

    /// <summary>Runs every check and streams the results: accounts, resources, source keys, vault key, permissions, quotas.</summary>
    public async IAsyncEnumerable<VaultPrereqResult> CheckAsync(PrereqRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var unusable = new List<string>();
        foreach (VaultPrereqResult result in await CheckAccountsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (result.Status == PrereqStatus.Fail)
            {
                unusable.Add(result.Check);
            }

            yield return result;
        }

        if (unusable.Count > 0)
        {
            // Every later check asks one account about the other: with these accounts their answers would mislead.
            yield return Skipped(PrereqChecks.RemainingChecks, PrereqSide.Both, "all",
                $"The resource, key, permission and quota checks were not run: fix {string.Join(" and ", unusable.Distinct(StringComparer.Ordinal))} first.");
            yield break;
        }

        var resources = new List<CheckedResource>();
        foreach (string text in request.Resources.Distinct(StringComparer.Ordinal))
        {
            (CheckedResource? resource, IReadOnlyList<VaultPrereqResult> results) = await CheckResourceAsync(text, cancellationToken).ConfigureAwait(false);
            foreach (VaultPrereqResult result in results)
            {
                yield return result;
            }

            if (resource is not null)
            {
                resources.Add(resource);
            }
        }

        foreach (SourceKey key in SourceKeysOf(resources))
        {
            foreach (VaultPrereqResult result in await CheckSourceKeyAsync(key, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }

        foreach (VaultPrereqResult result in await CheckDestinationKeyAsync(request.KmsKeyId, ServicesOf(resources), cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }

        foreach (CheckedResource resource in resources)
        {
            foreach (VaultPrereqResult result in await CheckPermissionsAsync(resource, request.KmsKeyId, cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }

        foreach (VaultPrereqResult result in await CheckQuotasAsync(resources, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    public void Dispose() => _clients.Dispose();

    private static VaultPrereqResult Result(string check, PrereqSide side, string target, PrereqStatus status, string message, string? remediation = null) =>
        new() { Check = check, Side = side, Target = target, Status = status, Message = message, Remediation = remediation };

    /// <summary>A rule's finding (<see cref="Rules.Finding"/>) as the preflight shows it.</summary>
    private static VaultPrereqResult Result(string check, PrereqSide side, string target, Rules.Finding finding) =>
        Result(check, side, target, finding.Status, finding.Message, finding.Remediation);

    private static VaultPrereqResult Pass(string check, PrereqSide side, string target, string message) =>
        Result(check, side, target, PrereqStatus.Pass, message);

    private static VaultPrereqResult Fail(string check, PrereqSide side, string target, string message, string? remediation) =>
        Result(check, side, target, PrereqStatus.Fail, message, remediation);

    private static VaultPrereqResult Warn(string check, PrereqSide side, string target, string message, string? remediation) =>
        Result(check, side, target, PrereqStatus.Warning, message, remediation);

    private static VaultPrereqResult Skipped(string check, PrereqSide side, string target, string message) =>
        Result(check, side, target, PrereqStatus.Skipped, message);

    /// <summary>
    /// Runs one check; an AWS failure that the check itself does not explain becomes a Fail (a preflight that could
    /// not look must not pass), never an exception that would hide the other checks.
    /// </summary>
    private async Task<IReadOnlyList<VaultPrereqResult>> GuardAsync(
        string check, PrereqSide side, string target, Func<Task<IReadOnlyList<VaultPrereqResult>>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            VaultCopyException known = Explain(error, check, side == PrereqSide.Destination ? _destination : _source);
            return [Fail(check, side, target, $"Could not be checked: {known.Message}", known.Remediation)];
        }
    }

    private static VaultCopyException Explain(Exception error, string check, VaultAccount account) =>
        AwsErrorTranslator.Translate(error, check, $"account {account.AccountId} ({account.Region})", account.PrincipalArn);

    /// <summary>A resource that exists in the source account, and the first check that rules its copy out (if any).</summary>
    private sealed record CheckedResource(VaultResource Resource, string? BlockedBy);
}
