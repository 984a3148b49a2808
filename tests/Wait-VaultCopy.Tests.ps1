BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SignedAwsQuery.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'

    function script:Get-Operations { (Invoke-EmulatorControl -Url $Url -Path calls).operations }

    function script:Set-TimeScale { param([double] $Scale) Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = $Scale } | Out-Null }

    function script:Invoke-VaultKms {
        # One SigV4-signed KMS (JSON protocol) call as the vault's admin: what someone else does to the vault key.
        param([Parameter(Mandatory)] [string] $Operation, [Parameter(Mandatory)] [hashtable] $Body, [switch] $AllowFailure)
        $key = Get-DemoAccessKey vault-admin
        $json = $Body | ConvertTo-Json -Compress
        $bytes = [Text.Encoding]::UTF8.GetBytes($json)
        $uri = [uri]"$($Url.TrimEnd('/'))/"
        $amzDate = [DateTime]::UtcNow.ToString('yyyyMMddTHHmmssZ', [Globalization.CultureInfo]::InvariantCulture)
        $day = $amzDate.Substring(0, 8)
        $target = "TrentService.$Operation"
        $canonical = "POST`n/`n`ncontent-type:application/x-amz-json-1.1`nhost:$($uri.Authority)`nx-amz-date:$amzDate`nx-amz-target:$target`n`ncontent-type;host;x-amz-date;x-amz-target`n$(Get-Sha256Hex $bytes)"
        $scope = "$day/eu-west-1/kms/aws4_request"
        $toSign = "AWS4-HMAC-SHA256`n$amzDate`n$scope`n$(Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes($canonical)))"
        $signingKey = [Text.Encoding]::UTF8.GetBytes("AWS4$($key.secretAccessKey)")
        foreach ($part in $day, 'eu-west-1', 'kms', 'aws4_request') { $signingKey = Get-HmacSha256 $signingKey $part }
        $signature = [Convert]::ToHexString((Get-HmacSha256 $signingKey $toSign)).ToLowerInvariant()
        $response = Invoke-WebRequest -Uri $uri -Method Post -Body $bytes -SkipHttpErrorCheck -SkipHeaderValidation -ContentType 'application/x-amz-json-1.1' -Headers @{
            'X-Amz-Date'   = $amzDate
            'X-Amz-Target' = $target
            Authorization  = "AWS4-HMAC-SHA256 Credential=$($key.accessKeyId)/$scope, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=$signature"
        }
        if ([int]$response.StatusCode -ne 200 -and -not $AllowFailure) { throw "kms:$Operation failed: $([Text.Encoding]::UTF8.GetString($response.Content))" }
    }
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

