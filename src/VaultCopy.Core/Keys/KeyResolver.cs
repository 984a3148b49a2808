using VaultCopy.Core.Aws;
using VaultCopy.Core.Errors;
using VaultCopy.Core.Rules;

namespace VaultCopy.Core.Keys;

/// <summary>
/// Turns the key a user named into a <see cref="KmsKey"/> fit for its use, with <see cref="KeyRules"/>: the name is
/// checked first (never DescribeKey on <c>alias/aws/…</c>), then the key KMS describes in the owner's Region.
/// </summary>
internal sealed class KeyResolver
{
    private readonly KmsGateway _kms;
    private readonly KeyOwner _owner;

    public KeyResolver(KmsGateway kms, KeyOwner owner)
    {
        _kms = kms;
        _owner = owner;
    }

    /// <summary>
    /// The key as described (null when the name was refused or KMS did not find it), and the refusal the rules give for
    /// <paramref name="use"/> (null when it is fit). AWS errors other than "not found / not allowed" throw.
    /// </summary>
    public async Task<(KmsKey? Key, VaultCopyException? Refusal)> TryResolveAsync(
        string keyId, KeyUse use, bool keepSourceKey, CancellationToken cancellationToken)
    {
        VaultCopyException? refusal = KeyRules.RefuseByName(keyId, use, _owner, keepSourceKey);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        if (keepSourceKey && use == KeyUse.VaultCopy && Accounts.Arn.TryParse(keyId, out Accounts.Arn arn) && arn.AccountId != _owner.AccountId)
        {
            // Kept on purpose: the vault need not (and often may not) describe the origin's key.
            return (KeyRules.ByArnOnly(keyId), null);
        }

        KmsKey? key = await DescribeAsync(keyId, cancellationToken).ConfigureAwait(false);
        return (key is null ? null : key with { RequestedAs = keyId }, KeyRules.Check(keyId, key, use, _owner, keepSourceKey));
    }

    /// <summary>
    /// The key a finished copy is under, looked at again (<see cref="KeyRules.CheckCopyKey"/>): null when it is still
    /// there and enabled, else why the copy cannot be trusted. AWS errors other than "not found / not allowed" throw.
    /// </summary>
    public async Task<VaultCopyException?> CheckCopyKeyAsync(string keyArn, KeyUse use, CancellationToken cancellationToken)
    {
        KmsKey? key = await DescribeAsync(keyArn, cancellationToken).ConfigureAwait(false);
        return KeyRules.CheckCopyKey(keyArn, key, use, _owner);
    }

    /// <summary>The key, or a VaultCopyException with the rules' words.</summary>
    public async Task<KmsKey> ResolveAsync(string keyId, KeyUse use, bool keepSourceKey, CancellationToken cancellationToken)
    {
        (KmsKey? key, VaultCopyException? refusal) = await TryResolveAsync(keyId, use, keepSourceKey, cancellationToken).ConfigureAwait(false);
        return refusal is null ? key! : throw refusal;
    }

    private async Task<KmsKey?> DescribeAsync(string keyId, CancellationToken cancellationToken)
    {
        try
        {
            return await _kms.TryDescribeAsync(keyId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw AwsErrorTranslator.Translate(error, $"Describing KMS key {keyId}", $"account {_owner.AccountId} ({_owner.Region})");
        }
    }
}
