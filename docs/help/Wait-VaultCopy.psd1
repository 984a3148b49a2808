@{
    Synopsis    = 'Waits for vault copies to finish, verifies each one, and returns the finished jobs.'
    Description = @'
Wait-VaultCopy takes VaultCopyJob objects from Copy-VaultSnapshot, Copy-VaultImage or Get-VaultCopy, their JSON text (the job's ToJson()), or objects read back with ConvertFrom-Json, and follows them in the vault with the -Destination credentials. It polls in batches: one describe call per resource type for all the jobs of a Region, whatever their number. Progress is shown per job and overall.

When a copy completes it is verified: encrypted under a key owned by the vault account (for an AMI, every backing snapshot) and as large as its source. The finished, verified jobs are returned (Verified = True). A copy that ends in error or failed becomes a non-terminating error with the job as target, explaining the cause in plain words (for example that the vault cannot use the origin key, and the Grant-VaultKeyAccess command that fixes it); a copy that cannot be verified is an error too. At -TimeoutSeconds the command stops waiting: each unfinished job is an OperationTimeout error (the copies go on in AWS; wait again later). Ctrl+C stops promptly.

A job that says it is Completed and Verified is never taken at its word (it may have been saved before the copy was deleted, or edited): every copy is read again in the vault and verified again — it must exist, belong to the vault account, carry the job's lineage (source and purpose), be under the job's vault key, and that key must still be enabled. A copy that is gone is an error; one whose vault key is disabled or scheduled for deletion is not verified, and the error says to enable the key or cancel its deletion.

Jobs of another account are refused (InvalidArgument), a job that names no copy (TargetId) is an error, and a job that was never started (Queued) is an error: run the copy command again.
'@
    Parameters  = @{
        Destination         = 'The vault account, from Connect-VaultAccount: the account the copies were made in.'
        InputObject         = 'The jobs to wait for, usually through the pipeline: VaultCopyJob objects, their JSON text, or ConvertFrom-Json objects. Alias: -Job.'
        TimeoutSeconds      = 'Stop waiting after this many seconds (0, the default: no limit). Unfinished jobs are reported as OperationTimeout errors. Alias: -Timeout.'
        PollIntervalSeconds = 'Seconds between two looks at the copies (default 15).'
    }
    Examples    = @(
        @{ Title = 'Start copies, then wait for them'; Code = @'
$jobs = Copy-VaultSnapshot -Destination $vault -SourceAccountId 111111111111 -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup
$jobs | Wait-VaultCopy -Destination $vault
'@ }
        @{ Title = 'Hand jobs from one runbook step to the next as JSON'; Code = @'
$jobs | ForEach-Object ToJson | Set-Content jobs.jsonl
Get-Content jobs.jsonl | Wait-VaultCopy -Destination $vault -TimeoutSeconds 540
'@; Remarks = 'ConvertTo-Json / ConvertFrom-Json round trips work as well.' }
        @{ Title = 'Verify every copy in the vault'; Code = 'Get-VaultCopy -Destination $vault | Wait-VaultCopy -Destination $vault' }
    )
}
