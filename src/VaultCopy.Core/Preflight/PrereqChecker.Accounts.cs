using VaultCopy.Core.Accounts;
using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Preflight;

public sealed partial class PrereqChecker
{
    private async Task<IReadOnlyList<VaultPrereqResult>> CheckAccountsAsync(CancellationToken cancellationToken)
    {
        var results = new List<VaultPrereqResult>
        {
            await CheckReachableAsync(_source, PrereqSide.Source, cancellationToken).ConfigureAwait(false),
            await CheckReachableAsync(_destination, PrereqSide.Destination, cancellationToken).ConfigureAwait(false),
        };

        // The rule every command that takes both accounts refuses with, in the same words.
        string both = $"{_source.AccountId} -> {_destination.AccountId}";
        results.Add(Result(PrereqChecks.DistinctAccounts, PrereqSide.Both, both, AccountRules.DistinctAccounts(_source, _destination)));
        results.Add(Result(PrereqChecks.SamePartition, PrereqSide.Both, both, AccountRules.SamePartition(_source, _destination)));

        string regions = $"{_source.Region} -> {_destination.Region}";
        results.Add(_source.Region == _destination.Region
            ? Pass(PrereqChecks.Regions, PrereqSide.Both, regions, $"Same-Region copy in {_source.Region}.")
            : Pass(PrereqChecks.Regions, PrereqSide.Both, regions,
                $"Cross-Region copy from {_source.Region} into {_destination.Region}: the destination key must live in {_destination.Region}, and every copy is a full (not incremental) copy."));
        return results;
    }

    /// <summary>A fresh sts:GetCallerIdentity: the connection may be hours old and its credentials expired or revoked.</summary>
    private async Task<VaultPrereqResult> CheckReachableAsync(VaultAccount account, PrereqSide side, CancellationToken cancellationToken)
    {
        string parameter = side == PrereqSide.Source ? "-Source" : "-Destination";
        try
        {
            StsGateway sts = _clients.Sts(account.Session);
            (string accountId, string arn, _) = await sts.GetCallerIdentityAsync(cancellationToken).ConfigureAwait(false);
            if (accountId != account.AccountId)
            {
                return Fail(PrereqChecks.AccountReachable, side, account.AccountId,
                    $"The credentials of {parameter} now belong to account {accountId} ({arn}), not {account.AccountId}.",
                    $"Connect {parameter} again with Connect-VaultAccount.");
            }

            return Pass(PrereqChecks.AccountReachable, side, account.AccountId, $"Reachable as {arn} in {account.Region}.");
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            VaultCopyException known = AwsErrorTranslator.Translate(error, "GetCallerIdentity", $"{parameter} ({account.AccountId})");
            return Fail(PrereqChecks.AccountReachable, side, account.AccountId, known.Message,
                known.Remediation is null ? $"Connect {parameter} again with Connect-VaultAccount." : $"{known.Remediation} Then connect {parameter} again with Connect-VaultAccount.");
        }
    }
}
