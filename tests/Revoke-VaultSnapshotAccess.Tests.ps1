BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:VaultId = '222222222222'
    $script:PartnerId = '333333333333'
    $script:CustomerKeyIds = 'snap-0a1b2c3d4e5f60001', 'ami-0a1b2c3d4e5f60001', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk'

    # The demo world plus a third account, so that a share with someone other than the vault can be watched.
    $partnerFixture = @{
        id = $PartnerId; alias = 'partner'; partition = 'aws'
        users = @(@{
                name = 'partner-admin'
                accessKeys = @(@{ accessKeyId = 'AKIAPARTNERADMIN0001'; secretAccessKey = 'partnerAdminSecretKey/FAKE/TestOnly+0001' })
                inlinePolicies = @{ AdministratorAccess = @{ Version = '2012-10-17'; Statement = @(@{ Effect = 'Allow'; Action = '*'; Resource = '*' }) } }
            })
    } | ConvertTo-Json -Depth 10
    $world = (Get-Content -Raw (Join-Path $PSScriptRoot 'VaultCopy.Emulator/Fixtures/demo-world.json')) -replace '"accounts": \[', "`"accounts`": [ $partnerFixture,"
    Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body $world | Out-Null

    function script:Get-OriginState {
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

Describe 'Revoke-VaultSnapshotAccess' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:origin = Connect-DemoOrigin -Url $Url
        $script:vault = Connect-DemoVault -Origin $origin
        $script:partner = Connect-VaultAccount -AccessKey AKIAPARTNERADMIN0001 -SecretKey 'partnerAdminSecretKey/FAKE/TestOnly+0001' -Region eu-west-1 -EndpointUrl $Url
        $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $vault | Out-Null
    }

    It 'withdraws the vault from all four types and leaves a third account''s share alone' {
        $CustomerKeyIds | Grant-VaultSnapshotAccess -Source $origin -Destination $partner | Out-Null

        $revoked = $CustomerKeyIds | Revoke-VaultSnapshotAccess -Source $origin -Destination $vault

        $revoked.Count | Should -Be 4
        $revoked[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Sharing.VaultShare'
        $revoked.Operation | Sort-Object -Unique | Should -Be 'Revoke'
        $revoked[0].Removed | Should -Be 'createVolumePermission'
        $revoked[1].Removed | Should -Be 'launchPermission', 'snapshot snap-0a1b2c3d4e5f60004 createVolumePermission'
        $revoked[2].Removed | Should -Be 'restore'
        $revoked[3].Removed | Should -Be 'restore'
        $revoked | ForEach-Object { $_.Added.Count | Should -Be 0; $_.SharedWith | Should -Be $PartnerId }
        foreach ($id in $CustomerKeyIds + 'snap-0a1b2c3d4e5f60004') { Get-ShareList $id | Should -Be $PartnerId -Because "only the vault was withdrawn from $id" }

        $vaultSees = Get-VaultResource -Account $vault -IncludeShared | Where-Object IsSharedWithMe
        $partnerSees = Get-VaultResource -Account $partner -IncludeShared | Where-Object IsSharedWithMe
        $vaultSees | Should -BeNullOrEmpty
        $partnerSees.Id | Should -Contain 'ami-0a1b2c3d4e5f60001'
        $partnerSees.Id | Should -Contain 'snap-0a1b2c3d4e5f60004'
        $partnerSees.Arn | Should -Contain 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk'
    }

    It 'makes no Modify call for what is not shared with the account: Removed empty' {
        $CustomerKeyIds | Revoke-VaultSnapshotAccess -Source $origin -Destination $vault | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $again = $CustomerKeyIds | Revoke-VaultSnapshotAccess -Source $origin -Destination $vault

        Get-ModifyCallCount | Should -Be 0
        $again.Count | Should -Be 4
        $again | ForEach-Object { $_.Removed.Count | Should -Be 0; $_.Changed | Should -BeFalse }
    }

    It 'changes nothing with -WhatIf' {
        $before = Get-OriginState
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $revoked = $CustomerKeyIds | Unshare-VaultSnapshot -Source $origin -Destination $vault -WhatIf

        $revoked | Should -BeNullOrEmpty
        Get-ModifyCallCount | Should -Be 0
        Get-OriginState | Should -Be $before
    }

    It 'undoes a Grant through the pipeline (Unshare-VaultSnapshot), backing snapshots included' {
        Reset-TestEmulator $Url
        $script:origin = Connect-DemoOrigin -Url $Url
        $script:vault = Connect-DemoVault -Origin $origin

        $revoked = Share-VaultSnapshot -Source $origin -Destination $vault -Id ami-0a1b2c3d4e5f60001 | Unshare-VaultSnapshot -Source $origin -Destination $vault

        $revoked.Removed | Should -Be 'launchPermission', 'snapshot snap-0a1b2c3d4e5f60004 createVolumePermission'
        Get-ShareList 'ami-0a1b2c3d4e5f60001' | Should -BeNullOrEmpty
        Get-ShareList 'snap-0a1b2c3d4e5f60004' | Should -BeNullOrEmpty
    }

    It 'takes what the vault sees as shared and withdraws it' {
        $revoked = Get-VaultResource -Account $vault -IncludeShared | Where-Object IsSharedWithMe | Revoke-VaultSnapshotAccess -Source $origin -Destination $vault

        $revoked.Id | Should -Contain 'origin-orders-manual-cmk'
        foreach ($id in $CustomerKeyIds + 'snap-0a1b2c3d4e5f60004') { Get-ShareList $id | Should -BeNullOrEmpty -Because "$id was withdrawn" }
    }

    It 'reports a resource the source does not have as ObjectNotFound with the id as target and changes nothing' {
        $before = Get-OriginState

        Revoke-VaultSnapshotAccess -Source $origin -Destination $vault -Id origin-orders-gone -ErrorAction SilentlyContinue -ErrorVariable failures

        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'origin-orders-gone'
        $failures[0].ErrorDetails.Message | Should -Match 'Get-VaultResource|Check the id'
        Get-OriginState | Should -Be $before
    }
}
