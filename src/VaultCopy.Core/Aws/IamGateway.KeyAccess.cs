using VaultCopy.Core.Aws.Query;

namespace VaultCopy.Core.Aws;

/// <summary>The IAM calls behind Grant-VaultKeyAccess and Revoke-VaultKeyAccess.</summary>
internal sealed partial class IamGateway
{
    /// <summary>
    /// <see cref="SimulateAsync"/>, or null when the principal may not simulate (or IAM cannot judge it): the caller
    /// then learns the answer from the real call instead.
    /// </summary>
    public async Task<IReadOnlyList<SimulatedDecision>?> TrySimulateAsync(
        string principalArn, IReadOnlyList<string> actions, IReadOnlyList<string> resources,
        IReadOnlyList<SimulationContext> context, CancellationToken cancellationToken)
    {
        try
        {
            return await SimulateAsync(principalArn, actions, resources, context, cancellationToken).ConfigureAwait(false);
        }
        catch (QueryServiceException error) when (error.ErrorCode is QueryErrorCodes.AccessDenied or QueryErrorCodes.InvalidInput
            or QueryErrorCodes.NoSuchEntity or QueryErrorCodes.PolicyEvaluation)
        {
            return null;
        }
    }
}
