# Get-Help shows VaultCopy's cmdlets as it shows built-in ones: inputs, outputs, related links, defaults, switches
# and the risk-mitigation parameters, and the conceptual topic about_VaultCopy.
BeforeDiscovery {
    # The per-cmdlet cases are made at discovery, so the module is imported here already.
    Import-Module $env:VAULTCOPY_MODULE_PATH -Force
    $script:CmdletsToDocument = @(Get-Command -Module VaultCopy -CommandType Cmdlet)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Cmdlets = @(Get-Command -Module VaultCopy -CommandType Cmdlet)
}

Describe 'Cmdlet help' {
    It 'lists for <_.Name> what it takes from the pipeline, what it returns and what to read next' -ForEach $CmdletsToDocument {
        $help = Get-Help $_.Name -Full
        $inputs = @($help.inputTypes.inputType.type.name)
        $inputs | Should -Not -BeNullOrEmpty
        $piped = @($_.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } })
        if ($piped) { $inputs | Should -Not -Contain 'None' } else { $inputs | Should -Be @('None') }

        @($help.returnValues.returnValue.type.name) | Should -Be @($_.OutputType.Name | Select-Object -Unique)
        $links = @($help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_VaultCopy'
        @($links | Where-Object { $_ -like '*-Vault*' }).Count | Should -BeGreaterThan 0
    }

    It 'has a case for every exported cmdlet' {
        $CmdletsToDocument.Count | Should -Be $Cmdlets.Count
        $Cmdlets.Count | Should -BeGreaterThan 10
    }

    It 'names the properties an AWS Tools object binds by, aliases included' {
        $help = Get-Help Get-VaultResource -Full
        $text = ($help.inputTypes.inputType.description | Out-String)
        $text | Should -Match 'SnapshotId'
        $text | Should -Match 'by property name'
    }

    It 'shows switches bare in the syntax and -WhatIf/-Confirm where the cmdlet supports them' {
        $syntax = Get-Help Convert-VaultSnapshotKey | Select-Object -ExpandProperty syntax | Out-String -Width 400
        $syntax | Should -Match '\[-Force\]'
        $syntax | Should -Not -Match '-Force <SwitchParameter>'
        $syntax | Should -Match '\[-WhatIf\] \[-Confirm\]'
        (Get-Help Get-VaultResource | Select-Object -ExpandProperty syntax | Out-String -Width 400) | Should -Not -Match 'WhatIf'
        (Get-Help Convert-VaultSnapshotKey -Parameter WhatIf).description.Text | Should -Match 'not run'
    }

    It 'shows the default value a parameter has when it is not given' {
        (Get-Help Wait-VaultCopy -Parameter PollIntervalSeconds).defaultValue | Should -Be '15'
        (Get-Help Convert-VaultSnapshotKey -Parameter Force).defaultValue | Should -Be 'False'
        (Get-Help Wait-VaultCopy -Parameter Destination).defaultValue | Should -Be 'None'
    }
}

Describe 'about_VaultCopy' {
    It 'explains the vault model, the key rules, the workflow and running from SSM Automation' {
        $topic = Get-Help about_VaultCopy | Out-String
        foreach ($section in 'THE TWO ACCOUNTS', 'THE KEY RULES', 'THE WORKFLOW', 'AFTER THE COPY', 'RUNNING FROM SSM AUTOMATION') {
            $topic | Should -Match $section
        }
        $topic | Should -Match 'kms:GrantIsForAWSResource'
    }

    It 'names only cmdlets the module has' {
        $topic = Get-Help about_VaultCopy | Out-String
        $named = [regex]::Matches($topic, '\b[A-Z][a-z]+-Vault[A-Za-z]+\b') | ForEach-Object Value | Select-Object -Unique
        $named | Should -Not -BeNullOrEmpty
        foreach ($name in $named) { $Cmdlets.Name | Should -Contain $name }
    }
}
