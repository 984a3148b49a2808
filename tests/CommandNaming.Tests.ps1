# One way to name things, read from the command metadata of every exported cmdlet, so a cmdlet added on any branch
# is held to it too:
# - the vault key is -KmsKeyId (a string); -DestinationKeyId is only ever an alias of it;
# - a connected account is a VaultAccount parameter (-Source, -Destination, -Account, -…Account), and a VaultAccount
#   parameter is never named …Id; an account number is a string parameter named …AccountId, and a string parameter
#   validated as 12 digits is named …AccountId;
# - a cmdlet that takes backups takes them as -Id (string[], from the pipeline and by property name, with every
#   alias AWS Tools and AWS CLI objects and VaultCopy's own outputs use) and as a typed -InputObject (never a
#   PSObject or Object: a VaultCopy type);
# - every -InputObject binds from the pipeline.
BeforeDiscovery {
    # From the built module's manifest, without importing it during discovery: a cmdlet is held to the rules once exported.
    $script:Commands = @((Import-PowerShellDataFile $env:VAULTCOPY_MODULE_PATH).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:BackupIdAliases = @('SnapshotId', 'ImageId', 'DBSnapshotIdentifier', 'DBSnapshotArn', 'DBClusterSnapshotIdentifier', 'DBClusterSnapshotArn', 'Arn', 'SourceArn')
    # The cmdlets that act on vault copies rather than on backups: their -Id names the copy, so it never binds a
    # SourceArn (a copy job's SourceArn is the backup it was copied from).
    $script:TakesCopies = 'Wait-VaultCopy', 'Get-VaultCopy', 'Lock-VaultCopy', 'Remove-VaultCopy'
    # The cmdlets that act on backups; a parameter set with -Id or -InputObject makes a cmdlet one of them.
    $script:TakesBackups = {
        param($command)
        $command.Name -notin $TakesCopies -and ($command.Parameters.ContainsKey('Id') -or $command.Parameters.ContainsKey('InputObject'))
    }

    function script:Get-Parameters {
        param([string] $Name)
        (Get-Command $Name).Parameters.Values | Where-Object { $_.Name -notin $Common }
    }

    function script:Get-TypeName {
        param($Parameter)
        $type = $Parameter.ParameterType
        if ($type.IsArray) { $type = $type.GetElementType() }
        $type.FullName
    }
}

Describe 'VaultCopy parameter naming: <Name>' -ForEach $Commands {
    It 'calls the vault key -KmsKeyId, a string, with -DestinationKeyId at most an alias' {
        $parameters = Get-Parameters $Name
        $parameters.Name | Should -Not -Contain 'DestinationKeyId'
        $key = $parameters | Where-Object Name -eq 'KmsKeyId'
        if ($key) { Get-TypeName $key | Should -Be 'System.String' }
        $aliased = $parameters | Where-Object { $_.Aliases -contains 'DestinationKeyId' }
        if ($aliased) { $aliased.Name | Should -Be 'KmsKeyId' }
    }

    It 'takes a connected account as a VaultAccount and an account number as a string named …AccountId' {
        foreach ($parameter in Get-Parameters $Name) {
            $type = Get-TypeName $parameter
            if ($parameter.Name -in 'Source', 'Destination', 'Account' -or $parameter.Name -like '*Account') {
                $type | Should -Be 'VaultCopy.Core.Accounts.VaultAccount' -Because "-$($parameter.Name) names a connected account"
            }
            if ($type -eq 'VaultCopy.Core.Accounts.VaultAccount') {
                $parameter.Name | Should -Not -BeLike '*Id' -Because 'a connection is no account number'
            }
            if ($parameter.Name -like '*AccountId') {
                $type | Should -Be 'System.String' -Because "-$($parameter.Name) is an account number"
            }
            $twelveDigits = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidatePatternAttribute] -and $_.RegexPattern -match '\\d\{12\}' }
            if ($twelveDigits) {
                $parameter.Name | Should -BeLike '*AccountId' -Because "-$($parameter.Name) takes a 12-digit account number"
            }
        }
    }

    It 'takes backups as -Id by property name with every id and ARN alias, and as a typed -InputObject' {
        $command = Get-Command $Name
        if (-not (& $TakesBackups $command)) { return }

        $id = $command.Parameters['Id']
        $id | Should -Not -BeNullOrEmpty -Because "$Name takes backups"
        Get-TypeName $id | Should -Be 'System.String'
        $id.ParameterType.IsArray | Should -BeTrue
        foreach ($alias in $BackupIdAliases) { $id.Aliases | Should -Contain $alias }
        ($id.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipelineByPropertyName | Should -Not -Contain $false

        $input = $command.Parameters['InputObject']
        $input | Should -Not -BeNullOrEmpty -Because "$Name takes backups"
        Get-TypeName $input | Should -Be 'VaultCopy.Core.Resources.INamesBackup'
    }

    It 'names a vault copy by -Id with the copy id and ARN aliases, never the source''s' {
        if ($Name -notin $TakesCopies) { return }
        $id = (Get-Command $Name).Parameters['Id']
        if (-not $id) { return }
        foreach ($alias in $BackupIdAliases | Where-Object { $_ -ne 'SourceArn' }) { $id.Aliases | Should -Contain $alias }
        $id.Aliases | Should -Not -Contain 'SourceArn'
    }

    It 'binds -InputObject, where it has one, from the pipeline, typed' {
        $input = (Get-Command $Name).Parameters['InputObject']
        if (-not $input) { return }
        ($input.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }).ValueFromPipeline | Should -Contain $true
        Get-TypeName $input | Should -Not -BeIn 'System.Management.Automation.PSObject', 'System.Object'
    }
}
