@{
    Synopsis    = 'Re-encrypts backups under a customer managed key of their own account, so that they can be shared.'
    Description = @'
Backups encrypted under the AWS managed default keys (aws/ebs, aws/rds) can never be shared with another account, and automated RDS snapshots cannot be shared at all. Convert-VaultSnapshotKey copies them inside their own account, encrypted under the customer managed key given as -KmsKeyId: EBS snapshots with CopySnapshot, AMIs with CopyImage (every backing snapshot is re-encrypted), RDS DB snapshots with CopyDBSnapshot and Aurora cluster snapshots with CopyDBClusterSnapshot. An automated RDS or Aurora snapshot becomes a manual one; one already on a customer managed key keeps that key (the copy only makes it shareable). Unencrypted EBS snapshots, AMIs and RDS DB snapshots are encrypted the same way; an unencrypted Aurora cluster snapshot cannot be (RDS refuses a KmsKeyId for it) and is refused with the remedy Test-VaultCopyPrereq gives. The originals are left alone unless -RemoveSource is given.

Every copy carries lineage tags (vaultcopy:purpose = convert, vaultcopy:source-arn, vaultcopy:source-key, vaultcopy:copied-at, vaultcopy:version, ...). A second run finds the copies the first made (or started) by those tags and the destination key, and uses them instead of copying again; so running the command again also resumes a run that stopped waiting.

Without -Wait the command returns one VaultCopyJob per resource as soon as its copy has started (waiting, if need be, for a free slot under the Region's concurrent-copy quotas: 20 EBS snapshot copies, 300 AMI copies, 20 RDS and 5 Aurora snapshot copies, counting copies already in flight). With -Wait it shows progress per resource and overall, verifies each finished copy (encrypted under the key, owned by the account, same size as the source) and returns the new resources as VaultResource objects.

A manual snapshot or an AMI that is already encrypted under customer managed keys is not copied: a warning says so, and nothing is returned for it. An AWS managed key given as -KmsKeyId, a key of another account or Region, a disabled or asymmetric key, or a key that does not exist is refused with a terminating error before anything is read or copied. A resource that cannot be converted (another account's, not ready, an unencrypted Aurora snapshot, on a source key that is disabled or scheduled for deletion: the error names that key) and a copy that fails are non-terminating errors whose target is the resource or its copy job; a failed EBS or AMI copy says in plain words when the account could not use a key.

-RemoveSource deletes each original only after its copy completed and was verified: snapshots with DeleteSnapshot, AMIs with DeregisterImage and their snapshots, RDS and Aurora snapshots with DeleteDBSnapshot and DeleteDBClusterSnapshot. Automated RDS snapshots are kept (RDS deletes them when their retention ends). Deleting is high impact: each deletion asks for confirmation unless -Force is given, so runbooks pass -Force. -WhatIf shows the copies and deletions that would be made and changes nothing.
'@
    Parameters  = @{
        Account             = 'The account that owns the resources and the key, from Connect-VaultAccount. Alias: -Source.'
        InputObject         = 'Backups as VaultCopy output names them, through the pipeline: VaultResource (Get-VaultResource), VaultShare (Grant-VaultSnapshotAccess), VaultCopyJob (Copy-VaultSnapshot, Get-VaultCopy: the job stands for its source).'
        Id                  = 'Ids or ARNs: snap-..., ami-..., an RDS snapshot identifier (rds:... for automated snapshots), or an ARN. Binds by property name from AWS Tools objects (SnapshotId, ImageId, DBSnapshotArn, DBSnapshotIdentifier, DBClusterSnapshotArn, DBClusterSnapshotIdentifier) and from Arn.'
        KmsKeyId            = 'The customer managed key to re-encrypt under: key id, key ARN, alias name (alias/origin-backup) or alias ARN. It must belong to the account, be in its Region, be enabled and symmetric. AWS managed keys are refused.'
        Wait                = 'Wait until every copy has finished, verify it, and return the new resources instead of the jobs. Progress is shown per resource and overall.'
        RemoveSource        = 'Delete each original once its copy is verified (implies -Wait). Asks for confirmation of every deletion unless -Force is given.'
        Force               = 'Delete originals (-RemoveSource) without asking. -WhatIf still wins.'
        TimeoutSeconds      = 'Stop waiting after this many seconds (0, the default: no limit). Unfinished copies go on in AWS and are reported as OperationTimeout errors; run the command again to pick them up.'
        PollIntervalSeconds = 'Seconds between two looks at the copies in flight (default 15, as the AWS waiters). Each look is one describe call per resource type, whatever the number of copies.'
    }
    Examples    = @(
        @{ Title = 'Make every AWS-managed-key backup shareable'; Code = 'Get-VaultResource -Account $origin | Where-Object KeyManager -eq AwsManaged | Convert-VaultSnapshotKey -Account $origin -KmsKeyId alias/origin-backup -Wait'; Remarks = 'Returns the new copies, encrypted under alias/origin-backup. Resources already on a customer managed key are left alone with a warning.' }
        @{
            Title   = 'Start the copies and come back later'
            Code    = @'
$jobs = Convert-VaultSnapshotKey -Account $origin -Id snap-0a1b2c3d4e5f60002, rds:origin-legacy-2026-01-15-03-05 -KmsKeyId alias/origin-backup
$jobs | Format-Table
Convert-VaultSnapshotKey -Account $origin -Id snap-0a1b2c3d4e5f60002, rds:origin-legacy-2026-01-15-03-05 -KmsKeyId alias/origin-backup -Wait
'@
            Remarks = 'The second run finds the copies the first one started (Reused) and waits for them.'
        }
        @{ Title = 'Replace the originals (runbook)'; Code = 'Convert-VaultSnapshotKey -Account $origin -Id ami-0a1b2c3d4e5f60002 -KmsKeyId alias/origin-backup -RemoveSource -Force -TimeoutSeconds 540'; Remarks = 'The AMI and its snapshots are deleted only after the copy is verified. -TimeoutSeconds keeps the step inside the 600 s of an SSM executeScript step; a later step runs the same command to finish.' }
        @{ Title = 'See what would happen'; Code = 'Get-VaultResource -Account $origin | Convert-VaultSnapshotKey -Account $origin -KmsKeyId alias/origin-backup -RemoveSource -WhatIf' }
    )
}
