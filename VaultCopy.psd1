@{
    RootModule           = 'VaultCopy.dll'
    # build.ps1 writes the version from Directory.Build.props (the one version source) into the built manifest.
    ModuleVersion        = '0.0.0'
    GUID                 = '6f0f7a52-3c1e-4d7b-9a55-0b7c6c2f4e11'
    Author               = 'VaultCopy maintainers'
    CompanyName          = 'VaultCopy'
    Copyright            = '(c) VaultCopy maintainers. Apache-2.0.'
    Description          = 'Copies AWS backups (EBS snapshots, AMIs, RDS and Aurora snapshots) into a locked-down vault account under the vault''s own KMS key, with the cross-account KMS work done safely and proved before data moves.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VaultCopy.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-VaultAccount'
        'Convert-VaultSnapshotKey'
        'Copy-VaultImage'
        'Copy-VaultSnapshot'
        'Get-VaultCopy'
        'Get-VaultCopyPlan'
        'Get-VaultResource'
        'Grant-VaultKeyAccess'
        'Lock-VaultCopy'
        'Grant-VaultSnapshotAccess'
        'Invoke-VaultCopy'
        'Remove-VaultCopy'
        'Revoke-VaultKeyAccess'
        'Revoke-VaultSnapshotAccess'
        'Test-VaultCopyPrereq'
        'Test-VaultPosture'
        'Wait-VaultCopy'
    )
    AliasesToExport      = @(
        'Share-VaultSnapshot'
        'Unshare-VaultSnapshot'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'Backup', 'Vault', 'KMS', 'EBS', 'AMI', 'RDS', 'Aurora', 'Snapshot', 'Ransomware')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            # build.ps1 writes the section of CHANGELOG.md for the version being built here.
            ReleaseNotes = ''
        }
    }
}
