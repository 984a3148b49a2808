# Any VaultCopy output that names a backup pipes into any cmdlet that takes backups (typed -InputObject: INamesBackup).
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-DemoVault -Origin $Origin
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Any VaultCopy output that names a backup pipes into any cmdlet that takes backups' {
    It 'Get-VaultCopy | Revoke-VaultSnapshotAccess withdraws the shares of the copied backups' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk |
            Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 | Out-Null

        $withdrawn = Get-VaultCopy -Destination $Vault | Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -ErrorVariable errors

        $errors | Should -BeNullOrEmpty
        ($withdrawn.Id | Sort-Object) | Should -Be @('origin-orders-manual-cmk', 'snap-0a1b2c3d4e5f60001')
        $withdrawn.Operation | Sort-Object -Unique | Should -Be 'Revoke'
        (Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60001).SharedWith | Should -Not -Contain '222222222222'
    }

    It 'a copy job names its source to Test-VaultCopyPrereq and Get-VaultResource as well' {
        $job = Get-VaultCopy -Destination $Vault -SourceId snap-0a1b2c3d4e5f60001
        ($job | Get-VaultResource -Account $Origin).Id | Should -Be 'snap-0a1b2c3d4e5f60001'
        ($job | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup | Where-Object Check -eq 'ResourceState').Target |
            Should -Be 'snap-0a1b2c3d4e5f60001'
    }
}
