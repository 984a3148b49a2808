@{
    Synopsis    = 'Gives the vault account every permission it needs to use an origin KMS key for vault copies.'
    Description = @'
A vault copy of an encrypted backup needs the vault to use the origin's customer managed key across accounts. Grant-VaultKeyAccess makes each grant that takes, and returns one VaultKeyPolicyChange per policy document it looked at (Kind, Target, PolicyName, Before, After, Diff, Changed, Applied, Reason):

1. The source key policy (with the -Source credentials): VaultCopy's two statements for the destination account, VaultCopyUseKey-<account> (kms:Encrypt, Decrypt, ReEncrypt*, GenerateDataKey*, DescribeKey) and VaultCopyAttachPersistentResources-<account> (kms:CreateGrant, ListGrants, RevokeGrant only when kms:GrantIsForAWSResource is true, so only EC2 and RDS can create grants). They name the destination account root, or only the -Principal roles and users. With -ViaService the use statement only applies to requests EC2 and RDS make in the key's Region.
2. The identity policy of each vault principal (the -Destination principal, or each -Principal): inline policy VaultCopyKeyAccess allowing the source key ARN. When IAM (SimulatePrincipalPolicy) says the principal's identity policies already allow the key, nothing is added. The destination principal must be allowed iam:PutRolePolicy (iam:PutUserPolicy) on it; otherwise the command stops with PermissionDenied before anything is written.
3. With -KmsKeyId, the vault key policy (with the -Destination credentials): the vault principals become key users of the vault key, the same two statements naming them.

Policies are read, merged and written: every existing statement is kept exactly, principals are merged into VaultCopy's statements, and a document that already holds what is asked is not written at all, so a second run changes nothing. A wildcard principal is refused. The 32 KB key policy limit and IAM's inline policy quota (role 10,240, user 2,048 characters) are checked before writing. KMS's lockout safety check is never bypassed. Each document is read back after writing; if someone else replaced it meanwhile without VaultCopy's statements, the merge is redone on their version (three attempts at most).

AWS managed keys (aws/ebs, aws/rds) are refused with InvalidOperation: re-encrypt the backups under a customer managed key first (Convert-VaultSnapshotKey). A key of another account is InvalidArgument, a missing key ObjectNotFound, a key pending deletion InvalidOperation; a disabled key is granted with a warning (copies fail until it is enabled). Errors are non-terminating, with the key id as target; after a failure, the key's remaining documents are left alone.

-WhatIf shows each change with its diff and writes nothing (the objects come back with Applied false). -PolicyOnly writes nothing and returns the documents to apply elsewhere (for IAM kept in infrastructure code). ConfirmImpact is High: each document is confirmed with its diff; -Force skips the prompt for runbooks.
'@
    Parameters  = @{
        Source           = 'The origin account, from Connect-VaultAccount: its credentials read and write the source key policy.'
        Destination      = 'The vault account, from Connect-VaultAccount: its credentials read and write the identity policies and the vault key policy.'
        KeyId            = 'The source key: key id, alias/<name>, key ARN or alias ARN, in the -Source account. Binds the KmsKeyArn property of piped objects (Get-VaultResource), and each key is handled once. -KmsKeyId is the vault key, as on every VaultCopy cmdlet.'
        KmsKeyId = 'The vault key the copies are encrypted under (key id, alias/<name> or ARN in the -Destination account). The vault principals become its key users. Without it the vault key policy is left alone.'
        Principal        = 'IAM role or user ARNs of the destination account that do the copying (a role session ARN names its role). The source key policy then names only them instead of the whole account, and they get the identity policy and the vault key. Wildcards are refused.'
        ViaService       = 'Limit the vault''s use of the source key to requests EC2 and RDS make in the key''s Region (kms:ViaService), so the key cannot be used directly.'
        PolicyOnly       = 'Write nothing: return the documents (After) for the IAM and key administrators to apply, for example from infrastructure code.'
        Force            = 'Do not ask for confirmation, for runbooks. -WhatIf still shows and writes nothing.'
    }
    Examples    = @(
        @{ Title = 'Let the vault account use the origin key'; Code = 'Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup'; Remarks = 'Asks for confirmation of each document, showing its diff; returns one object per document.' }
        @{ Title = 'See what would change'; Code = 'Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -WhatIf'; Remarks = 'Prints each diff and writes nothing.' }
        @{ Title = 'Every key of the origin''s backups, limited to EC2 and RDS, in a runbook'; Code = 'Get-VaultResource -Account $origin | Where-Object KeyManager -eq Customer | Grant-VaultKeyAccess -Source $origin -Destination $vault -ViaService -Force' }
        @{ Title = 'Only the vault copy role, documents for the IAM team'; Code = 'Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -Principal arn:aws:iam::222222222222:role/VaultCopyVault -PolicyOnly | Select-Object Kind, Target, After'; Remarks = 'Nothing is written; each After is the document to apply.' }
    )
}
