@{
    Synopsis    = 'Plans a whole vault copy with reads only: per backup of every origin, Convert, Share, Copy, Reuse or Refuse, and why.'
    Description = @'
Get-VaultCopyPlan reads the backups of each origin (-Source, one or more connections) as Get-VaultResource selects them (-Type, -Tag, -CreatedAfter, -CreatedBefore, or -Id / -InputObject), the vault's existing copies in each destination Region (by their lineage tags), the keys and the key policies, and returns one plan item per backup. It changes nothing.

An item's Action is Convert (a default-key or automated backup, re-encrypted under -ConvertKeyId first), Copy (shared if needed, then copied under the vault key), Reuse (already vaulted under the vault key: verified again, nothing copied) or Refuse (with ErrorId, Cause and Remediation: the same words Test-VaultCopyPrereq and the copy cmdlets use). Steps lists every step in order; Destinations the vault Region, key and any existing copy; KeyAccessChanges the key-policy and IAM documents that would change, with their diffs.

An AMI's backing snapshots are part of the AMI, never separate items. Unencrypted backups are copied and encrypted under the vault key. Without -ConvertKeyId a default-key or automated backup is refused with the Convert-VaultSnapshotKey command; without -GrantKeyAccess missing key access is refused with the Grant-VaultKeyAccess command.
'@
    Parameters  = @{
        Source            = 'The origin accounts, from Connect-VaultAccount (one or more). Each is read in the Region it was connected in.'
        Destination       = 'The vault account, from Connect-VaultAccount.'
        KmsKeyId          = 'The vault key: a key id, ARN or alias of the vault account (an alias present in every destination Region), or a hashtable Region -> key: @{ ''eu-west-1'' = ''alias/vault-backup''; ''eu-central-1'' = ''<key ARN>'' }. Alias: -DestinationKeyId.'
        DestinationRegion = 'The vault Regions to copy into (default: the Region of -Destination).'
        Id                = 'Backups by id or ARN (snap-..., ami-..., RDS identifiers, ARNs); bound by property name from VaultCopy, AWS Tools and AWS CLI objects. An ARN names its origin; an id is looked up in each origin.'
        InputObject       = 'Backups named by VaultCopy output through the pipeline: VaultResource (Get-VaultResource), VaultShare, VaultCopyJob (its source).'
        Type              = 'Only these types: EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.'
        Tag               = 'Only backups with these tags: @{ Backup = ''daily''; Owner = $null } ($null: any value).'
        CreatedAfter      = 'Only backups created after this time.'
        CreatedBefore     = 'Only backups created before this time.'
        ConvertKeyId      = 'A customer managed key of each origin (an alias present in each): default-key (aws/ebs, aws/rds) and automated backups are converted under it, then vaulted.'
        GrantKeyAccess    = 'Plan the key-policy and IAM changes the copies need (they are listed with their diffs) instead of refusing backups whose key the vault may not use.'
    }
    Examples    = @(
        @{ Title = 'What a vault copy of two origins would do'; Code = 'Get-VaultCopyPlan -Source $origin, $origin2 -Destination $vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess' }
        @{ Title = 'Only the refusals, with the command that fixes each'; Code = 'Get-VaultCopyPlan -Source $origin -Destination $vault -KmsKeyId alias/vault-backup | Where-Object Action -eq Refuse | Format-List Id, Cause, Remediation' }
        @{ Title = 'The key policy diffs'; Code = '(Get-VaultCopyPlan -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -GrantKeyAccess).KeyAccessChanges | Sort-Object Target -Unique | Format-List Target, Diff' }
    )
}
