BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SignedAwsQuery.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'Lifecycle.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Fixture = New-LifecycleFixture
    $script:Emulator = Start-TestEmulator -FixturePath $Fixture
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-LifecycleVault -Url $Url
    $script:Copies = New-TestVaultCopies -Origin $Origin -Vault $Vault -Id snap-0a1b2c3d4e5f60001, snap-0a1b2c3d4e5f60003, ami-0a1b2c3d4e5f60001, origin-orders-manual-cmk
    $script:GovernanceCopy = $Copies | Where-Object SourceId -eq snap-0a1b2c3d4e5f60001
    $script:ComplianceCopy = $Copies | Where-Object SourceId -eq snap-0a1b2c3d4e5f60003
    $script:ImageCopy = $Copies | Where-Object Type -eq Ami
    $script:RdsCopy = $Copies | Where-Object Type -eq RdsSnapshot

    function script:Get-SnapshotLock([string] $SnapshotId) { ((Get-VaultEc2State $Url).snapshots | Where-Object id -eq $SnapshotId).lock }
    function script:Remove-Raw([string] $SnapshotId, [string] $UserName = 'vault-admin') {
        Invoke-VaultEc2 -Url $Url -UserName $UserName -Parameters ([ordered]@{ Action = 'DeleteSnapshot'; SnapshotId = $SnapshotId })
    }
    function script:Unlock-Raw([string] $SnapshotId, [string] $UserName = 'vault-admin') {
        Invoke-VaultEc2 -Url $Url -UserName $UserName -Parameters ([ordered]@{ Action = 'UnlockSnapshot'; SnapshotId = $SnapshotId })
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
    Remove-Item $Fixture -ErrorAction SilentlyContinue
}

