# Export-Csv of every output type gives readable cells (a list shows its items, never its .NET type name), and copy
# jobs read back with Import-Csv can be waited for and verified.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-DemoVault -Origin $Origin

    $script:Outputs = [ordered]@{}
    $Outputs.VaultAccount = @($Origin)
    $Outputs.VaultResource = @(Get-VaultResource -Account $Origin)
    $Outputs.VaultPrereqResult = @($Outputs.VaultResource | Test-VaultCopyPrereq -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup)
    $Outputs.VaultKeyPolicyChange = @(Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force)
    $Outputs.VaultShare = @(Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk)
    $Outputs.VaultCopyJob = @($Outputs.VaultShare | Copy-VaultSnapshot -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup)
    $Outputs.VaultPostureFinding = @(Test-VaultPosture -Source $Origin -Destination $Vault)

    function script:Get-TypeNameCells {
        # Cells that show a .NET type name instead of a value.
        param([object[]] $Objects)
        foreach ($row in ($Objects | ConvertTo-Csv | ConvertFrom-Csv)) {
            foreach ($property in $row.PSObject.Properties) {
                if ("$($property.Value)" -match '^(System|VaultCopy)\.[\w.`\[\], ]+$') { "$($property.Name)=$($property.Value)" }
            }
        }
    }
}

AfterAll { Stop-TestEmulator $Emulator }

Describe 'Output as CSV' {
    It 'writes readable cells for <_>' -ForEach @('VaultAccount', 'VaultResource', 'VaultPrereqResult', 'VaultKeyPolicyChange', 'VaultShare', 'VaultCopyJob', 'VaultPostureFinding') {
        $objects = $Outputs[$_]
        $objects | Should -Not -BeNullOrEmpty -Because "the world should produce a $_"
        $objects[0].PSObject.TypeNames[0] | Should -BeLike "*.$_"
        Get-TypeNameCells $objects | Should -BeNullOrEmpty
    }

    It 'shows lists and tags as their items' {
        $ami = $Outputs.VaultResource | Where-Object Type -eq Ami | Select-Object -First 1
        $row = $ami | ConvertTo-Csv | ConvertFrom-Csv
        $row.BackingSnapshots | Should -Be ($ami.BackingSnapshots.Id -join ', ')
        $tagged = $Outputs.VaultResource | Where-Object { $_.Tags.Count -gt 0 } | Select-Object -First 1
        ($tagged | ConvertTo-Csv | ConvertFrom-Csv).Tags | Should -Match '^[^=]+=[^,]*(, [^=]+=[^,]*)*$'
        ($Outputs.VaultShare[0] | ConvertTo-Csv | ConvertFrom-Csv).SharedWith | Should -Match '222222222222'
    }

    It 'reads copy jobs back with Import-Csv, then waits for and verifies them' {
        $file = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-jobs-$([guid]::NewGuid().ToString('n')).csv"
        try {
            $Outputs.VaultCopyJob | Export-Csv -Path $file
            $verified = @(Import-Csv -Path $file | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1)

            $verified | Should -HaveCount $Outputs.VaultCopyJob.Count
            $verified.Verified | Sort-Object -Unique | Should -BeTrue
            ($verified.TargetId | Sort-Object) | Should -Be ($Outputs.VaultCopyJob.TargetId | Sort-Object)
        }
        finally { Remove-Item $file -ErrorAction SilentlyContinue }
    }

    It 'refuses a CSV row that is not a copy job, naming what it needs' {
        $row = [pscustomobject]@{ Name = 'not a job'; Size = '3' }
        { $row | Wait-VaultCopy -Destination $Vault -ErrorAction Stop } | Should -Throw -ExpectedMessage '*NotACopyJob*'
    }
}
