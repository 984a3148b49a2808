@{
    Synopsis    = 'Runs the whole vault copy of one or many origins as one planned, journaled, resumable command.'
    Description = @'
Invoke-VaultCopy first plans with reads only (as Get-VaultCopyPlan), then executes the plan phase by phase: the key-policy and IAM changes (-GrantKeyAccess), the conversions of default-key and automated backups (-ConvertKeyId), the shares, and the copies. The copies of every origin and type go through one scheduler per vault Region, which starts them as that Region's concurrent-copy quotas allow (EBS 20, AMI 300 on their own quota, RDS 20, Aurora 5; free slots are counted from AWS every round, so copies other tools start are respected), largest first, polling sooner when a copy is due to finish. Each backup's share is withdrawn as soon as all its copies are verified (unless -KeepShares).

Every backup ends in exactly one outcome: Vaulted (copied and verified), AlreadyVaulted (found by its lineage and verified again), Refused, Failed or Pending (not finished at -TimeoutSeconds), with ErrorId, Cause and Remediation where it is not vaulted. The command outputs the outcomes, then a summary object; -ReportPath writes both as JSON and CSV.

Each step is written to a journal (JSON lines; by default in the user's local data folder, one per origins, vault and Regions; -JournalPath chooses). Running the same command again resumes: what is vaulted is reused, copies in flight are followed, nothing is copied twice; the lineage tags let it resume even without the journal.

-WhatIf prints the plan's summary line (12 to copy, 3 to convert, 40 already vaulted, 2 refused) followed by the plan items and changes nothing; -PlanOnly returns the plan items as objects.
'@
    Parameters  = @{
        Source              = 'The origin accounts, from Connect-VaultAccount (one or more). Each is read in the Region it was connected in.'
        Destination         = 'The vault account, from Connect-VaultAccount: its credentials make the copies.'
        KmsKeyId            = 'The vault key: a key id, ARN or alias of the vault account (an alias present in every destination Region), or a hashtable Region -> key. Alias: -DestinationKeyId.'
        DestinationRegion   = 'The vault Regions to copy into (default: the Region of -Destination).'
        Id                  = 'Backups by id or ARN; bound by property name from VaultCopy, AWS Tools and AWS CLI objects.'
        InputObject         = 'Backups named by VaultCopy output through the pipeline: VaultResource (Get-VaultResource), VaultShare, VaultCopyJob (its source).'
        Type                = 'Only these types: EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.'
        Tag                 = 'Only backups with these tags: @{ Backup = ''daily''; Owner = $null } ($null: any value).'
        CreatedAfter        = 'Only backups created after this time.'
        CreatedBefore       = 'Only backups created before this time.'
        ConvertKeyId        = 'A customer managed key of each origin: default-key and automated backups are converted under it first (without it they are refused with the remediation, and the rest goes on).'
        GrantKeyAccess      = 'Make the origin key policy, vault IAM and vault key-user changes the plan lists; without it, missing key access is a refusal with the Grant-VaultKeyAccess command.'
        KeepShares          = 'Leave the shares with the vault in place; by default each is withdrawn as soon as that backup''s copies are verified.'
        TimeoutSeconds      = 'Stop cleanly after this many seconds (0, the default: no limit): unfinished backups are Pending and the next run continues them. Use 540 in an SSM Automation step (600 s limit). Alias: -Timeout.'
        JournalPath         = 'The journal file (JSON lines). Default: VaultCopy/journals/<origins>-to-<vault>-<regions>.jsonl in the user''s local data folder.'
        ReportPath          = 'Write the outcomes and the summary as JSON and CSV: report.json and report.csv for report, report.json or report.csv.'
        MaxConcurrentCopies = 'At most this many copies of one type in flight in each vault Region, all origins together (AWS''s quotas are the default and the maximum).'
        PollIntervalSeconds = 'The longest time between two looks at the copies in flight (default 15); the scheduler looks sooner when a copy is due to finish.'
        PlanOnly            = 'Return the plan items (as Get-VaultCopyPlan) and change nothing.'
    }
    Examples    = @(
        @{ Title = 'The whole vault copy'; Code = @'
$origin = Connect-VaultAccount -ProfileName origin-admin -Region eu-west-1
$vault  = Connect-VaultAccount -SourceAccount $origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId my-external-id
Invoke-VaultCopy -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess
'@ }
        @{ Title = 'See the plan first'; Code = 'Invoke-VaultCopy -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -WhatIf' }
        @{ Title = 'Two origins into two vault Regions, within an SSM step, with a report'; Code = @'
Invoke-VaultCopy -Source $origin, $origin2 -Destination $vault -DestinationRegion eu-west-1, eu-central-1 `
    -KmsKeyId @{ 'eu-west-1' = 'alias/vault-backup'; 'eu-central-1' = 'alias/vault-backup-fra' } -TimeoutSeconds 540 -ReportPath ./vault-report
'@; Remarks = 'Pending backups are continued by the next run of the same command.' }
    )
}
