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

Describe 'Grant-VaultKeyAccess' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-KeyAccessVault -Origin $Origin
    }

    It 'lets a vault role without key permissions copy a shared encrypted RDS snapshot' {
        Add-OrdersSnapshotShare -Url $Url
        $role = Get-VaultRoleCredential -Url $Url
        (Copy-OrdersSnapshotAsVault -Url $Url -Credential $role).Code | Should -Be 'KMSKeyNotAccessibleFault'

        $changes = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force

        $changes | Should -HaveCount 3
        $changes[0].PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.KeyAccess.VaultKeyPolicyChange'
        $changes.Kind | Should -Be @('KeyPolicy', 'IdentityPolicy', 'KeyPolicy')
        $changes.Target | Should -Be @($OriginKeyArn, $NarrowRoleArn, $VaultKeyArn)
        $changes.Applied | Should -Be @($true, $true, $true)
        $changes[0].Diff | Should -Match '\+\s+"Sid": "VaultCopyUseKey-222222222222"'
        $changes[1].PolicyName | Should -Be 'VaultCopyKeyAccess'
        $copy = Copy-OrdersSnapshotAsVault -Url $Url -Credential $role
        $copy.Status | Should -Be 200 -Because "$($copy.Code) $($copy.Message)"
    }

    It 'writes nothing the second time' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null
        $before = Get-PolicyState -Url $Url

        $again = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force

        $again | Should -HaveCount 3
        $again.Changed | Should -Not -Contain $true
        $again.Applied | Should -Not -Contain $true
        $again.Reason | Should -Be (@('Already granted: nothing to write.') * 3)
        Get-WriteCallCount -Url $Url | Should -Be 0
        (Get-PolicyState -Url $Url | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It 'keeps every statement that was there, exactly' {
        $change = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId $OriginKeyArn -Force | Where-Object Target -eq $OriginKeyArn

        $after = $change.After | ConvertFrom-Json
        $after.Id | Should -Be 'origin-backup-policy'
        $after.Statement.Sid | Should -Be @('Enable IAM policies', 'Auditors', 'VaultCopyUseKey-222222222222', 'VaultCopyAttachPersistentResources-222222222222')
        $expected = ($AuditorStatementText | ConvertFrom-Json | ConvertTo-Json -Depth 10 -Compress)
        $change.After.Contains($expected) | Should -BeTrue -Because 'the statement is written as it was, only without insignificant whitespace'
        $change.Before | Should -BeLike '*"Sid" : "Auditors",  "Effect"*'
    }

    It 'shows the change with -WhatIf and changes nothing' {
        $before = Get-PolicyState -Url $Url

        $changes = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -WhatIf

        $changes | Should -HaveCount 3
        $changes.Changed | Should -Be @($true, $true, $true)
        $changes.Applied | Should -Be @($false, $false, $false)
        $changes.Reason | Should -Be (@('Not applied (-WhatIf).') * 3)
        $changes[1].After | Should -Match ([regex]::Escape($OriginKeyArn))
        Get-WriteCallCount -Url $Url | Should -Be 0
        (Get-PolicyState -Url $Url | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It 'prints each diff in the What if: message' {
        $script = @"
. '$(Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')'
Import-Module '$ModulePath'
`$origin = Connect-DemoOrigin -Url '$Url'
`$vault = Connect-DemoVault -Origin `$origin
Grant-VaultKeyAccess -Source `$origin -Destination `$vault -KeyId alias/origin-backup -WhatIf | Out-Null
"@
        $run = Invoke-IsolatedPwsh -Script $script

        $run.ExitCode | Should -Be 0 -Because ($run.Output -join "`n")
        $run.Output | Should -Contain "What if: Performing the operation `"Let account 222222222222 use the key (key policy statements for VaultCopy)`" on target `"$OriginKeyArn`"."
        $run.Output | Should -Contain '+      "Sid": "VaultCopyUseKey-222222222222",'
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'writes without a prompt with -Confirm:$false' {
        $changes = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Confirm:$false

        $changes[0].Applied | Should -BeTrue
    }

    It 'refuses to change the kms:ViaService limit of an existing grant, and says how' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force | Out-Null

        $err = Get-ErrorFrom { Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -ViaService -Force -ErrorAction Stop }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConflictingGrant,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.Exception.Message | Should -Not -Match 'ViaServiceRegion'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Revoke-VaultKeyAccess'
    }

    It 'says to add -Force when a host that cannot prompt runs it without -Force, and writes nothing' {
        $before = Get-PolicyState -Url $Url
        $key = Get-DemoAccessKey 'origin-admin'
        $run = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath'
`$origin = Connect-VaultAccount -AccessKey '$($key.accessKeyId)' -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl '$Url'
`$vault = Connect-VaultAccount -SourceAccount `$origin -RoleArn '$NarrowRoleArn' -ExternalId vaultcopy-demo
try { Grant-VaultKeyAccess -Source `$origin -Destination `$vault -KeyId alias/origin-backup -ErrorAction Stop; 'GRANTED' }
catch { "ERROR `$(`$_.FullyQualifiedErrorId)|`$(`$_.CategoryInfo.Category)|`$(`$_.TargetObject)|`$(`$_.ErrorDetails.Message)" }
"@
        $line = $run.Output | Where-Object { $_ -like 'ERROR *' }
        $line | Should -Not -BeNullOrEmpty -Because ($run.Output -join "`n")
        $id, $category, $target, $message = ($line -replace '^ERROR ', '') -split '\|', 4
        $id | Should -BeLike 'ConfirmationNotPossible,*'
        $category | Should -Be 'InvalidOperation'
        $target | Should -Be $OriginKeyArn
        $message | Should -Match '-Force'
        $message | Should -Match '-Confirm:\$false'
        $message | Should -Match 'Nothing was changed'
        (Get-PolicyState -Url $Url | ConvertTo-Json -Depth 5) | Should -Be ($before | ConvertTo-Json -Depth 5)
    }

    It '-WhatIf wins over -Force' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force -WhatIf | Out-Null

        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'returns the documents with -PolicyOnly and changes nothing, even without IAM rights' {
        $readOnly = Connect-KeyAccessVault -Origin $Origin -RoleArn $NoIamRoleArn
        $before = Get-PolicyState -Url $Url

        $changes = Grant-VaultKeyAccess -Source $Origin -Destination $readOnly -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -PolicyOnly

        $changes.Kind | Should -Be @('KeyPolicy', 'IdentityPolicy', 'KeyPolicy')
        $changes.Applied | Should -Not -Contain $true
        $changes[0].Reason | Should -Match 'Write-KMSKeyPolicy'
        $changes[1].Reason | Should -Match 'Write-IAMRolePolicy -RoleName VaultCopyNoIam -PolicyName VaultCopyKeyAccess'
        ($changes[1].After | ConvertFrom-Json).Statement[0].Resource | Should -Be $OriginKeyArn
        ($changes[2].After | ConvertFrom-Json).Statement.Principal.AWS | Should -Contain $NoIamRoleArn
        Get-WriteCallCount -Url $Url | Should -Be 0
        (Get-PolicyState -Url $Url | ConvertTo-Json) | Should -Be ($before | ConvertTo-Json)
    }

    It 'stops with PermissionDenied before writing when the vault principal may not write its identity policy' {
        $readOnly = Connect-KeyAccessVault -Origin $Origin -RoleArn $NoIamRoleArn

        $err = Get-ErrorFrom { Grant-VaultKeyAccess -Source $Origin -Destination $readOnly -KeyId alias/origin-backup -Force -ErrorAction Stop }

        $err.FullyQualifiedErrorId | Should -BeLike 'IdentityPolicyWriteDenied,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.TargetObject | Should -Be 'alias/origin-backup'
        $err.ErrorDetails.Message | Should -Match '-PolicyOnly'
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'refuses an AWS managed key with InvalidOperation and says how to re-encrypt' {
        $err = Get-ErrorFrom { Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/aws/rds -Force -ErrorAction Stop }

        $err.FullyQualifiedErrorId | Should -BeLike 'AwsManagedKey,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $err.TargetObject | Should -Be 'alias/aws/rds'
        $err.ErrorDetails.RecommendedAction | Should -Be 'Re-encrypt the backups under a customer managed key first: Convert-VaultSnapshotKey -KmsKeyId <a customer managed key>.'
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'refuses <Case> as <Category>, with the key as target and nothing written' -ForEach @(
        @{ Case = 'a wildcard principal'; KeyId = 'alias/origin-backup'; Principal = 'arn:aws:iam::222222222222:*'; Category = 'InvalidArgument'; Id = 'WildcardPrincipal' }
        @{ Case = 'a principal of another account'; KeyId = 'alias/origin-backup'; Principal = 'arn:aws:iam::333333333333:role/Stranger'; Category = 'InvalidArgument'; Id = 'PrincipalOutsideDestination' }
        @{ Case = 'a missing key'; KeyId = 'alias/no-such-key'; Principal = $null; Category = 'ObjectNotFound'; Id = 'SourceKeyNotFound' }
        @{ Case = 'a key of another account'; KeyId = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'; Principal = $null; Category = 'InvalidArgument'; Id = 'KeyOfAnotherAccount' }
    ) {
        $parameters = @{ Source = $Origin; Destination = $Vault; KeyId = $KeyId; Force = $true; ErrorAction = 'Stop' }
        if ($Principal) { $parameters.Principal = $Principal }

        $err = Get-ErrorFrom { Grant-VaultKeyAccess @parameters }

        $err.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err.CategoryInfo.Category | Should -Be $Category
        $err.TargetObject | Should -Be $KeyId
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        Get-WriteCallCount -Url $Url | Should -Be 0
    }

    It 'grants each key of piped backups once, and reports the AWS managed one as a non-terminating error' {
        $vaultRole = Connect-DemoVault -Origin $Origin
        $resources = Get-VaultResource -Account $Origin -Type RdsSnapshot, AuroraClusterSnapshot

        $changes = $resources | Grant-VaultKeyAccess -Source $Origin -Destination $vaultRole -Force -ErrorVariable failures -ErrorAction SilentlyContinue

        $changes.Kind | Should -Be @('KeyPolicy', 'IdentityPolicy')
        $changes[0].Applied | Should -BeTrue
        $changes[1].Reason | Should -Match 'already allow the source key'
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'AwsManagedKey,*'
        $failures[0].TargetObject | Should -BeLike 'arn:aws:kms:eu-west-1:111111111111:key/*'
    }

    It 'limits the key use to EC2 and RDS in the key''s Region with -ViaService' {
        $change = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -ViaService -Force | Select-Object -First 1

        $use = ($change.After | ConvertFrom-Json).Statement | Where-Object Sid -eq 'VaultCopyUseKey-222222222222'
        $use.Condition.StringEquals.'kms:ViaService' | Should -Be @('ec2.eu-west-1.amazonaws.com', 'rds.eu-west-1.amazonaws.com')
    }

    It 'has a table view and help for every parameter' {
        Get-FormatData -TypeName VaultCopy.Core.KeyAccess.VaultKeyPolicyChange | Should -Not -BeNullOrEmpty
        $help = Get-Help Grant-VaultKeyAccess -Full
        $help.Synopsis | Should -Match 'vault account'
        @($help.Examples.Example).Count | Should -BeGreaterThan 2
        (Get-Command Grant-VaultKeyAccess).Parameters['Force'] | Should -Not -BeNullOrEmpty
    }
}

Describe 'Grant-VaultKeyAccess under a key policy Deny' {
    BeforeAll {
        $deny = '{"Sid": "NoCrossAccountGrants", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:CreateGrant", "Resource": "*"}'
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (New-KeyAccessWorld -OriginKeyStatement $deny) | Out-Null
    }

    AfterAll {
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (New-KeyAccessWorld) | Out-Null
    }

    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-KeyAccessVault -Origin $Origin
    }

    It 'makes Invoke-VaultCopy -GrantKeyAccess fail the backups on that key with the same error, before any copy' {
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null

        $result = Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id origin-orders-manual-cmk -GrantKeyAccess `
            -PollIntervalSeconds 1 -TimeoutSeconds 60 -Confirm:$false -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $outcome = $result | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' }

        $outcome.Outcome | Should -Be 'Failed'
        $outcome.ErrorId | Should -Be 'KeyPolicyDeniesVault'
        $outcome.Remediation | Should -BeLike "Remove or narrow key policy statement 'NoCrossAccountGrants'*"
        $ops = (Invoke-EmulatorControl -Url $Url -Path calls).operations
        $ops.PSObject.Properties.Name | Should -Not -Contain 'rds:CopyDBSnapshot'
        $ops.PSObject.Properties.Name | Should -Not -Contain 'rds:ModifyDBSnapshotAttribute'
    }

    It 'writes its statements but reports PermissionDenied naming the Deny, with the advice the preflight gives' {
        $changes = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force -ErrorVariable failures -ErrorAction SilentlyContinue

        $changes[0].Applied | Should -BeTrue
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'KeyPolicyDeniesVault,*'
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].TargetObject | Should -Be $OriginKeyArn
        $failures[0].Exception.Message | Should -Match "'NoCrossAccountGrants'"
        $failures[0].ErrorDetails.RecommendedAction | Should -BeLike "Remove or narrow key policy statement 'NoCrossAccountGrants'*"

        $preflight = Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id origin-orders-manual-cmk |
            Where-Object { $_.Check -eq 'SourceKeyPolicy' -and $_.Target -eq $OriginKeyArn }
        $preflight.Status | Should -Be 'Fail'
        $preflight.Remediation | Should -Be $failures[0].ErrorDetails.RecommendedAction
    }

    It 'is not a success either when everything was already granted' {
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force -ErrorAction SilentlyContinue | Out-Null

        $again = Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Force -ErrorVariable failures -ErrorAction SilentlyContinue

        $again[0].Changed | Should -BeFalse
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'KeyPolicyDeniesVault,*'
    }
}
