BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
    # One of each type, all on the origin's customer managed key alias/origin-backup.
    $script:CustomerKeyResources = 'snap-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk'

    function script:Use-World {
        # Loads a fixture (the demo world, or a variant of it); later resets return to it.
        param([Parameter(Mandatory)] $World)
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($World | ConvertTo-Json -Depth 50) | Out-Null
        Reset-TestEmulator $Url
    }

    function script:Get-WorldState {
        $state = Invoke-EmulatorControl -Url $Url -Path state
        $state.PSObject.Properties.Remove('time')
        $state | ConvertTo-Json -Depth 50
    }

    function script:Get-SuccessfulMutation {
        # A call that could change something and succeeded; DryRun probes answer 412 (or fail earlier).
        (Invoke-EmulatorControl -Url $Url -Path calls).recent |
            Where-Object { $_.action -notmatch '^(Describe|Get|List|Simulate|AssumeRole)' -and $_.status -lt 300 } |
            ForEach-Object { "$($_.service):$($_.action)" }
    }

    function script:Get-DemoWorldGrantingTheVault {
        # What Grant-VaultKeyAccess writes: the default statement kept, the vault account's two statements added.
        $world = Get-DemoWorld
        $originKey = ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.kms.keys[0]
        $policy = [ordered]@{
            Version   = '2012-10-17'
            Id        = 'key-default-1'
            Statement = @(
                [ordered]@{ Sid = 'Enable IAM User Permissions'; Effect = 'Allow'; Principal = @{ AWS = 'arn:aws:iam::111111111111:root' }; Action = 'kms:*'; Resource = '*' }
                [ordered]@{ Sid = 'VaultCopyUseKey-222222222222'; Effect = 'Allow'; Principal = @{ AWS = 'arn:aws:iam::222222222222:root' }
                    Action = @('kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'); Resource = '*' }
                [ordered]@{ Sid = 'VaultCopyAttachPersistentResources-222222222222'; Effect = 'Allow'; Principal = @{ AWS = 'arn:aws:iam::222222222222:root' }
                    Action = @('kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'); Resource = '*'; Condition = @{ Bool = @{ 'kms:GrantIsForAWSResource' = 'true' } } }
            )
        }
        $originKey | Add-Member -NotePropertyName policy -NotePropertyValue $policy
        $world
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Test-VaultCopyPrereq on the untouched demo world' {
    BeforeAll {
        Use-World (Get-DemoWorld)
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        $script:Before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null
        $script:Results = Get-VaultResource -Account $Origin | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup
    }

    It 'emits VaultPrereqResult objects with a table view of Status, Check, Side, Target, Message' {
        $Results[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Preflight.VaultPrereqResult'
        $header = ($Results | Select-Object -First 1 | Format-Table | Out-String -Width 300) -split "`n" | Where-Object { $_ -match '\S' } | Select-Object -First 1
        $header | Should -Match '^Status\s+Check\s+Side\s+Target\s+Message'
    }

    It 'fails the resources on AWS managed keys with Convert-VaultSnapshotKey as the fix' {
        foreach ($target in 'snap-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60002/snap-0a1b2c3d4e5f60005', 'origin-legacy-manual-awsrds', 'origin-legacy-ledger-manual-awsrds') {
            $result = $Results | Where-Object { $_.Check -eq 'Encryption' -and $_.Target -eq $target }
            $result.Status | Should -Be 'Fail' -Because $target
            $result.Message | Should -Match 'AWS managed key aws/(ebs|rds)'
            $result.Remediation | Should -Match "^Convert-VaultSnapshotKey -Account \`$origin -Id '$([regex]::Escape($target.Split('/')[0]))' -KmsKeyId <customer managed key>$"
        }
    }

    It 'fails the automated RDS snapshot: it must become a manual snapshot first' {
        $result = $Results | Where-Object { $_.Check -eq 'ManualSnapshot' -and $_.Target -eq 'rds:origin-legacy-2026-01-15-03-05' }
        $result.Status | Should -Be 'Fail'
        $result.Message | Should -Match 'automated'
        $result.Remediation | Should -BeLike "Convert-VaultSnapshotKey -Account `$origin -Id 'rds:origin-legacy-2026-01-15-03-05' -KmsKeyId *"
    }

    It 'fails the origin key policy, which does not name the vault, with Grant-VaultKeyAccess as the fix' {
        $result = $Results | Where-Object { $_.Check -eq 'SourceKeyPolicy' }
        $result.Status | Should -Be 'Fail'
        $result.Target | Should -Be $OriginKeyArn
        $result.Message | Should -Match 'kms:Decrypt'
        $result.Remediation | Should -Be "Grant-VaultKeyAccess -Source `$origin -Destination `$vault -KeyId $OriginKeyArn"
    }

    It 'passes what is already right: the accounts, the vault key and the permissions to share and copy' {
        foreach ($check in 'AccountReachable', 'DistinctAccounts', 'SamePartition', 'Regions', 'DestinationKey', 'DestinationKeyPolicy', 'DestinationKeyIdentityPolicy', 'DestinationIdentityPolicy') {
            $Results | Where-Object Check -eq $check | ForEach-Object { $_.Status | Should -Be 'Pass' -Because "$check $($_.Target): $($_.Message)" }
        }
        ($Results | Where-Object { $_.Check -eq 'SourceCanShare' -and $_.Target -eq 'snap-0a1b2c3d4e5f60001' }).Status | Should -Be 'Pass'
    }

    It 'changed nothing: same world, and no share, copy or policy call went through' {
        Get-WorldState | Should -Be $Before
        Get-SuccessfulMutation | Should -BeNullOrEmpty
        $calls = Invoke-EmulatorControl -Url $Url -Path calls
        $calls.operations.'ec2:ModifySnapshotAttribute' | Should -BeGreaterThan 0
        $calls.recent | Where-Object action -like 'Modify*Attribute' | ForEach-Object { $_.errorCode | Should -Be 'DryRunOperation' }
    }

    It 'never shows a credential' {
        $text = $Results | ConvertTo-Json -Depth 5
        $text | Should -Not -Match ([regex]::Escape((Get-DemoAccessKey origin-admin).secretAccessKey))
        $text | Should -Not -Match 'AKIA|ASIA'
    }

    It 'returns only $false with -Quiet' {
        $quiet = Get-VaultResource -Account $Origin | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Quiet
        $quiet | Should -BeExactly $false
    }
}

Describe 'Test-VaultCopyPrereq once the origin key policy names the vault' {
    BeforeAll {
        Use-World (Get-DemoWorldGrantingTheVault)
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
        $script:Before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null
        $script:Resources = Get-VaultResource -Account $Origin -Id $CustomerKeyResources
        $script:Results = $Resources | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup
    }

    AfterAll {
        Use-World (Get-DemoWorld)
    }

    It 'passes every check for the customer-key resources of all four types' {
        $Results | Where-Object Status -ne 'Pass' | ForEach-Object { "$($_.Status) $($_.Check) $($_.Target): $($_.Message)" } | Should -BeNullOrEmpty
        ($Results | Where-Object Check -eq 'SourceKeyPolicy').Message | Should -Match 'VaultCopyUseKey-222222222222'
        foreach ($id in $CustomerKeyResources) {
            $Results | Where-Object { $_.Check -eq 'DestinationCanCopy' -and $_.Target -eq $id } | Should -HaveCount 1
        }
    }

    It 'returns only $true with -Quiet' {
        $Resources | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Quiet | Should -BeExactly $true
    }

    It 'still changed nothing' {
        Get-WorldState | Should -Be $Before
        Get-SuccessfulMutation | Should -BeNullOrEmpty
    }

    It 'binds ids, ARNs and AWS Tools objects as well as VaultResource objects' {
        $inputs = @(
            'snap-0a1b2c3d4e5f60001'
            'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'
            [pscustomobject]@{ ImageId = 'ami-0a1b2c3d4e5f60001'; Name = 'app-server-2026-11-01' }
            [pscustomobject]@{ DBClusterSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk' }
        )
        $results = $inputs | Test-VaultCopyPrereq -Source $Origin -Destination $Vault
        ($results | Where-Object Check -eq 'ResourceState').Target | Should -Be 'snap-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'ami-0a1b2c3d4e5f60001', 'origin-ledger-manual-cmk'
        ($results | Where-Object Check -eq 'DestinationKey').Status | Should -Be 'Warning' -Because 'no -KmsKeyId was given'
    }
}

Describe 'Test-VaultCopyPrereq with bad input' {
    BeforeAll {
        Use-World (Get-DemoWorld)
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    It 'writes a non-terminating InvalidArgument error with the input as target, checks the rest, and changes nothing' {
        $before = Get-WorldState
        $results = 'not an id!', 'snap-0a1b2c3d4e5f60001' | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -ErrorVariable problems -ErrorAction SilentlyContinue

        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResourceId,*'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].TargetObject | Should -Be 'not an id!'
        $problems[0].ErrorDetails.Message | Should -Match 'Pass a snap-/ami- id'
        ($results | Where-Object Check -eq 'ResourceState').Target | Should -Be 'snap-0a1b2c3d4e5f60001'
        Get-WorldState | Should -Be $before
    }

    It 'refuses an object that names no resource' {
        $thing = [pscustomobject]@{ Colour = 'blue' }
        $null = $thing | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -ErrorVariable problems -ErrorAction SilentlyContinue

        # Typed binding: it is no VaultCopy output (-InputObject) and has no id property, so -Id gets its text, which names nothing.
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'InvalidResourceId,*'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].TargetObject | Should -Be "$thing"
    }

    It 'answers $false with -Quiet when an input was rejected' {
        'not an id!' | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Quiet -ErrorAction SilentlyContinue | Should -BeExactly $false
    }

    It 'reports a missing resource as a failed check with the command that lists what exists' {
        $result = Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Resource snap-0123456789abcdef0 | Where-Object Check -eq 'ResourceState'
        $result.Status | Should -Be 'Fail'
        $result.Remediation | Should -Match 'Get-VaultResource -Account \$origin'
    }

    It 'fails when -Source and -Destination are the same account' {
        $result = Test-VaultCopyPrereq -Source $Origin -Destination $Origin | Where-Object Check -eq 'DistinctAccounts'
        $result.Status | Should -Be 'Fail'
    }
}

Describe 'Test-VaultCopyPrereq help' {
    It 'documents every parameter and has examples' {
        $help = Get-Help Test-VaultCopyPrereq -Full
        $help.Synopsis | Should -Match 'prerequisite'
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        foreach ($name in 'Source', 'Destination', 'Id', 'InputObject', 'KmsKeyId', 'Quiet') {
            ($help.Parameters.Parameter | Where-Object Name -eq $name).Description | Should -Not -BeNullOrEmpty -Because $name
        }
    }
}
