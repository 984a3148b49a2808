@{
    Synopsis    = 'Shares the origin''s backups with the vault account (alias Share-VaultSnapshot).'
    Description = @'
Shares each resource with the account given as -Destination, and only with that account: EBS snapshots get a createVolumePermission for it; AMIs get a launch permission and a createVolumePermission on every backing snapshot (the vault needs both to copy an AMI; the snapshots are shared first, so the vault never sees an AMI it cannot copy); RDS DB snapshots and Aurora cluster snapshots get the account in their restore attribute. Nothing is ever shared publicly: the account is always a 12-digit id and the public group "all" is never sent.

It is safe to run again: a resource that is already shared is read, not modified, and comes back with New = $false and Added empty. Each resource produces a VaultShare: Type, Id, Arn, OwnerAccountId, AccountId (shared with), Added (what was added: createVolumePermission, launchPermission, "snapshot snap-... createVolumePermission", restore), New, and SharedWith after the change.

Refused, as non-terminating errors with the resource as target and nothing changed: resources on the AWS managed keys aws/ebs and aws/rds (AWS never lets another account use them; re-encrypt with Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key> and share the copy), automated RDS snapshots (same remedy: the copy is manual), backups that are not completed/available, resources another account owns, and RDS snapshots already shared with the 20 accounts RDS allows. A resource that is already public is shared with the vault as asked, with a warning; VaultCopy does not change public shares.

Resources come from the pipeline: VaultResource objects from Get-VaultResource, ids and ARNs, or AWS Tools for PowerShell objects (Get-EC2Snapshot, Get-EC2Image, Get-RDSDBSnapshot, Get-RDSDBClusterSnapshot) by property name. Share-VaultSnapshot is an alias: "Share" is not an approved PowerShell verb. The key the resources are encrypted with must also let the vault use it: see Grant-VaultKeyAccess.
'@
    Parameters  = @{
        Source      = 'The origin account that owns the resources, from Connect-VaultAccount. Its credentials make the changes.'
        Destination = 'The vault account to share with, from Connect-VaultAccount. Only its account id is used.'
        Id          = 'Ids or ARNs of the origin''s resources: snap-..., ami-..., an RDS DB or cluster snapshot identifier, or an ARN. Binds from the pipeline by value and by the property names Id, SnapshotId, ImageId, DBSnapshotArn, DBClusterSnapshotArn, DBSnapshotIdentifier and DBClusterSnapshotIdentifier.'
        InputObject = 'Backups as VaultCopy output names them, through the pipeline: VaultResource (Get-VaultResource), VaultShare (Grant-VaultSnapshotAccess), VaultCopyJob (Copy-VaultSnapshot, Get-VaultCopy: the job stands for its source).'
        WhatIf      = 'Shows which permissions would be added to which resource, and changes nothing.'
        Confirm     = 'Asks before changing each resource.'
    }
    Examples    = @(
        @{ Title = 'Share every backup the vault can take'; Code = 'Get-VaultResource -Account $origin | Where-Object KeyManager -ne AwsManaged | Grant-VaultSnapshotAccess -Source $origin -Destination $vault'; Remarks = 'One VaultShare per resource. Running it again changes nothing and reports New = False.' }
        @{ Title = 'An AMI and its snapshots'; Code = 'Share-VaultSnapshot -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001 | Format-List Id, Added, New'; Remarks = 'Added lists launchPermission and "snapshot snap-... createVolumePermission" for each backing snapshot.' }
        @{ Title = 'RDS and Aurora snapshots by identifier'; Code = 'Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id origin-orders-manual-cmk, origin-ledger-manual-cmk' }
        @{ Title = 'See what would be shared'; Code = 'Get-VaultResource -Account $origin -Tag @{ Backup = ''daily'' } | Grant-VaultSnapshotAccess -Source $origin -Destination $vault -WhatIf' }
        @{ Title = 'Check from the vault'; Code = 'Get-VaultResource -Account $vault -IncludeShared | Where-Object IsSharedWithMe'; Remarks = 'RDS snapshots shared with the vault are listed under their ARN.' }
    )
}
