@{
    Synopsis    = 'Withdraws the vault account''s access to the origin''s backups (alias Unshare-VaultSnapshot).'
    Description = @'
Removes the account given as -Destination from each resource's share: the createVolumePermission of an EBS snapshot; the launch permission of an AMI and then the createVolumePermission of each of its backing snapshots; the restore attribute of an RDS DB snapshot or Aurora cluster snapshot. Shares with other accounts, organizations and OUs, and public settings, are left exactly as they were.

A resource that is not shared with the account is read, not modified, and comes back with Removed empty. Each resource produces a VaultShare: Type, Id, Arn, OwnerAccountId, AccountId, Removed (what was removed, named as Grant-VaultSnapshotAccess names what it adds) and SharedWith after the change. A warning says when the account keeps access some other way (an organization share of an AMI, a public resource).

Copies the vault already made are its own and are not affected. Resources come from the pipeline like for Grant-VaultSnapshotAccess, including the VaultShare objects it returns.
'@
    Parameters  = @{
        Source      = 'The origin account that owns the resources, from Connect-VaultAccount. Its credentials make the changes.'
        Destination = 'The account whose access is withdrawn, from Connect-VaultAccount. Only its account id is used.'
        Id          = 'Ids or ARNs of the origin''s resources: snap-..., ami-..., an RDS DB or cluster snapshot identifier, or an ARN. Binds from the pipeline by value and by the property names Id, SnapshotId, ImageId, DBSnapshotArn, DBClusterSnapshotArn, DBSnapshotIdentifier and DBClusterSnapshotIdentifier.'
        InputObject = 'Backups as VaultCopy output names them, through the pipeline: VaultResource (Get-VaultResource), VaultShare (Grant-VaultSnapshotAccess), VaultCopyJob (Copy-VaultSnapshot, Get-VaultCopy: the job stands for its source).'
        WhatIf      = 'Shows which permissions would be removed from which resource, and changes nothing.'
        Confirm     = 'Asks before changing each resource.'
    }
    Examples    = @(
        @{ Title = 'Withdraw a share after the vault copy completed'; Code = 'Revoke-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001' }
        @{ Title = 'Undo a Grant'; Code = 'Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001 | Unshare-VaultSnapshot -Source $origin -Destination $vault'; Remarks = 'The VaultShare objects bind by Id. The AMI''s backing snapshots are withdrawn too.' }
        @{ Title = 'Withdraw everything shared with the vault'; Code = 'Get-VaultResource -Account $origin | Where-Object SharedWith -contains $vault.AccountId | Revoke-VaultSnapshotAccess -Source $origin -Destination $vault -WhatIf'; Remarks = 'Drop -WhatIf to do it.' }
    )
}
