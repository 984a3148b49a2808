namespace VaultCopy.Core.Policies;

/// <summary>
/// What EBS and RDS ask KMS for on the copying account's behalf while they copy (aws-behaviour.md §1.4); the
/// preflight checks these and Grant-VaultKeyAccess grants them.
/// </summary>
internal static class CopyKeyActions
{
    public const string CreateGrant = "kms:CreateGrant";

    /// <summary>The use of the key, CreateGrant apart (CreateGrant comes with the kms:GrantIsForAWSResource condition).</summary>
    public static IReadOnlyList<string> Use { get; } =
        ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"];

    /// <summary>Everything the copying account needs on a source key.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Use, CreateGrant];
}
