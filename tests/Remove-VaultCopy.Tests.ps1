BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SignedAwsQuery.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'Lifecycle.TestHelper.ps1')
    Import-Module $ModulePath -Force

    # Three nightly snapshots of one volume in the origin, besides the demo world's backups.
    $script:Nightly = 'snap-0a1b2c3d4e5f6a011', 'snap-0a1b2c3d4e5f6a012', 'snap-0a1b2c3d4e5f6a013'
    $script:Fixture = New-LifecycleFixture -Edit {
        param($world)
        $ec2 = ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.ec2
        $ec2.snapshots = @($ec2.snapshots) + @($Nightly | ForEach-Object {
                [pscustomobject]@{ id = $_; volumeId = 'vol-0a1b2c3d4e5f6aaaa'; volumeSize = 8; kmsKeyId = 'alias/origin-backup'; description = 'orders nightly' } })
    }
    $script:Emulator = Start-TestEmulator -FixturePath $Fixture
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-LifecycleVault -Url $Url

    # Copies made 50, 30 and 10 days ago (world time set back), the middle one locked now.
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = -50 * 86400 } | Out-Null
    $old = New-TestVaultCopies -Origin $Origin -Vault $Vault -Id $Nightly[0], ami-0a1b2c3d4e5f60001, origin-orders-manual-cmk
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = -30 * 86400 } | Out-Null
    $middle = New-TestVaultCopies -Origin $Origin -Vault $Vault -Id $Nightly[1]
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = -10 * 86400 } | Out-Null
    $recent = New-TestVaultCopies -Origin $Origin -Vault $Vault -Id $Nightly[2]
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ offsetSeconds = 0 } | Out-Null
    $script:Oldest = $old | Where-Object SourceId -eq $Nightly[0]
    $script:Image = $old | Where-Object Type -eq Ami
    $script:Rds = $old | Where-Object Type -eq RdsSnapshot
    $script:Locked = $middle[0] | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 7 -Force
    $script:Newest = $recent[0]

    function script:Get-VaultIds {
        $ec2 = Get-VaultEc2State $Url
        $rds = ((Invoke-EmulatorControl -Url $Url -Path state).accounts | Where-Object id -eq '222222222222').regions.'eu-west-1'.rds
        @($ec2.snapshots.id) + @($ec2.images.id) + @($rds.dbSnapshots.identifier) | Where-Object { $_ }
    }
    function script:Get-WhatIf([scriptblock] $Command) {
        $log = Join-Path ([IO.Path]::GetTempPath()) "whatif-$([guid]::NewGuid().ToString('n')).txt"
        Start-Transcript -Path $log -UseMinimalHeader | Out-Null
        try { & $Command } finally { Stop-Transcript | Out-Null }
        @(Get-Content $log | Where-Object { $_ -like 'What if:*' })
        Remove-Item $log
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
    Remove-Item $Fixture -ErrorAction SilentlyContinue
}

Describe 'Remove-VaultCopy' {
    It '-WhatIf lists exactly what would go, skips the locked copy with its expiry, and changes nothing' {
        @($Oldest, $Locked, $Newest, $Image, $Rds) | Should -HaveCount 5
        $before = (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 30 -Compress

        $whatIf = @(Get-WhatIf { Remove-VaultCopy -Destination $Vault -Source $Origin -OlderThanDays 20 -WhatIf -WarningVariable script:skipped -WarningAction SilentlyContinue })

        $whatIf | Should -HaveCount 1 -Because 'only the 50-day-old nightly copy is old, unlocked and not the newest of its volume'
        $whatIf[0] | Should -Be "What if: Remove EbsSnapshot $($Oldest.TargetId) (copy of $($Oldest.SourceId), 50d old)"
        $skipped | Should -HaveCount 1
        "$($skipped[0])" | Should -BeLike "Skipped $($Locked.TargetId): locked (governance) until *"
        (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 30 -Compress | Should -Be $before
    }

    It 'removes what the rule selects, keeps the newest copy of every series and skips locked copies' {
        $removed = @(Remove-VaultCopy -Destination $Vault -Source $Origin -OlderThanDays 20 -Force -WarningAction SilentlyContinue)

        $removed.TargetId | Should -Be $Oldest.TargetId
        $removed[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Lifecycle.VaultCopyRemoval'
        $left = Get-VaultIds
        $left | Should -Not -Contain $Oldest.TargetId
        $left | Should -Contain $Locked.TargetId
        $left | Should -Contain $Newest.TargetId
        $left | Should -Contain $Image.TargetId -Because 'the only copy of an AMI is the newest verified copy of its series'
        $left | Should -Contain $Rds.TargetId
    }

    It '-KeepLast counts per series, and a locked copy beyond it is still skipped' {
        $removed = Remove-VaultCopy -Destination $Vault -Source $Origin -KeepLast 1 -Force -WarningVariable script:skipped -WarningAction SilentlyContinue

        $removed | Should -BeNullOrEmpty
        "$($skipped[0])" | Should -BeLike "Skipped $($Locked.TargetId)*"
        Get-VaultIds | Should -Contain $Locked.TargetId
    }

    It 'keeps a piped newest copy unless -IncludeNewest, and removes an RDS copy when told' {
        # -Verbose also shows each AWS call; one of its lines says why the copy stays.
        $verbose = @($Rds | Remove-VaultCopy -Destination $Vault -Force -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
            ForEach-Object Message)
        $verbose | Where-Object { $_ -match 'newest verified copy' } | Should -Not -BeNullOrEmpty
        Get-VaultIds | Should -Contain $Rds.TargetId

        $removed = $Rds | Remove-VaultCopy -Destination $Vault -IncludeNewest -Force

        $removed.TargetId | Should -Be $Rds.TargetId
        Get-VaultIds | Should -Not -Contain $Rds.TargetId
    }

    It 'deregisters an AMI copy and deletes its snapshots with it' {
        $snapshots = ((Get-VaultEc2State $Url).images | Where-Object id -eq $Image.TargetId).blockDeviceMappings.snapshotId

        $removed = Get-VaultCopy -Destination $Vault -Type Ami | Remove-VaultCopy -Destination $Vault -IncludeNewest -Force

        $removed.TargetId | Should -Be $Image.TargetId
        $removed.DeletedSnapshots | Should -Be $snapshots
        $left = Get-VaultIds
        $left | Should -Not -Contain $Image.TargetId
        foreach ($snapshot in $snapshots) { $left | Should -Not -Contain $snapshot }
    }

    It 'never touches what lacks VaultCopy lineage' {
        $foreign = Invoke-VaultEc2 -Url $Url -Parameters ([ordered]@{
                Action = 'CopySnapshot'; SourceSnapshotId = $Nightly[2]; SourceRegion = 'eu-west-1'; Encrypted = 'true'; KmsKeyId = 'alias/vault-backup' })
        $foreignId = $foreign.Xml.SelectSingleNode("//*[local-name()='snapshotId']").InnerText

        Remove-VaultCopy -Destination $Vault -OlderThanDays 0 -IncludeNewest -WhatIf -WarningAction SilentlyContinue 6>$null
        Remove-VaultCopy -Destination $Vault -Id $foreignId -IncludeNewest -Force -ErrorVariable failures -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NotAVaultCopy*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be $foreignId
        Get-VaultIds | Should -Contain $foreignId
    }

    It 'asks for a rule or copies, and is a High-impact command' {
        { Remove-VaultCopy -Destination $Vault -Force } | Should -Throw -ErrorId 'RetentionRuleRequired*'
        $attribute = (Get-Command Remove-VaultCopy).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }
}
