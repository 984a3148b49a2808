BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SignedAwsQuery.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'

    # The demo world's resources on the AWS managed default keys (aws/ebs, aws/rds), one per type, and the automated
    # RDS snapshot: none of them can be shared as they are.
    $script:DefaultKeyIds = @(
        'snap-0a1b2c3d4e5f60002'
        'ami-0a1b2c3d4e5f60002'
        'origin-legacy-manual-awsrds'
        'rds:origin-legacy-2026-01-15-03-05'
        'origin-legacy-ledger-manual-awsrds'
    )

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

Describe 'Convert-VaultSnapshotKey' {
    BeforeEach {
        Reset-TestEmulator $Url
        # 600x: a 100 GiB RDS copy takes about 1.2 s, a 20 GiB EBS copy 0.4 s.
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
    }

    It 'converts default-key resources of all four types, and the copies can be shared where the originals cannot' {
        $copies = Convert-VaultSnapshotKey -Account $Origin -Id $DefaultKeyIds -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1

        $copies | Should -HaveCount 5
        foreach ($copy in $copies) {
            $copy.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Resources.VaultResource'
            $copy.KeyManager | Should -Be 'Customer'
            $copy.KmsKeyArn | Should -Be $OriginKeyArn
            $copy.AccountId | Should -Be '111111111111'
            $copy.Tags['vaultcopy:purpose'] | Should -Be 'convert'
            $copy.Tags['vaultcopy:source-id'] | Should -BeIn $DefaultKeyIds
            $copy.Tags['vaultcopy:source-key'] | Should -Match '^arn:aws:kms:eu-west-1:111111111111:key/'
            $copy.Id | Should -Not -BeIn $DefaultKeyIds
        }
        ($copies | Where-Object Type -eq Ami).BackingSnapshots.KeyManager | Should -Be 'Customer'
        ($copies | Where-Object { $_.Tags['vaultcopy:source-id'] -like 'rds:*' }).SnapshotType | Should -Be 'manual'

        # What Get-VaultResource says of them, read afresh.
        $reread = $copies | Get-VaultResource -Account $Origin
        $reread.KeyManager | Sort-Object -Unique | Should -Be 'Customer'

        foreach ($copy in $copies) {
            $share = Grant-RawShare -Url $Url -Resource $copy
            $share.StatusCode | Should -Be 200 -Because "the copy $($copy.Id) is on a customer managed key ($($share.ErrorCode) $($share.Message))"
        }
        foreach ($original in $DefaultKeyIds | Get-VaultResource -Account $Origin) {
            $share = Grant-RawShare -Url $Url -Resource $original
            $share.StatusCode | Should -Be 400 -Because "$($original.Id) is on an AWS managed key or automated"
            $share.ErrorCode | Should -BeIn 'OperationNotPermitted', 'InvalidParameter', 'InvalidDBSnapshotState', 'InvalidDBClusterSnapshotStateFault', 'InvalidParameterValue'
        }
    }

    It 'returns the started jobs without -Wait, and a second run finds them instead of copying again' {
        $first = Convert-VaultSnapshotKey -Account $Origin -Id $DefaultKeyIds -KmsKeyId alias/origin-backup
        $first | Should -HaveCount 5
        $first[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
        $first.State | Sort-Object -Unique | Should -Be 'InProgress'
        $first.Reused | Sort-Object -Unique | Should -Be $false
        $first.TargetKeyArn | Sort-Object -Unique | Should -Be $OriginKeyArn
        Get-CopyCalls | Should -Be 5

        $second = Convert-VaultSnapshotKey -Account $Origin -Id $DefaultKeyIds -KmsKeyId alias/origin-backup
        $second.Reused | Sort-Object -Unique | Should -Be $true
        ($second.TargetId | Sort-Object) | Should -Be ($first.TargetId | Sort-Object)
        Get-CopyCalls | Should -Be 5

        $done = Convert-VaultSnapshotKey -Account $Origin -Id $DefaultKeyIds -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1
        ($done.Id | Sort-Object) | Should -Be ($first.TargetId | Sort-Object)
        Get-CopyCalls | Should -Be 5
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $out = $DefaultKeyIds | Get-VaultResource -Account $Origin | Convert-VaultSnapshotKey -Account $Origin -KmsKeyId alias/origin-backup -Wait -RemoveSource -WhatIf

        $out | Should -BeNullOrEmpty
        Get-CopyCalls | Should -Be 0
        $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations.PSObject.Properties.Name
        $operations | Where-Object { $_ -match ':(Copy|Delete|Deregister|Create|Modify)' } | Should -BeNullOrEmpty
        Get-WorldState | Should -Be $before
    }

    It 'says with -WhatIf which copies and deletions it would make; without -Force a runbook keeps the original and says why' {
        # A separate non-interactive pwsh, as an SSM runbook runs: -WhatIf text goes to its host, and a prompt is impossible.
        $key = Get-DemoAccessKey 'origin-admin'
        $run = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath'
`$origin = Connect-VaultAccount -AccessKey '$($key.accessKeyId)' -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl '$Url'
Convert-VaultSnapshotKey -Account `$origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/origin-backup -RemoveSource -WhatIf
`$copy = Convert-VaultSnapshotKey -Account `$origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/origin-backup -RemoveSource -PollIntervalSeconds 1 -ErrorVariable refused -ErrorAction SilentlyContinue
"COPY `$(`$copy.Id) `$(`$copy.KeyManager)"
"REFUSED `$(`$refused[0].FullyQualifiedErrorId) `$(`$refused[0].TargetObject.Id)"
"ORIGINAL `$((Get-VaultResource -Account `$origin -Id snap-0a1b2c3d4e5f60002).Id)"
"@

        $run.ExitCode | Should -Be 0
        $run.Output | Should -Contain 'What if: Performing the operation "Delete the original once its copy is verified" on target "EbsSnapshot snap-0a1b2c3d4e5f60002".'
        ($run.Output -match '^What if: Performing the operation "Copy re-encrypted under KMS key alias/origin-backup') | Should -HaveCount 1
        ($run.Output -match '^COPY snap-[0-9a-f]{17} Customer$') | Should -HaveCount 1
        $run.Output | Should -Contain 'REFUSED RemovalNeedsConfirmation,VaultCopy.Commands.ConvertVaultSnapshotKeyCommand snap-0a1b2c3d4e5f60002'
        $run.Output | Should -Contain 'ORIGINAL snap-0a1b2c3d4e5f60002'
        Get-CopyCalls | Should -Be 1
    }

    It 'refuses an AWS managed key as -KmsKeyId before copying anything' {
        $before = Get-WorldState
        $err = Get-ErrorFrom { Convert-VaultSnapshotKey -Account $Origin -Id $DefaultKeyIds -KmsKeyId alias/aws/ebs }

        $err.FullyQualifiedErrorId | Should -BeLike 'AwsManagedKeyRefused,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'alias/aws/ebs'
        $err.ErrorDetails.Message | Should -Match 'AWS managed key'
        $err.ErrorDetails.Message | Should -Match 'customer managed key of account 111111111111'
        Get-CopyCalls | Should -Be 0
        Get-WorldState | Should -Be $before
    }

    It 'refuses a key that does not exist, or belongs to another account, before copying anything' {
        $missing = Get-ErrorFrom { Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/no-such-key }
        $missing.FullyQualifiedErrorId | Should -BeLike 'KmsKeyNotFound,*'
        $missing.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $missing.TargetObject | Should -Be 'alias/no-such-key'

        $foreign = Get-ErrorFrom { Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222' }
        $foreign.CategoryInfo.Category | Should -Be 'InvalidArgument'
        Get-CopyCalls | Should -Be 0
    }

    It 'leaves a resource already on a customer managed key alone with a warning, and reports unknown ids per item' {
        $out = Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f6ffff -KmsKeyId alias/origin-backup -Wait `
            -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -ErrorAction SilentlyContinue

        $out | Should -BeNullOrEmpty
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match 'snap-0a1b2c3d4e5f60001 is already encrypted under the customer managed key'
        $errors | Should -HaveCount 1
        $errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errors[0].TargetObject | Should -Be 'snap-0a1b2c3d4e5f6ffff'
        Get-CopyCalls | Should -Be 0
    }

    It 'encrypts an unencrypted snapshot the same way' {
        $copy = Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60003 | Convert-VaultSnapshotKey -Account $Origin -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1

        $copy.Encrypted | Should -BeTrue
        $copy.KmsKeyArn | Should -Be $OriginKeyArn
        $copy.SizeGiB | Should -Be 8
        $copy.Tags['vaultcopy:source-key'] | Should -Be 'none'
    }

    It 'removes originals only once their copies are verified' {
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 1 } | Out-Null
        $ids = 'snap-0a1b2c3d4e5f60002', 'origin-legacy-manual-awsrds', 'rds:origin-legacy-2026-01-15-03-05', 'ami-0a1b2c3d4e5f60002'

        # At real speed the copies cannot finish within a second: nothing may be deleted.
        $out = Convert-VaultSnapshotKey -Account $Origin -Id $ids -KmsKeyId alias/origin-backup -RemoveSource -Force -TimeoutSeconds 1 -PollIntervalSeconds 1 `
            -ErrorVariable timedOut -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $timedOut | Should -HaveCount 4
        $timedOut.CategoryInfo.Category | Sort-Object -Unique | Should -Be 'OperationTimeout'
        $timedOut[0].TargetObject.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Copies.VaultCopyJob'
        ($ids | Get-VaultResource -Account $Origin) | Should -HaveCount 4

        # Once they are done, the same command picks them up, verifies them and deletes the originals.
        Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ advanceSeconds = 3600 } | Out-Null
        $copies = Convert-VaultSnapshotKey -Account $Origin -Id $ids -KmsKeyId alias/origin-backup -RemoveSource -Force -PollIntervalSeconds 1 `
            -WarningVariable warnings -WarningAction SilentlyContinue

        $copies | Should -HaveCount 4
        $copies.KeyManager | Sort-Object -Unique | Should -Be 'Customer'
        Get-CopyCalls | Should -Be 4
        $left = $ids | Get-VaultResource -Account $Origin -ErrorAction SilentlyContinue -ErrorVariable gone
        # The automated snapshot is kept: RDS deletes it when its retention ends.
        $left.Id | Should -Be 'rds:origin-legacy-2026-01-15-03-05'
        "$warnings" | Should -Match 'automated snapshot'
        $gone.CategoryInfo.Category | Sort-Object -Unique | Should -Be 'ObjectNotFound'
        # The AMI went with its snapshot.
        Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60005 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports a copy that fails part-way as a non-terminating error on its job, and keeps the original' {
        Invoke-EmulatorControl -Url $Url -Path copyfailures -Method POST -Body @{ service = 'ec2'; action = 'CopySnapshot'; failAtPercent = 40 } | Out-Null
        Invoke-EmulatorControl -Url $Url -Path copyfailures -Method POST -Body @{ service = 'rds'; action = 'CopyDBSnapshot'; failAtPercent = 40 } | Out-Null
        $ids = 'snap-0a1b2c3d4e5f60002', 'origin-legacy-manual-awsrds', 'origin-legacy-ledger-manual-awsrds'

        $out = Convert-VaultSnapshotKey -Account $Origin -Id $ids -KmsKeyId alias/origin-backup -RemoveSource -Force -PollIntervalSeconds 1 `
            -ErrorVariable failures -ErrorAction SilentlyContinue

        # The cluster snapshot was not armed to fail: it alone is converted (and its original removed).
        $out.Tags['vaultcopy:source-id'] | Should -Be 'origin-legacy-ledger-manual-awsrds'
        $failures | Should -HaveCount 2
        $failures.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'ConversionFailed,*' }
        $failures.TargetObject.SourceId | Sort-Object | Should -Be ('origin-legacy-manual-awsrds', 'snap-0a1b2c3d4e5f60002')
        $failures.TargetObject.ServiceState | Sort-Object | Should -Be ('error', 'failed')
        ($failures | Where-Object { $_.TargetObject.Type -eq 'EbsSnapshot' }).ErrorDetails.Message | Should -Match 'failed: EBS said "The snapshot copy failed because of an internal error'
        ($failures | Where-Object { $_.TargetObject.Type -eq 'RdsSnapshot' }).ErrorDetails.Message | Should -Match "ended in state 'failed'"
        ('snap-0a1b2c3d4e5f60002', 'origin-legacy-manual-awsrds' | Get-VaultResource -Account $Origin) | Should -HaveCount 2
        Get-VaultResource -Account $Origin -Id origin-legacy-ledger-manual-awsrds -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'queues copies while the destination''s copy quota is full and starts them as slots free' {
        # EC2 allows one snapshot copy in flight; the others wait instead of failing.
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ ec2 = @{ concurrentSnapshotCopies = 1 } } | Out-Null
        $ids = 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003', 'snap-0a1b2c3d4e5f60005'

        $copies = Convert-VaultSnapshotKey -Account $Origin -Id $ids -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1

        $copies | Should -HaveCount 3
        $copies.KeyManager | Sort-Object -Unique | Should -Be 'Customer'
        $calls = Invoke-EmulatorControl -Url $Url -Path calls
        $calls.operations.'ec2:CopySnapshot' - $calls.errors.'ec2:CopySnapshot' | Should -Be 3
        $calls.errors.'ec2:CopySnapshot' | Should -BeGreaterOrEqual 1
        ($calls.recent | Where-Object { $_.action -eq 'CopySnapshot' -and $_.errorCode }).errorCode | Sort-Object -Unique | Should -Be 'ResourceLimitExceeded'
    }

    It 'makes an automated snapshot on a customer managed key manual under that key, and refuses an unencrypted Aurora snapshot in the preflight''s words' {
        $world = Get-DemoWorld
        $region = ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
        $region.kms.keys = @($region.kms.keys) + [pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-111111111113'; description = 'Second origin key.' }
        $region.kms.aliases = @($region.kms.aliases) + [pscustomobject]@{ name = 'alias/origin-second'; targetKeyId = 'a1b2c3d4-0000-4000-8000-111111111113' }
        $region.rds.dbSnapshots = @($region.rds.dbSnapshots) + [pscustomobject]@{
            identifier = 'rds:origin-orders-2026-01-15-03-05'; dbInstanceIdentifier = 'origin-orders'; allocatedStorage = 20; snapshotType = 'automated'; kmsKeyId = 'alias/origin-second'
        }
        $region.rds.dbClusterSnapshots = @($region.rds.dbClusterSnapshots) + [pscustomobject]@{ identifier = 'origin-plain-ledger'; dbClusterIdentifier = 'origin-plain'; encrypted = $false }
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($world | ConvertTo-Json -Depth 40) | Out-Null
        try {
            Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
            $origin = Connect-DemoOrigin -Url $Url
            $vault = Connect-DemoVault -Origin $origin
            $said = Test-VaultCopyPrereq -Source $origin -Destination $vault -Id origin-plain-ledger -KmsKeyId alias/vault-backup | Where-Object Check -eq Encryption

            $copies = Convert-VaultSnapshotKey -Account $origin -Id rds:origin-orders-2026-01-15-03-05, origin-plain-ledger -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1 `
                -ErrorVariable refused -ErrorAction SilentlyContinue

            $copies | Should -HaveCount 1
            $copies.SnapshotType | Should -Be 'manual'
            $copies.KmsKeyArn | Should -Be 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111113'
            $copies.Tags['vaultcopy:source-id'] | Should -Be 'rds:origin-orders-2026-01-15-03-05'
            $refused | Should -HaveCount 1
            $refused[0].FullyQualifiedErrorId | Should -BeLike 'UnencryptedAuroraSnapshot,*'
            $refused[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $refused[0].TargetObject.Id | Should -Be 'origin-plain-ledger'
            $said.Status | Should -Be 'Fail'
            $refused[0].Exception.Message | Should -Be $said.Message
            $refused[0].ErrorDetails.RecommendedAction | Should -Be $said.Remediation
            (Invoke-EmulatorControl -Url $Url -Path calls).operations.PSObject.Properties.Name | Should -Not -Contain 'rds:CopyDBClusterSnapshot'
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }

    It 'refuses resources of another account per item' {
        $vault = Connect-DemoVault -Origin $Origin
        $err = Get-ErrorFrom {
            Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60002 | Convert-VaultSnapshotKey -Account $vault -KmsKeyId alias/vault-backup -ErrorAction Stop
        }

        $err.FullyQualifiedErrorId | Should -BeLike 'NotOwnResource,*'
        $err.TargetObject.Id | Should -Be 'snap-0a1b2c3d4e5f60002'
        $err.ErrorDetails.Message | Should -Match 'Connect-VaultAccount'
        Get-CopyCalls | Should -Be 0
    }

    It 'shows copy jobs in a table with their progress and verification' {
        $jobs = Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/origin-backup
        $table = $jobs | Format-Table | Out-String -Width 250

        $table | Should -Match 'SourceId\s+TargetId\s+State\s+Progress\s+Verified'
        $table | Should -Match 'snap-0a1b2c3d4e5f60002\s+snap-[0-9a-f]{17}\s+InProgress'
    }
}
