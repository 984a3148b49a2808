@{
    Synopsis    = 'Copies AMIs of the origin into the vault account, every backing snapshot re-encrypted under the vault key.'
    Description = @'
Copy-VaultImage runs with the vault's (destination's) credentials and copies AMIs the origin shared with the vault (Grant-VaultSnapshotAccess shares the AMI and its backing snapshots) with CopyImage, encrypted so that every backing snapshot is re-encrypted under -KmsKeyId. EBS, RDS and Aurora snapshots are copied by Copy-VaultSnapshot.

Sources come from the pipeline as VaultShare objects, VaultResource objects, AWS Tools image objects (bound by ImageId) or as ids and ARNs; with -Source (the origin's connection) an AMI or backing snapshot not yet shared with the vault is refused before anything is copied.

-KmsKeyId is the vault key: a key of the vault account in the destination Region. A copy that would still depend on the origin's key (no -KmsKeyId for an encrypted AMI, or a key of another account) is refused with InvalidArgument unless -KeepSourceKey. The vault must be allowed to use EVERY key of the AMI's backing snapshots (Grant-VaultKeyAccess for each); otherwise the copy fails, and the error says which command fixes it. AMIs with billing product codes cannot be copied to another account and are refused; so are AMIs with a snapshot on an AWS managed key (re-encrypt them with Convert-VaultSnapshotKey first).

The copy gets a deterministic name (vault-<account>-<region>-<ami id>), a ClientToken derived from the source, destination Region and key, and lineage tags (vaultcopy:*) on the AMI and its new snapshots: running the same copy again returns the existing copy (Reused = True). Copies start as the destination Region's quota for concurrent AMI copies allows (300; -MaxConcurrentCopies lowers it). With -Wait each finished copy is verified (every backing snapshot encrypted under a key owned by the vault account, sizes as the source) and the finished jobs are returned; failures, unverified copies and timeouts are non-terminating errors with the job as target. -WhatIf copies nothing.
'@
    Parameters  = @{
        Destination         = 'The vault account, from Connect-VaultAccount. Its credentials make the copies.'
        Source              = 'The origin account, from Connect-VaultAccount (optional). With it, AMIs are looked up in the origin and their shares are checked before copying.'
        InputObject         = 'Sources from the pipeline: VaultShare objects (Grant-VaultSnapshotAccess), VaultResource objects (Get-VaultResource), VaultCopyJob objects (their source), ids and ARNs as strings, or objects with an id or ARN property, such as AWS Tools objects (DBSnapshotArn, DBClusterSnapshotArn, Arn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier; ARNs are preferred). Anything else is an InvalidArgument error.'
        Id                  = 'AMI ids (ami-...) or ARNs. Binds by property name the SnapshotId, ImageId, DBSnapshotIdentifier, DBSnapshotArn, DBClusterSnapshotIdentifier, DBClusterSnapshotArn, Arn or SourceArn of piped objects (AWS Tools, AWS CLI), ARNs first.'
        SourceAccountId       = 'The 12-digit account that owns the AMIs, when -Source is not given (informational for AMIs, which EC2 finds by id).'
        SourceRegion        = 'The Region of AMIs given by id (default: the Region of -Source, else of -Destination).'
        KmsKeyId            = 'The vault key: key id, key ARN, alias name (alias/vault-backup) or alias ARN of a key of the vault account in the destination Region. Required for encrypted AMIs unless -KeepSourceKey.'
        KeepSourceKey       = 'Allow copies that do not end on a vault key (no -KmsKeyId for an encrypted AMI, or a key of another account). Their failed verification is reported as a warning.'
        DestinationRegion   = 'Make the copies in this Region of the vault account (default: the Region of -Destination). -KmsKeyId must be a key of that Region.'
        MaxConcurrentCopies = 'At most this many AMI copies in flight in the destination Region (default and maximum: AWS''s 300).'
        Wait                = 'Wait until every copy has finished, verify it and return the finished jobs. Progress is shown per copy and overall.'
        TimeoutSeconds      = 'Stop waiting after this many seconds (0, the default: no limit). Unfinished copies go on in AWS and are reported as OperationTimeout errors. Alias: -Timeout.'
        PollIntervalSeconds = 'Seconds between two looks at the copies in flight (default 15): one DescribeImages call for all of them.'
    }
    Examples    = @(
        @{ Title = 'Share an AMI and copy it into the vault'; Code = 'Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001 | Copy-VaultImage -Destination $vault -KmsKeyId alias/vault-backup -Wait'; Remarks = 'Returns the finished, verified job; its TargetId is the vault''s AMI.' }
        @{ Title = 'Copy with the origin connected, checking shares first'; Code = 'Copy-VaultImage -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup' }
        @{ Title = 'See what would be copied'; Code = 'Get-VaultResource -Account $origin -Type Ami | Copy-VaultImage -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -WhatIf' }
    )
}
