BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultAccountId = '222222222222'
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
    $script:DemoBackups = @('snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003', 'ami-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60002',
        'origin-orders-manual-cmk', 'origin-legacy-manual-awsrds', 'rds:origin-legacy-2026-01-15-03-05', 'origin-ledger-manual-cmk', 'origin-legacy-ledger-manual-awsrds')

    function script:Set-TimeScale([double] $Scale) { Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = $Scale } | Out-Null }
    function script:Get-WorldState { (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 30 -Compress }
    function script:Get-Calls { Invoke-EmulatorControl -Url $Url -Path calls }
    function script:Get-CallCount([string] $Operation) { $ops = (Get-Calls).operations; if ($ops.PSObject.Properties[$Operation]) { $ops.$Operation } else { 0 } }
    function script:Get-SuccessfulMutation {
        @((Get-Calls).recent | Where-Object { $_.status -lt 300 -and $_.action -match '^(Copy|Modify|Put|Create|Delete|Deregister|Register|Reset)' })
    }

    # Every backup of the origin still shared with the vault (all shares read, one attribute call each: a test may).
    function script:Get-SharesLeft {
        param($Account)
        @(Get-VaultResource -Account $Account | Where-Object { $_.SharedWith -contains $VaultAccountId } | ForEach-Object Id)
    }

    # Vault copies per source lineage: more than one is a duplicate.
    function script:Get-Duplicates {
        @(Get-VaultCopy -Destination $Vault | Group-Object SourceArn, TargetRegion | Where-Object Count -gt 1 | ForEach-Object Name)
    }

    function script:Invoke-All {
        param([hashtable] $Extra = @{})
        Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess `
            -PollIntervalSeconds 1 -Confirm:$false @Extra
    }

    # A second origin (333333333333) with three unencrypted 20 GiB EBS snapshots, beside the demo world.
    function script:Set-TwoOriginWorld {
        $world = Get-DemoWorld
        $second = [pscustomobject]@{
            id      = '333333333333'
            alias   = 'origin-two'
            users   = @([pscustomobject]@{
                    name           = 'origin2-admin'
                    accessKeys     = @([pscustomobject]@{ accessKeyId = 'AKIAORIGINTWOADMIN01'; secretAccessKey = 'originTwoAdminSecretKy/FAKE/DemoOnly+001' })
                    inlinePolicies = [pscustomobject]@{ Admin = [pscustomobject]@{ Version = '2012-10-17'; Statement = @([pscustomobject]@{ Effect = 'Allow'; Action = '*'; Resource = '*' }) } }
                })
            regions = [pscustomobject]@{
                'eu-west-1' = [pscustomobject]@{
                    ec2 = [pscustomobject]@{
                        snapshots = @(1..3 | ForEach-Object { [pscustomobject]@{ id = "snap-0b00000000000000$_"; volumeSize = 20; encrypted = $false } })
                    }
                }
            }
        }
        $world.accounts += $second
        # A second vault Region with its own vault key.
        $vaultAccount = $world.accounts | Where-Object id -eq '222222222222'
        $vaultAccount.regions | Add-Member -NotePropertyName 'eu-central-1' -NotePropertyValue ([pscustomobject]@{
                kms = [pscustomobject]@{
                    keys    = @([pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-444444444444'; description = 'Vault key in Frankfurt.' })
                    aliases = @([pscustomobject]@{ name = 'alias/vault-backup-fra'; targetKeyId = 'a1b2c3d4-0000-4000-8000-444444444444' })
                }
            })
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($world | ConvertTo-Json -Depth 40) | Out-Null
    }

    function script:Restore-DemoWorld {
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Get-VaultCopyPlan' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    It 'selects backups as Get-VaultResource does: named ones (also piped as strings) narrowed by -Tag, -Type and -CreatedAfter alike' {
        $named = 'snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002', 'snap-0a1b2c3d4e5f60003', 'origin-orders-manual-cmk'
        $filters = @{ Tag = @{ Backup = 'daily' }; Type = 'EbsSnapshot'; CreatedAfter = [datetime]'2000-01-01' }

        $resources = Get-VaultResource -Account $Origin -Id $named @filters
        $plan = $named | Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup @filters

        ($resources.Id | Sort-Object) | Should -Be @('snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002')
        ($plan.Id | Sort-Object) | Should -Be ($resources.Id | Sort-Object)
    }

    It 'plans every backup once, by reads only: default-key and automated ones refused with the Convert-VaultSnapshotKey remedy, unencrypted ones copied, backing snapshots part of their AMI' {
        $before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $plan = Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup

        Get-WorldState | Should -Be $before
        Get-SuccessfulMutation | Should -BeNullOrEmpty
        $plan[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Orchestration.VaultCopyPlanItem'
        ($plan.Id | Sort-Object) | Should -Be ($DemoBackups | Sort-Object)
        $plan.Id | Should -Not -Contain 'snap-0a1b2c3d4e5f60004'   # ami-…60001's snapshot
        $plan.Id | Should -Not -Contain 'snap-0a1b2c3d4e5f60005'

        $unencrypted = $plan | Where-Object Id -eq 'snap-0a1b2c3d4e5f60003'
        $unencrypted.Action | Should -Be 'Copy'
        $unencrypted.Steps | Should -Be @('Share', 'Copy')
        $unencrypted.Destinations[0].KmsKeyArn | Should -Be $VaultKeyArn

        foreach ($id in 'snap-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60002', 'origin-legacy-manual-awsrds', 'rds:origin-legacy-2026-01-15-03-05') {
            $item = $plan | Where-Object Id -eq $id
            $item.Action | Should -Be 'Refuse' -Because $id
            $item.ErrorId | Should -BeIn 'SourceOnAwsManagedKey', 'AutomatedSnapshot'
            $item.Remediation | Should -Match 'Convert-VaultSnapshotKey'
            $item.Remediation | Should -Match '-ConvertKeyId'
        }

        # The origin key's policy does not name the vault yet: the same refusal the copy would meet, with its fix.
        $cmk = $plan | Where-Object Id -eq 'snap-0a1b2c3d4e5f60001'
        $cmk.Action | Should -Be 'Refuse'
        $cmk.ErrorId | Should -Be 'KeyAccessMissing'
        $cmk.Remediation | Should -Match 'Grant-VaultKeyAccess -Source \$origin -Destination \$vault -KeyId arn:aws:kms:eu-west-1:111111111111:key/'

        # Whether each backup is shared with the vault: one filtered describe, never one attribute call per snapshot or AMI.
        (Get-Calls).operations.PSObject.Properties.Name | Should -Not -Contain 'ec2:DescribeSnapshotAttribute'
        (Get-Calls).operations.PSObject.Properties.Name | Should -Not -Contain 'ec2:DescribeImageAttribute'
    }

    It 'with -ConvertKeyId and -GrantKeyAccess plans conversions and the key policy changes with their diffs' {
        $plan = Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess

        ($plan | Where-Object Action -eq Refuse) | Should -BeNullOrEmpty
        ($plan | Where-Object Action -eq Convert).Id | Sort-Object | Should -Be (@('ami-0a1b2c3d4e5f60002', 'origin-legacy-ledger-manual-awsrds', 'origin-legacy-manual-awsrds', 'rds:origin-legacy-2026-01-15-03-05', 'snap-0a1b2c3d4e5f60002') | Sort-Object)
        ($plan | Where-Object Id -eq 'snap-0a1b2c3d4e5f60002').Steps | Should -Be @('Convert', 'Share', 'Copy')
        $changes = $plan.KeyAccessChanges | Sort-Object Target -Unique
        $changes.Target | Should -Contain 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
        ($changes | Where-Object Target -like '*111111111111*').Diff | Should -Match 'VaultCopyUseKey-222222222222'
    }

    It 'Invoke-VaultCopy -PlanOnly returns the same plan items and changes nothing' {
        $before = Get-WorldState
        $plan = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess -PlanOnly
        Get-WorldState | Should -Be $before
        $plan | Should -HaveCount 10
        $plan[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Orchestration.VaultCopyPlanItem'
        ($plan | Where-Object Action -eq Convert) | Should -HaveCount 5
    }

    It 'refuses bad accounts and keys with a clear error and changes nothing: <Case>' -ForEach @(
        @{ Case = 'no key for one of the Regions'; Arguments = @{ DestinationRegion = @('eu-west-1', 'eu-central-1'); KmsKeyId = @{ 'eu-west-1' = 'alias/vault-backup' } }; ErrorId = 'VaultKeyRequired'; Category = 'InvalidArgument'; Fix = 'one key per destination Region' }
        @{ Case = 'the origin given as the vault'; Arguments = @{ KmsKeyId = 'alias/vault-backup'; SameAccount = $true }; ErrorId = 'SameAccount'; Category = 'InvalidArgument'; Fix = 'Connect -Destination to the vault account' }
        @{ Case = 'an AWS managed key as the vault key'; Arguments = @{ KmsKeyId = 'alias/aws/ebs' }; ErrorId = '*'; Category = 'InvalidArgument'; Fix = '' }
    ) {
        $before = Get-WorldState
        $parameters = @{ Source = $Origin; Destination = $Vault; Confirm = $false; ErrorAction = 'Stop' }
        foreach ($k in $Arguments.Keys) { if ($k -ne 'SameAccount') { $parameters[$k] = $Arguments[$k] } }
        if ($Arguments.SameAccount) { $parameters.Destination = $Origin }
        $err = $null
        try { Invoke-VaultCopy @parameters } catch { $err = $_ }

        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err.CategoryInfo.Category | Should -Be $Category
        if ($Fix) { $err.ErrorDetails.Message | Should -Match ([regex]::Escape($Fix)) }
        Get-WorldState | Should -Be $before
    }

    It 'refuses a vault key that is not the vault''s, before reading any backup' {
        { Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/aws/ebs -ErrorAction Stop } | Should -Throw -ErrorId '*'
        try { Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/aws/ebs -ErrorAction Stop } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-CallCount 'ec2:DescribeSnapshots') | Should -Be 0
    }
}

Describe 'Invoke-VaultCopy' {
    BeforeEach {
        Reset-TestEmulator $Url
        Set-TimeScale 1200
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        $script:Journal = Join-Path $TestDrive "journal-$([guid]::NewGuid().ToString('n')).jsonl"
    }

    It 'vaults every backup of the demo world (converting, granting, sharing, copying), withdraws every share, reports, and a rerun copies nothing' {
        $report = Join-Path $TestDrive 'report'
        $result = Invoke-All @{ JournalPath = $Journal; ReportPath = $report }

        $outcomes = $result | Where-Object { $_.PSObject.TypeNames[0] -eq 'VaultCopy.Core.Orchestration.VaultCopyOutcome' }
        $summary = $result[-1]
        $summary.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Orchestration.VaultCopyRunSummary'
        ($outcomes.Id | Sort-Object) | Should -Be ($DemoBackups | Sort-Object)
        ($outcomes | Where-Object Outcome -ne 'Vaulted') | Should -BeNullOrEmpty
        $summary.Vaulted | Should -Be 10
        $summary.SharesLeft | Should -Be 0
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
        Get-Duplicates | Should -BeNullOrEmpty
        foreach ($copy in Get-VaultCopy -Destination $Vault) { $copy.TargetKeyArn | Should -Be $VaultKeyArn }

        # The report: JSON with the summary and outcomes, CSV of flat columns without type names.
        $json = Get-Content -Raw "$report.json" | ConvertFrom-Json
        $json.Summary.Vaulted | Should -Be 10
        $json.Outcomes | Should -HaveCount 10
        $csv = Import-Csv "$report.csv"
        $csv | Should -HaveCount 10
        $csv[0].PSObject.Properties.Name | Should -Contain 'VaultCopies'
        (Get-Content -Raw "$report.csv") | Should -Not -Match 'VaultCopy\.Core|System\.'
        $summary.ReportPath | Should -Be "$report.json"

        # The journal: JSON lines, one step each.
        $events = Get-Content $Journal | ForEach-Object { ($_ | ConvertFrom-Json).event }
        foreach ($e in 'run-start', 'planned', 'key-access', 'converted', 'shared', 'copy-started', 'verified', 'withdrawn', 'outcome', 'run-end') { $events | Should -Contain $e }

        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null
        $again = Invoke-All @{ JournalPath = $Journal }
        ($again | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }).Outcome | Sort-Object -Unique | Should -Be 'AlreadyVaulted'
        $copies = 0; foreach ($op in 'ec2:CopySnapshot', 'ec2:CopyImage', 'rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot', 'ec2:ModifySnapshotAttribute', 'rds:ModifyDBSnapshotAttribute') { $copies += Get-CallCount $op }
        $copies | Should -Be 0
    }

    It 'waits out shares throttled or answered with 5xx past the SDK''s retries: every backup vaulted, once, no shares left' {
        # Each run outlasts the SDK's own attempts (EC2: 3, the query client: 5) at least twice.
        $faults = @(
            @{ service = 'ec2'; action = 'ModifySnapshotAttribute'; accountId = '111111111111'; code = 'RequestLimitExceeded'; httpStatus = 503; count = 7 }
            @{ service = 'rds'; action = 'ModifyDBSnapshotAttribute'; accountId = '111111111111'; code = 'Throttling'; httpStatus = 400; count = 11 }
            @{ service = 'ec2'; action = 'ModifyImageAttribute'; accountId = '111111111111'; code = 'InternalError'; httpStatus = 500; count = 7 }
            @{ service = 'rds'; action = 'ModifyDBClusterSnapshotAttribute'; accountId = '111111111111'; code = 'ServiceUnavailable'; httpStatus = 503; count = 11 }
        )
        foreach ($fault in $faults) { Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body ($fault + @{ message = 'Injected by the test' }) | Out-Null }
        try {
            $result = Invoke-All
            $left = (Invoke-EmulatorControl -Url $Url -Path faults).faults
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path faults -Method DELETE | Out-Null
        }

        $outcomes = $result | Where-Object { $_.PSObject.TypeNames[0] -eq 'VaultCopy.Core.Orchestration.VaultCopyOutcome' }
        ($outcomes | Where-Object Outcome -ne 'Vaulted' | ForEach-Object { "$($_.Id): $($_.Outcome) $($_.ErrorId) $($_.Cause)" }) | Should -BeNullOrEmpty
        $outcomes | Should -HaveCount 10
        $left.remaining | Sort-Object -Unique | Should -Be 0
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
        Get-Duplicates | Should -BeNullOrEmpty
    }

    It '-LockDays locks each verified EBS and AMI copy, says per RDS copy what protects it, and -RetainDays keeps the newest copies' {
        $all = @(Invoke-All @{ JournalPath = $Journal; LockDays = 7; RetainDays = 1 } 3>&1)
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
        $result = @($all | Where-Object { $_ -isnot [System.Management.Automation.WarningRecord] })
        $result[-1].Vaulted | Should -Be 10

        $copies = @(Get-VaultCopy -Destination $Vault)
        $lockable = @($copies | Where-Object Type -in 'EbsSnapshot', 'Ami')
        $lockable | Should -Not -BeNullOrEmpty
        foreach ($copy in $lockable) { "$($copy.LockState)" | Should -Be 'Governance' -Because "$($copy.Type) $($copy.TargetId) was verified" }
        foreach ($copy in $copies | Where-Object Type -in 'RdsSnapshot', 'AuroraClusterSnapshot') {
            "$($copy.LockState)" | Should -Be 'NotLockable'
            ($warnings -join "`n") | Should -Match ([regex]::Escape("Lock $($copy.TargetId)"))
        }
        # Every copy is the newest of its series: a retention rule never removes it.
        $copies | Should -HaveCount 10
    }

    It 'a timeout during the conversions leaves the backups being converted Pending, not a crash' {
        Set-TimeScale 20
        $result = @(Invoke-All @{ JournalPath = $Journal; TimeoutSeconds = 1 })
        $outcomes = @($result | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' })

        $result[-1].TimedOut | Should -BeTrue
        $converting = @($outcomes | Where-Object Planned -eq 'Convert')
        $converting | Should -Not -BeNullOrEmpty
        $converting.Outcome | Sort-Object -Unique | Should -Be 'Pending'
        $outcomes | Where-Object Outcome -eq 'Failed' | Should -BeNullOrEmpty
    }

    It '-WhatIf prints the summary line, then the plan items, and changes nothing' {
        $before = Get-WorldState
        $key = Get-DemoAccessKey origin-admin
        $run = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath'
`$origin = Connect-VaultAccount -AccessKey $($key.accessKeyId) -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl $Url
`$vault = Connect-VaultAccount -SourceAccount `$origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId vaultcopy-demo
Invoke-VaultCopy -Source `$origin -Destination `$vault -KmsKeyId alias/vault-backup -WhatIf
"@
        $run.ExitCode | Should -Be 0
        $text = $run.Output -join "`n"
        $text | Should -Match 'What if: 1 to copy, 0 to convert, 0 already vaulted, 9 refused'
        $text | Should -Match 'Share, Copy: EbsSnapshot snap-0a1b2c3d4e5f60003'
        $text | Should -Match 'Refuse EbsSnapshot snap-0a1b2c3d4e5f60002'
        Get-WorldState | Should -Be $before
    }

    It 'a timeout stops cleanly with Pending outcomes, keeps their shares, and the next run completes them' {
        Set-TimeScale 2
        $first = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id origin-orders-manual-cmk, snap-0a1b2c3d4e5f60003 -GrantKeyAccess `
            -JournalPath $Journal -TimeoutSeconds 3 -PollIntervalSeconds 1 -Confirm:$false
        $pending = $first | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }
        $pending.Outcome | Sort-Object -Unique | Should -Be 'Pending'
        $pending[0].Remediation | Should -Match 'Run the same command again'
        $first[-1].TimedOut | Should -BeTrue
        $first[-1].Pending | Should -Be 2

        Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ advanceSeconds = 900 } | Out-Null
        $second = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id origin-orders-manual-cmk, snap-0a1b2c3d4e5f60003 -GrantKeyAccess `
            -JournalPath $Journal -TimeoutSeconds 60 -PollIntervalSeconds 1 -Confirm:$false
        ($second | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }).Outcome | Sort-Object -Unique | Should -Be 'AlreadyVaulted'
        $second[-1].SharesLeft | Should -Be 0
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
        Get-Duplicates | Should -BeNullOrEmpty
    }

    It 'killed in the middle of the run and run again: no duplicates, no shares left, nothing lost' {
        Set-TimeScale 40
        $key = Get-DemoAccessKey origin-admin
        $script = Join-Path $TestDrive 'killed.ps1'
        Set-Content $script @"
Import-Module '$ModulePath'
`$origin = Connect-VaultAccount -AccessKey $($key.accessKeyId) -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl $Url
`$vault = Connect-VaultAccount -SourceAccount `$origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId vaultcopy-demo
Invoke-VaultCopy -Source `$origin -Destination `$vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess -JournalPath '$Journal' -PollIntervalSeconds 1 -Confirm:`$false
"@
        $dll = Join-Path $PSHOME 'pwsh.dll'
        $arguments = if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') { @($dll, '-NoProfile', '-NonInteractive', '-File', $script) } else { @('-NoProfile', '-NonInteractive', '-File', $script) }
        $process = Start-Process -FilePath ([Environment]::ProcessPath) -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'killed.out') -RedirectStandardError (Join-Path $TestDrive 'killed.err')
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline -and -not ((Test-Path $Journal) -and (Select-String -Path $Journal -Pattern '"copy-started"' -Quiet))) {
            Start-Sleep -Milliseconds 100
        }
        $process.HasExited | Should -BeFalse -Because 'the run is killed while copies are in flight'
        Stop-Process -Id $process.Id -Force
        $process.WaitForExit()
        (Get-Content $Journal | Select-String '"run-end"') | Should -BeNullOrEmpty

        Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ advanceSeconds = 900 } | Out-Null
        Set-TimeScale 1200
        $result = Invoke-All @{ JournalPath = $Journal }

        $outcomes = $result | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }
        ($outcomes.Id | Sort-Object) | Should -Be ($DemoBackups | Sort-Object)
        ($outcomes | Where-Object Outcome -notin 'Vaulted', 'AlreadyVaulted') | Should -BeNullOrEmpty
        Get-Duplicates | Should -BeNullOrEmpty
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
        # One conversion per original, too.
        @(Get-VaultResource -Account $Origin | Where-Object { $_.Tags['vaultcopy:purpose'] -eq 'convert' -and $_.Type -ne 'EbsSnapshot' -or ($_.Tags['vaultcopy:purpose'] -eq 'convert' -and $_.Tags['vaultcopy:source-id'] -like 'snap-*') } |
            Group-Object { $_.Tags['vaultcopy:source-arn'] } | Where-Object Count -gt 1) | Should -BeNullOrEmpty
    }

    It 'withdraws the share of an AMI''s snapshot that an earlier run left after withdrawing the image''s (cut between the two calls)' {
        $first = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id ami-0a1b2c3d4e5f60001 -GrantKeyAccess -JournalPath $Journal -PollIntervalSeconds 1 -Confirm:$false
        $first[0].Outcome | Should -Be 'Vaulted'
        # What a run killed (or throttled past its retries) between the image's withdrawal and its snapshot's leaves.
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60004 | Out-Null
        Get-SharesLeft $Origin | Should -Be @('snap-0a1b2c3d4e5f60004')

        $second = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id ami-0a1b2c3d4e5f60001 -GrantKeyAccess -JournalPath $Journal -PollIntervalSeconds 1 -Confirm:$false

        $second[0].Outcome | Should -Be 'AlreadyVaulted'
        $second[0].ShareWithdrawn | Should -BeTrue
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
    }

    It 'starts its copies as soon as another tool''s copies free the EBS slots (free slots recounted every round)' {
        Set-TimeScale 60
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ ec2 = @{ concurrentSnapshotCopies = 1 } } | Out-Null
        # Another tool's copy (a colleague's script) holds the only slot for about 4 s.
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup | Out-Null

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id snap-0a1b2c3d4e5f60003 -MaxConcurrentCopies 1 -JournalPath $Journal -TimeoutSeconds 30 -PollIntervalSeconds 1 -Confirm:$false
        $clock.Stop()

        $result[0].Outcome | Should -Be 'Vaulted'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 20
    }

    It 'does not count an AMI copy''s snapshots against the EBS snapshot-copy quota (AMI copies have their own)' {
        Set-TimeScale 30
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ ec2 = @{ concurrentSnapshotCopies = 1 } } | Out-Null
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 | Copy-VaultImage -Destination $Vault -KmsKeyId alias/vault-backup | Out-Null

        $result = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id snap-0a1b2c3d4e5f60003 -MaxConcurrentCopies 1 -JournalPath $Journal -TimeoutSeconds 4 -PollIntervalSeconds 1 -Confirm:$false

        $result[0].Outcome | Should -Be 'Vaulted' -Because 'the pending AMI copy holds no EBS slot, in AWS and in the emulator'
    }
}

