# Tab completion as a user meets it: TabExpansion2 on a command line, against the emulator for key aliases.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url

    function script:Complete {
        param([string] $Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
}

AfterAll { Stop-TestEmulator $Emulator }

Describe 'Tab completion' {
    It 'completes -Region with the Regions of the partition' {
        $regions = Complete 'Connect-VaultAccount -Region eu-w'
        $regions | Should -Contain 'eu-west-1'
        $regions | Should -Contain 'eu-west-3'
        $regions | Where-Object { $_ -notlike 'eu-w*' } | Should -BeNullOrEmpty
        Complete 'Connect-VaultAccount -Region us-gov-' | Should -Be @('us-gov-east-1', 'us-gov-west-1')
        Complete 'Connect-VaultAccount -Region cn-' | Should -Be @('cn-north-1', 'cn-northwest-1')
    }

    It 'offers only the Regions of the partition of an account already connected' {
        $script:Origin = Connect-DemoOrigin -Url $Url
        Complete 'Connect-VaultAccount -SourceAccount $Origin -RoleArn x -Region us-gov-' | Should -BeNullOrEmpty
        Complete 'Connect-VaultAccount -SourceAccount $Origin -RoleArn x -Region eu-west-' | Should -Be @('eu-west-1', 'eu-west-2', 'eu-west-3')
    }

    It 'completes -ProfileName with the profiles of -ProfileLocation' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-completion-$([guid]::NewGuid().ToString('n'))"
        Set-Content -Path $file -Value "[origin-admin]`naws_access_key_id = AKIAEXAMPLE000000001`naws_secret_access_key = x`n[origin-audit]`naws_access_key_id = AKIAEXAMPLE000000002`naws_secret_access_key = y`n[vault]`naws_access_key_id = AKIAEXAMPLE000000003`naws_secret_access_key = z"
        try {
            Complete "Connect-VaultAccount -ProfileLocation '$file' -ProfileName origin" | Should -Be @('origin-admin', 'origin-audit')
            Complete "Connect-VaultAccount -ProfileLocation '$file' -ProfileName " | Should -Be @('origin-admin', 'origin-audit', 'vault')
        }
        finally { Remove-Item $file }
    }

    It 'completes the vault key with the vault''s customer managed key aliases, looked up once' {
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $keys = Complete 'Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/'
        $keys | Should -Contain 'alias/vault-backup'
        $keys | Where-Object { $_ -like 'alias/aws/*' } | Should -BeNullOrEmpty -Because 'an AWS managed key is never a vault key'
        Complete 'Test-VaultCopyPrereq -Destination $Vault -Source $Origin -KmsKeyId alias/vau' | Should -Be @('alias/vault-backup')
        $listed = (Invoke-EmulatorControl -Url $Url -Path calls).operations.'kms:ListAliases'
        $listed | Should -Be 1 -Because 'the second completion is answered from the session cache'
    }

    It 'completes the origin key from -Source and a conversion key from -Account' {
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Complete 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/or' | Should -Contain 'alias/origin-backup'
        Complete 'Convert-VaultSnapshotKey -Account $Origin -KmsKeyId alias/or' | Should -Contain 'alias/origin-backup'
        Complete 'Copy-VaultSnapshot -KmsKeyId alias/' | Should -BeNullOrEmpty -Because 'without a connected account there is nothing to list'
    }

    It 'completes -Type with the resource types' {
        Complete 'Get-VaultResource -Type Rds' | Should -Be @('RdsSnapshot')
        Complete 'Get-VaultResource -Type A' | Should -Be @('Ami', 'AuroraClusterSnapshot')
    }
}
