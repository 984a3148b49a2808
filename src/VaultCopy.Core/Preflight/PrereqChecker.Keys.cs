using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Aws.Query;
using VaultCopy.Core.Errors;
using VaultCopy.Core.KeyAccess;
using VaultCopy.Core.Keys;
using VaultCopy.Core.Policies;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Preflight;

public sealed partial class PrereqChecker
{
    private async Task<IReadOnlyList<VaultPrereqResult>> CheckSourceKeyAsync(SourceKey key, CancellationToken cancellationToken)
    {
        var results = new List<VaultPrereqResult>();
        results.AddRange(await GuardAsync(PrereqChecks.SourceKeyState, PrereqSide.Source, key.Arn,
            async () => [await SourceKeyStateAsync(key, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false));
        results.AddRange(await GuardAsync(PrereqChecks.SourceKeyPolicy, PrereqSide.Source, key.Arn,
            async () => [await SourceKeyPolicyAsync(key, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false));
        results.AddRange(await GuardAsync(PrereqChecks.DestinationIdentityPolicy, PrereqSide.Destination, key.Arn,
            async () => [await DestinationIdentityPolicyAsync(key, cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false));
        return results;
    }

    private async Task<VaultPrereqResult> SourceKeyStateAsync(SourceKey key, CancellationToken cancellationToken)
    {
        KmsKey? described = await _sourceKms.TryDescribeAsync(key.Arn, cancellationToken).ConfigureAwait(false);
        return Result(PrereqChecks.SourceKeyState, PrereqSide.Source, key.Arn,
            KeyRules.SourceKeyState(key.Arn, described, string.Join(", ", key.UsedBy), KeyOwner.Of(_source)));
    }

    private async Task<VaultPrereqResult> SourceKeyPolicyAsync(SourceKey key, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.SourceKeyPolicy;
        string grant = $"Grant-VaultKeyAccess -Source {SourceVariable} -Destination {DestinationVariable} -KeyId {key.Arn}";
        string? policy = await TryReadKeyPolicyAsync(_sourceKms, key.Arn, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return Warn(check, PrereqSide.Source, key.Arn,
                $"{_source.PrincipalArn} may not read the key policy of {key.Arn} (kms:GetKeyPolicy), so whether it lets account {_destination.AccountId} use the key is unknown.",
                $"Run the preflight with an origin principal allowed kms:GetKeyPolicy, or check the policy by hand; {grant} adds what is missing.");
        }

        return AssessKeyPolicy(check, PrereqSide.Source, key.Arn, policy, _source.AccountId, key.Services, _source.Region, grant);
    }

    private async Task<VaultPrereqResult> DestinationIdentityPolicyAsync(SourceKey key, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.DestinationIdentityPolicy;
        var denied = new List<string>();
        var explicitDenies = new List<SimulatedDecision>();
        foreach (string service in key.Services)
        {
            Simulation simulation = await SimulateAsync(_destinationIam, _destination, [.. CopyKeyActions.All], [key.Arn],
                KeyContext(service, _source.Region), cancellationToken).ConfigureAwait(false);
            if (simulation.Problem is not null)
            {
                return Warn(check, PrereqSide.Destination, key.Arn, $"Could not check: {simulation.Problem}",
                    $"Allow iam:SimulatePrincipalPolicy to {_destination.PrincipalArn}, or make sure its IAM policy allows {string.Join(", ", CopyKeyActions.Use)} and {CopyKeyActions.CreateGrant} on {key.Arn}.");
            }

            denied.AddRange(simulation.Denied);
            explicitDenies.AddRange(simulation.ExplicitDenies);
        }

        if (denied.Count > 0)
        {
            return Fail(check, PrereqSide.Destination, key.Arn,
                $"The IAM policies of {_destination.PrincipalArn} do not allow it to use the origin key {key.Arn}: {string.Join("; ", denied.Distinct(StringComparer.Ordinal))}.",
                IdentityRemediation(key.Arn, explicitDenies, denied.Count > explicitDenies.Count,
                    $"Grant-VaultKeyAccess -Source {SourceVariable} -Destination {DestinationVariable} -KeyId {key.Arn} (add -PolicyOnly to get the IAM policy for your IAM team)"));
        }

        return Pass(check, PrereqSide.Destination, key.Arn,
            $"The IAM policies of {_destination.PrincipalArn} allow it to use {key.Arn} through {Via(key.Services)} and to create grants for AWS resources.");
    }

    private async Task<IReadOnlyList<VaultPrereqResult>> CheckDestinationKeyAsync(
        string? keyId, IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        const string check = PrereqChecks.DestinationKey;
        string where = $"account {_destination.AccountId} ({_destination.Region})";
        string rerun = $"Test-VaultCopyPrereq -Source {SourceVariable} -Destination {DestinationVariable} -KmsKeyId <a customer managed key of the vault in {_destination.Region}>";
        if (keyId is null)
        {
            return [Warn(check, PrereqSide.Destination, _destination.AccountId,
                "No -KmsKeyId was given, so the vault key was not checked: without one, EBS copies land on the vault's AWS managed key aws/ebs and copies of encrypted RDS snapshots fail.",
                rerun)];
        }

        return await GuardAsync(check, PrereqSide.Destination, keyId, async () =>
        {
            // The copy commands resolve their -KmsKeyId with the same resolver and rule, so they refuse with these words.
            (KmsKey? facts, VaultCopyException? refusal) = await new KeyResolver(_destinationKms, KeyOwner.Of(_destination))
                .TryResolveAsync(keyId, KeyUse.VaultCopy, keepSourceKey: false, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                return [Fail(check, PrereqSide.Destination, facts?.Arn ?? keyId, refusal.Message, refusal.Remediation)];
            }

            var results = new List<VaultPrereqResult>
            {
                Pass(check, PrereqSide.Destination, facts!.Arn, $"{facts.Arn} is a customer managed, enabled, symmetric key in {where}."),
            };
            results.AddRange(await DestinationKeyAccessAsync(facts.Arn, services, cancellationToken).ConfigureAwait(false));
            return results;
        }).ConfigureAwait(false);
    }

    /// <summary>The vault principal must be able to encrypt under its own key through EBS and RDS: key policy, then IAM.</summary>
    private async Task<IReadOnlyList<VaultPrereqResult>> DestinationKeyAccessAsync(string keyArn, IReadOnlyCollection<string> services, CancellationToken cancellationToken)
    {
        string grant = $"Grant-VaultKeyAccess -Source {SourceVariable} -Destination {DestinationVariable} -KeyId <origin key> -KmsKeyId {keyArn}";
        string? policy = await TryReadKeyPolicyAsync(_destinationKms, keyArn, cancellationToken).ConfigureAwait(false);
        if (policy is null)
        {
            return [Warn(PrereqChecks.DestinationKeyPolicy, PrereqSide.Destination, keyArn,
                $"{_destination.PrincipalArn} may not read the key policy of {keyArn} (kms:GetKeyPolicy), so whether it may use the key is unknown.",
                $"Allow kms:GetKeyPolicy on the key to {_destination.PrincipalArn}, or check the policy by hand; {grant} adds what is missing.")];
        }

        VaultPrereqResult byPolicy = AssessKeyPolicy(
            PrereqChecks.DestinationKeyPolicy, PrereqSide.Destination, keyArn, policy, _destination.AccountId, services, _destination.Region, grant,
            out bool needsIdentityPolicy);
        if (byPolicy.Status == PrereqStatus.Fail)
        {
            return [byPolicy];
        }

        const string check = PrereqChecks.DestinationKeyIdentityPolicy;
        if (!needsIdentityPolicy)
        {
            return [byPolicy, Pass(check, PrereqSide.Destination, keyArn, $"The key policy names {_destination.PrincipalArn} itself, so no IAM policy is needed.")];
        }

        var denied = new List<string>();
        var explicitDenies = new List<SimulatedDecision>();
        foreach (string service in services)
        {
            Simulation simulation = await SimulateAsync(_destinationIam, _destination, [.. CopyKeyActions.All], [keyArn],
                KeyContext(service, _destination.Region), cancellationToken).ConfigureAwait(false);
            if (simulation.Problem is not null)
            {
                return [byPolicy, Warn(check, PrereqSide.Destination, keyArn, $"Could not check: {simulation.Problem}",
                    $"Allow iam:SimulatePrincipalPolicy to {_destination.PrincipalArn}, or make sure its IAM policy allows the KMS actions on {keyArn}.")];
            }

            denied.AddRange(simulation.Denied);
            explicitDenies.AddRange(simulation.ExplicitDenies);
        }

        return denied.Count > 0
            ? [byPolicy, Fail(check, PrereqSide.Destination, keyArn,
                $"The key policy leaves it to IAM, and the IAM policies of {_destination.PrincipalArn} do not allow: {string.Join("; ", denied.Distinct(StringComparer.Ordinal))}.",
                IdentityRemediation(keyArn, explicitDenies, denied.Count > explicitDenies.Count, grant))]
            : [byPolicy, Pass(check, PrereqSide.Destination, keyArn, $"The IAM policies of {_destination.PrincipalArn} allow it to use {keyArn}.")];
    }

    private VaultPrereqResult AssessKeyPolicy(
        string check, PrereqSide side, string keyArn, string policy, string ownerAccountId, IReadOnlyCollection<string> services, string serviceRegion, string remediation) =>
        AssessKeyPolicy(check, side, keyArn, policy, ownerAccountId, services, serviceRegion, remediation, out _);

    /// <summary>
    /// What the key policy says about the vault principal using the key through each service, read by the conservative
    /// <see cref="KeyPolicyAnalyzer"/>: Fail when an action is denied, Warning when it hangs on what cannot be known.
    /// </summary>
    private VaultPrereqResult AssessKeyPolicy(
        string check, PrereqSide side, string keyArn, string policy, string ownerAccountId, IReadOnlyCollection<string> services,
        string serviceRegion, string remediation, out bool needsIdentityPolicy)
    {
        needsIdentityPolicy = false;
        IReadOnlyList<KeyActionAssessment> assessments;
        try
        {
            // Grant-VaultKeyAccess reads the policy it wrote with the same assessment and the same words.
            assessments = VaultKeyUse.Assess(policy, keyArn, ownerAccountId, _destination.AccountId, _destination.Arn, services, serviceRegion, _source.Partition);
        }
        catch (PolicyFormatException error)
        {
            return Warn(check, side, keyArn, $"The key policy of {keyArn} could not be read: {error.Message}", remediation);
        }

        needsIdentityPolicy = assessments.Any(a => a.RequiresIdentityPolicy);
        string who = $"{_destination.PrincipalArn} (account {_destination.AccountId})";
        List<KeyActionAssessment> denied = VaultKeyUse.Denied(assessments);
        if (VaultKeyUse.ExplicitDeny(keyArn, _destination.PrincipalArn, denied) is (string message, string removeOrNarrow))
        {
            // What the Deny leaves aside may also lack an Allow: that part is still Grant-VaultKeyAccess's to add.
            return Fail(check, side, keyArn, message, denied.TrueForAll(a => a.ExplicitlyDenied) ? removeOrNarrow : $"{removeOrNarrow} Then: {remediation}");
        }

        if (denied.Count > 0)
        {
            return Fail(check, side, keyArn,
                $"The key policy of {keyArn} does not allow {who} to call {string.Join(", ", denied.Select(a => a.Action))} through {Via(services)}: {denied[0].Reason}",
                remediation);
        }

        var unsure = assessments.Where(a => a.Decision == KeyAccessDecision.AllowedWithUnknownConditions).GroupBy(a => a.Action, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        if (unsure.Count > 0)
        {
            return Warn(check, side, keyArn,
                $"The key policy of {keyArn} may let {who} use the key, depending on what VaultCopy cannot check: {string.Join(" ", unsure.Select(a => a.Reason).Distinct(StringComparer.Ordinal))}",
                $"Check those conditions by hand, or make the access certain: {remediation}");
        }

        string statements = string.Join(", ", assessments.SelectMany(a => a.AllowingStatements).Distinct(StringComparer.Ordinal).Select(s => $"'{s}'"));
        string iam = needsIdentityPolicy ? $" It names the account, so the IAM policy of {_destination.PrincipalArn} must allow the same." : string.Empty;
        return Pass(check, side, keyArn,
            $"The key policy lets {who} use the key through {Via(services)} and create grants for AWS resources (statement {statements}).{iam}");
    }

    private static async Task<string?> TryReadKeyPolicyAsync(KmsGateway kms, string keyArn, CancellationToken cancellationToken)
    {
        try
        {
            return await kms.GetKeyPolicyAsync(keyArn, cancellationToken).ConfigureAwait(false);
        }
        catch (AwsServiceException error) when (error.ErrorCode is "AccessDeniedException" or "NotFoundException")
        {
            return null;
        }
    }

    private IReadOnlyList<SimulationContext> KeyContext(string service, string region) =>
        [new("kms:GrantIsForAWSResource", "boolean", "true"), new("kms:ViaService", "string", VaultKeyUse.ViaService(service, region, _source.Partition))];

    private static string Via(IEnumerable<string> services) =>
        string.Join(" and ", services.Select(s => s == "ec2" ? "EC2" : "RDS"));

    /// <summary>
    /// Simulates the account's own principal. <see cref="Simulation.Problem"/> says why it could not be simulated (the
    /// principal may not call iam:SimulatePrincipalPolicy, or is no IAM user or role); the root user is never limited.
    /// </summary>
    private static async Task<Simulation> SimulateAsync(
        IamGateway iam, VaultAccount account, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        IReadOnlyList<SimulationContext> context, CancellationToken cancellationToken)
    {
        if (account.Arn.EndsWith(":root", StringComparison.Ordinal))
        {
            return new Simulation([], null);
        }

        if (IamPrincipal.FromArn(account.Arn) is null)
        {
            return new Simulation([], $"{account.Arn} is not an IAM user or role, so its permissions cannot be simulated.");
        }

        try
        {
            IReadOnlyList<SimulatedDecision> decisions = await iam.SimulateAsync(account.PrincipalArn, actions, resources, context, cancellationToken).ConfigureAwait(false);
            return new Simulation(decisions.Where(d => !d.IsAllowed).Select(d => $"{d.Action} on {d.Resource} ({d.Decision})").ToList(), null)
            {
                ExplicitDenies = decisions.Where(d => d.IsExplicitDeny).ToList(),
            };
        }
        catch (QueryServiceException error) when (error.ErrorCode == QueryErrorCodes.AccessDenied)
        {
            return new Simulation([], $"{account.PrincipalArn} may not call iam:SimulatePrincipalPolicy on itself, so its IAM permissions could not be simulated.");
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.NoSuchEntity or QueryErrorCodes.InvalidInput)
        {
            return new Simulation([], $"IAM could not simulate {account.PrincipalArn}: {error.ServiceMessage}");
        }
    }

    private sealed record Simulation(IReadOnlyList<string> Denied, string? Problem)
    {
        public IReadOnlyList<SimulatedDecision> ExplicitDenies { get; init; } = [];
    }

    /// <summary>What fixes IAM decisions that refused the vault the key: an explicit Deny is removed or narrowed first.</summary>
    private string IdentityRemediation(string keyArn, IReadOnlyList<SimulatedDecision> explicitDenies, bool alsoImplicit, string grant)
    {
        if (explicitDenies.Count == 0)
        {
            return grant;
        }

        string removeOrNarrow = KeyAccess.VaultKeyUse.IdentityDenyRemediation(keyArn, _destination.PrincipalArn,
            explicitDenies.Select(d => d.Action).Distinct(StringComparer.Ordinal).ToList(),
            explicitDenies.SelectMany(d => d.DeniedBy ?? []).Distinct(StringComparer.Ordinal).ToList());
        return alsoImplicit ? $"{removeOrNarrow} Then: {grant}" : removeOrNarrow;
    }
}