Describe 'Lock-VaultCopy' {
    It 'says to add -Force when a host that cannot prompt runs it without -Force, and locks nothing' {
        $key = Get-DemoAccessKey 'vault-admin'
        $run = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath'
`$vault = Connect-VaultAccount -AccessKey '$($key.accessKeyId)' -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl '$Url'
try { Lock-VaultCopy -Destination `$vault -Id '$($GovernanceCopy.TargetId)' -Mode Governance -Days 3 -ErrorAction Stop; 'LOCKED' }
catch { "ERROR `$(`$_.FullyQualifiedErrorId)|`$(`$_.CategoryInfo.Category)|`$(`$_.ErrorDetails.Message)" }
"@
        $line = $run.Output | Where-Object { $_ -like 'ERROR *' }
        $line | Should -Not -BeNullOrEmpty -Because ($run.Output -join "`n")
        $id, $category, $message = ($line -replace '^ERROR ', '') -split '\|', 3
        $id | Should -BeLike 'ConfirmationNotPossible,*'
        $category | Should -Be 'InvalidOperation'
        $message | Should -Match '-Force \(or -Confirm:\$false\)'
        Get-SnapshotLock $GovernanceCopy.TargetId | Should -BeNullOrEmpty
    }

    It 'locks a snapshot copy in governance mode, which only a principal allowed ec2:UnlockSnapshot can lift' {
        $Copies | Should -HaveCount 4

        $locked = $GovernanceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 7 -Force

        $locked.LockState | Should -Be 'Governance'
        $locked.LockExpiresOn | Should -BeGreaterThan (Get-Date).ToUniversalTime().AddDays(6.9)
        (Get-VaultCopy -Destination $Vault -SourceId snap-0a1b2c3d4e5f60001).LockState | Should -Be 'Governance'
        (Remove-Raw $locked.TargetId).ErrorCode | Should -Be 'OperationNotPermitted' -Because 'no IAM permission deletes a locked snapshot'
        (Unlock-Raw $locked.TargetId -UserName vault-operator).ErrorCode | Should -Be 'UnauthorizedOperation'
        (Unlock-Raw $locked.TargetId).StatusCode | Should -Be 200 -Because 'the vault admin may unlock a governance lock'
        (Get-VaultCopy -Destination $Vault -SourceId snap-0a1b2c3d4e5f60001).LockState | Should -Be 'None'
    }

    It 'locks an AMI copy by a lock on each snapshot and deregistration protection' {
        $locked = $ImageCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 30 -Force

        $locked.LockState | Should -Be 'Governance'
        $locked.DeregistrationProtection | Should -Be 'enabled-without-cooldown'
        $image = (Get-VaultEc2State $Url).images | Where-Object id -eq $locked.TargetId
        foreach ($snapshot in $image.blockDeviceMappings.snapshotId) { (Get-SnapshotLock $snapshot).mode | Should -Be 'governance' }
        $listed = Get-VaultCopy -Destination $Vault -Type Ami
        $listed.LockState | Should -Be 'Governance'
        $listed.DeregistrationProtection | Should -Be 'enabled-without-cooldown'
        (Invoke-VaultEc2 -Url $Url -Parameters ([ordered]@{ Action = 'DeregisterImage'; ImageId = $locked.TargetId })).ErrorCode | Should -Be 'OperationNotPermitted'
    }

    It 'a compliance lock refuses deletion, unlocking and shortening after its cool-off, and may be extended' {
        $before = Get-VaultEc2State $Url | ConvertTo-Json -Depth 20 -Compress
        $ComplianceCopy | Lock-VaultCopy -Destination $Vault -Mode Compliance -Days 30 -CoolOffHours 1 -WhatIf
        Get-VaultEc2State $Url | ConvertTo-Json -Depth 20 -Compress | Should -Be $before -Because '-WhatIf changes nothing'

        $locked = $ComplianceCopy | Lock-VaultCopy -Destination $Vault -Mode Compliance -Days 30 -CoolOffHours 1 -Force
        $locked.LockState | Should -Be 'ComplianceCoolOff'
        Move-WorldClock -Url $Url -Hours 2
        (Get-VaultCopy -Destination $Vault -SourceId snap-0a1b2c3d4e5f60003).LockState | Should -Be 'Compliance'
        (Unlock-Raw $locked.TargetId).ErrorCode | Should -Be 'OperationNotPermitted' -Because 'after the cool-off not even an administrator can unlock'
        (Remove-Raw $locked.TargetId).ErrorCode | Should -Be 'OperationNotPermitted'

        $lockBefore = Get-SnapshotLock $locked.TargetId | ConvertTo-Json -Compress
        $shorter = $ComplianceCopy | Lock-VaultCopy -Destination $Vault -Mode Compliance -Days 10 -Force -ErrorVariable refused -ErrorAction SilentlyContinue
        $shorter | Should -BeNullOrEmpty
        $refused | Should -HaveCount 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'ComplianceLockCannotChange*'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $refused[0].TargetObject.TargetId | Should -Be $locked.TargetId
        $refused[0].ToString() | Should -Match 'never shortening'
        $refused[0].ErrorDetails.RecommendedAction | Should -Match '-Mode Compliance'
        $ComplianceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 40 -Force -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-SnapshotLock $locked.TargetId | ConvertTo-Json -Compress | Should -Be $lockBefore -Because 'a refused change calls nothing'

        $extended = $ComplianceCopy | Lock-VaultCopy -Destination $Vault -Mode Compliance -Days 40 -Force
        $extended.LockState | Should -Be 'Compliance'
        $extended.LockExpiresOn | Should -BeGreaterThan $locked.LockExpiresOn.AddDays(9.9)
    }

    It 'says per RDS copy that it cannot be locked and what protects it, and goes on with the rest' {
        $result = @($RdsCopy, $GovernanceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 3 -Force -ErrorVariable failures -ErrorAction SilentlyContinue)

        $result.TargetId | Should -Be $GovernanceCopy.TargetId
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RdsCopyNotLockable*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $failures[0].TargetObject.TargetId | Should -Be $RdsCopy.TargetId
        $failures[0].ToString() | Should -Match 'rds:DeleteDBSnapshot'
        $failures[0].ToString() | Should -Match 'Vault Lock'
        (Get-VaultCopy -Destination $Vault -Type RdsSnapshot).LockState | Should -Be 'NotLockable'
    }

    It 'binds copies by id and leaves anything without VaultCopy lineage alone' {
        $foreign = Invoke-VaultEc2 -Url $Url -Parameters ([ordered]@{
                Action = 'CopySnapshot'; SourceSnapshotId = 'snap-0a1b2c3d4e5f60001'; SourceRegion = 'eu-west-1'; Encrypted = 'true'; KmsKeyId = 'alias/vault-backup' })
        $foreignId = $foreign.Xml.SelectSingleNode("//*[local-name()='snapshotId']").InnerText

        [pscustomobject]@{ SnapshotId = $foreignId } | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 1 -Force -ErrorVariable failures -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'NotAVaultCopy*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be $foreignId
        Get-SnapshotLock $foreignId | Should -BeNullOrEmpty

        (Lock-VaultCopy -Destination $Vault -Id $ImageCopy.TargetId -Mode Governance -Days 30 -Force).TargetId | Should -Be $ImageCopy.TargetId
    }

    It 'refuses a request AWS would refuse before reading anything' {
        { $GovernanceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 3 -Until (Get-Date).AddDays(3) -Force } |
            Should -Throw -ErrorId 'LockDurationRequired*'
        { $GovernanceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 3 -CoolOffHours 2 -Force } | Should -Throw -ErrorId 'CoolOffNeedsCompliance*'
        { $GovernanceCopy | Lock-VaultCopy -Destination $Vault -Mode Governance -Days 36501 -Force } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'is a High-impact command that supports -WhatIf' {
        $command = Get-Command Lock-VaultCopy
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $attribute = $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
        $attribute.ConfirmImpact | Should -Be 'High'
    }
}
