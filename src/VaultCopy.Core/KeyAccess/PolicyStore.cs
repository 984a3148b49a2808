using VaultCopy.Core.Aws;

namespace VaultCopy.Core.KeyAccess;

/// <summary>
/// Where one policy document lives: a key policy or an inline IAM policy. The empty string stands for "no policy"
/// (an inline policy that does not exist, or is to be deleted).
/// </summary>
internal interface IPolicyStore
{
    Task<string> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="document"/>; the empty string deletes an inline policy.</summary>
    Task WriteAsync(string document, CancellationToken cancellationToken);
}

/// <summary>A KMS key policy, read and written with the credentials of the key's own account.</summary>
internal sealed class KeyPolicyStore(KmsGateway kms, string keyArn) : IPolicyStore
{
    public Task<string> ReadAsync(CancellationToken cancellationToken) => kms.GetKeyPolicyAsync(keyArn, cancellationToken);

    public Task WriteAsync(string document, CancellationToken cancellationToken) =>
        kms.PutKeyPolicyAsync(keyArn, document, cancellationToken);
}

/// <summary>An inline policy of an IAM role or user.</summary>
internal sealed class InlinePolicyStore(IamGateway iam, IamPrincipal principal, string policyName) : IPolicyStore
{
    public async Task<string> ReadAsync(CancellationToken cancellationToken) =>
        await iam.GetInlinePolicyAsync(principal, policyName, cancellationToken).ConfigureAwait(false) ?? string.Empty;

    public Task WriteAsync(string document, CancellationToken cancellationToken) =>
        document.Length == 0
            ? iam.DeleteInlinePolicyAsync(principal, policyName, cancellationToken)
            : iam.PutInlinePolicyAsync(principal, policyName, document, cancellationToken);
}