Describe 'Invoke-VaultCopy with two origins and two vault Regions' {
    BeforeAll { Set-TwoOriginWorld }
    AfterAll { Restore-DemoWorld }

    BeforeEach {
        Reset-TestEmulator $Url
        Set-TimeScale 600
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        $script:Origin2 = Connect-VaultAccount -AccessKey AKIAORIGINTWOADMIN01 -SecretKey 'originTwoAdminSecretKy/FAKE/DemoOnly+001' -Region eu-west-1 -EndpointUrl $Url
    }

    It 'refuses a named backup that no origin has: an ARN of another account, or an id none of the origins knows' {
        $foreign = 'arn:aws:ec2:eu-west-1:444444444444:snapshot/snap-0b000000000000001'
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        foreach ($case in @{ Id = $foreign; ErrorId = 'ArnOfOtherAccount'; Category = 'InvalidArgument' }, @{ Id = 'snap-0c0000000000000ff'; ErrorId = 'ResourceNotFound'; Category = 'ObjectNotFound' }) {
            $err = $null
            try { Get-VaultCopyPlan -Source $Origin, $Origin2 -Destination $Vault -KmsKeyId alias/vault-backup -Id 'snap-0b000000000000001', $case.Id -ErrorAction Stop } catch { $err = $_ }

            $err | Should -Not -BeNullOrEmpty -Because "$($case.Id) is in neither origin"
            $err.FullyQualifiedErrorId | Should -BeLike "$($case.ErrorId),*"
            $err.CategoryInfo.Category | Should -Be $case.Category
            $err.TargetObject | Should -Be $case.Id
            $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }
        Get-SuccessfulMutation | Should -BeNullOrEmpty
    }

    It 'vaults both origins through one scheduler that shares the vault''s EBS copy quota' {
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ ec2 = @{ concurrentSnapshotCopies = 2 } } | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $result = Invoke-VaultCopy -Source $Origin, $Origin2 -Destination $Vault -KmsKeyId alias/vault-backup -Type EbsSnapshot -GrantKeyAccess -MaxConcurrentCopies 2 `
            -JournalPath (Join-Path $TestDrive 'two.jsonl') -PollIntervalSeconds 1 -Confirm:$false -WarningAction SilentlyContinue
        $outcomes = $result | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }

        ($outcomes | Where-Object OriginAccountId -eq '333333333333').Outcome | Should -Be @('Vaulted', 'Vaulted', 'Vaulted')
        ($outcomes | Where-Object OriginAccountId -eq '111111111111' | Where-Object Id -in 'snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60003').Outcome | Should -Be @('Vaulted', 'Vaulted')
        ($outcomes | Where-Object Id -eq 'snap-0a1b2c3d4e5f60002').Outcome | Should -Be 'Refused'
        # Never more copies in flight than the vault's 2 slots, all origins together: EC2 never had to refuse one.
        $errors = (Get-Calls).errors
        if ($errors.PSObject.Properties['ec2:CopySnapshot']) { $errors.'ec2:CopySnapshot' | Should -Be 0 }
        Get-SharesLeft $Origin2 | Should -BeNullOrEmpty
        Get-Duplicates | Should -BeNullOrEmpty
    }

    It 'copies into every vault Region under that Region''s key (-KmsKeyId as a hashtable) and withdraws the share once both are verified' {
        $result = Invoke-VaultCopy -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60003, origin-orders-manual-cmk -GrantKeyAccess `
            -DestinationRegion eu-west-1, eu-central-1 -KmsKeyId @{ 'eu-west-1' = 'alias/vault-backup'; 'eu-central-1' = 'alias/vault-backup-fra' } `
            -JournalPath (Join-Path $TestDrive 'regions.jsonl') -PollIntervalSeconds 1 -Confirm:$false
        $outcomes = $result | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }

        $outcomes.Outcome | Should -Be @('Vaulted', 'Vaulted')
        foreach ($outcome in $outcomes) {
            $outcome.VaultCopies | Should -Match 'eu-west-1:'
            $outcome.VaultCopies | Should -Match 'eu-central-1:'
            $outcome.ShareWithdrawn | Should -BeTrue
        }
        $frankfurt = Connect-VaultAccount -SourceAccount $Origin -RoleArn 'arn:aws:iam::222222222222:role/VaultCopyVault' -ExternalId 'vaultcopy-demo' -Region eu-central-1
        (Get-VaultCopy -Destination $frankfurt).TargetKeyArn | Sort-Object -Unique | Should -Be 'arn:aws:kms:eu-central-1:222222222222:key/a1b2c3d4-0000-4000-8000-444444444444'
        Get-SharesLeft $Origin | Should -BeNullOrEmpty
    }
}
