@{
    Synopsis    = 'Proves every prerequisite of a vault copy before any data moves, and says exactly what to fix.'
    Description = @'
Runs the whole cross-account chain of a vault copy as checks and emits one VaultPrereqResult per check: Check (a stable name to filter on), Side (Source, Destination or Both), Target (an account, resource, key or quota), Status (Pass, Fail, Warning or Skipped), Message (the cause in plain words) and Remediation (the VaultCopy command, or the manual step, that fixes a Fail or Warning).

The checks, in the order they are emitted:
- AccountReachable (a fresh sts:GetCallerIdentity on each side), DistinctAccounts, SamePartition, Regions (a cross-Region copy needs the destination key in the destination Region).
- Per resource: ResourceState (exists, completed/available), ManualSnapshot (an automated RDS snapshot must become manual first), BillingProduct (an AMI with a billing product cannot be copied to another account), Encryption (unencrypted, customer managed key, or an AWS managed key that can never be shared; for an AMI, each backing snapshot).
- Per customer managed source key: SourceKeyState (enabled, not pending deletion), SourceKeyPolicy (read with the source credentials and assessed conservatively: the destination must be able to use the key through EC2/RDS and create grants for AWS resources), DestinationIdentityPolicy (the destination principal's IAM policies, simulated with kms:ViaService and kms:GrantIsForAWSResource).
- The vault key (-KmsKeyId): DestinationKey (exists in the destination Region, customer managed, enabled, symmetric), DestinationKeyPolicy and DestinationKeyIdentityPolicy (the destination principal may use it).
- Per resource: SourceCanShare (EC2 by DryRun of ModifySnapshotAttribute/ModifyImageAttribute; RDS by simulating the source principal), DestinationCanCopy (EC2 by DryRun of CopySnapshot/CopyImage once shared, otherwise by simulation; RDS by simulation), SharedAccountsQuota (an RDS snapshot can be shared with 20 accounts at most).
- Destination quotas: ManualSnapshotQuota (100 manual DB and 100 manual cluster snapshots per Region: Warning when nearly full, Fail when the planned copies do not fit) and ConcurrentCopyQuota (EBS 20, AMI 300, RDS 20, Aurora 5 copies at a time: Warning when copies will queue).

A check that could not be made because the principal may not call iam:SimulatePrincipalPolicy or kms:GetKeyPolicy is a Warning; an AWS error that prevents a check is a Fail. When an account check fails (an account unreachable, the same account on both sides, two partitions), the remaining checks are not run and are reported as one Skipped result (Check RemainingChecks).

Test-VaultCopyPrereq never changes anything: it reads, simulates and uses DryRun only. With -Quiet it returns only $true (no check failed; warnings allowed) or $false. An input that is not a resource id is a non-terminating InvalidArgument error with the input as target, and makes -Quiet return $false.
'@
    Parameters  = @{
        Source           = 'The origin account, from Connect-VaultAccount: the backups and their keys live here.'
        Destination      = 'The vault account, from Connect-VaultAccount: the copies will be made here, in its Region.'
        Id         = 'Ids or ARNs of the backups to be copied (snap-..., ami-..., an RDS snapshot identifier, or an ARN). Alias: -Resource. Binds by property name the SnapshotId, ImageId, DBSnapshotIdentifier, DBSnapshotArn, DBClusterSnapshotIdentifier, DBClusterSnapshotArn, Arn or SourceArn of piped objects (AWS Tools, AWS CLI), ARNs first.'
        InputObject = 'Backups as VaultCopy output names them, through the pipeline: VaultResource (Get-VaultResource), VaultShare (Grant-VaultSnapshotAccess), VaultCopyJob (Copy-VaultSnapshot, Get-VaultCopy: the job stands for its source).'
        KmsKeyId = 'The vault key the copies will be encrypted under: a key id, alias (alias/vault-backup) or key ARN of the destination account, in the destination Region. Without it, the vault key is not checked and a Warning says so.'
        Quiet            = 'Return only $true when no check failed (warnings allowed), else $false.'
    }
    Examples    = @(
        @{ Title = 'Preflight everything the origin holds, and show what fails'; Code = 'Get-VaultResource -Account $origin | Test-VaultCopyPrereq -Source $origin -Destination $vault -KmsKeyId alias/vault-backup | Where-Object Status -ne Pass | Format-List Check, Target, Message, Remediation'; Remarks = 'On a fresh setup this lists the resources on AWS managed keys (Convert-VaultSnapshotKey), the origin key policy that does not name the vault yet (Grant-VaultKeyAccess), and automated RDS snapshots.' }
        @{ Title = 'Gate a runbook step'; Code = 'if (-not (Test-VaultCopyPrereq -Source $origin -Destination $vault -Resource snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Quiet)) { throw ''Vault copy prerequisites are not met.'' }' }
        @{ Title = 'Only the key policy checks, as a table'; Code = 'Test-VaultCopyPrereq -Source $origin -Destination $vault -Resource origin-orders-manual-cmk | Where-Object Check -like ''*Policy'''; Remarks = 'Check names are stable, so scripts can filter on them.' }
        @{ Title = 'Accounts, vault key and quotas only'; Code = 'Test-VaultCopyPrereq -Source $origin -Destination $vault -KmsKeyId alias/vault-backup' }
    )
}