Describe 'Wait-VaultCopy looks at every copy again in AWS' {
    BeforeAll {
        Reset-TestEmulator $Url
        Set-TimeScale 600
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f60003, origin-orders-manual-cmk | Out-Null
        $script:Verified = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f60003, origin-orders-manual-cmk -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
        $script:Ebs1 = $Verified | Where-Object SourceId -eq snap-0a1b2c3d4e5f60001
        $script:Ebs3 = $Verified | Where-Object SourceId -eq snap-0a1b2c3d4e5f60003
        $script:Rds = $Verified | Where-Object Type -eq RdsSnapshot
        function script:Edit-Job {
            param($Job, [hashtable] $Set)
            $object = $Job.ToJson() | ConvertFrom-Json
            foreach ($entry in $Set.GetEnumerator()) { $object | Add-Member -NotePropertyName $entry.Key -NotePropertyValue $entry.Value -Force }
            $object | ConvertTo-Json -Depth 5 -Compress
        }
    }

    It 'passes a verified job again only after reading it in AWS' {
        $Verified | Should -HaveCount 3
        $Verified.Verified | Sort-Object -Unique | Should -BeTrue
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $again = $Verified | ForEach-Object ToJson | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1

        $again | Should -HaveCount 3
        $again.Verified | Sort-Object -Unique | Should -BeTrue
        $operations = Get-Operations
        $operations.'ec2:DescribeSnapshots' | Should -BeGreaterOrEqual 1 -Because 'the EBS copies are looked at again'
        $operations.'rds:DescribeDBSnapshots' | Should -BeGreaterOrEqual 1 -Because 'the RDS copy is looked at again'
        $operations.'kms:DescribeKey' | Should -BeGreaterOrEqual 1 -Because 'the vault key must still be usable'
    }

    It 'refuses hand-edited jobs: the state, the copy id, a copy outside the vault and the key' {
        Set-TimeScale 1
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60004 | Out-Null
        $running = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60004 -KmsKeyId alias/vault-backup
        $running.State | Should -Be 'InProgress'
        $edited = @(
            Edit-Job $running @{ State = 'Completed'; Progress = 100; Verified = $true; ServiceState = 'completed'; VerificationMessage = 'Encrypted under key.' }
            Edit-Job $Ebs1 @{ TargetId = $Ebs3.TargetId; TargetArn = $Ebs3.TargetArn }
            Edit-Job $Ebs3 @{ TargetId = 'snap-0a1b2c3d4e5f60003'; TargetArn = 'arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60003' }
            Edit-Job $Rds @{ TargetKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-999999999999' }
        )

        $out = $edited | Wait-VaultCopy -Destination $Vault -TimeoutSeconds 2 -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty -Because 'no edited job is a verified copy'
        $errors | Should -HaveCount 4
        $byId = @{}
        foreach ($e in $errors) { $byId[$e.TargetObject.JobId] = $e }
        $byId[$running.JobId].FullyQualifiedErrorId | Should -BeLike 'VaultCopyTimedOut,*' -Because 'the copy still runs in AWS, whatever the JSON says'
        $byId[$Ebs1.JobId].FullyQualifiedErrorId | Should -BeLike 'VaultCopyNotVerified,*'
        $byId[$Ebs1.JobId].Exception.Message | Should -Match "is not VaultCopy's vault copy of snap-0a1b2c3d4e5f60001"
        $byId[$Ebs3.JobId].FullyQualifiedErrorId | Should -BeLike 'VaultCopyNotVerified,*'
        $byId[$Ebs3.JobId].Exception.Message | Should -Match 'belongs to account 111111111111, not to the vault account 222222222222'
        $byId[$Rds.JobId].FullyQualifiedErrorId | Should -BeLike 'VaultCopyNotVerified,*'
        $byId[$Rds.JobId].Exception.Message | Should -Match 'not under the requested arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-999999999999'
        foreach ($e in $errors) { $e.TargetObject.Verified | Should -Not -BeTrue }
    }

    It 'refuses a copy whose vault key is disabled or scheduled for deletion, saying how to fix it' {
        Invoke-VaultKms DisableKey @{ KeyId = $VaultKeyArn }
        try {
            $out = $Ebs1 | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1 -ErrorVariable disabled -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $disabled | Should -HaveCount 1
            $disabled[0].FullyQualifiedErrorId | Should -BeLike 'VaultCopyNotVerified,*'
            $disabled[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $disabled[0].TargetObject.Verified | Should -BeFalse
            $disabled[0].Exception.Message | Should -Match "$([regex]::Escape($VaultKeyArn)) is Disabled"
            $disabled[0].ErrorDetails.Message | Should -Match "aws kms enable-key --key-id $([regex]::Escape($VaultKeyArn))"

            Invoke-VaultKms ScheduleKeyDeletion @{ KeyId = $VaultKeyArn; PendingWindowInDays = 7 }
            $out = $Rds | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1 -ErrorVariable pending -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $pending | Should -HaveCount 1
            $pending[0].FullyQualifiedErrorId | Should -BeLike 'VaultCopyNotVerified,*'
            $pending[0].Exception.Message | Should -Match "$([regex]::Escape($VaultKeyArn)) is PendingDeletion"
            $pending[0].ErrorDetails.Message | Should -Match "aws kms cancel-key-deletion --key-id $([regex]::Escape($VaultKeyArn))"
        }
        finally {
            Invoke-VaultKms CancelKeyDeletion @{ KeyId = $VaultKeyArn } -AllowFailure
            Invoke-VaultKms EnableKey @{ KeyId = $VaultKeyArn }
        }
    }

    It 'refuses a verified job saved before its copy was deleted, from JSON text, ConvertFrom-Json and Import-Csv' {
        $text = $Ebs3.ToJson()
        $object = $Ebs3 | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $csv = Join-Path $TestDrive 'jobs.csv'
        $Ebs3 | Export-Csv -Path $csv -NoTypeInformation
        (Invoke-SignedAwsQuery -Url $Url -Service ec2 -UserName vault-admin -Parameters ([ordered]@{ Action = 'DeleteSnapshot'; SnapshotId = $Ebs3.TargetId })).StatusCode | Should -Be 200

        foreach ($saved in $text, $object, (Import-Csv -Path $csv)) {
            $out = $saved | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue

            $out | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].TargetObject.JobId | Should -Be $Ebs3.JobId
            $errors[0].TargetObject.State | Should -Be 'Failed'
            $errors[0].TargetObject.Verified | Should -Not -BeTrue
            $errors[0].Exception.Message | Should -Match "The copy $($Ebs3.TargetId) no longer exists in account 222222222222"
        }
    }
}
