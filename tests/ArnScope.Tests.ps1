# ARNs mean what they say: an ARN of another partition, account or Region is never resolved to the resource of the
# same name where the command is connected. Every cmdlet that takes -Id is held to it.
BeforeDiscovery {
    $script:Cases = @(
        @{ Name = 'an RDS ARN of another Region'; Arn = 'arn:aws:rds:us-east-1:111111111111:snapshot:origin-orders-manual-cmk'; Ids = 'ArnOfOtherRegion|ResourceNotFound' }
        @{ Name = 'an EBS ARN of another Region'; Arn = 'arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60001'; Ids = 'ArnOfOtherRegion|ResourceNotFound' }
        @{ Name = 'an RDS ARN of another partition'; Arn = 'arn:aws-cn:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'; Ids = 'ArnOfOtherPartition' }
        @{ Name = 'an EBS ARN of another partition'; Arn = 'arn:aws-us-gov:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001'; Ids = 'ArnOfOtherPartition' }
        @{ Name = 'an EBS ARN naming another account'; Arn = 'arn:aws:ec2:eu-west-1:333333333333:snapshot/snap-0a1b2c3d4e5f60001'; Ids = 'ArnOfOtherAccount' }
        @{ Name = 'an RDS ARN of another account'; Arn = 'arn:aws:rds:eu-west-1:333333333333:snapshot:origin-orders-manual-cmk'; Ids = 'ArnOfOtherAccount' }
    )
    $script:Commands = @(
        @{ Command = 'Grant-VaultSnapshotAccess'; Run = { param($Arn) Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $Arn } }
        @{ Command = 'Revoke-VaultSnapshotAccess'; Run = { param($Arn) Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $Arn } }
        @{ Command = 'Copy-VaultSnapshot -Source'; Run = { param($Arn) Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id $Arn -KmsKeyId alias/vault-backup } }
        @{ Command = 'Copy-VaultSnapshot (vault only)'; Run = { param($Arn) Copy-VaultSnapshot -Destination $Vault -SourceAccountId 111111111111 -Id $Arn -KmsKeyId alias/vault-backup } }
        @{ Command = 'Copy-VaultImage'; Run = { param($Arn) Copy-VaultImage -Source $Origin -Destination $Vault -Id ($Arn -replace 'snapshot/snap-', 'image/ami-') -KmsKeyId alias/vault-backup } }
        # The conversion's own sources are on the AWS managed keys: the same ARN shapes, naming those.
        @{ Command = 'Convert-VaultSnapshotKey'; Run = { param($Arn) Convert-VaultSnapshotKey -Account $Origin -Id ($Arn -replace 'snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002' -replace 'origin-orders-manual-cmk', 'origin-legacy-manual-awsrds') -KmsKeyId alias/origin-backup -Force } }
        # A read of any account's resource: an RDS ARN of another account is asked of RDS as it is (shared with the caller or not found).
        @{ Command = 'Get-VaultResource'; Run = { param($Arn) Get-VaultResource -Account $Origin -Id $Arn }; ForeignRds = 'ResourceNotFound' }
    )
    $script:Table = foreach ($command in $Commands) {
        foreach ($case in $Cases) {
            $row = $command + $case
            if ($command.ForeignRds -and $case.Arn -like 'arn:aws:rds:*:333333333333:*') { $row.Ids = $command.ForeignRds }
            $row
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    Reset-TestEmulator $Url
    $script:Origin = Connect-DemoOrigin -Url $Url
    $script:Vault = Connect-DemoVault -Origin $Origin
    # Shared, so that a share or a copy made by mistake would succeed, and a withdrawal made by mistake would show.
    Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk, ami-0a1b2c3d4e5f60001 | Out-Null

    # The emulator shows a Region of an account in its state once something read it: read us-east-1 of both once, so
    # that a command that rightly reads there (an ARN of that Region) shows no change.
    $east = Connect-DemoOrigin -Url $Url -Region us-east-1
    Get-VaultResource -Account $east | Out-Null
    Get-VaultResource -Account (Connect-DemoVault -Origin $east) | Out-Null

    function script:Get-StateText { (Invoke-EmulatorControl -Url $Url -Path state).accounts | ConvertTo-Json -Depth 40 -Compress }
    function script:Get-Mutations {
        $calls = Invoke-EmulatorControl -Url $Url -Path calls
        @($calls.recent | Where-Object { $_.status -lt 300 -and $_.action -match '^(Copy|Delete|Deregister|Create|Modify|Put|Lock|Enable|Disable|Schedule|Register)' })
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'ARNs mean what they say' {
    It '<Command> refuses <Name> instead of using the resource of that name where it is connected' -ForEach $Table {
        $before = Get-StateText
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

        $all = @(try { & $Run $Arn 2>&1 } catch { $_ })
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $out = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })

        $out | Should -BeNullOrEmpty -Because 'nothing of that name elsewhere may be used'
        $errors | Should -HaveCount 1
        $errors[0].FullyQualifiedErrorId | Should -Match "^($Ids),"
        if ($errors[0].FullyQualifiedErrorId -like 'ArnOf*') {
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errors[0].TargetObject | Should -BeLike "$($Arn.Substring(0, 20))*"
            $errors[0].ErrorDetails.Message | Should -Match 'Connect-VaultAccount|-SourceRegion|-Region|-Source'
        }
        Get-Mutations | Should -BeNullOrEmpty
        Get-StateText | Should -Be $before
    }

    It 'Test-VaultCopyPrereq fails <Name> and never passes it' -ForEach $Cases {
        $results = Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id $Arn -KmsKeyId alias/vault-backup

        $mine = @($results | Where-Object Target -eq $Arn)
        $mine | Should -Not -BeNullOrEmpty
        $mine[0].Status | Should -Be 'Fail'
        $mine[0].Message | Should -Match 'never takes it for the resource of that (name|id)'
    }
}
