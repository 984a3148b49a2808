@{
    Synopsis    = 'Copies EBS snapshots, RDS DB snapshots and Aurora cluster snapshots of the origin into the vault account, re-encrypted under the vault key.'
    Description = @'
Copy-VaultSnapshot runs with the vault's (destination's) credentials. It copies backups the origin shared with the vault (Grant-VaultSnapshotAccess): EBS snapshots with CopySnapshot, RDS DB snapshots with CopyDBSnapshot and Aurora cluster snapshots with CopyDBClusterSnapshot. AMIs are copied by Copy-VaultImage.

Sources come from the pipeline as VaultShare objects (Grant-VaultSnapshotAccess), VaultResource objects (Get-VaultResource), AWS Tools objects (bound by SnapshotId, DBSnapshotArn, DBClusterSnapshotArn, ...), or as ids and ARNs. With -Source (the origin's connection) they are read in the origin, and a source not yet shared with the vault is refused before anything is copied; without it they are read as the vault sees them, and an RDS snapshot is found by its ARN (or by identifier with -SourceAccount).

An encrypted source is always re-encrypted under -KmsKeyId, the vault key: a key of the vault account in the destination Region (alias names resolve there). A vault copy that would still depend on the origin's key (an encrypted source without -KmsKeyId, or a -KmsKeyId of another account) is refused with InvalidArgument and nothing is copied, unless -KeepSourceKey is given. A source on an AWS managed key (aws/ebs, aws/rds) can never be used by the vault: re-encrypt it first with Convert-VaultSnapshotKey.

Every copy gets a deterministic name (RDS: vault-<account>-<region>-<id>) and lineage tags (vaultcopy:purpose = vault, vaultcopy:source-account, -region, -id, -arn, -key, vaultcopy:copied-at, vaultcopy:version). Running the same copy again returns the existing copy (Reused = True) instead of making a second one, so a second run also resumes a run that stopped waiting.

-DestinationRegion makes the copy in another Region of the vault (the source Region goes with the request; RDS gets a presigned URL), under a vault key of that Region.

Copies are started as the destination Region's concurrent-copy quotas allow (EBS 20, AMI 300, RDS 20, Aurora 5, counting copies already in flight; -MaxConcurrentCopies lowers them); a quota or throttling answer means wait and retry, not fail. Without -Wait the command returns one VaultCopyJob per source once its copy has started. With -Wait it shows progress per copy and overall, verifies each finished copy (encrypted under a key owned by the vault account, same size as the source) and returns the finished jobs (Verified = True). A copy that fails (for example because the vault may not use the origin's key) or cannot be verified is a non-terminating error with the job as target, saying in plain words what to do; a copy still running at -TimeoutSeconds is an OperationTimeout error. -WhatIf shows what would be copied and copies nothing.
'@
    Parameters  = @{
        Destination         = 'The vault account, from Connect-VaultAccount. Its credentials make the copies.'
        Source              = 'The origin account, from Connect-VaultAccount (optional). With it, ids are looked up in the origin and shares are checked before copying.'
        InputObject         = 'Sources from the pipeline: VaultShare objects (Grant-VaultSnapshotAccess), VaultResource objects (Get-VaultResource), VaultCopyJob objects (their source), ids and ARNs as strings, or objects with an id or ARN property, such as AWS Tools objects (DBSnapshotArn, DBClusterSnapshotArn, Arn, SnapshotId, ImageId, DBSnapshotIdentifier, DBClusterSnapshotIdentifier; ARNs are preferred). Anything else is an InvalidArgument error.'
        Id                  = 'Ids or ARNs: snap-..., an RDS snapshot identifier (with -Source or -SourceAccountId), or an ARN. Binds by property name the SnapshotId, ImageId, DBSnapshotIdentifier, DBSnapshotArn, DBClusterSnapshotIdentifier, DBClusterSnapshotArn, Arn or SourceArn of piped objects (AWS Tools, AWS CLI), ARNs first.'
        SourceAccountId       = 'The 12-digit account that owns sources given by RDS identifier, when -Source is not given (RDS finds a shared snapshot only by its ARN).'
        SourceRegion        = 'The Region of sources given by id (default: the Region of -Source, else of -Destination). ARNs carry their own Region.'
        KmsKeyId            = 'The vault key: key id, key ARN, alias name (alias/vault-backup) or alias ARN of a key of the vault account in the destination Region. Required for encrypted sources unless -KeepSourceKey.'
        KeepSourceKey       = 'Allow copies that still depend on a key outside the vault: an encrypted source copied without -KmsKeyId (it stays on its own key) or a -KmsKeyId of another account. Such copies fail verification; this is reported as a warning.'
        DestinationRegion   = 'Make the copies in this Region of the vault account (default: the Region of -Destination). -KmsKeyId must be a key of that Region.'
        MaxConcurrentCopies = 'At most this many copies of one type in flight in the destination Region, to leave room for other tools. AWS''s quotas (EBS 20, AMI 300, RDS 20, Aurora 5) are the default and the maximum.'
        Wait                = 'Wait until every copy has finished, verify it and return the finished jobs. Progress is shown per copy and overall.'
        TimeoutSeconds      = 'Stop waiting after this many seconds (0, the default: no limit). Unfinished copies go on in AWS and are reported as OperationTimeout errors. Alias: -Timeout.'
        PollIntervalSeconds = 'Seconds between two looks at the copies in flight (default 15). Each look is one describe call per type, whatever the number of copies.'
    }
    Examples    = @(
        @{ Title = 'Share and copy into the vault in one pipeline'; Code = 'Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk | Copy-VaultSnapshot -Destination $vault -KmsKeyId alias/vault-backup -Wait'; Remarks = 'The origin key must be usable by the vault first: Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup.' }
        @{ Title = 'Copy by id with only the vault connected'; Code = 'Copy-VaultSnapshot -Destination $vault -SourceAccountId 111111111111 -SourceRegion eu-west-1 -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk -KmsKeyId alias/vault-backup'; Remarks = 'Returns the started jobs; pass them to Wait-VaultCopy later.' }
        @{ Title = 'Copy into another Region of the vault'; Code = 'Copy-VaultSnapshot -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001 -DestinationRegion eu-central-1 -KmsKeyId alias/vault-backup -Wait' }
        @{ Title = 'See what would be copied'; Code = 'Get-VaultResource -Account $origin -Type EbsSnapshot | Copy-VaultSnapshot -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -WhatIf' }
    )
}
