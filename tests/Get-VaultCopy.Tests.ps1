BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
    $script:SnapshotIds = @('snap-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk')

    # Copies of three snapshots and an AMI, made two days ago in world time (the emulator's clock set back). The
    # vault is connected with the vault admin's long-term keys: an assumed role's session would expire in world time.
    Reset-TestEmulator $Url
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = -172800 } | Out-Null
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $vaultKey = Get-DemoAccessKey vault-admin
    $script:Vault = Connect-VaultAccount -AccessKey $vaultKey.accessKeyId -SecretKey $vaultKey.secretAccessKey -Region eu-west-1 -EndpointUrl $Url
    Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
    $shares = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ($SnapshotIds + 'ami-0a1b2c3d4e5f60001')
    $script:Made = @($shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -ErrorAction SilentlyContinue) +
        @($shares | Copy-VaultImage -Destination $Vault -KmsKeyId alias/vault-backup -ErrorAction SilentlyContinue)
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = 0 } | Out-Null
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Get-VaultCopy' {
    It 'lists every vault copy once, with its lineage, as copy jobs' {
        $Made | Should -HaveCount 4

        $copies = Get-VaultCopy -Destination $Vault

        $copies | Should -HaveCount 4 -Because "an AMI copy's own snapshots are part of the AMI"
        ($copies.TargetId | Sort-Object) | Should -Be ($Made.TargetId | Sort-Object)
        foreach ($copy in $copies) {
            $copy.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
            $copy.Purpose | Should -Be 'vault'
            $copy.SourceAccountId | Should -Be '111111111111'
            $copy.SourceRegion | Should -Be 'eu-west-1'
            $copy.SourceId | Should -BeIn ($SnapshotIds + 'ami-0a1b2c3d4e5f60001')
            $copy.SourceArn | Should -Match '^arn:aws:(ec2|rds):eu-west-1:'
            $copy.SourceKeyArn | Should -Be 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
            $copy.TargetAccountId | Should -Be '222222222222'
            $copy.TargetKeyArn | Should -Be $VaultKeyArn
            $copy.StartTime | Should -Not -BeNullOrEmpty
        }
    }

    It 'filters by source, type, account and age' {
        (Get-VaultCopy -Destination $Vault -SourceId snap-0a1b2c3d4e5f60001).TargetId | Should -Be ($Made | Where-Object SourceId -eq snap-0a1b2c3d4e5f60001).TargetId
        (Get-VaultCopy -Destination $Vault -SourceId 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk').SourceId | Should -Be 'origin-orders-manual-cmk'
        (Get-VaultCopy -Destination $Vault -Type Ami, AuroraClusterSnapshot).Type | ForEach-Object ToString | Sort-Object | Should -Be @('Ami', 'AuroraClusterSnapshot')
        Get-VaultCopy -Destination $Vault -SourceAccountId 333333333333 | Should -BeNullOrEmpty
        @(Get-VaultCopy -Destination $Vault -SourceAccountId 111111111111) | Should -HaveCount 4
        @(Get-VaultCopy -Destination $Vault -OlderThan (New-TimeSpan -Days 1)) | Should -HaveCount 4
        Get-VaultCopy -Destination $Vault -OlderThan (New-TimeSpan -Days 3) | Should -BeNullOrEmpty
        Get-VaultCopy -Destination $Vault -CreatedAfter (Get-Date).AddDays(-1) | Should -BeNullOrEmpty
        # The origin's own resources bind by their Arn.
        (Get-VaultResource -Account $Origin -Id origin-ledger-manual-cmk | Get-VaultCopy -Destination $Vault).Type |
            Should -Be 'AuroraClusterSnapshot'
    }

    It 'hands its listing to Wait-VaultCopy, which verifies every copy' {
        $verified = Get-VaultCopy -Destination $Vault | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1

        $verified | Should -HaveCount 4
        $verified.State | Sort-Object -Unique | Should -Be 'Completed'
        $verified.Verified | Sort-Object -Unique | Should -BeTrue
    }

    It 'refuses a source account that is not 12 digits' {
        { Get-VaultCopy -Destination $Vault -SourceAccountId 12345 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }
}
