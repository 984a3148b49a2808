using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Policies;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.KeyAccess;

/// <summary>
/// Grant-VaultKeyAccess and Revoke-VaultKeyAccess: every policy the vault principals need to use a source key across
/// accounts (the source key policy, their identity policies, the vault key policy), planned with reads only, then
/// written one document at a time by <see cref="ApplyAsync"/> with the read-merge-write-verify discipline of
/// <see cref="PolicyWriter"/>. The merging itself is <see cref="KeyPolicyEditor"/>'s and
/// <see cref="IdentityPolicyEditor"/>'s.
/// </summary>
public sealed class KeyAccessManager : IDisposable
{
    private readonly VaultAccount _source;
    private readonly VaultAccount _destination;
    private readonly AwsClients _clients;
    private readonly AwsClients? _ownedClients;

    /// <exception cref="VaultCopyException">The two accounts cannot share keys (same account, other partitions).</exception>
    public KeyAccessManager(VaultAccount source, VaultAccount destination)
        : this(source, destination, null)
    {
    }

    /// <summary>Works with the gateways of <paramref name="clients"/> (a command's), or its own when null.</summary>
    /// <exception cref="VaultCopyException">The two accounts cannot share keys (same account, other partitions).</exception>
    internal KeyAccessManager(VaultAccount source, VaultAccount destination, AwsClients? clients)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (AccountRules.CheckPair(source, destination) is VaultCopyException refused)
        {
            throw refused;
        }

