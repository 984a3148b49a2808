BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SignedAwsQuery.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'Lifecycle.TestHelper.ps1')
    Import-Module $ModulePath -Force

    $script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
    # The demo world seeded with every finding: public backups of each kind, a share with a third account, a vault
    # that blocks public access, a vault key the origin may use, and a disabled and a retiring vault key.
    $script:Fixture = New-LifecycleFixture -Edit {
        param($world)
        $origin = ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
        $origin.ec2.snapshots = @($origin.ec2.snapshots) + @(
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6b001'; volumeSize = 8; encrypted = $false; createVolumePermission = @([pscustomobject]@{ group = 'all' }) }
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6b002'; volumeSize = 8; encrypted = $false }
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6b003'; volumeSize = 8; kmsKeyId = 'alias/origin-backup'; createVolumePermission = @([pscustomobject]@{ userId = '444444444444' }) }
            [pscustomobject]@{ id = 'snap-0a1b2c3d4e5f6c001'; volumeSize = 8; kmsKeyId = 'alias/origin-backup' })
        $origin.ec2.images = @($origin.ec2.images) + [pscustomobject]@{
            id = 'ami-0a1b2c3d4e5f6b001'; name = 'public-tool'; isPublic = $true
            blockDeviceMappings = @([pscustomobject]@{ deviceName = '/dev/xvda'; snapshotId = 'snap-0a1b2c3d4e5f6b002' })
        }
        $origin.rds.dbSnapshots = @($origin.rds.dbSnapshots) + [pscustomobject]@{
            identifier = 'origin-public-export'; dbInstanceIdentifier = 'origin-reports'; engine = 'postgres'; engineVersion = '16.4'
            allocatedStorage = 20; restoreAccounts = @('all'); createTime = '2026-01-15T05:00:00Z'
        }
        $vaultAccount = $world.accounts | Where-Object id -eq '222222222222'
        $vaultAccount.users = @($vaultAccount.users) + [pscustomobject]@{
            name           = 'vault-blind'
            accessKeys     = @([pscustomobject]@{ accessKeyId = 'AKIAVAULTBLIND000001'; secretAccessKey = 'vaultBlindSecretKey/FAKE/DemoOnly+000001' })
            inlinePolicies = [pscustomobject]@{
                AllButBlockPublicAccess = [pscustomobject]@{
                    Version   = '2012-10-17'
                    Statement = @(
                        [pscustomobject]@{ Effect = 'Allow'; Action = '*'; Resource = '*' }
                        [pscustomobject]@{ Effect = 'Deny'; Action = 'ec2:GetSnapshotBlockPublicAccessState'; Resource = '*' }
                    )
                }
            }
        }
        $vault = $vaultAccount.regions.'eu-west-1'
        $vault | Add-Member ec2 ([pscustomobject]@{ snapshotBlockPublicAccess = 'block-all-sharing'; imageBlockPublicAccess = 'block-new-sharing' })
        $vault.kms.keys[0] | Add-Member policy ([pscustomobject]@{
                Version   = '2012-10-17'
                Statement = @(
                    [pscustomobject]@{ Sid = 'Enable IAM User Permissions'; Effect = 'Allow'; Principal = [pscustomobject]@{ AWS = 'arn:aws:iam::222222222222:root' }; Action = 'kms:*'; Resource = '*' }
                    [pscustomobject]@{ Sid = 'OriginMayDecrypt'; Effect = 'Allow'; Principal = [pscustomobject]@{ AWS = 'arn:aws:iam::111111111111:root' }; Action = 'kms:Decrypt'; Resource = '*' }
                )
            })
        $vault.kms.keys = @($vault.kms.keys) + @(
            [pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-22222222d15a'; description = 'disabled'; state = 'Disabled' }
            [pscustomobject]@{ id = 'a1b2c3d4-0000-4000-8000-22222222de1e'; description = 'retiring'; state = 'PendingDeletion' })
        $vault.kms.aliases = @($vault.kms.aliases) + @(
            [pscustomobject]@{ name = 'alias/vault-disabled'; targetKeyId = 'a1b2c3d4-0000-4000-8000-22222222d15a' }
            [pscustomobject]@{ name = 'alias/vault-retiring'; targetKeyId = 'a1b2c3d4-0000-4000-8000-22222222de1e' })
    }
    $script:Emulator = Start-TestEmulator -FixturePath $Fixture
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-LifecycleVault -Url $Url

    $copies = New-TestVaultCopies -Origin $Origin -Vault $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk
    $script:Locked = $copies | Where-Object Type -eq EbsSnapshot | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 3 -Force
    $script:RdsCopy = $copies | Where-Object Type -eq RdsSnapshot
    Invoke-VaultEc2 -Url $Url -Parameters ([ordered]@{ Action = 'ModifySnapshotAttribute'; SnapshotId = $Locked.TargetId; Attribute = 'createVolumePermission'; OperationType = 'add'; 'UserId.1' = '444444444444' }) | Out-Null
    $share = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f6c001
    $script:ForeignKeyCopy = $share | Copy-VaultSnapshot -Destination $Vault -KmsKeyId $OriginKeyArn -KeepSourceKey -Wait -PollIntervalSeconds 1 -WarningAction SilentlyContinue

    function script:Get-WorldState {
        $state = Invoke-EmulatorControl -Url $Url -Path state
        $state.PSObject.Properties.Remove('time')
        $state | ConvertTo-Json -Depth 50
    }
    function script:Get-SuccessfulMutation {
        (Invoke-EmulatorControl -Url $Url -Path calls).recent |
            Where-Object { $_.action -notmatch '^(Describe|Get|List|Simulate|AssumeRole)' -and $_.status -lt 300 } |
            ForEach-Object { "$($_.service):$($_.action)" }
    }
    function script:Invoke-Posture {
        Test-VaultPosture -Source $Origin -Destination $Vault -RequireLock -WarnDays 7 -KmsKeyId alias/vault-backup, alias/vault-disabled, alias/vault-retiring
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
    Remove-Item $Fixture -ErrorAction SilentlyContinue
}

Describe 'Test-VaultPosture' {
    It 'finds every origin problem, with the command that fixes it' {
        $findings = @(Invoke-Posture | Where-Object Side -eq Origin)

        $public = $findings | Where-Object Check -eq PublicShare
        ($public.Resource | Sort-Object) | Should -Be @('ami-0a1b2c3d4e5f6b001', 'origin-public-export', 'snap-0a1b2c3d4e5f6b001')
        $public.Severity | Sort-Object -Unique | Should -Be 'High'
        ($public | Where-Object Resource -eq origin-public-export).Remediation | Should -Match 'Edit-RDSDBSnapshotAttribute .*-ValuesToRemove all'
        $others = $findings | Where-Object Check -eq SharedWithOtherAccounts
        $others.Resource | Should -Be 'snap-0a1b2c3d4e5f6b003'
        $others.Severity | Should -Be 'Info'
        $others.Message | Should -Match '444444444444'
        ($findings | Where-Object Check -eq AwsManagedKey).Resource | Should -Contain 'snap-0a1b2c3d4e5f60002'
        ($findings | Where-Object Check -eq AwsManagedKey).Remediation | Should -Match 'Convert-VaultSnapshotKey'
        $notVaulted = $findings | Where-Object Check -eq NotVaulted
        $notVaulted.Resource | Should -Contain 'snap-0a1b2c3d4e5f60003'
        $notVaulted.Resource | Should -Not -Contain 'snap-0a1b2c3d4e5f60001' -Because 'it has a verified copy under the vault key'
        $notVaulted.Resource | Should -Not -Contain 'snap-0a1b2c3d4e5f6c001' -Because 'its copy is under the origin key, so it is not verified'
        $notVaulted.Resource | Should -Not -Contain 'snap-0a1b2c3d4e5f60004' -Because "an AMI's snapshots travel with the AMI"
        ($notVaulted | Where-Object Resource -eq snap-0a1b2c3d4e5f60003).Remediation | Should -Match 'Grant-VaultSnapshotAccess .* Copy-VaultSnapshot'
        ($findings | Where-Object Check -like '*BlockPublicAccess').Check | Sort-Object | Should -Be @('ImageBlockPublicAccess', 'SnapshotBlockPublicAccess')
        $findings.Account | Sort-Object -Unique | Should -Be '111111111111'
        $findings.Region | Sort-Object -Unique | Should -Be 'eu-west-1'
    }

    It 'finds every vault problem' {
        $findings = @(Invoke-Posture | Where-Object Side -eq Vault)

        ($findings | Where-Object Check -eq ForeignKey).Resource | Should -Be $ForeignKeyCopy.TargetId
        ($findings | Where-Object Check -eq ForeignKey).Message | Should -Match '111111111111'
        ($findings | Where-Object Check -eq SharedOnward).Resource | Should -Be $Locked.TargetId
        ($findings | Where-Object Check -eq NotLocked).Resource | Should -Be $ForeignKeyCopy.TargetId
        ($findings | Where-Object Check -eq NotLockable).Resource | Should -Be $RdsCopy.TargetId
        ($findings | Where-Object Check -eq NotLockable).Remediation | Should -Match 'rds:DeleteDBSnapshot'
        ($findings | Where-Object Check -eq LockExpiring).Resource | Should -Be $Locked.TargetId
        ($findings | Where-Object Check -eq VaultKeyDisabled).Resource | Should -BeLike '*:key/a1b2c3d4-0000-4000-8000-22222222d15a'
        ($findings | Where-Object Check -eq VaultKeyPendingDeletion).Remediation | Should -Match 'Stop-KMSKeyDeletion'
        $exposed = $findings | Where-Object Check -eq VaultKeyPolicyForeignPrincipal
        $exposed.Resource | Should -Be 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
        $exposed.Message | Should -Match 'arn:aws:iam::111111111111:root'
        $exposed.Message | Should -Not -Match '222222222222:role' -Because 'vault principals are the key users it should have'
        $findings | Where-Object Check -like '*BlockPublicAccess' | Should -BeNullOrEmpty -Because 'the vault blocks public access'
        $findings | Where-Object Check -eq NotChecked | Should -BeNullOrEmpty
        $findings.Account | Sort-Object -Unique | Should -Be '222222222222'
    }

    It 'changes nothing in either account' {
        $before = Get-WorldState
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $findings = @(Invoke-Posture)

        $findings.Count | Should -BeGreaterThan 10
        Get-SuccessfulMutation | Should -BeNullOrEmpty
        Get-WorldState | Should -Be $before
    }

    It '-Quiet answers $false when anything above Info is found, and lists the findings as verbose' {
        $answer = Test-VaultPosture -Source $Origin -Destination $Vault -Quiet -Verbose 4>$null

        $answer | Should -BeOfType [bool]
        $answer | Should -BeFalse
    }

    It 'is clean ($true) for a vault that blocks public access and holds nothing yet' {
        $clean = New-LifecycleFixture -Edit {
            param($world)
            ($world.accounts | Where-Object id -eq '222222222222').regions.'eu-west-1' |
                Add-Member ec2 ([pscustomobject]@{ snapshotBlockPublicAccess = 'block-all-sharing'; imageBlockPublicAccess = 'block-new-sharing' })
        }
        $second = Start-TestEmulator -FixturePath $clean
        try {
            $vault = Connect-LifecycleVault -Url $second.Url
            Test-VaultPosture -Destination $vault -KmsKeyId alias/vault-backup | Should -BeNullOrEmpty
            Test-VaultPosture -Destination $vault -Quiet | Should -BeTrue
        }
        finally {
            Stop-TestEmulator $second
            Remove-Item $clean -ErrorAction SilentlyContinue
            $script:DemoWorldPath = $Fixture
        }
    }

    It 'a check that cannot look is a finding, never a pass' {
        $blind = Connect-LifecycleVault -Url $Url -UserName vault-blind

        $notChecked = @(Test-VaultPosture -Destination $blind | Where-Object Check -eq NotChecked)

        $notChecked | Should -HaveCount 1
        $notChecked[0].Resource | Should -Be 'BlockPublicAccess'
        $notChecked[0].Severity | Should -Be 'High'
        $notChecked[0].Message | Should -Match 'may not call|not authorized'
        Test-VaultPosture -Destination $blind -Quiet | Should -BeFalse
    }

    It 'refuses an AWS managed key as the vault key, which describing would create' {
        { Test-VaultPosture -Destination $Vault -KmsKeyId alias/aws/ebs } | Should -Throw -ErrorId 'AwsManagedKeyRefused*'
    }
}
