BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force

    # The demo world as AWS Backup and CloudFormation leave it: aws:-prefixed tags on every kind of backup. The
    # emulator, like AWS, refuses any caller that writes (or deletes) such a tag.
    $fixture = Get-DemoWorld
    $region = ($fixture.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'
    $awsTags = @{
        'aws:backup:source-resource' = 'arn:aws:ec2:eu-west-1::volume/vol-0a1b2c3d4e5f60001'
        'aws:cloudformation:stack-name' = 'backups'
    }
    foreach ($resource in @($region.ec2.snapshots) + @($region.ec2.images) + @($region.rds.dbSnapshots) + @($region.rds.dbClusterSnapshots)) {
        if (-not $resource.PSObject.Properties['tags']) { $resource | Add-Member -NotePropertyName tags -NotePropertyValue ([pscustomobject]@{}) }
        foreach ($tag in $awsTags.GetEnumerator()) { $resource.tags | Add-Member -NotePropertyName $tag.Key -NotePropertyValue $tag.Value -Force }
    }
    $script:FixturePath = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-aws-tags-$([guid]::NewGuid().ToString('n')).json"
    $fixture | ConvertTo-Json -Depth 40 | Set-Content -Path $FixturePath

    $script:Emulator = Start-TestEmulator -FixturePath $FixturePath
    $script:Url = $Emulator.Url

    function script:Get-TagErrors {
        (Invoke-EmulatorControl -Url $Url -Path calls).recent | Where-Object { $_.errorCode -eq 'InvalidParameterValue' }
    }

    # Calls that carried a parameter the operation's model does not define (STS, IAM, RDS and KMS ignore those;
    # EC2 refuses them): VaultCopy must send none.
    function script:Get-IgnoredParameterCalls {
        (Invoke-EmulatorControl -Url $Url -Path calls).recent | Where-Object { $_.ignoredParameters } |
            ForEach-Object { "$($_.service):$($_.action) $($_.ignoredParameters -join ',')" }
    }

    function script:Assert-NoAwsTag {
        param($Resources)
        foreach ($resource in $Resources) {
            $resource.AccountId | Should -Not -Be '111111111111' -Because 'these are the copies'
            @($resource.Tags.Keys | Where-Object { $_ -like 'aws:*' }) | Should -BeNullOrEmpty -Because "$($resource.Id) is a copy VaultCopy tagged"
            $resource.Tags['vaultcopy:purpose'] | Should -Not -BeNullOrEmpty
        }
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
    Remove-Item $FixturePath -ErrorAction SilentlyContinue
}

Describe 'Backups carrying AWS-generated aws: tags' {
    BeforeEach {
        Reset-TestEmulator $Url
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin
    }

    It 'are read with their aws: tags, and their vault copies carry only VaultCopy''s tags' {
        $sources = Get-VaultResource -Account $Origin -Id snap-0a1b2c3d4e5f60001, ami-0a1b2c3d4e5f60001, origin-orders-manual-cmk, origin-ledger-manual-cmk
        $sources | Should -HaveCount 4
        foreach ($source in $sources) { $source.Tags['aws:backup:source-resource'] | Should -Not -BeNullOrEmpty }

        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -DestinationKeyId alias/vault-backup -Force | Out-Null
        $snapshotJobs = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001, origin-orders-manual-cmk, origin-ledger-manual-cmk |
            Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
        $imageJob = Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 |
            Copy-VaultImage -Destination $Vault -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1

        @($snapshotJobs) + @($imageJob) | ForEach-Object { $_.State | Should -Be 'Completed' -Because $_.SourceId }
        Assert-NoAwsTag (@($snapshotJobs.TargetArn) + @($imageJob.TargetArn) | Get-VaultResource -Account $Vault)
        Get-TagErrors | Should -BeNullOrEmpty
        Get-IgnoredParameterCalls | Should -BeNullOrEmpty
    }

    It 'are converted off the AWS managed keys without trying to copy their aws: tags' {
        $copies = Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002, ami-0a1b2c3d4e5f60002, origin-legacy-manual-awsrds, origin-legacy-ledger-manual-awsrds -KmsKeyId alias/origin-backup -Wait -PollIntervalSeconds 1

        $copies | Should -HaveCount 4
        foreach ($copy in $copies) {
            @($copy.Tags.Keys | Where-Object { $_ -like 'aws:*' }) | Should -BeNullOrEmpty
            $copy.Tags['vaultcopy:purpose'] | Should -Be 'convert'
        }
        Get-TagErrors | Should -BeNullOrEmpty
        Get-IgnoredParameterCalls | Should -BeNullOrEmpty
    }
}
