BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultId = '222222222222'
    # The demo world's backups on the customer managed key alias/origin-backup, one of each type.
    $script:CustomerKeyIds = 'snap-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk'
    $script:AwsManagedIds = 'snap-0a1b2c3d4e5f60002', 'ami-0a1b2c3d4e5f60002', 'origin-legacy-manual-awsrds', 'origin-legacy-ledger-manual-awsrds'

    function script:Get-OriginState {
        # The origin's EC2 and RDS share lists, as JSON so that before/after compare exactly.
        $region = ((Invoke-EmulatorControl -Url $Url -Path state).accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
        [pscustomobject]@{ Ec2 = $region.ec2; Rds = $region.rds } | ConvertTo-Json -Depth 20
    }

    function script:Get-ShareList {
        param([string] $Id)
        $region = ((Invoke-EmulatorControl -Url $Url -Path state).accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
        $snapshot = $region.ec2.snapshots | Where-Object id -eq $Id
        if ($snapshot) { return @($snapshot.createVolumePermission.userIds) }
        $image = $region.ec2.images | Where-Object id -eq $Id
        if ($image) { return @($image.launchPermission.userIds) }
        @(($region.rds.dbSnapshots + $region.rds.dbClusterSnapshots | Where-Object identifier -eq $Id).restoreAccounts)
    }

    function script:Get-ModifyCallCount {
        $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations
        @($operations.PSObject.Properties | Where-Object Name -like '*:Modify*' | ForEach-Object Value | Measure-Object -Sum).Sum ?? 0
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Grant-VaultSnapshotAccess' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:origin = Connect-DemoOrigin -Url $Url
        $script:vault = Connect-DemoVault -Origin $origin
    }

    It 'shares an EBS snapshot, an AMI with its snapshot, an RDS and an Aurora snapshot with the vault' {
        $shares = $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault

        $shares.Count | Should -Be 4
        $shares[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Sharing.VaultShare'
        $shares.Type | Should -Be 'EbsSnapshot', 'Ami', 'RdsSnapshot', 'AuroraClusterSnapshot'
        $shares.AccountId | Sort-Object -Unique | Should -Be $VaultId
        $shares.OwnerAccountId | Sort-Object -Unique | Should -Be '111111111111'
        $shares.New | Sort-Object -Unique | Should -BeTrue
        $shares[0].Added | Should -Be 'createVolumePermission'
        $shares[1].Added | Should -Be 'snapshot snap-0a1b2c3d4e5f60004 createVolumePermission', 'launchPermission'
        $shares[2].Added | Should -Be 'restore'
        $shares[3].Added | Should -Be 'restore'
        $shares[2].Arn | Should -Be 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'
        foreach ($id in $CustomerKeyIds + 'snap-0a1b2c3d4e5f60004') { Get-ShareList $id | Should -Be $VaultId -Because "$id is shared with the vault only" }
    }

    It 'lets the vault see what was shared' {
        $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault | Out-Null

        $seen = Get-VaultResource -Account $vault -IncludeShared | Where-Object IsSharedWithMe

        $seen.Id | Should -Contain 'snap-0a1b2c3d4e5f60001'
        $seen.Id | Should -Contain 'snap-0a1b2c3d4e5f60004'
        $seen.Id | Should -Contain 'ami-0a1b2c3d4e5f60001'
        $seen.Arn | Should -Contain 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'
        $seen.Arn | Should -Contain 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk'
        $seen.Id | Should -Not -Contain 'snap-0a1b2c3d4e5f60002'
    }

    It 'changes nothing on a second run: no Modify call, Added empty, New false' {
        $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault | Out-Null
        $before = Get-OriginState
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $again = $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault

        Get-ModifyCallCount | Should -Be 0
        $again.Count | Should -Be 4
        $again.New | Sort-Object -Unique | Should -BeFalse
        $again | ForEach-Object { $_.Added.Count | Should -Be 0 }
        $again.SharedWith | Sort-Object -Unique | Should -Be $VaultId
        Get-OriginState | Should -Be $before
    }

    It 'completes an AMI whose backing snapshot was already shared with only the launch permission' {
        Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60004 | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $share = Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001

        $share.Added | Should -Be 'launchPermission'
        $share.New | Should -BeTrue
        (Invoke-EmulatorControl -Url $Url -Path calls).operations.'ec2:ModifySnapshotAttribute' | Should -BeNullOrEmpty
        (Invoke-EmulatorControl -Url $Url -Path calls).operations.'ec2:ModifyImageAttribute' | Should -Be 1
    }

    It 'takes VaultResource objects and AWS Tools objects from the pipeline' {
        $fromInventory = Get-VaultResource -Account $origin -Id snap-0a1b2c3d4e5f60001 | Grant-VaultSnapshotAccess -Source $origin -Destination $vault
        $awsToolsShaped = @(
            [pscustomobject]@{ ImageId = 'ami-0a1b2c3d4e5f60001'; Name = 'app-server-2026-11-01' }
            [pscustomobject]@{ DBSnapshotIdentifier = 'origin-orders-manual-cmk'; DBSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk' }
            [pscustomobject]@{ DBClusterSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk' }
        ) | Grant-VaultSnapshotAccess -Source $origin -Destination $vault

        $fromInventory.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
        $awsToolsShaped.Id | Should -Be 'ami-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk'
        $awsToolsShaped.New | Sort-Object -Unique | Should -BeTrue
    }

    It 'refuses resources on the AWS managed keys with the Convert-VaultSnapshotKey remediation and changes nothing' {
        $before = Get-OriginState
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $shares = $AwsManagedIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault -ErrorAction SilentlyContinue -ErrorVariable failures

        $shares | Should -BeNullOrEmpty
        $failures.Count | Should -Be 4
        $failures.TargetObject | Should -Be $AwsManagedIds
        foreach ($failure in $failures) {
            $failure.FullyQualifiedErrorId | Should -BeLike 'AwsManagedKeyCannotBeShared,*'
            $failure.CategoryInfo.Category | Should -Be 'InvalidOperation'
            $failure.ErrorDetails.Message | Should -Match 'aws/(ebs|rds)'
            $failure.ErrorDetails.Message | Should -BeLike '*Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key>*'
        }
        $failures[1].ErrorDetails.Message | Should -Match 'snap-0a1b2c3d4e5f60005'
        Get-ModifyCallCount | Should -Be 0
        Get-OriginState | Should -Be $before
    }

    It 'refuses the automated RDS snapshot with the same remediation' {
        $before = Get-OriginState

        Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id 'rds:origin-legacy-2026-01-15-03-05' -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AutomatedSnapshotCannotBeShared,*'
        $failures[0].TargetObject | Should -Be 'rds:origin-legacy-2026-01-15-03-05'
        $failures[0].ErrorDetails.Message | Should -BeLike '*manual*Convert-VaultSnapshotKey -Account $origin -KmsKeyId <customer key>*'
        Get-OriginState | Should -Be $before
    }

    It 'goes on past a failing item: an unknown id is ObjectNotFound with the id as target' {
        $shares = 'snap-0a1b2c3d4e5f6ffff', 'snap-0a1b2c3d4e5f60001' | Grant-VaultSnapshotAccess -Source $origin -Destination $vault -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'snap-0a1b2c3d4e5f6ffff'
        $shares.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-OriginState
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $shares = $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault -WhatIf

        $shares | Should -BeNullOrEmpty
        Get-ModifyCallCount | Should -Be 0
        Get-OriginState | Should -Be $before
    }

    It 'never shares publicly: after sharing everything shareable nothing is public' {
        Get-VaultResource -Account $origin | Grant-VaultSnapshotAccess -Source $origin -Destination $vault -ErrorAction SilentlyContinue | Out-Null

        $state = Get-OriginState | ConvertFrom-Json
        $lists = @($state.Ec2.snapshots.createVolumePermission) + @($state.Ec2.images.launchPermission)
        $lists.public | Sort-Object -Unique | Should -BeFalse
        @($state.Rds.dbSnapshots.restoreAccounts) + @($state.Rds.dbClusterSnapshots.restoreAccounts) | Should -Not -Contain 'all'
        Get-ShareList 'snap-0a1b2c3d4e5f60003' | Should -Be $VaultId -Because 'an unencrypted snapshot is shared privately'
    }

    It 'is denied cleanly for a principal that may not share: PermissionDenied, nothing changed' {
        $auditor = Connect-DemoOrigin -Url $Url -UserName origin-auditor
        $before = Get-OriginState

        Grant-VaultSnapshotAccess -Source $auditor -Destination $vault -Id snap-0a1b2c3d4e5f60001 -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ShareDenied,*'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].TargetObject | Should -Be 'snap-0a1b2c3d4e5f60001'
        $failures[0].ErrorDetails.Message | Should -Match 'ec2:ModifySnapshotAttribute'
        Get-OriginState | Should -Be $before
    }

    It 'refuses to share a resource the source does not own' {
        Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id snap-0a1b2c3d4e5f60001 | Out-Null

        Grant-VaultSnapshotAccess -Source $vault -Destination $origin -Id snap-0a1b2c3d4e5f60001 -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'ResourceNotOwned,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].ErrorDetails.Message | Should -Match '-Source'
    }

    It 'stops at once when source and destination are the same account' {
        { Grant-VaultSnapshotAccess -Source $origin -Destination $origin -Id snap-0a1b2c3d4e5f60001 } |
            Should -Throw -ErrorId 'SameAccount,VaultCopy.Commands.GrantVaultSnapshotAccessCommand'
    }

    It 'answers to Share-VaultSnapshot, and importing the module prints no warning' {
        (Get-Alias Share-VaultSnapshot).ResolvedCommandName | Should -Be 'Grant-VaultSnapshotAccess'
        $run = Invoke-IsolatedPwsh -Script @"
`$WarningPreference = 'Continue'
Import-Module '$ModulePath' -WarningVariable importWarnings
"warnings=`$(`$importWarnings.Count)"
(Get-Command Share-VaultSnapshot).ResolvedCommandName
(Get-Command Unshare-VaultSnapshot).ResolvedCommandName
"@
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Be 'warnings=0', 'Grant-VaultSnapshotAccess', 'Revoke-VaultSnapshotAccess'
    }

    It 'shows the share as a table and has help with examples' {
        $share = Grant-VaultSnapshotAccess -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001
        $table = $share | Format-Table | Out-String -Width 200

        $table | Should -Match 'ami-0a1b2c3d4e5f60001\s+222222222222\s+True\s+\+snapshot snap-0a1b2c3d4e5f60004 createVolumePermission, \+launchPermission'
        (Get-Help Grant-VaultSnapshotAccess -Examples).examples.example.Count | Should -BeGreaterOrEqual 3
    }
}
