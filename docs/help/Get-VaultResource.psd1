@{
    Synopsis    = 'Lists the backups VaultCopy can work on in one account and Region.'
    Description = @'
Returns VaultResource objects for EBS snapshots, AMIs (with their backing snapshots), RDS DB snapshots (manual and automated) and Aurora cluster snapshots: type, id, ARN, owner, Region, state, creation time, size, encryption, KMS key ARN, key manager (Customer, AwsManaged, None, or Unknown when the key belongs to another account), the accounts it is shared with, and tags.

Results stream page by page. Ids and ARNs can be piped in, including the objects AWS Tools for PowerShell returns (Get-EC2Snapshot, Get-EC2Image, Get-RDSDBSnapshot, Get-RDSDBClusterSnapshot): they bind by SnapshotId, ImageId, DBSnapshotArn/DBSnapshotIdentifier and DBClusterSnapshotArn/DBClusterSnapshotIdentifier. A resource that does not exist, or is not shared with this account, is a non-terminating ObjectNotFound error with the id as target.
'@
    Parameters  = @{
        Account        = 'The account to read, from Connect-VaultAccount.'
        Id             = 'Ids or ARNs to look up: snap-..., ami-..., an RDS snapshot identifier, or an ARN. RDS resources of another account are addressed by ARN.'
        InputObject = 'Backups as VaultCopy output names them, through the pipeline: VaultResource (Get-VaultResource), VaultShare (Grant-VaultSnapshotAccess), VaultCopyJob (Copy-VaultSnapshot, Get-VaultCopy: the job stands for its source).'
        Type           = 'Only these types: EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.'
        Tag            = 'Tags that must be present, as a hashtable; a $null value accepts any value of that tag.'
        CreatedAfter   = 'Only resources created after this time.'
        CreatedBefore  = 'Only resources created before this time.'
        IncludeShared  = 'Also list resources that other accounts shared with this one.'
    }
    Examples    = @(
        @{ Title = 'Everything in the origin, and what cannot be shared as it is'; Code = 'Get-VaultResource -Account $origin | Where-Object KeyManager -eq AwsManaged'; Remarks = 'Resources on the AWS managed keys aws/ebs and aws/rds must be re-encrypted under a customer managed key before they can be shared (Convert-VaultSnapshotKey).' }
        @{ Title = 'Daily backups of the last week'; Code = 'Get-VaultResource -Account $origin -Type EbsSnapshot, RdsSnapshot -Tag @{ Backup = ''daily'' } -CreatedAfter (Get-Date).AddDays(-7)' }
        @{ Title = 'Pipe AWS Tools objects'; Code = 'Get-EC2Snapshot -OwnerId self | Get-VaultResource -Account $origin'; Remarks = 'The snapshots bind by their SnapshotId property.' }
        @{ Title = 'What others shared with the vault'; Code = 'Get-VaultResource -Account $vault -IncludeShared | Where-Object IsSharedWithMe' }
    )
}
