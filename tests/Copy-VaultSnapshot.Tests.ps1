BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'

    # The demo world's backups on the origin's customer managed key: EBS, RDS and Aurora.
    $script:SnapshotIds = @('snap-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk')

    function script:Get-CopyCalls {
        $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations
        $total = 0
        foreach ($name in 'ec2:CopySnapshot', 'ec2:CopyImage', 'rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot') {
            if ($operations.PSObject.Properties[$name]) { $total += $operations.$name }
        }
        $total
    }

    function script:Get-WorldState { (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 30 -Compress }

    function script:Get-ErrorFrom {
        param([scriptblock] $Action)
        try { & $Action; $null } catch { $_ }
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Copy-VaultSnapshot' {
    BeforeEach {
        Reset-TestEmulator $Url
        # 600x: a 100 GiB RDS copy takes about 1.2 s, a 20 GiB EBS copy 0.4 s.
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    Context 'after the vault was given the origin key and the backups were shared' {
        BeforeEach {
            Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
            $script:Shares = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $SnapshotIds
        }

        It 'copies EBS, RDS and Aurora snapshots into the vault under its key, verified, from the shares of Grant-VaultSnapshotAccess' {
            $jobs = $Shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

            $jobs | Should -HaveCount 3
            foreach ($job in $jobs) {
                $job.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
                $job.State | Should -Be 'Completed'
                $job.Verified | Should -BeTrue
                $job.Reused | Should -BeFalse
                $job.TargetKeyArn | Should -Be $VaultKeyArn
                $job.TargetAccountId | Should -Be '222222222222'
                $job.SourceAccountId | Should -Be '111111111111'
                $job.SourceKeyArn | Should -Be $OriginKeyArn
                $job.Purpose | Should -Be 'vault'
                $job.EndTime | Should -BeGreaterOrEqual $job.StartTime
            }
            ($jobs.Type | ForEach-Object ToString | Sort-Object) | Should -Be @('AuroraClusterSnapshot', 'EbsSnapshot', 'RdsSnapshot')

            # What the vault itself says of the copies.
            $copies = $jobs.TargetArn | Get-VaultResource -Account $Vault
            $copies | Should -HaveCount 3
            foreach ($copy in $copies) {
                $copy.AccountId | Should -Be '222222222222'
                $copy.KmsKeyArn | Should -Be $VaultKeyArn
                $copy.Tags['vaultcopy:purpose'] | Should -Be 'vault'
                $copy.Tags['vaultcopy:source-account'] | Should -Be '111111111111'
                $copy.Tags['vaultcopy:source-region'] | Should -Be 'eu-west-1'
                $copy.Tags['vaultcopy:source-id'] | Should -BeIn $SnapshotIds
                $copy.Tags['vaultcopy:source-key'] | Should -Be $OriginKeyArn
            }
            ($copies | Where-Object Type -eq RdsSnapshot).Id | Should -Be 'vault-111111111111-eu-west-1-origin-orders-manual-cmk'
        }

        It 'makes no second copy when run again, with the vault connection only and ids' {
            $first = Copy-VaultSnapshot -Destination $Vault -SourceAccountId 111111111111 -Id $SnapshotIds -KmsKeyId alias/vault-backup
            $first | Should -HaveCount 3
            $first.State | Sort-Object -Unique | Should -Be 'InProgress'
            Get-CopyCalls | Should -Be 3

            $second = Copy-VaultSnapshot -Destination $Vault -SourceAccountId 111111111111 -Id $SnapshotIds -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
            $second.Reused | Sort-Object -Unique | Should -BeTrue
            ($second.TargetId | Sort-Object) | Should -Be ($first.TargetId | Sort-Object)
            $second.Verified | Sort-Object -Unique | Should -BeTrue
            Get-CopyCalls | Should -Be 3
        }

        It 'takes AWS Tools shaped objects and VaultResource objects from the pipeline' {
            $ebs = [pscustomobject]@{ SnapshotId = 'snap-0a1b2c3d4e5f60001'; OwnerId = '111111111111' }
            $rds = [pscustomobject]@{ DBSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'; DBSnapshotIdentifier = 'origin-orders-manual-cmk' }
            $jobs = $ebs, $rds | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup
            ($jobs.SourceId | Sort-Object) | Should -Be @('origin-orders-manual-cmk', 'snap-0a1b2c3d4e5f60001')

            $again = Get-VaultResource -Account $Origin -Id origin-ledger-manual-cmk | Copy-VaultSnapshot -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup
            $again.Type | Should -Be 'AuroraClusterSnapshot'
            $again.State | Should -Be 'InProgress'
        }

        It 'changes nothing with -WhatIf' {
            $before = Get-WorldState
            Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

            $out = $Shares | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -WhatIf

            $out | Should -BeNullOrEmpty
            Get-CopyCalls | Should -Be 0
            $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations.PSObject.Properties.Name
            $operations | Where-Object { $_ -match ':(Copy|Delete|Deregister|Create|Modify|Put)' } | Should -BeNullOrEmpty
            Get-WorldState | Should -Be $before
        }

        It 'waits for a slot instead of failing when EC2 says the copy quota is full' {
            Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{
                service = 'ec2'; action = 'CopySnapshot'; code = 'ResourceLimitExceeded'; httpStatus = 400; count = 1
                message = 'You have reached the limit of concurrent snapshot copies.'
            } | Out-Null

            $job = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

            $job.State | Should -Be 'Completed'
            $job.Verified | Should -BeTrue
            $calls = Invoke-EmulatorControl -Url $Url -Path calls
            $calls.errors.'ec2:CopySnapshot' | Should -Be 1
            $calls.operations.'ec2:CopySnapshot' | Should -Be 2
        }

        It 'waits and retries when the vault Region''s copy quota is lower than VaultCopy assumed' {
            Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 | Out-Null
            Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ ec2 = @{ concurrentSnapshotCopies = 1 } } | Out-Null

            $jobs = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f60003 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

            $jobs | Should -HaveCount 2
            $jobs.State | Sort-Object -Unique | Should -Be 'Completed'
            $jobs.Verified | Sort-Object -Unique | Should -BeTrue
            $calls = Invoke-EmulatorControl -Url $Url -Path calls
            $calls.errors.'ec2:CopySnapshot' | Should -BeGreaterOrEqual 1 -Because 'EC2 refused the second copy while the first held the only slot'
            $calls.operations.'ec2:CopySnapshot' | Should -Be (2 + $calls.errors.'ec2:CopySnapshot')
        }

        It 'keeps at most -MaxConcurrentCopies copies in flight' {
            Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 | Out-Null

            $jobs = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f60003 -KmsKeyId alias/vault-backup -MaxConcurrentCopies 1 -Wait -PollIntervalSeconds 1

            $jobs.State | Sort-Object -Unique | Should -Be 'Completed'
            $first, $second = $jobs | Sort-Object StartTime
            $second.StartTime | Should -BeGreaterOrEqual $first.EndTime
            (Invoke-EmulatorControl -Url $Url -Path calls).errors.PSObject.Properties.Name | Should -Not -Contain 'ec2:CopySnapshot'
        }

        It 'places the copy in another Region with -DestinationRegion, under the vault key of that Region' {
            $fixture = Get-DemoWorld
            $vaultAccount = $fixture.accounts | Where-Object id -eq '222222222222'
            $vaultAccount.regions | Add-Member -NotePropertyName 'eu-central-1' -NotePropertyValue ([pscustomobject]@{
                    kms = [pscustomobject]@{
                        keys    = @([pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-333333333333'; description = 'Vault key in Frankfurt.' })
                        aliases = @([pscustomobject]@{ name = 'alias/vault-backup'; targetKeyId = 'a1b2c3d4-0000-4000-8000-333333333333' })
                    }
                })
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($fixture | ConvertTo-Json -Depth 40) | Out-Null
            try {
                Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
                $origin = Connect-DemoOrigin -Url $Url
                $vault = Connect-DemoVault -Origin $origin
                Grant-VaultKeyAccess -Source $origin -Destination $vault -KeyId alias/origin-backup -Force | Out-Null
                Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk | Out-Null

                $jobs = Copy-VaultSnapshot -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk `
                    -DestinationRegion eu-central-1 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

                $jobs | Should -HaveCount 2
                foreach ($job in $jobs) {
                    $job.State | Should -Be 'Completed'
                    $job.Verified | Should -BeTrue
                    $job.TargetRegion | Should -Be 'eu-central-1'
                    $job.SourceRegion | Should -Be 'eu-west-1'
                    $job.TargetKeyArn | Should -Be 'arn:aws:kms:eu-central-1:222222222222:key/a1b2c3d4-0000-4000-8000-333333333333'
                    $job.TargetArn | Should -Match ':eu-central-1:'
                }
                $recent = (Invoke-EmulatorControl -Url $Url -Path calls).recent
                ($recent | Where-Object action -in 'CopySnapshot', 'CopyDBSnapshot').region | Sort-Object -Unique | Should -Be 'eu-central-1'
            }
            finally {
                Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
            }
        }
    }

    It 'ends in a clear error, with the job as target, when the vault may not use the origin key' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk | Out-Null

        $out = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 `
            -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 2
        foreach ($err in $errors) {
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.FullyQualifiedErrorId | Should -BeLike 'VaultCopyKeyNotAccessible,*'
            $err.TargetObject.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
            $err.TargetObject.State | Should -Be 'Failed'
            $err.ErrorDetails.Message | Should -Match 'The vault cannot use the origin key: run Grant-VaultKeyAccess -Source .* -Destination .* -KeyId arn:aws:kms:eu-west-1:111111111111:key/'
        }
        ($errors.TargetObject.SourceId | Sort-Object) | Should -Be @('origin-orders-manual-cmk', 'snap-0a1b2c3d4e5f60001')
    }

    It 'refuses, before copying anything, a source not shared with the vault (with -Source)' {
        $before = Get-WorldState
        $out = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SourceNotShared,*'
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].TargetObject.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
        $errors[0].ErrorDetails.Message | Should -Match 'Grant-VaultSnapshotAccess'
        Get-CopyCalls | Should -Be 0
        Get-WorldState | Should -Be $before
    }

    It 'refuses a copy that would still depend on the origin key, unless -KeepSourceKey' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $SnapshotIds | Out-Null
        $before = Get-WorldState

        $out = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id $SnapshotIds -ErrorVariable errors -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 3
        foreach ($err in $errors) {
            $err.FullyQualifiedErrorId | Should -BeLike 'VaultKeyRequired,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.TargetObject.Id | Should -BeIn $SnapshotIds
            $err.ErrorDetails.Message | Should -Match 'defeats the vault'
            $err.ErrorDetails.Message | Should -Match '-KmsKeyId'
        }

        $foreign = Get-ErrorFrom { Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id $SnapshotIds -KmsKeyId $OriginKeyArn }
        $foreign.FullyQualifiedErrorId | Should -BeLike 'KeyOutsideVault,*'
        $foreign.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $foreign.TargetObject | Should -Be $OriginKeyArn
        $foreign.ErrorDetails.Message | Should -Match '-KeepSourceKey'

        Get-CopyCalls | Should -Be 0
        Get-WorldState | Should -Be $before

        # Asked for explicitly, the copy stays on the origin key: made, with a warning instead of a verification error.
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force | Out-Null
        $kept = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId $OriginKeyArn -KeepSourceKey -Wait -PollIntervalSeconds 1 `
            -WarningVariable warnings -WarningAction SilentlyContinue
        $kept.State | Should -Be 'Completed'
        $kept.Verified | Should -BeFalse
        $kept.TargetKeyArn | Should -Be $OriginKeyArn
        "$warnings" | Should -Match 'not verified'
    }

    It 'refuses, with the preflight''s message and remediation and no copy call, a source on an origin key pending deletion (with -Source)' {
        $fixture = Get-DemoWorld
        $key = ($fixture.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.kms.keys | Where-Object id -eq 'a1b2c3d4-0000-4000-8000-111111111111'
        $key | Add-Member -NotePropertyName state -NotePropertyValue 'PendingDeletion' -Force
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($fixture | ConvertTo-Json -Depth 40) | Out-Null
        try {
            $origin = Connect-DemoOrigin -Url $Url
            $vault = Connect-DemoVault -Origin $origin
            Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
            $preflight = Test-VaultCopyPrereq -Source $origin -Destination $vault -Resource snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup |
                Where-Object Check -eq 'SourceKeyState'
            $before = Get-WorldState
            Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null  # the preflight's DryRun copies

            $out = Copy-VaultSnapshot -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -ErrorVariable errors -ErrorAction SilentlyContinue

            $preflight.Status | Should -Be 'Fail'
            $out | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'SourceKeyPendingDeletion,*'
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $errors[0].TargetObject.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
            $errors[0].Exception.Message | Should -BeExactly $preflight.Message
            $errors[0].ErrorDetails.RecommendedAction | Should -BeExactly $preflight.Remediation
            $errors[0].ErrorDetails.Message | Should -Not -Match 'Grant-VaultKeyAccess'
            Get-CopyCalls | Should -Be 0
            Get-WorldState | Should -Be $before
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }

    It 'absorbs a run of AWS 5xx answers while it looks for earlier copies, waits and verifies, and copies once' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 | Out-Null
        # Seven in a row outlast the SDK's three attempts twice over: the engine's own backoff takes them.
        Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{
            service = 'ec2'; action = 'DescribeSnapshots'; accountId = '222222222222'; code = 'InternalError'; httpStatus = 500; count = 7
        } | Out-Null
        try {
            $job = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue
            $left = (Invoke-EmulatorControl -Url $Url -Path faults).faults
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path faults -Method DELETE | Out-Null
        }

        $errors | Should -BeNullOrEmpty
        $job.State | Should -Be 'Completed'
        $job.Verified | Should -BeTrue
        $left[0].remaining | Should -Be 0
        Get-CopyCalls | Should -Be 1
    }

    It 'reports an AWS 5xx while looking for earlier copies as ResourceUnavailable on the job once the retries are spent, not as a failed copy' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 | Out-Null
        Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{
            service = 'ec2'; action = 'DescribeSnapshots'; accountId = '222222222222'; code = 'InternalError'; httpStatus = 500; count = 0
        } | Out-Null
        try {
            # The engine backs off at most to the poll interval: 1 s keeps the spent budget short.
            $out = Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003 -KmsKeyId alias/vault-backup -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path faults -Method DELETE | Out-Null
        }

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 1
        $errors[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AwsServiceUnavailable,*'
        $errors[0].TargetObject.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
        $errors[0].TargetObject.Failure.ErrorId | Should -Be 'AwsServiceUnavailable'
        $errors[0].ErrorDetails.RecommendedAction | Should -Match 'Run it again'
        Get-CopyCalls | Should -Be 0
    }

    It 'refuses an AWS managed vault key by name, with the preflight''s words, without describing it into existence' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
        $before = Get-WorldState
        $preflight = Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Resource snap-0a1b2c3d4e5f60001 -KmsKeyId alias/aws/ebs |
            Where-Object Check -eq 'DestinationKey'
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $err = Get-ErrorFrom { Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/aws/ebs }

        $preflight.Status | Should -Be 'Fail'
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsManagedKeyRefused,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'alias/aws/ebs'
        $err.Exception.Message | Should -BeExactly $preflight.Message
        $err.ErrorDetails.RecommendedAction | Should -BeExactly $preflight.Remediation
        $calls = Invoke-EmulatorControl -Url $Url -Path calls
        $calls.operations.PSObject.Properties.Name | Should -Not -Contain 'kms:DescribeKey'
        Get-CopyCalls | Should -Be 0
        Get-WorldState | Should -Be $before
    }

    It 'refuses a key that is not in the vault, an AMI, and an RDS identifier without its account' {
        $missing = Get-ErrorFrom { Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/no-such-key }
        $missing.FullyQualifiedErrorId | Should -BeLike 'KmsKeyNotFound,*'
        $missing.CategoryInfo.Category | Should -Be 'InvalidArgument'

        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 | Out-Null
        Copy-VaultSnapshot -Destination $Vault -Id ami-0a1b2c3d4e5f60001, origin-orders-manual-cmk -KmsKeyId alias/vault-backup -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors | Should -HaveCount 2
        ($errors | Where-Object { $_.FullyQualifiedErrorId -like 'SourceAccountNeeded,*' }).TargetObject | Should -Be 'origin-orders-manual-cmk'
        $ami = $errors | Where-Object { $_.FullyQualifiedErrorId -like 'UseCopyVaultImage,*' }
        $ami.TargetObject.Id | Should -Be 'ami-0a1b2c3d4e5f60001'
        $ami.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-CopyCalls | Should -Be 0
    }

    It 'starts the 21st EBS copy when a slot frees instead of failing' {
        $fixture = Get-DemoWorld
        $origin = $fixture.accounts | Where-Object id -eq '111111111111'
        $extra = foreach ($n in 1..21) {
            [pscustomobject]@{
                id = 'snap-{0:x17}' -f (0xb00 + $n); volumeSize = 1; description = "bulk $n"
                createVolumePermission = @([pscustomobject]@{ userId = '222222222222' })
            }
        }
        $origin.regions.'eu-west-1'.ec2.snapshots = @($origin.regions.'eu-west-1'.ec2.snapshots) + @($extra)
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($fixture | ConvertTo-Json -Depth 40) | Out-Null
        try {
            # 60x: a 1 GiB copy takes about 0.4 s, so the first 20 are still in flight when the 21st is due.
            Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 60 } | Out-Null
            $vault = Connect-DemoVault -Origin (Connect-DemoOrigin -Url $Url)

            $jobs = Copy-VaultSnapshot -Destination $vault -Id $extra.id -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 -ErrorVariable errors

            $errors | Should -BeNullOrEmpty
            $jobs | Should -HaveCount 21
            $jobs.State | Sort-Object -Unique | Should -Be 'Completed'
            $calls = Invoke-EmulatorControl -Url $Url -Path calls
            $calls.operations.'ec2:CopySnapshot' | Should -Be 21
            $calls.errors.PSObject.Properties.Name | Should -Not -Contain 'ec2:CopySnapshot'
            $last = $jobs | Sort-Object StartTime | Select-Object -Last 1
            $firstDone = $jobs | Where-Object JobId -ne $last.JobId | Sort-Object EndTime | Select-Object -First 1
            $last.StartTime | Should -BeGreaterOrEqual $firstDone.EndTime -Because 'the 21st copy waits for one of the first 20 to finish'
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }
}

Describe 'Copy-VaultSnapshot with a vault key name far too long' {
    BeforeAll {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    It 'refuses it as InvalidArgument without echoing 20 KB back' {
        $name = 'alias/' + ('a' * 20000)
        $err = $null
        try { Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId $name -ErrorAction Stop } catch { $err = @($_) }

        $err | Should -Not -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].ErrorDetails.Message.Length | Should -BeLessThan 2000
        $err[0].ErrorDetails.Message | Should -Match '\d{5} characters'
    }
}

Describe 'Copy-VaultSnapshot with objects read before the share' {
    BeforeEach {
        Reset-TestEmulator $Url
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
    }

    It 'copies Get-VaultResource objects read before Grant-VaultSnapshotAccess: the share is read live, not from the object' {
        $resources = Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk
        $resources.SharedWith | Should -BeNullOrEmpty -Because 'nothing was shared when they were read'
        $resources | Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault | Out-Null

        $jobs = $resources | Copy-VaultSnapshot -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1 -ErrorVariable errors -ErrorAction SilentlyContinue

        $errors | Should -BeNullOrEmpty
        $jobs | Should -HaveCount 2
        $jobs.Verified | Sort-Object -Unique | Should -BeTrue
    }

    It 'refuses objects read while shared once the share was withdrawn, and never trusts what a piped object says' {
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
        $resource = Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60001
        $resource.SharedWith | Should -Contain '222222222222'
        Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
        # An AWS managed key's snapshot, dressed up as a shared one on the customer key: AWS says otherwise.
        $dressed = Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60005
        $dressed.KeyManager = 'Customer'
        $dressed.KmsKeyArn = $OriginKeyArn
        $dressed.SharedWith = [string[]]@('222222222222')
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $out = $resource, $dressed | Copy-VaultSnapshot -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $errors | Should -HaveCount 2
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'SourceNotShared,*'
        $errors[0].TargetObject.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
        $errors[1].FullyQualifiedErrorId | Should -BeLike '*AwsManaged*'
        $errors[1].TargetObject.Id | Should -Be 'snap-0a1b2c3d4e5f60005'
        Get-CopyCalls | Should -Be 0
    }
}