        _source = source;
        _destination = destination;
        _clients = clients ?? (_ownedClients = new AwsClients());
    }

    /// <summary>Lets tests stand between the manager and AWS (to write concurrently, say).</summary>
    internal Func<IPolicyStore, IPolicyStore> StoreInterceptor { get; set; } = store => store;

    /// <summary>
    /// Reads every document the operation touches and works out each change; nothing is written. Refusals (a wildcard
    /// principal, an AWS managed key, a policy VaultCopy cannot merge safely, a missing permission) surface here.
    /// </summary>
    public async Task<KeyAccessPlan> PlanAsync(KeyAccessOperation operation, KeyAccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<string> principals = ValidatePrincipals(request.Principals);
        var warnings = new List<string>();

        KmsKey sourceKey = await DescribeKeyAsync(operation, _source, request.KeyId, KeyUse.PolicyEditSource, warnings, cancellationToken).ConfigureAwait(false);
        KmsKey? destinationKey = null;
        if (request.KmsKeyId is not null)
        {
            destinationKey = await DescribeKeyAsync(operation, _destination, request.KmsKeyId, KeyUse.PolicyEditVault, warnings, cancellationToken).ConfigureAwait(false);
        }

        var edits = new List<PlannedPolicyEdit>
        {
            await PlanSourceKeyAsync(operation, request, principals, sourceKey, cancellationToken).ConfigureAwait(false),
        };

        IReadOnlyList<string> vaultPrincipals = principals.Count > 0 ? principals : [_destination.PrincipalArn];
        var keyUsers = new List<string>();
        foreach (string principalArn in vaultPrincipals)
        {
            IamPrincipal? iamPrincipal = IamPrincipal.FromArn(principalArn);
            if (iamPrincipal is null)
            {
                warnings.Add($"{principalArn} is not an IAM role or user: it gets no identity policy and no vault key user grant (the account root's access comes from the key policies' account statements).");
                continue;
            }

            keyUsers.Add(principalArn);
            edits.Add(await PlanIdentityPolicyAsync(operation, request.PolicyOnly, principalArn, iamPrincipal, sourceKey, cancellationToken).ConfigureAwait(false));
        }

        if (destinationKey is not null && keyUsers.Count > 0)
        {
            edits.Add(await PlanDestinationKeyAsync(operation, keyUsers, destinationKey, cancellationToken).ConfigureAwait(false));
        }

        warnings.AddRange(edits.SelectMany(e => e.Warnings));
        return new KeyAccessPlan(operation, sourceKey.Arn, destinationKey?.Arn, edits, warnings);
    }

    /// <summary>
    /// Writes one planned change: merges again on a fresh read, writes, reads back, and redoes the merge when someone
    /// else replaced the document meanwhile. A change that is no longer needed is not written.
    /// </summary>
    public async Task<VaultKeyPolicyChange> ApplyAsync(PlannedPolicyEdit edit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        if (!edit.Changed)
        {
            return edit.Preview;
        }

        PolicyWriteOutcome outcome;
        try
        {
            outcome = await PolicyWriter.WriteAsync(edit.Store, current => Guard(() => edit.Edit(current), edit.DocumentName), edit.Preview.Before, edit.DocumentName, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw edit.TranslateWriteError(error);
        }

        string reason = outcome.Written ? "Applied." : "Not needed any more: the document already holds VaultCopy's statements.";
        if (outcome.ChangedSincePlan)
        {
            reason += " It had changed since it was first read, so VaultCopy merged into the current version.";
        }

        if (outcome.Attempts > 1)
        {
            reason += $" Another writer replaced it while VaultCopy wrote; merged again ({outcome.Attempts} attempts).";
        }
        else if (outcome.ChangedByOthers && outcome.Written)
        {
            reason += " It was changed again right after VaultCopy wrote it; VaultCopy's statements are in place.";
        }

        return new VaultKeyPolicyChange
        {
            Kind = edit.Preview.Kind,
            Target = edit.Preview.Target,
            PolicyName = edit.Preview.PolicyName,
            AccountId = edit.Preview.AccountId,
            Before = outcome.Before,
            After = outcome.After,
            Diff = PolicyDiff.Render(outcome.Before, outcome.After),
            Changed = outcome.Written,
            Applied = outcome.Written,
            Reason = reason,
            Statements = StatementsOf(outcome.Edit),
        };
    }

    public void Dispose() => _ownedClients?.Dispose();

    private async Task<PlannedPolicyEdit> PlanSourceKeyAsync(
        KeyAccessOperation operation, KeyAccessRequest request, List<string> principals, KmsKey key, CancellationToken cancellationToken)
    {
        string destination = _destination.AccountId;
        string who = principals.Count == 0 ? $"account {destination}" : string.Join(", ", principals);
        Func<string, PolicyEditResult> edit;
        string action;
        if (operation == KeyAccessOperation.Grant)
        {
            var grant = new KeyAccessGrant(destination)
            {
                Principals = principals,
                Partition = _source.Partition,
                KeyOwnerAccountId = key.AccountId,
                ViaServiceRegion = request.ViaService ? key.Region : null,
            };
            edit = policy => KeyPolicyEditor.Grant(policy, grant);
            action = request.ViaService
                ? $"Let {who} use the key through EC2 and RDS in {key.Region} (key policy statements for VaultCopy)"
                : $"Let {who} use the key (key policy statements for VaultCopy)";
        }
        else
        {
            var revoke = new KeyAccessRevoke(destination) { Principals = principals };
            edit = policy => KeyPolicyEditor.Revoke(policy, revoke);
            action = $"Remove {who} from VaultCopy's key policy statements";
        }

        IReadOnlyList<string> callers = principals.Count == 0 ? [_destination.PrincipalArn] : principals;
        return await PlanKeyPolicyAsync(operation, _clients.Kms(_source.Session, key.Region), _source, key, edit, action, "source", callers, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PlannedPolicyEdit> PlanDestinationKeyAsync(
        KeyAccessOperation operation, List<string> keyUsers, KmsKey key, CancellationToken cancellationToken)
    {
        string account = _destination.AccountId;
        Func<string, PolicyEditResult> edit;
        string action;
        if (operation == KeyAccessOperation.Grant)
        {
            var grant = new KeyAccessGrant(account)
            {
                Principals = keyUsers,
                Partition = _destination.Partition,
                KeyOwnerAccountId = key.AccountId,
                SameAccountKeyUsers = true,
            };
            edit = policy => KeyPolicyEditor.Grant(policy, grant);
            action = $"Make {string.Join(", ", keyUsers)} users of the vault key";
        }
        else
        {
            var revoke = new KeyAccessRevoke(account) { Principals = keyUsers };
            edit = policy => KeyPolicyEditor.Revoke(policy, revoke);
            action = $"Remove {string.Join(", ", keyUsers)} as users of the vault key";
        }

        return await PlanKeyPolicyAsync(operation, _clients.Kms(_destination.Session, key.Region), _destination, key, edit, action, "vault", keyUsers, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PlannedPolicyEdit> PlanKeyPolicyAsync(
        KeyAccessOperation operation, KmsGateway kms, VaultAccount owner, KmsKey key, Func<string, PolicyEditResult> edit, string action, string role,
        IReadOnlyList<string> callers, CancellationToken cancellationToken)
    {
        string documentName = $"key policy of the {role} key {key.Arn}";
        IPolicyStore store = StoreInterceptor(new KeyPolicyStore(kms, key.Arn));
        string current;
        try
        {
            current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw TranslateKmsError(error, "kms:GetKeyPolicy", owner, key.Arn);
        }

        PolicyEditResult result = Guard(() => edit(current), documentName);
        VaultKeyPolicyChange preview = Preview(operation, VaultKeyPolicyKind.KeyPolicy, key.Arn, KmsGateway.DefaultPolicyName, owner.AccountId, result);
        return new PlannedPolicyEdit(preview, action, documentName, store, edit, error => TranslateKmsError(error, "kms:PutKeyPolicy", owner, key.Arn))
        {
            Warnings = WarningsOf(result, documentName),

            // A grant is a success only when the policy then lets the vault in: a Deny (or anything else) may still keep it out.
            CheckAccess = operation == KeyAccessOperation.Grant
                ? policy => VaultKeyUse.StillBlocked(policy, key.Arn, key.AccountId, _destination.AccountId, callers, key.Region, owner.Partition)
                : null,
        };
    }

    private async Task<PlannedPolicyEdit> PlanIdentityPolicyAsync(
        KeyAccessOperation operation, bool policyOnly, string principalArn, IamPrincipal principal, KmsKey sourceKey,
        CancellationToken cancellationToken)
    {
        IamGateway iam = _clients.Iam(_destination.Session);
        string policyName = IdentityPolicyEditor.DefaultPolicyName;
        string documentName = $"inline policy {policyName} of {principalArn}";
        IPolicyStore store = StoreInterceptor(new InlinePolicyStore(iam, principal, policyName));
        string current;
        try
        {
            current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw TranslateIamError(error, $"iam:Get{principal.Kind}Policy", principalArn);
        }

        Func<string, PolicyEditResult> edit;
        string action;
        if (operation == KeyAccessOperation.Grant)
        {
            int others;
            try
            {
                others = await OtherInlinePolicyCharactersAsync(iam, principal, policyName, cancellationToken).ConfigureAwait(false);
            }
            catch (QueryServiceException error)
            {
                // Listing is also where a -Principal that does not exist shows (GetRolePolicy cannot tell it from no policy).
                throw TranslateIamError(error, $"iam:List{principal.Kind}Policies", principalArn);
            }

            var access = new IdentityKeyAccess([sourceKey.Arn])
            {
                PrincipalKind = principal.Kind == "User" ? IamPrincipalKind.User : IamPrincipalKind.Role,
                OtherInlinePolicyCharacters = others,
            };
            edit = policy => IdentityPolicyEditor.Grant(policy, access);
            action = $"Allow the source key {sourceKey.Arn} in inline policy {policyName}";
        }
        else
        {
            var revoke = new IdentityKeyRevoke([sourceKey.Arn]);
            edit = policy => IdentityPolicyEditor.Revoke(policy, revoke);
            action = $"Remove the source key {sourceKey.Arn} from inline policy {policyName}";
        }

        PolicyEditResult result = Guard(() => edit(current), documentName);
        VaultKeyPolicyChange preview = Preview(operation, VaultKeyPolicyKind.IdentityPolicy, principalArn, policyName, _destination.AccountId, result);
        if (result.Changed && !policyOnly)
        {
            if (operation == KeyAccessOperation.Grant
                && await IdentityAlreadyAllowsAsync(iam, principalArn, sourceKey.Arn, cancellationToken).ConfigureAwait(false))
            {
                // Nothing to add, so nothing for Revoke to take away later: the role keeps exactly what it had.
                preview = Unchanged(preview, current, $"Not needed: the identity policies of {principalArn} already allow the source key; VaultCopy adds no inline policy.");
                return new PlannedPolicyEdit(preview, action, documentName, store, edit, error => error);
            }

            bool deletes = result is IdentityPolicyEditResult { DeletePolicy: true };
            await RequireIdentityWriteAsync(iam, principal, principalArn, deletes, cancellationToken).ConfigureAwait(false);
        }

        return new PlannedPolicyEdit(preview, action, documentName, store, edit, error => TranslateIamError(error, $"iam:Put{principal.Kind}Policy", principalArn))
        {
            Warnings = WarningsOf(result, documentName),
        };
    }

    /// <summary>IAM's quota counts every inline policy of the identity; those VaultCopy may not read count as nothing (IAM still enforces).</summary>
    private static async Task<int> OtherInlinePolicyCharactersAsync(IamGateway iam, IamPrincipal principal, string policyName, CancellationToken cancellationToken)
    {
        try
        {
            int total = 0;
            foreach (string name in await iam.ListInlinePolicyNamesAsync(principal, cancellationToken).ConfigureAwait(false))
            {
                if (!string.Equals(name, policyName, StringComparison.OrdinalIgnoreCase)
                    && await iam.GetInlinePolicyAsync(principal, name, cancellationToken).ConfigureAwait(false) is { } document)
                {
                    total += IdentityPolicyEditor.CountCharacters(document);
                }
            }

            return total;
        }
        catch (QueryServiceException error) when (error.ErrorCode == QueryErrorCodes.AccessDenied)
        {
            return 0;
        }
    }

    private static async Task<bool> IdentityAlreadyAllowsAsync(IamGateway iam, string principalArn, string keyArn, CancellationToken cancellationToken)
    {
        IReadOnlyList<SimulatedDecision>? decisions = await iam.TrySimulateAsync(
            principalArn, CopyKeyActions.All, [keyArn], [new SimulationContext("kms:GrantIsForAWSResource", "boolean", "true")], cancellationToken)
            .ConfigureAwait(false);
        return decisions is { Count: > 0 } && decisions.All(d => d.IsAllowed);
    }

    /// <summary>
    /// Refuses before anything is written when IAM says the destination principal may not write the inline policy.
    /// When IAM will not say (no permission to simulate), the write itself will tell.
    /// </summary>
    private async Task RequireIdentityWriteAsync(IamGateway iam, IamPrincipal principal, string principalArn, bool deletes, CancellationToken cancellationToken)
    {
        string caller = _destination.PrincipalArn;
        if (IamPrincipal.FromArn(caller) is null)
        {
            return;
        }

        string iamAction = $"iam:{(deletes ? "Delete" : "Put")}{principal.Kind}Policy";
        IReadOnlyList<SimulatedDecision>? decisions = await iam.TrySimulateAsync(caller, [iamAction], [principalArn], [], cancellationToken)
            .ConfigureAwait(false);
        if (decisions is { Count: > 0 } && !decisions.All(d => d.IsAllowed))
        {
            throw IdentityWriteDenied(iamAction, principal, principalArn);
        }
    }

    private VaultCopyException IdentityWriteDenied(string iamAction, IamPrincipal principal, string principalArn, Exception? inner = null) =>
        new(VaultCopyErrorKind.PermissionDenied, "IdentityPolicyWriteDenied",
            $"{_destination.Arn} may not {iamAction} on {principalArn}, so VaultCopy cannot write its inline policy {IdentityPolicyEditor.DefaultPolicyName}. Nothing was changed.",
            $"Run the same command with -PolicyOnly and have the IAM team apply the IdentityPolicy document (Write-IAM{principal.Kind}Policy -{principal.Kind}Name {principal.Name} -PolicyName {IdentityPolicyEditor.DefaultPolicyName} -PolicyDocument <After>), or connect -Destination as a principal allowed {iamAction}.",
            "AccessDenied", inner);

    /// <summary>The key whose policy is to be edited, described now (no cache) and checked by <see cref="KeyRules.CheckPolicyEdit"/>.</summary>
    private async Task<KmsKey> DescribeKeyAsync(
        KeyAccessOperation operation, VaultAccount account, string keyId, KeyUse use, List<string> warnings,
        CancellationToken cancellationToken)
    {
        string role = use == KeyUse.PolicyEditSource ? "source" : "destination";
        var owner = KeyOwner.Of(account);
        if (KeyRules.RefuseByName(keyId, use, owner) is VaultCopyException refused)
        {
            throw refused;
        }

        string region = Arn.ParseOrNull(keyId)?.Region ?? account.Region;
        KmsGateway kms = _clients.Kms(account.Session, region);

        KmsKey key;
        try
        {
            key = await kms.DescribeForPolicyEditAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "NotFoundException" or "InvalidArnException")
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.NotFound, role == "source" ? "SourceKeyNotFound" : "DestinationKeyNotFound",
                $"The {role} key '{keyId}' was not found in account {account.AccountId} ({region}).",
                $"Pass a key id, alias/<name> or key ARN of account {account.AccountId}; an alias name resolves in that account and its Region ({account.Region}).",
                error.ErrorCode, error);
        }
        catch (Exception error) when (error is not VaultCopyException and not OperationCanceledException)
        {
            throw TranslateKmsError(error, "kms:DescribeKey", account, keyId);
        }

        if (KeyRules.CheckPolicyEdit(keyId, key, use, owner, operation, warnings) is VaultCopyException refusal)
        {
            throw refusal;
        }

        return key;
    }

    private List<string> ValidatePrincipals(IReadOnlyList<string> principals)
    {
        ArgumentNullException.ThrowIfNull(principals);
        var result = new List<string>();
        foreach (string principal in principals)
        {
            if (string.IsNullOrWhiteSpace(principal) || AwsIdentifiers.HasWildcard(principal))
            {
                throw new VaultCopyException(
                    VaultCopyErrorKind.InvalidArgument, "WildcardPrincipal",
                    $"Principal '{principal}' is empty or has a wildcard: VaultCopy never opens a key to everyone. Nothing was changed.",
                    $"Leave out -Principal to name the vault account {_destination.AccountId}, or name its roles: arn:{_destination.Partition}:iam::{_destination.AccountId}:role/<name>.");
            }

            string principalArn = Arn.PrincipalOf(principal);
            if (!AwsIdentifiers.TryParseIamPrincipal(principalArn, out _, out string account, out _))
            {
                throw new VaultCopyException(
                    VaultCopyErrorKind.InvalidArgument, "InvalidPrincipal",
                    $"'{principal}' is not an IAM role or user ARN. Nothing was changed.",
                    $"Name roles or users of the vault account: arn:{_destination.Partition}:iam::{_destination.AccountId}:role/<name>.");
            }

            if (account != _destination.AccountId)
            {
                throw new VaultCopyException(
                    VaultCopyErrorKind.InvalidArgument, "PrincipalOutsideDestination",
                    $"Principal '{principal}' belongs to account {account}, not to the vault account {_destination.AccountId}. Nothing was changed.",
                    $"Pass only roles or users of account {_destination.AccountId} to -Principal, or connect -Destination to account {account}.");
            }

            if (!result.Contains(principalArn, StringComparer.Ordinal))
            {
                result.Add(principalArn);
            }
        }

        return result;
    }

    private static PolicyEditResult Guard(Func<PolicyEditResult> edit, string documentName)
    {
        try
        {
            return edit();
        }
        catch (PolicyEditRefusedException refused)
        {
            throw Refusal(refused, documentName);
        }
        catch (PolicyFormatException unreadable)
        {
            throw new VaultCopyException(
                VaultCopyErrorKind.InvalidState, "UnreadablePolicy",
                $"The {documentName} is not a policy document VaultCopy can merge into safely: {unreadable.Message} Nothing was changed.",
                "Fix the document by hand, then run the command again.", innerException: unreadable);
        }
    }

    private static VaultCopyException Refusal(PolicyEditRefusedException refused, string documentName)
    {
        (VaultCopyErrorKind kind, string id, string? remediation) = refused.Reason switch
        {
            PolicyRefusalReason.WildcardPrincipal => (VaultCopyErrorKind.InvalidArgument, "WildcardPrincipal", "Name the vault account or its roles with -Principal."),
            PolicyRefusalReason.PrincipalOutsideTrustedAccount => (VaultCopyErrorKind.InvalidArgument, "PrincipalOutsideDestination", "Pass only roles or users of the vault account to -Principal."),
            PolicyRefusalReason.SizeLimitExceeded when documentName.StartsWith("inline", StringComparison.Ordinal) =>
                (VaultCopyErrorKind.LimitExceeded, "PolicySizeLimitExceeded", "Move some of its inline policies into managed policies, or remove those no longer needed; or use -PolicyOnly and attach the document as a managed policy."),
            PolicyRefusalReason.SizeLimitExceeded => (VaultCopyErrorKind.LimitExceeded, "PolicySizeLimitExceeded", "Leave out -Principal to grant the whole vault account with one principal, or remove statements that are no longer needed."),
            PolicyRefusalReason.VaultCopyStatementModified or PolicyRefusalReason.DuplicateVaultCopySid =>
                (VaultCopyErrorKind.InvalidState, "VaultCopyStatementModified", "Fix or remove that statement by hand, then run the command again."),
            PolicyRefusalReason.ConflictingGrant => (VaultCopyErrorKind.InvalidState, "ConflictingGrant", "Run Revoke-VaultKeyAccess for this key first, then Grant-VaultKeyAccess with or without -ViaService as wanted."),
            PolicyRefusalReason.GrantToKeyOwner => (VaultCopyErrorKind.InvalidArgument, "GrantToKeyOwner", "Connect -Destination to the vault account, not the key's own account."),
            _ => (VaultCopyErrorKind.InvalidArgument, "PolicyEditRefused", null),
        };
        string message = refused.Message;
        const string nothingChanged = "Nothing was changed";
        int end = message.IndexOf(nothingChanged, StringComparison.Ordinal);
        if (remediation is not null && end >= 0)
        {
            // The editor's own advice speaks of its API; the remediation here speaks of the cmdlets.
            message = message[..end] + nothingChanged + ".";
        }

        return new VaultCopyException(kind, id, $"VaultCopy will not change the {documentName}: {message}", remediation, innerException: refused);
    }

    private static VaultCopyException TranslateKmsError(Exception error, string action, VaultAccount account, string keyArn)
    {
        if (error is AwsServiceException kms and not QueryServiceException)
        {
            switch (kms.ErrorCode)
            {
                case "MalformedPolicyDocumentException" when kms.ServiceMessage.Contains("will not allow you to update", StringComparison.OrdinalIgnoreCase):
                    return new VaultCopyException(
                        VaultCopyErrorKind.InvalidState, "KeyPolicyLockout",
                        $"KMS refused the new policy of {keyArn}: it would not let {account.Arn} update the policy in the future (KMS's lockout safety check, which VaultCopy never bypasses). Nothing was changed.",
                        "Run the command as the key's administrator (a principal the key policy itself lets call kms:PutKeyPolicy), or use -PolicyOnly and have them apply the KeyPolicy document.",
                        kms.ErrorCode, kms);
                case "MalformedPolicyDocumentException":
                    return new VaultCopyException(
                        VaultCopyErrorKind.InvalidArgument, "KeyPolicyRejected",
                        $"KMS refused the new policy of {keyArn}: {(string.IsNullOrEmpty(kms.ServiceMessage) ? "the document is malformed" : kms.ServiceMessage)} Nothing was changed.",
                        "Check that every -Principal exists in the vault account (KMS refuses principals it cannot find).",
                        kms.ErrorCode, kms);
                case "LimitExceededException":
                    return new VaultCopyException(
                        VaultCopyErrorKind.LimitExceeded, "PolicySizeLimitExceeded",
                        $"KMS refused the new policy of {keyArn} as too large: {kms.ServiceMessage} Nothing was changed.",
                        "Leave out -Principal to grant the whole vault account with one principal, or remove statements that are no longer needed.",
                        kms.ErrorCode, kms);
                case "AccessDeniedException":
                    return new VaultCopyException(
                        VaultCopyErrorKind.PermissionDenied, "KeyPolicyAccessDenied",
                        $"{account.Arn} may not {action} on {keyArn}: {kms.ServiceMessage}",
                        $"Run the command with credentials of account {account.AccountId} that the key policy lets call kms:GetKeyPolicy and kms:PutKeyPolicy (the key's administrator), or use -PolicyOnly and have them apply the KeyPolicy document.",
                        kms.ErrorCode, kms);
            }
        }

        return AwsErrorTranslator.Translate(error, action, keyArn);
    }

    private VaultCopyException TranslateIamError(Exception error, string action, string principalArn)
    {
        if (error is QueryServiceException iam)
        {
            IamPrincipal? principal = IamPrincipal.FromArn(principalArn);
            return iam.ErrorCode switch
            {
                QueryErrorCodes.AccessDenied when principal is not null && !action.Contains("Get", StringComparison.Ordinal) =>
                    IdentityWriteDenied(action, principal, principalArn, iam),
                QueryErrorCodes.AccessDenied => new VaultCopyException(
                    VaultCopyErrorKind.PermissionDenied, "IdentityPolicyReadDenied",
                    $"{_destination.Arn} may not {action} on {principalArn}: {iam.ServiceMessage}",
                    $"Allow {action} on {principalArn}, or use -PolicyOnly.", iam.ErrorCode, iam),
                QueryErrorCodes.LimitExceeded => new VaultCopyException(
                    VaultCopyErrorKind.LimitExceeded, "PolicySizeLimitExceeded",
                    $"IAM refused inline policy {IdentityPolicyEditor.DefaultPolicyName} of {principalArn} as too large: {iam.ServiceMessage} Nothing was changed.",
                    "Move some of its inline policies into managed policies, or remove those no longer needed.", iam.ErrorCode, iam),
                QueryErrorCodes.UnmodifiableEntity => new VaultCopyException(
                    VaultCopyErrorKind.InvalidState, "UnmodifiableEntity",
                    $"IAM will not change {principalArn}: {iam.ServiceMessage}", "Name a role of your own with -Principal.", iam.ErrorCode, iam),
                QueryErrorCodes.NoSuchEntity => new VaultCopyException(
                    VaultCopyErrorKind.NotFound, "PrincipalNotFound",
                    $"{principalArn} does not exist in account {_destination.AccountId}: {iam.ServiceMessage}",
                    "Check -Principal: name existing roles or users of the vault account.", iam.ErrorCode, iam),
                _ => new VaultCopyException(
                    VaultCopyErrorKind.ServiceFailure, iam.ErrorCode, $"{action} failed for {principalArn}: {iam.ErrorCode}: {iam.ServiceMessage}",
                    awsErrorCode: iam.ErrorCode, innerException: iam),
            };
        }

        return AwsErrorTranslator.Translate(error, action, principalArn);
    }

    private static VaultKeyPolicyChange Preview(KeyAccessOperation operation, VaultKeyPolicyKind kind, string target, string policyName, string account, PolicyEditResult result) => new()
    {
        Kind = kind,
        Target = target,
        PolicyName = policyName,
        AccountId = account,
        Before = result.Before,
        After = result.After,
        Diff = result.Diff,
        Changed = result.Changed,
        Applied = false,
        Reason = result.Changed ? "Planned, not applied yet."
            : operation == KeyAccessOperation.Grant ? "Already granted: nothing to write."
            : result.Warnings.Count > 0 ? "Left as it is: VaultCopy's statements in it were changed by hand (see the warning)."
            : "Nothing to revoke: VaultCopy's statements for it are not there.",
        Statements = StatementsOf(result),
    };

    private static VaultKeyPolicyChange Unchanged(VaultKeyPolicyChange preview, string current, string reason) => new()
    {
        Kind = preview.Kind,
        Target = preview.Target,
        PolicyName = preview.PolicyName,
        AccountId = preview.AccountId,
        Before = current,
        After = current,
        Diff = string.Empty,
        Changed = false,
        Applied = false,
        Reason = reason,
    };

    private static IReadOnlyList<string> WarningsOf(PolicyEditResult result, string documentName) =>
        [.. result.Warnings.Select(w => $"In the {documentName}: {w}")];

    private static IReadOnlyList<string> StatementsOf(PolicyEditResult result) =>
        [.. result.AddedStatements, .. result.ChangedStatements, .. result.RemovedStatements];
}
