BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'

    function script:Get-Operations { (Invoke-EmulatorControl -Url $Url -Path calls).operations }

    function script:Set-TimeScale { param([double] $Scale) Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = $Scale } | Out-Null }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Wait-VaultCopy' {
    BeforeEach {
        Reset-TestEmulator $Url
        Set-TimeScale 600
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        $script:Ids = @('snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60003', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk')
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $Ids | Out-Null
    }

    It 'waits for jobs from the pipeline, verifies them and returns them finished' {
        $jobs = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id $Ids -KmsKeyId alias/vault-backup
        $jobs.State | Sort-Object -Unique | Should -Be 'InProgress'

        $done = $jobs | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1

        $done | Should -HaveCount 4
        $done.State | Sort-Object -Unique | Should -Be 'Completed'
        $done.Verified | Sort-Object -Unique | Should -BeTrue
        $done.Progress | Sort-Object -Unique | Should -Be 100
        $done.TargetKeyArn | Sort-Object -Unique | Should -Be $VaultKeyArn
        foreach ($job in $done) { $job.VerificationMessage | Should -Match 'account 222222222222' }
    }

    It 'takes jobs back from JSON: ToJson text and ConvertTo-Json / ConvertFrom-Json objects' {
        $jobs = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id $Ids[0], $Ids[2] -KmsKeyId alias/vault-backup
        $lines = $jobs | ForEach-Object ToJson
        $objects = $jobs | ConvertTo-Json -Depth 5 | ConvertFrom-Json

        $fromText = $lines | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1
        $fromObjects = $objects | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1

        foreach ($set in $fromText, $fromObjects) {
            $set | Should -HaveCount 2
            $set.State | Sort-Object -Unique | Should -Be 'Completed'
            $set.Verified | Sort-Object -Unique | Should -BeTrue
            ($set.TargetId | Sort-Object) | Should -Be ($jobs.TargetId | Sort-Object)
            ($set.JobId | Sort-Object) | Should -Be ($jobs.JobId | Sort-Object)
        }
    }

    It 'polls many EBS copies with one DescribeSnapshots call per look, not one per copy' {
        $fixture = Get-DemoWorld
        $origin = $fixture.accounts | Where-Object id -eq '111111111111'
        $extra = foreach ($n in 1..8) {
            [pscustomobject]@{ id = 'snap-{0:x17}' -f (0xc00 + $n); volumeSize = 20; createVolumePermission = @([pscustomobject]@{ userId = '222222222222' }) }
        }
        $origin.regions.'eu-west-1'.ec2.snapshots = @($origin.regions.'eu-west-1'.ec2.snapshots) + @($extra)
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($fixture | ConvertTo-Json -Depth 40) | Out-Null
        try {
            # 100x: each 20 GiB copy takes about 2.2 s, so the wait looks about three times.
            Set-TimeScale 100
            $vault = Connect-DemoVault -Origin (Connect-DemoOrigin -Url $Url)
            $jobs = Copy-VaultSnapshot -Destination $vault -Id $extra.id -KmsKeyId alias/vault-backup
            Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

            $done = $jobs | Wait-VaultCopy -Destination $vault -PollIntervalSeconds 1

            $done | Should -HaveCount 8
            $done.Verified | Sort-Object -Unique | Should -BeTrue
            $describes = (Get-Operations).'ec2:DescribeSnapshots'
            $describes | Should -BeGreaterOrEqual 2 -Because 'the copies were still running at the first look'
            $describes | Should -BeLessThan 8 -Because 'eight copies are looked at together'
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }

    It 'turns a copy that fails into an error about that job, in plain words' {
        Reset-TestEmulator $Url
        Set-TimeScale 600
        $origin = Connect-DemoOrigin -Url $Url
        $vault = Connect-DemoVault -Origin $origin
        Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
        $job = Copy-VaultSnapshot -Destination $vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup

        $out = $job | Wait-VaultCopy -Destination $vault -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].TargetObject.JobId | Should -Be $job.JobId
        $errors[0].TargetObject.State | Should -Be 'Failed'
        $errors[0].TargetObject.ServiceState | Should -Be 'error'
        $errors[0].ErrorDetails.Message | Should -Match 'the vault cannot use the origin key: run Grant-VaultKeyAccess -Source <origin 111111111111> -Destination <vault 222222222222> -KeyId arn:aws:kms:eu-west-1:111111111111:key/'
    }

    It 'stops at -TimeoutSeconds with an OperationTimeout error about each unfinished job' {
        Set-TimeScale 1
        $job = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup
        $watch = [Diagnostics.Stopwatch]::StartNew()

        $out = $job | Wait-VaultCopy -Destination $Vault -TimeoutSeconds 2 -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'VaultCopyTimedOut,*'
        $errors[0].TargetObject.JobId | Should -Be $job.JobId
        $errors[0].TargetObject.State | Should -Be 'InProgress'
    }

    It 'stops promptly on Ctrl+C (PowerShell.Stop) while copies are running' {
        Set-TimeScale 1
        $jobs = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript({
                    param($Module, $Vault, $Jobs)
                    Import-Module $Module
                    $Jobs | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 30
                }).AddArgument($ModulePath).AddArgument($Vault).AddArgument($jobs)
            $async = $shell.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            # Running means the first look was taken: the describe call shows in the emulator's log.
            while (-not (Get-Operations).PSObject.Properties['ec2:DescribeSnapshots'] -or $shell.InvocationStateInfo.State -ne 'Running') {
                if ([DateTime]::UtcNow -gt $deadline) { throw "Wait-VaultCopy did not start: $($shell.InvocationStateInfo.State) $($shell.Streams.Error)" }
                Start-Sleep -Milliseconds 100
            }
            Start-Sleep -Milliseconds 500

            $watch = [Diagnostics.Stopwatch]::StartNew()
            $shell.Stop()
            $watch.Stop()

            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $async.IsCompleted | Should -BeTrue
        }
        finally {
            $shell.Dispose()
        }
    }

    It 'refuses jobs of another account, jobs never started and input that is no job' {
        $job = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60003 -KmsKeyId alias/vault-backup
        $foreign = $job.ToJson() -replace '"TargetAccountId":"222222222222"', '"TargetAccountId":"333333333333"'
        $queued = $job.ToJson() -replace '"State":"InProgress"', '"State":"Queued"' -replace $job.JobId, [guid]::NewGuid()
        $calls = (Invoke-EmulatorControl -Url $Url -Path calls).total

        $out = $foreign, $queued, '{"not":"a job"}', (Get-Date) | Wait-VaultCopy -Destination $Vault -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 4
        # -InputObject is a typed VaultCopyJob[]: what cannot be read as a job fails its binding, item by item.
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $errors[0].Exception.Message | Should -Match 'NotACopyJob: the input is not a vault copy job'
        $errors[0].TargetObject | Should -Be '{"not":"a job"}'
        $errors[1].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $errors[2].FullyQualifiedErrorId | Should -BeLike 'JobOfAnotherAccount,*'
        $errors[2].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $errors[2].TargetObject.TargetAccountId | Should -Be '333333333333'
        $errors[3].FullyQualifiedErrorId | Should -BeLike 'JobNeverStarted,*'
        (Invoke-EmulatorControl -Url $Url -Path calls).total | Should -Be $calls
    }
}
