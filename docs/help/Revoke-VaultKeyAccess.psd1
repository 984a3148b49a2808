@{
    Synopsis    = 'Takes back what Grant-VaultKeyAccess gave the vault account for an origin KMS key.'
    Description = @'
Removes exactly what Grant-VaultKeyAccess added, found by Sid and principal, and nothing else; returns one VaultKeyPolicyChange per policy document it looked at:

1. The source key policy: VaultCopy's statements for the destination account (VaultCopyUseKey-<account> and VaultCopyAttachPersistentResources-<account>), or with -Principal only those principals from them (a statement left without principals goes).
2. The identity policy of each vault principal: the source key ARN is removed from inline policy VaultCopyKeyAccess, which is deleted when nothing is left in it.
3. With -KmsKeyId, the vault key policy: the vault principals stop being its key users. Pass it only when they should stop using the vault key for every source key.

A document without VaultCopy's statements is not written. Revoking works whatever state the key is in. The same safety as Grant-VaultKeyAccess applies: statements of others are kept exactly, a VaultCopy statement someone changed by hand (a Deny, say) is refused rather than removed, KMS's lockout safety check is never bypassed, and every write is read back and merged again if someone replaced it meanwhile.

-WhatIf shows each change with its diff and writes nothing. -PolicyOnly returns the documents without applying them. ConfirmImpact is High; -Force skips the prompt.
'@
    Parameters  = @{
        Source           = 'The origin account, from Connect-VaultAccount: its credentials read and write the source key policy.'
        Destination      = 'The vault account, from Connect-VaultAccount: its credentials read and write the identity policies and the vault key policy.'
        KeyId            = 'The source key: key id, alias/<name>, key ARN or alias ARN, in the -Source account. Binds the KmsKeyArn property of piped objects (Get-VaultResource). -KmsKeyId is the vault key, as on every VaultCopy cmdlet.'
        KmsKeyId = 'The vault key whose key users the vault principals stop being. Without it the vault key policy is left alone.'
        Principal        = 'Remove only these role or user ARNs of the destination account (from the source key policy, and they lose the identity policy and vault key grant). Without it both of VaultCopy''s source key statements for the account go, and the -Destination principal loses the rest.'
        PolicyOnly       = 'Write nothing: return the documents (After) to apply elsewhere.'
        Force            = 'Do not ask for confirmation, for runbooks. -WhatIf still shows and writes nothing.'
    }
    Examples    = @(
        @{ Title = 'Stop the vault from using the origin key'; Code = 'Revoke-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -Force' }
        @{ Title = 'Also take the vault role off the vault key'; Code = 'Revoke-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -WhatIf'; Remarks = 'Shows the diffs of the three documents and writes nothing.' }
        @{ Title = 'Remove one role, keep the rest of the grant'; Code = 'Revoke-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -Principal arn:aws:iam::222222222222:role/OldCopyRole' }
    )
}
