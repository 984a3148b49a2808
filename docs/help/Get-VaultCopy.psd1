@{
    Synopsis    = 'Lists the vault copies in the vault account, with their lineage.'
    Description = @'
Get-VaultCopy reads the vault account (EBS snapshots, AMIs, RDS DB snapshots and Aurora cluster snapshots) in one Region and returns every copy Copy-VaultSnapshot or Copy-VaultImage made there, found by its lineage tags (vaultcopy:purpose = vault). Each copy is returned as a VaultCopyJob: the same object the copy commands return, with the source (account, Region, id, ARN, key) read from the vaultcopy: tags and the copy (id, ARN, key, state, copy time) from the vault. So a listing can be piped to Wait-VaultCopy, which waits for copies still running and verifies them, or saved as JSON. The snapshots behind an AMI copy are part of the AMI and are not listed on their own.

Filters: -SourceAccountId, -SourceId (id or ARN; binds by property name, so VaultResource or VaultCopyJob objects of the origin can be piped), -Type, -CreatedAfter and -OlderThan (the copy's age).
'@
    Parameters  = @{
        Destination   = 'The vault account, from Connect-VaultAccount.'
        Region        = 'The vault Region to list (default: the Region of -Destination).'
        SourceAccountId = 'Only copies of backups of this 12-digit account.'
        SourceId      = 'Only copies of this source: snap-..., ami-..., an RDS snapshot identifier, or the source ARN. Binds by property name.'
        Type          = 'Only these types: EbsSnapshot, Ami, RdsSnapshot, AuroraClusterSnapshot.'
        CreatedAfter  = 'Only copies made after this time.'
        OlderThan     = 'Only copies older than this, for example (New-TimeSpan -Days 30) or ''30.00:00:00''.'
    }
    Examples    = @(
        @{ Title = 'Everything in the vault, with where it came from'; Code = 'Get-VaultCopy -Destination $vault | Format-Table Type, SourceAccountId, SourceId, TargetId, State' }
        @{ Title = 'The copies of one origin snapshot'; Code = 'Get-VaultCopy -Destination $vault -SourceId snap-0a1b2c3d4e5f60001' }
        @{ Title = 'Copies older than 90 days'; Code = 'Get-VaultCopy -Destination $vault -Type EbsSnapshot, Ami -OlderThan (New-TimeSpan -Days 90)' }
    )
}
