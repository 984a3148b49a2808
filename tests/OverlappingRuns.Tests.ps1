BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url

    # The demo world's backups on the origin's customer managed key: EBS, RDS and Aurora.
    $script:SnapshotIds = @('snap-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk')

    # The vault's copies (as GET /_emulator/state shows them) carrying the lineage of a vault copy of $SourceArn.
    function script:Get-LineageCopies {
        param([string] $SourceArn)
        $account = (Invoke-EmulatorControl -Url $Url -Path state).accounts | Where-Object id -eq '222222222222'
        $region = $account.regions.'eu-west-1'
        $copies = @($region.ec2.snapshots | Where-Object { -not $_.copy.forImage }) + @($region.ec2.images) +
            @($region.rds.dbSnapshots) + @($region.rds.dbClusterSnapshots)
        foreach ($copy in $copies | Where-Object { $_ }) {
            $tags = if ($copy.tags.PSObject.Properties['222222222222']) { $copy.tags.'222222222222' } else { $copy.tags }
            if ($tags.'vaultcopy:purpose' -eq 'vault' -and $tags.'vaultcopy:source-arn' -eq $SourceArn) {
                if ($copy.PSObject.Properties['id']) { $copy.id } else { $copy.identifier }
            }
        }
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Overlapping vault copy runs' {
    BeforeEach {
        Reset-TestEmulator $Url
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        $script:Shares = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $SnapshotIds
    }

    It 'leaves exactly one copy per lineage when two runs copy the same backups at the same moment' {
        # Each run looks for earlier copies of all its backups first; the copy calls then wait (3 s for the EBS copy,
        # which goes first, 1 s for RDS and Aurora) before EC2 or RDS runs them, so both runs have looked (and found
        # nothing) before either copy exists: the race of a runbook retry overlapping a manual run.
        foreach ($action in 'CopySnapshot', 'CopyDBSnapshot', 'CopyDBClusterSnapshot') {
            $service, $ms = if ($action -eq 'CopySnapshot') { 'ec2', 3000 } else { 'rds', 1000 }
            Invoke-EmulatorControl -Url $Url -Path latency -Method POST -Body @{ service = $service; action = $action; latencyMs = $ms; count = 2 } | Out-Null
        }

        $go = [System.Threading.ManualResetEventSlim]::new($false)
        $runs = foreach ($n in 1, 2) {
            Start-ThreadJob -ArgumentList $ModulePath, $Vault, $Shares, $go -ScriptBlock {
                param($ModulePath, $Vault, $Shares, $Go)
                Import-Module $ModulePath
                $Go.Wait()
                $Shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
            }
        }
        $go.Set()
        $results = $runs | Wait-Job -Timeout 120 | Receive-Job -ErrorVariable failures -ErrorAction SilentlyContinue
        $runs | Remove-Job -Force

        $failures | Should -BeNullOrEmpty
        $results | Should -HaveCount 6
        $results.State | Sort-Object -Unique | Should -Be 'Completed'
        $results.Verified | Sort-Object -Unique | Should -BeTrue
        $calls = Invoke-EmulatorControl -Url $Url -Path calls
        # Both runs did start a snapshot copy: the race happened.
        $calls.operations.'ec2:CopySnapshot' | Should -Be 2
        foreach ($share in $Shares) {
            $copies = @(Get-LineageCopies -SourceArn $share.Arn)
            $copies | Should -HaveCount 1 -Because "$($share.Arn) has one vault copy"
            # Both runs report the copy that stayed.
            ($results | Where-Object SourceArn -eq $share.Arn).TargetId | Sort-Object -Unique | Should -Be $copies[0]
        }
    }

    It 'removes its own failed copy on the next run, copies again and says so' {
        Invoke-EmulatorControl -Url $Url -Path copyfailures -Method POST -Body @{ service = '*'; failAtPercent = 50; count = 3 } | Out-Null
        $Shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 -ErrorVariable failed -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $failed | Should -HaveCount 3
        $failedIds = $failed.TargetObject.TargetId

        $jobs = $Shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 -WarningVariable warnings 3>$null

        $jobs | Should -HaveCount 3
        $jobs.State | Sort-Object -Unique | Should -Be 'Completed'
        $jobs.Verified | Sort-Object -Unique | Should -BeTrue
        ($jobs.ReplacedFailedCopyId | Sort-Object) | Should -Be ($failedIds | Sort-Object)
        $warnings | Should -HaveCount 3
        foreach ($id in $failedIds) { "$warnings" | Should -Match ([regex]::Escape("earlier copy $id")) }
        foreach ($share in $Shares) {
            @(Get-LineageCopies -SourceArn $share.Arn) | Should -Be ($jobs | Where-Object SourceArn -eq $share.Arn).TargetId
        }
    }
    It 'Invoke-VaultCopy: the next run removes the failed EBS, AMI and RDS copies its plan found, copies again and says so' {
        $ids = 'snap-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk'
        Invoke-EmulatorControl -Url $Url -Path copyfailures -Method POST -Body @{ service = '*'; failAtPercent = 50; count = 3 } | Out-Null
        $first = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id $ids -PollIntervalSeconds 1 -Confirm:$false 3>$null |
            Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }
        $first.Outcome | Sort-Object -Unique | Should -Be 'Failed'
        $failedIds = $first.VaultCopies | ForEach-Object { $_ -replace '^eu-west-1:' }

        $second = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id $ids -PollIntervalSeconds 1 -Confirm:$false -WarningVariable warnings 3>$null |
            Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }

        $second | Should -HaveCount 3
        $second.Outcome | Sort-Object -Unique | Should -Be 'Vaulted'
        ($second.ReplacedFailedCopies | Sort-Object) | Should -Be ($failedIds | ForEach-Object { "eu-west-1:$_" } | Sort-Object)
        foreach ($id in $failedIds) { "$warnings" | Should -Match ([regex]::Escape($id)) }
        foreach ($outcome in $second) {
            @(Get-LineageCopies -SourceArn $outcome.Arn) | Should -Be ($outcome.VaultCopies -replace '^eu-west-1:')
        }
    }
}
