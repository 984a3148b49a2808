using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Resources;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Sharing;

/// <summary>
/// Shares the source account's backups with the destination account, or withdraws the share: reads each resource
/// as its owner sees it, lets <see cref="SharePlanner"/> decide, and makes only the calls the plan lists. Planning
/// and applying are separate so that the caller can confirm (ShouldProcess) in between.
/// </summary>
public sealed class ShareManager : IDisposable
{
    private readonly VaultAccount _source;
    private readonly VaultAccount _destination;
    private readonly ResourceInventory _inventory;
    private readonly Ec2Gateway _ec2;
    private readonly RdsGateway _rds;
    private readonly AwsClients? _ownedClients;

    public ShareManager(VaultAccount source, VaultAccount destination)
        : this(source, destination, null)
    {
    }

    /// <summary>Shares with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    internal ShareManager(VaultAccount source, VaultAccount destination, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (AccountRules.CheckPair(source, destination) is VaultCopyException refused)
        {
            throw refused;
        }

        _source = source;
        _destination = destination;
        clients ??= _ownedClients = new AwsClients();
        _inventory = new ResourceInventory(source, null, clients);
        _ec2 = clients.Ec2(source.Session);
        _rds = clients.Rds(source.Session);
    }

    /// <summary>Reads the resource (by id or ARN, in the source account) and decides what the operation would change.</summary>
    public async Task<SharePlan> PlanAsync(string idOrArn, ShareOperation operation, CancellationToken cancellationToken = default)
    {
        VaultResource resource = await _inventory.GetAsync(idOrArn, _source.AccountId, "the origin (-Source)", cancellationToken).ConfigureAwait(false);
        return operation == ShareOperation.Grant
            ? SharePlanner.PlanGrant(resource, _source.AccountId, _destination.AccountId)
            : SharePlanner.PlanRevoke(resource, _source.AccountId, _destination.AccountId);
    }

    /// <summary>Makes the plan's calls in order. A failure names what was already changed.</summary>
    public async Task<VaultShare> ApplyAsync(SharePlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.AccountId != _destination.AccountId || plan.Resource.AccountId != _source.AccountId)
        {
            throw new ArgumentException("The plan was made for other accounts than this manager's.", nameof(plan));
        }

        bool add = plan.Operation == ShareOperation.Grant;
        var done = new List<string>();
        IReadOnlyList<string> sharedWith = plan.SharedWithAfter;
        foreach (ShareChange change in plan.Changes)
        {
            try
            {
                // Adding or removing a share twice is a no-op in EC2 and RDS, so a call AWS failed on may be made again.
                sharedWith = await FaultPolicy.RunAsync(() => ApplyChangeAsync(change, plan.AccountId, add, sharedWith, cancellationToken), change.Label, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                throw Failure(plan, change, done, error);
            }

            done.Add(change.Label);
        }

        return ResultOf(plan, done, sharedWith);
    }

    /// <summary>One share call; returns the accounts the resource is shared with when the call says (RDS), else <paramref name="sharedWith"/>.</summary>
    private async Task<IReadOnlyList<string>> ApplyChangeAsync(ShareChange change, string accountId, bool add, IReadOnlyList<string> sharedWith, CancellationToken cancellationToken)
    {
        switch (change.Permission)
        {
            case SharePermission.SnapshotCreateVolume when add:
                await _ec2.AddSnapshotShareAsync(change.ResourceId, accountId, cancellationToken).ConfigureAwait(false);
                return sharedWith;
            case SharePermission.SnapshotCreateVolume:
                await _ec2.RemoveSnapshotShareAsync(change.ResourceId, accountId, cancellationToken).ConfigureAwait(false);
                return sharedWith;
            case SharePermission.ImageLaunch when add:
                await _ec2.AddImageLaunchPermissionAsync(change.ResourceId, accountId, cancellationToken).ConfigureAwait(false);
                return sharedWith;
            case SharePermission.ImageLaunch:
                await _ec2.RemoveImageLaunchPermissionAsync(change.ResourceId, accountId, cancellationToken).ConfigureAwait(false);
                return sharedWith;
            default:
                return await _rds.ModifyRestoreAccountAsync(
                    change.Permission == SharePermission.ClusterSnapshotRestore, change.ResourceId, accountId, add, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The result for a plan that needs no change (nothing is sent to AWS).</summary>
    public static VaultShare Unchanged(SharePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return ResultOf(plan, [], plan.Resource.SharedWith);
    }

    /// <summary>How transient AWS faults of the share calls are waited out (tests make it fast).</summary>
    internal TransientFaultPolicy FaultPolicy { get; set; } = TransientFaultPolicy.Default;

    public void Dispose() => _ownedClients?.Dispose();

    private static VaultShare ResultOf(SharePlan plan, IReadOnlyList<string> done, IReadOnlyList<string> sharedWith)
    {
        bool grant = plan.Operation == ShareOperation.Grant;
        return new VaultShare
        {
            Type = plan.Resource.Type,
            Id = plan.Resource.Id,
            Arn = plan.Resource.Arn,
            Region = plan.Resource.Region,
            OwnerAccountId = plan.Resource.AccountId,
            AccountId = plan.AccountId,
            Operation = plan.Operation,
            Added = grant ? done : [],
            Removed = grant ? [] : done,
            New = grant && done.Count > 0,
            SharedWith = sharedWith,
        };
    }

    private VaultCopyException Failure(SharePlan plan, ShareChange change, List<string> done, Exception error)
    {
        string verb = plan.Operation == ShareOperation.Grant ? "Sharing" : "Withdrawing the share of";
        string operation = $"{verb} {change.ResourceId} ({change.Label}) with account {plan.AccountId}";
        VaultCopyException translated = error switch
        {
            QueryServiceException rds => TranslateRds(plan, change, operation, rds),
            AwsServiceException ec2 => TranslateEc2(plan, change, operation, ec2),
            _ => AwsErrorTranslator.Translate(error, operation, $"account {_source.AccountId} ({_source.Region})"),
        };
        if (done.Count == 0)
        {
            return translated;
        }

        string already = plan.Operation == ShareOperation.Grant ? "added" : "removed";
        return new VaultCopyException(
            translated.Kind, translated.ErrorId, $"{translated.Message} Already {already} before the failure: {string.Join(", ", done)}.",
            translated.Remediation, translated.AwsErrorCode, error);
    }

    private VaultCopyException TranslateEc2(SharePlan plan, ShareChange change, string operation, AwsServiceException error)
    {
        string code = error.ErrorCode ?? "Unknown";
        return code switch
        {
            "OperationNotPermitted" or "InvalidParameter" when MentionsAwsManagedKey(error.ServiceMessage) => AwsManagedKey(plan, code, error),
            "UnauthorizedOperation" or "AuthFailure" => Denied(plan, change, operation, code, error),
            "InvalidSnapshot.NotFound" or "InvalidAMIID.NotFound" or "InvalidAMIID.Unavailable" => new VaultCopyException(
                VaultCopyErrorKind.NotFound, "ResourceNotFound", $"{operation} failed: {change.ResourceId} no longer exists in account {_source.AccountId}.",
                "List what there is with Get-VaultResource -Account $origin.", code, error),
            "ResourceLimitExceeded" => new VaultCopyException(
                VaultCopyErrorKind.LimitExceeded, "ShareQuotaExceeded", $"{operation} failed: {error.ServiceMessage}",
                "Withdraw shares that are no longer needed (Revoke-VaultSnapshotAccess), then run this again.", code, error),
            "OperationNotPermitted" or "IncorrectState" => new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "ShareRefused", $"{operation} was refused by EC2: {error.ServiceMessage}", null, code, error),
            _ => AwsErrorTranslator.Translate(error, operation, $"account {_source.AccountId} ({_source.Region})"),
        };
    }

    private VaultCopyException TranslateRds(SharePlan plan, ShareChange change, string operation, QueryServiceException error) => error.ErrorCode switch
    {
        QueryErrorCodes.InvalidDBSnapshotState or QueryErrorCodes.InvalidDBClusterSnapshotState when MentionsAwsManagedKey(error.ServiceMessage) =>
            AwsManagedKey(plan, error.ErrorCode, error),
        QueryErrorCodes.InvalidDBSnapshotState or QueryErrorCodes.InvalidDBClusterSnapshotState => new VaultCopyException(
            VaultCopyErrorKind.InvalidState, "ResourceNotReady", $"{operation} was refused by RDS: {error.ServiceMessage}",
            $"Check the snapshot with Get-VaultResource -Account $origin -Id {plan.Resource.Id}; only available manual snapshots can be shared.", error.ErrorCode, error),
        QueryErrorCodes.SharedSnapshotQuotaExceeded => new VaultCopyException(
            VaultCopyErrorKind.LimitExceeded, "ShareQuotaExceeded",
            $"{operation} failed: {plan.Resource.Id} is already shared with the {SharePlanner.MaxRdsSharedAccounts} accounts RDS allows.",
            "Withdraw an account that no longer needs it (Revoke-VaultSnapshotAccess), then run this again.", error.ErrorCode, error),
        QueryErrorCodes.AccessDenied => Denied(plan, change, operation, error.ErrorCode, error),
        QueryErrorCodes.DBSnapshotNotFound or QueryErrorCodes.DBClusterSnapshotNotFound => new VaultCopyException(
            VaultCopyErrorKind.NotFound, "ResourceNotFound", $"{operation} failed: {change.ResourceId} no longer exists in account {_source.AccountId}.",
            "List what there is with Get-VaultResource -Account $origin.", error.ErrorCode, error),
        // Throttling, 5xx and the rest: worded like every other AWS error, whichever service.
        _ => AwsErrorTranslator.Translate(error, operation, $"account {_source.AccountId} ({_source.Region})"),
    };

    private VaultCopyException Denied(SharePlan plan, ShareChange change, string operation, string code, Exception error)
    {
        string action = change.Permission switch
        {
            SharePermission.SnapshotCreateVolume => "ec2:ModifySnapshotAttribute",
            SharePermission.ImageLaunch => "ec2:ModifyImageAttribute",
            SharePermission.DbSnapshotRestore => "rds:ModifyDBSnapshotAttribute",
            _ => "rds:ModifyDBClusterSnapshotAttribute",
        };
        return new VaultCopyException(
            VaultCopyErrorKind.PermissionDenied, "ShareDenied",
            $"{operation} was denied: {_source.Arn} may not call {action} on {change.ResourceId}.",
            $"Allow {action} for {_source.PrincipalArn} on {plan.Resource.Arn}; Test-VaultCopyPrereq -Source $origin -Destination $vault lists every permission a vault copy needs.",
            code, error);
    }

    private static VaultCopyException AwsManagedKey(SharePlan plan, string code, Exception error) => new(
        VaultCopyErrorKind.InvalidState, "AwsManagedKeyCannotBeShared",
        $"{plan.Resource.Id} is encrypted with an AWS managed key (aws/ebs or aws/rds); AWS never lets another account use that key, so it cannot be shared.",
        $"Re-encrypt it under a customer managed key and share the copy: Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key> (pipe {plan.Resource.Id} into it).",
        code, error);

    private static bool MentionsAwsManagedKey(string? message) =>
        message is not null && (message.Contains("default key", StringComparison.OrdinalIgnoreCase)
            || message.Contains("AWS Managed", StringComparison.OrdinalIgnoreCase)
            || message.Contains("aws/rds", StringComparison.OrdinalIgnoreCase)
            || message.Contains("aws/ebs", StringComparison.OrdinalIgnoreCase));
}
