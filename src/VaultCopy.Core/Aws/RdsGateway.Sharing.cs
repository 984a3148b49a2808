using System.Xml.Linq;
using VaultCopy.Core.Sharing;

namespace VaultCopy.Core.Aws;

/// <summary>
/// Sharing through the <c>restore</c> attribute. One account id per call, checked here again, so the value
/// "all" (public) can never be sent.
/// </summary>
internal sealed partial class RdsGateway
{
    /// <summary>Adds or removes <paramref name="accountId"/>; returns the restore list as RDS reports it afterwards.</summary>
    public async Task<IReadOnlyList<string>> ModifyRestoreAccountAsync(
        bool cluster, string identifier, string accountId, bool add, CancellationToken cancellationToken)
    {
        if (!SharePlanner.IsAccountId(accountId))
        {
            throw new ArgumentException($"'{accountId}' is not a 12-digit account id; VaultCopy shares with accounts only.", nameof(accountId));
        }

        string prefix = cluster ? "DBClusterSnapshot" : "DBSnapshot";
        XElement result = await _client.CallAsync(
            $"Modify{prefix}Attribute",
            [
                new($"{prefix}Identifier", identifier),
                new("AttributeName", "restore"),
                new(add ? "ValuesToAdd.AttributeValue.1" : "ValuesToRemove.AttributeValue.1", accountId),
            ],
            cancellationToken).ConfigureAwait(false);
        return RestoreAccountsOf(result, prefix);
    }
}
