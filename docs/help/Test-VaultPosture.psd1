@{
    Synopsis    = 'Reports what could make the backups leak or be lost, in the origin and in the vault; changes nothing.'
    Description = @'
Test-VaultPosture reads both accounts and returns one VaultPostureFinding per problem (Severity, Check, Side, Resource, Account, Region, Message, Remediation), most severe first. It only lists, describes and reads policies: it never writes, and never describes an AWS managed key by alias (which would create it). A check that could not look (for example for lack of permission) is itself a finding, NotChecked, so a posture that was not seen never passes.

Origin (with -Source): backups shared publicly (PublicShare: EBS createVolumePermission group all, public AMIs, RDS restore all); backups shared with accounts other than the vault (SharedWithOtherAccounts, Info: listed, not judged); backups on AWS managed keys (AwsManagedKey); backups older than -MaxAgeHours without a verified vault copy (NotVaulted; a backup re-encrypted with Convert-VaultSnapshotKey counts as vaulted through its conversion copy; an AMI's snapshots travel with the AMI); block public access for snapshots or AMIs off (SnapshotBlockPublicAccess, ImageBlockPublicAccess).

Vault: copies on keys the vault does not own (ForeignKey); copies shared onward to anyone (SharedOnward); with -RequireLock, copies without a lock and AMIs without deregistration protection (NotLocked; RDS and Aurora copies: NotLockable, with what protects them instead); locks that end within -WarnDays (LockExpiring); the vault keys (those the copies use and -KmsKeyId) disabled (VaultKeyDisabled), pending deletion (VaultKeyPendingDeletion), or with a key policy granting use to principals outside the vault (VaultKeyPolicyForeignPrincipal); block public access off in the vault too.

-Quiet returns only $true (no finding above Info) or $false, for a runbook or a scheduled task to alert on.
'@
    Parameters  = @{
        Source      = 'The origin account, from Connect-VaultAccount. Without it only the vault is inspected.'
        Destination = 'The vault account, from Connect-VaultAccount.'
        Region      = 'The Region to inspect in both accounts (default: the Region each account was connected in).'
        MaxAgeHours = 'A backup older than this many hours with no verified vault copy is a finding (default 24).'
        RequireLock = 'Report copies that are not locked, and AMI copies without deregistration protection.'
        WarnDays    = 'Report locks that end within this many days (default 7).'
        KmsKeyId    = 'Vault keys to check even when no copy uses them yet: id, alias or ARN of a key of the vault account.'
        Quiet       = 'Return only $true (nothing above Info found) or $false.'
    }
    Examples    = @(
        @{ Title = 'The posture report, most severe first'; Code = 'Test-VaultPosture -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -RequireLock' }
        @{ Title = 'Alert from a scheduled task'; Code = 'if (-not (Test-VaultPosture -Source $origin -Destination $vault -MaxAgeHours 26 -Quiet)) { Send-Alert ''vault posture'' }' }
        @{ Title = 'What to fix, with the command for each'; Code = 'Test-VaultPosture -Source $origin -Destination $vault | Where-Object Severity -eq High | Format-List Check, Resource, Message, Remediation' }
    )
}
