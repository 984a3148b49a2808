@{
    Synopsis    = 'Deletes vault copies VaultCopy made, by a retention rule or as piped; never the newest verified copy of a source unless -IncludeNewest.'
    Description = @'
Remove-VaultCopy applies retention to the vault. It only ever deletes copies that carry VaultCopy's lineage tags (vaultcopy:purpose = vault), read again from AWS right before each delete; nothing else in the vault is touched.

- Which copies: a rule over the whole vault (-OlderThanDays, -KeepLast per source backup; with both, only copies both select), optionally narrowed by -SourceAccountId and -Type; or the copies piped in (from Get-VaultCopy, or ids), to which the rules also apply when given. Ages are measured from the copy's creation time as AWS reports it.
- Copies are counted per series: the DB instance or Aurora cluster an RDS snapshot was taken of (kept on the copy), the EBS volume a snapshot was taken of (looked up in the origin when -Source is given), else the source backup itself.
- The newest verified copy of each series (completed, under a key of the vault account) is never removed unless -IncludeNewest is said; copies still being copied are kept.
- An AMI copy is deregistered and its snapshots are deleted with it; a snapshot that another AMI still uses, or that is locked, stays and is named in a warning.
- Locked copies (EBS Snapshot Lock, or an AMI with a locked snapshot) and AMIs with deregistration protection are skipped with a warning that says until when. Nothing unlocks them.
- ConfirmImpact is High: each removal is confirmed, and -WhatIf lists exactly what would go (the copy, and for an AMI each of its snapshots). -Force removes without asking; -WhatIf still only reports. Each removed copy is output as a VaultCopyRemoval; -Verbose says why every other copy was kept.
'@
    Parameters  = @{
        Destination     = 'The vault account, from Connect-VaultAccount.'
        InputObject     = 'Copy jobs from Get-VaultCopy, Copy-VaultSnapshot, Copy-VaultImage or Wait-VaultCopy (from the pipeline).'
        Id              = 'Ids or ARNs of copies in the vault: snap-..., ami-..., RDS identifiers or ARNs. Binds by property name (SnapshotId, ImageId, DBSnapshotIdentifier, DBSnapshotArn, DBClusterSnapshotIdentifier, DBClusterSnapshotArn, Arn).'
        Source          = 'The origin account, from Connect-VaultAccount (optional). With it, the copies of the snapshots of one EBS volume form one series for -KeepLast and the newest-copy rule; without it each EBS or AMI source is its own series. RDS and Aurora copies always group by their DB instance or cluster.'
        Region          = 'The vault Region of the copies (default: the Region of -Destination).'
        OlderThanDays   = 'Remove copies made more than this many days ago.'
        KeepLast        = 'Per source backup, keep the newest N copies and remove the older ones.'
        IncludeNewest   = 'Allow removing the newest verified copy of a source, which is kept otherwise.'
        SourceAccountId = 'Rule mode: only copies of backups of this 12-digit account.'
        Type            = 'Rule mode: only these types: EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.'
        Force           = 'Remove without asking. -WhatIf still only reports, and an explicit -Confirm still asks.'
    }
    Examples    = @(
        @{ Title = 'See what a 35-day retention that keeps the last 7 copies of each backup would remove'; Code = 'Remove-VaultCopy -Destination $vault -Source $origin -OlderThanDays 35 -KeepLast 7 -WhatIf' }
        @{ Title = 'Apply it in a runbook, without prompts'; Code = 'Remove-VaultCopy -Destination $vault -Source $origin -OlderThanDays 35 -KeepLast 7 -Force' }
        @{ Title = 'Remove the copies of one source, the newest included'; Code = 'Get-VaultCopy -Destination $vault -SourceId snap-0a1b2c3d4e5f60001 | Remove-VaultCopy -Destination $vault -IncludeNewest' }
    )
}
