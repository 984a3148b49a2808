@{
    Synopsis    = 'Locks vault copies against deletion: EBS Snapshot Lock, and for an AMI deregistration protection plus a lock on each of its snapshots.'
    Description = @'
Lock-VaultCopy makes the copies in the vault immutable for a time, so that neither a stolen origin credential nor a stolen vault credential can delete them.

- An EBS snapshot copy gets an EBS Snapshot Lock. An AMI copy gets a lock on each of its snapshots and deregistration protection (with the 24-hour cooldown in compliance mode). RDS and Aurora copies cannot be locked by any AWS API: each is reported as an error that names what protects them instead (a service control policy denying rds:DeleteDBSnapshot and rds:DeleteDBClusterSnapshot, or AWS Backup Vault Lock).
- -Mode Governance: nobody can delete the copy, but a principal allowed ec2:UnlockSnapshot can remove or shorten the lock. -Mode Compliance: after the cool-off (-CoolOffHours, 1-72; none locks at once) nobody - not the root user, not AWS - can delete the copy or remove or shorten the lock until it expires. Because that cannot be undone, the cmdlet's ConfirmImpact is High and the confirmation says so.
- -Days is the lock's duration as AWS counts it: from when the copy was first locked, or from its completion if it was still being copied. -Until gives the end instead. Running the command again changes the lock: extending is always allowed; shortening or changing the mode of a compliance lock after its cool-off is refused, as AWS refuses it, and nothing is changed.
- Only copies VaultCopy made (the vaultcopy:purpose = vault lineage tag, read again from AWS) are locked. The output is each copy job with LockState and LockExpiresOn as AWS now reports them; Get-VaultCopy shows the same.
'@
    Parameters  = @{
        Destination  = 'The vault account, from Connect-VaultAccount.'
        InputObject  = 'Copy jobs from Get-VaultCopy, Copy-VaultSnapshot, Copy-VaultImage or Wait-VaultCopy (from the pipeline).'
        Id           = 'Ids or ARNs of copies in the vault: snap-..., ami-..., RDS identifiers or ARNs. Binds by property name (SnapshotId, ImageId, DBSnapshotIdentifier, DBSnapshotArn, DBClusterSnapshotIdentifier, DBClusterSnapshotArn, Arn).'
        Region       = 'The vault Region of the copies (default: the Region of -Destination).'
        Mode         = 'Governance (a principal allowed ec2:UnlockSnapshot can remove it) or Compliance (after the cool-off nobody can remove or shorten it).'
        Days         = 'The lock duration in days (1-36500), counted from when the copy was first locked or completed.'
        Until        = 'The time the lock ends, instead of -Days.'
        CoolOffHours = 'Compliance only: hours (1-72) during which the lock can still be removed or changed. Without it a compliance lock binds at once.'
        Force        = 'Lock without asking. -WhatIf still only reports, and an explicit -Confirm still asks.'
    }
    Examples    = @(
        @{ Title = 'Lock every copy in the vault for 35 days, removable by a permitted principal'; Code = 'Get-VaultCopy -Destination $vault -Type EbsSnapshot, Ami | Lock-VaultCopy -Destination $vault -Mode Governance -Days 35 -Force' }
        @{ Title = 'A compliance lock with a one-day cool-off: see first what it would do'; Code = 'Get-VaultCopy -Destination $vault | Lock-VaultCopy -Destination $vault -Mode Compliance -Days 90 -CoolOffHours 24 -WhatIf' }
        @{ Title = 'Lock fresh copies right after they are verified'; Code = '$shares | Copy-VaultSnapshot -Destination $vault -KmsKeyId alias/vault-backup -Wait | Lock-VaultCopy -Destination $vault -Mode Governance -Until (Get-Date).AddMonths(3) -Force' }
        @{ Title = 'When the copies are locked until'; Code = 'Get-VaultCopy -Destination $vault | Format-Table -View Lock' }
    )
}
