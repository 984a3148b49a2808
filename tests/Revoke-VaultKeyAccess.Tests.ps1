BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'KeyAccess.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (New-KeyAccessWorld) | Out-Null
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Revoke-VaultKeyAccess' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-KeyAccessVault -Origin $Origin
        $script:Pristine = Get-PolicyState -Url $Url
        $script:Grant = @{ Source = $Origin; Destination = $Vault; KeyId = 'alias/origin-backup'; KmsKeyId = 'alias/vault-backup'; Force = $true }
    }

    It 'removes exactly what Grant-VaultKeyAccess added, and the vault cannot copy any more' {
        Add-OrdersSnapshotShare -Url $Url
        $role = Get-VaultRoleCredential -Url $Url
        Grant-VaultKeyAccess @Grant | Out-Null
        (Copy-OrdersSnapshotAsVault -Url $Url -Credential $role).Status | Should -Be 200

        $changes = Revoke-VaultKeyAccess @Grant

        $changes.Kind | Should -Be @('KeyPolicy', 'IdentityPolicy', 'KeyPolicy')
        $changes.Applied | Should -Be @($true, $true, $true)
        $changes[0].Statements | Should -Be @('VaultCopyUseKey-222222222222', 'VaultCopyAttachPersistentResources-222222222222')
        $changes[1].After | Should -BeNullOrEmpty -Because 'the inline policy held only the source key, so it is deleted'
        $now = Get-PolicyState -Url $Url
        ($now.OriginKeyPolicy | ConvertFrom-Json).Statement.Sid | Should -Be @('Enable IAM policies', 'Auditors')
        ($now.OriginKeyPolicy | ConvertFrom-Json | ConvertTo-Json -Depth 30 -Compress) | Should -Be ($Pristine.OriginKeyPolicy | ConvertFrom-Json | ConvertTo-Json -Depth 30 -Compress)
        $now.VaultKeyPolicy | Should -Be $Pristine.VaultKeyPolicy
        $now.RolePolicies | Should -Be $Pristine.RolePolicies
        (Copy-OrdersSnapshotAsVault -Url $Url -Credential $role).Code | Should -Be 'KMSKeyNotAccessibleFault'
    }

    It 'leaves documents that were never granted alone: no write at all' {
        $changes = Revoke-VaultKeyAccess @Grant

        $changes | Should -HaveCount 3
        $changes.Changed | Should -Not -Contain $true
        $changes.Reason | Should -Be (@("Nothing to revoke: VaultCopy's statements for it are not there.") * 3)
        Get-WriteCallCount -Url $Url | Should -Be 0
        (Get-PolicyState -Url $Url | ConvertTo-Json) | Should -Be ($Pristine | ConvertTo-Json)
    }

    It 'takes away only the named principal and keeps the others' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Principal $NarrowRoleArn, $DemoVaultRoleArn -Force | Out-Null

        $change = Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Principal $DemoVaultRoleArn -Force | Select-Object -First 1

        $use = ($change.After | ConvertFrom-Json).Statement | Where-Object Sid -eq 'VaultCopyUseKey-222222222222'
        $use.Principal.AWS | Should -Be $NarrowRoleArn
        ($change.After | ConvertFrom-Json).Statement.Sid | Should -Contain 'Auditors'
    }

    It 'shows the change with -WhatIf and changes nothing' {
        Grant-VaultKeyAccess @Grant | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null
        $granted = Get-PolicyState -Url $Url
        $whatIf = $Grant.Clone(); $whatIf.Remove('Force')

        $changes = Revoke-VaultKeyAccess @whatIf -WhatIf

        $changes.Changed | Should -Be @($true, $true, $true)
        $changes.Applied | Should -Be @($false, $false, $false)
        $changes[0].Diff | Should -Match '-\s+"Sid": "VaultCopyUseKey-222222222222"'
        Get-WriteCallCount -Url $Url | Should -Be 0
        (Get-PolicyState -Url $Url | ConvertTo-Json) | Should -Be ($granted | ConvertTo-Json)
    }

    It 'returns the documents with -PolicyOnly and changes nothing' {
        Grant-VaultKeyAccess @Grant | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null
        $policyOnly = $Grant.Clone(); $policyOnly.Remove('Force')

        $changes = Revoke-VaultKeyAccess @policyOnly -PolicyOnly

        $changes.Applied | Should -Not -Contain $true
        $changes[1].Reason | Should -Match 'Remove-IAMRolePolicy -RoleName VaultCopyNarrow -PolicyName VaultCopyKeyAccess'
        ($changes[0].After | ConvertFrom-Json).Statement.Sid | Should -Be @('Enable IAM policies', 'Auditors')
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'refuses an AWS managed key with InvalidOperation, the key as target' {
        $err = Get-ErrorFrom { Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/aws/ebs -Force -ErrorAction Stop }

        $err.FullyQualifiedErrorId | Should -BeLike 'AwsManagedKey,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.TargetObject | Should -Be 'alias/aws/ebs'
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'stops when source and destination are one account, with the words of the preflight and of Grant-VaultSnapshotAccess' {
        $err = Get-ErrorFrom { Revoke-VaultKeyAccess -Source $Origin -Destination $Origin -KeyId alias/origin-backup -Force }
        $share = Get-ErrorFrom { Grant-VaultSnapshotAccess -Source $Origin -Destination $Origin -Id snap-0a1b2c3d4e5f60001 -Confirm:$false }
        $preflight = Test-VaultCopyPrereq -Source $Origin -Destination $Origin | Where-Object Check -eq 'DistinctAccounts'

        $err.FullyQualifiedErrorId | Should -BeLike 'SameAccount,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeExactly $share.Exception.Message
        $err.Exception.Message | Should -BeExactly $preflight.Message
        $err.ErrorDetails.RecommendedAction | Should -BeExactly $preflight.Remediation
    }

    It 'has help for every parameter, and no -ViaService' {
        (Get-Help Revoke-VaultKeyAccess).Synopsis | Should -Match 'Grant-VaultKeyAccess'
        (Get-Command Revoke-VaultKeyAccess).Parameters.Keys | Should -Not -Contain 'ViaService'
        (Get-Command Revoke-VaultKeyAccess).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }
}

Describe 'Revoke-VaultKeyAccess and a VaultCopy statement changed by hand' {
    BeforeAll {
        $edited = '{"Sid": "VaultCopyUseKey-222222222222", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": ["kms:Decrypt", "kms:Sign"], "Resource": "*"}'
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (New-KeyAccessWorld -OriginKeyStatement $edited) | Out-Null
    }

    AfterAll {
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (New-KeyAccessWorld) | Out-Null
    }

    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-KeyAccessVault -Origin $Origin
    }

    It 'leaves it untouched, says so in a warning, and writes nothing to the key policy' {
        $before = Get-PolicyState -Url $Url

        $change = Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force -WarningVariable warnings -WarningAction SilentlyContinue |
            Where-Object Target -eq $OriginKeyArn

        $change.Changed | Should -BeFalse
        $change.Reason | Should -Match 'changed by hand'
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match 'Statement VaultCopyUseKey-222222222222 was changed outside VaultCopy: its actions are not exactly'
        "$($warnings[0])" | Should -Match 'left it untouched'
        (Get-PolicyState -Url $Url).OriginKeyPolicy | Should -Be $before.OriginKeyPolicy
    }
}
