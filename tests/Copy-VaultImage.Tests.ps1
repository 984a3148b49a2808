BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
    $script:SecondKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111112'

    function script:Get-CopyImageCalls {
        $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations
        if ($operations.PSObject.Properties['ec2:CopyImage']) { $operations.'ec2:CopyImage' } else { 0 }
    }

    function script:Get-WorldState { (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 30 -Compress }

    # The demo world plus an AMI with two disks: the root on alias/origin-backup, the data disk on a second origin key.
    function script:Set-TwoKeyWorld {
        $fixture = Get-DemoWorld
        $region = ($fixture.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
        $region.kms.keys = @($region.kms.keys) + [pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-111111111112'; description = 'Second origin key (data disks).' }
        $region.kms.aliases = @($region.kms.aliases) + [pscustomobject]@{ name = 'alias/origin-data'; targetKeyId = 'a1b2c3d4-0000-4000-8000-111111111112' }
        $region.ec2.snapshots = @($region.ec2.snapshots) + @(
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6000a'; volumeSize = 8; kmsKeyId = 'alias/origin-backup'; description = 'app root' }
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6000b'; volumeSize = 4; kmsKeyId = 'alias/origin-data'; description = 'app data' }
        )
        $region.ec2.images = @($region.ec2.images) + [pscustomobject]@{
            id = 'ami-0a1b2c3d4e5f6000a'; name = 'two-disk-server-2026-11-01'
            blockDeviceMappings = @(
                [pscustomobject]@{ deviceName = '/dev/xvda'; snapshotId = 'snap-0a1b2c3d4e5f6000a' }
                [pscustomobject]@{ deviceName = '/dev/xvdb'; snapshotId = 'snap-0a1b2c3d4e5f6000b' }
            )
        }
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($fixture | ConvertTo-Json -Depth 40) | Out-Null
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Copy-VaultImage' {
    BeforeEach {
        Reset-TestEmulator $Url
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    It 'copies a shared AMI into the vault, every backing snapshot under the vault key, and makes no second copy' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null

        $job = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 |
            Copy-VaultImage -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

        $job.Type | Should -Be 'Ami'
        $job.State | Should -Be 'Completed'
        $job.Verified | Should -BeTrue
        $job.TargetKeyArn | Should -Be $VaultKeyArn
        $job.TargetId | Should -Match '^ami-'
        $copy = Get-VaultResource -Account $Vault -Id $job.TargetId
        $copy.AccountId | Should -Be '222222222222'
        $copy.Name | Should -Be 'vault-111111111111-eu-west-1-ami-0a1b2c3d4e5f60001'
        $copy.Tags['vaultcopy:source-id'] | Should -Be 'ami-0a1b2c3d4e5f60001'
        $copy.BackingSnapshots.KmsKeyArn | Sort-Object -Unique | Should -Be $VaultKeyArn
        $copy.BackingSnapshots.AccountId | Sort-Object -Unique | Should -Be '222222222222'
        Get-CopyImageCalls | Should -Be 1

        $again = Copy-VaultImage -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
        $again.Reused | Should -BeTrue
        $again.TargetId | Should -Be $job.TargetId
        Get-CopyImageCalls | Should -Be 1
    }

    It 'copies an AMI read by Get-VaultResource before it was shared: the share is read live, not from the object' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        $image = Get-VaultResource -Account $Origin -Id ami-0a1b2c3d4e5f60001
        $image.SharedWith | Should -BeNullOrEmpty
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 | Out-Null

        $job = $image | Copy-VaultImage -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors | Should -BeNullOrEmpty
        $job.Type | Should -Be 'Ami'
        $job.State | Should -Be 'InProgress'
    }

    It 'needs every key of the backing snapshots granted: fails in plain words with one, succeeds once the second is granted' {
        Set-TwoKeyWorld
        try {
            Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
            $origin = Connect-DemoOrigin -Url $Url
            $vault = Connect-DemoVault -Origin $origin
            Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -Force | Out-Null
            Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f6000a | Out-Null

            $out = Copy-VaultImage -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f6000a -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 `
                -ErrorVariable errors -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $errors[0].TargetObject.SourceId | Should -Be 'ami-0a1b2c3d4e5f6000a'
            $errors[0].TargetObject.State | Should -Be 'Failed'
            $errors[0].ErrorDetails.Message | Should -Match 'Grant-VaultKeyAccess'
            # EC2 does not say which key: both of the AMI's keys are named, so the second (the one missing) is too.
            $errors[0].ErrorDetails.Message | Should -Match ([regex]::Escape($SecondKeyArn))

            Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-data -Force | Out-Null
            $job = Copy-VaultImage -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f6000a -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

            $job.State | Should -Be 'Completed'
            $job.Verified | Should -BeTrue
            $job.TargetId | Should -Not -Be $errors[0].TargetObject.TargetId
            $job.SizeGiB | Should -Be 12
            $copy = Get-VaultResource -Account $vault -Id $job.TargetId
            $copy.BackingSnapshots | Should -HaveCount 2
            $copy.BackingSnapshots.KmsKeyArn | Sort-Object -Unique | Should -Be $VaultKeyArn
            # The failed copy was cleared away rather than left beside the good one.
            @(Get-VaultCopy -Destination $vault -Type Ami) | Should -HaveCount 1
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }

    It 'changes nothing with -WhatIf' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 | Out-Null
        $before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $out = Get-VaultResource -Account $Origin -Id ami-0a1b2c3d4e5f60001 | Copy-VaultImage -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Wait -WhatIf

        $out | Should -BeNullOrEmpty
        Get-CopyImageCalls | Should -Be 0
        Get-WorldState | Should -Be $before
    }

    It 'refuses, before copying, an AMI without a vault key, one on an AWS managed key, an unshared one and a snapshot' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 | Out-Null
        $before = Get-WorldState

        Copy-VaultImage -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 -ErrorVariable noKey -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $noKey[0].FullyQualifiedErrorId | Should -BeLike 'VaultKeyRequired,*'
        $noKey[0].CategoryInfo.Category | Should -Be 'InvalidArgument'

        Copy-VaultImage -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60002, snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -ErrorVariable errors -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $errors | Should -HaveCount 2
        $managed = $errors | Where-Object { $_.TargetObject.Id -eq 'ami-0a1b2c3d4e5f60002' }
        $managed.FullyQualifiedErrorId | Should -BeLike 'SourceOnAwsManagedKey,*'
        $managed.ErrorDetails.Message | Should -Match 'Convert-VaultSnapshotKey'
        ($errors | Where-Object { $_.TargetObject.Id -eq 'snap-0a1b2c3d4e5f60001' }).FullyQualifiedErrorId | Should -BeLike 'UseCopyVaultSnapshot,*'

        Get-CopyImageCalls | Should -Be 0
        Get-WorldState | Should -Be $before
    }
}
