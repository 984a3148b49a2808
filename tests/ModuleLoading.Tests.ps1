# AWS Tools for PowerShell puts its own AWSSDK.Core into the session; VaultCopy must work beside it in any order.
# Each case runs in a fresh pwsh with its own cache folder, because a binary module cannot be unloaded.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Key = Get-DemoAccessKey 'origin-admin'

    function script:Get-ToolSdkCore {
        param([string] $Version)
        $package = Join-Path $ToolPackages "awssdk.core/$Version/lib"
        # AWS Tools loads the build for the newest framework it supports.
        $dll = Get-ChildItem $package -Recurse -Filter AWSSDK.Core.dll |
            Where-Object { $_.Directory.Name -match '^(net8\.0|netcoreapp3\.1|netstandard2\.0)$' } |
            Sort-Object { @('net8.0', 'netcoreapp3.1', 'netstandard2.0').IndexOf($_.Directory.Name) } |
            Select-Object -First 1
        if (-not $dll) { throw "AWSSDK.Core $Version was not restored under $package." }
        $dll.FullName
    }

    function script:Invoke-ConnectScript {
        param([string] $Before = '', [string] $After = '')
        Invoke-IsolatedPwsh -Script @"
`$ErrorActionPreference = 'Stop'
$Before
Import-Module '$ModulePath'
`$account = Connect-VaultAccount -AccessKey '$($Key.accessKeyId)' -SecretKey '$($Key.secretAccessKey)' -Region eu-west-1 -EndpointUrl '$($Emulator.Url)'
"ACCOUNT=`$(`$account.AccountId)"
`$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'VaultCopy.Core' }
"ENGINE_CONTEXT=`$([Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$engine).Name)"
$After
"@
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Loading VaultCopy beside AWS Tools for PowerShell' {
    It 'keeps the engine and AWSSDK out of the module root' {
        $root = Split-Path $ModulePath
        Get-ChildItem $root -Filter 'AWSSDK*.dll' | Should -BeNullOrEmpty
        Get-ChildItem $root -Filter 'VaultCopy.Core.dll' | Should -BeNullOrEmpty
        Join-Path $root 'deps/AWSSDK.Core.dll' | Should -Exist
        Join-Path $root 'deps/VaultCopy.Core.dll' | Should -Exist
    }

    It 'works when AWSSDK.Core 3.7.402 (AWS Tools v4) was loaded first' {
        $result = Invoke-ConnectScript -Before "Add-Type -Path '$(Get-ToolSdkCore 3.7.402)'; `"PRELOADED=`$([Amazon.Runtime.AWSCredentials].Assembly.GetName().Version)`""

        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'PRELOADED=3.3.0.0'
        $result.Output | Should -Contain 'ACCOUNT=111111111111'
        $result.Output | Should -Contain 'ENGINE_CONTEXT=VaultCopy.Engine'
    }

    It 'works when an older AWSSDK.Core 4.0 (AWS Tools v5) was loaded first' {
        $result = Invoke-ConnectScript -Before "Add-Type -Path '$(Get-ToolSdkCore 4.0.3.3)'"

        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'ACCOUNT=111111111111'
    }

    It 'lets AWSSDK.Core 3.7.402 load and work after VaultCopy' {
        $after = @"
Add-Type -Path '$(Get-ToolSdkCore 3.7.402)'
`$basic = [Amazon.Runtime.BasicAWSCredentials]::new('AKIAEXAMPLE000000001', 'x')
"LATE=`$(`$basic.GetType().Assembly.GetName().Version)"
"@
        $result = Invoke-ConnectScript -After $after

        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output | Should -Contain 'ACCOUNT=111111111111'
        $result.Output | Should -Contain 'LATE=3.3.0.0'
    }

    It 'imports without any warning' {
        $result = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath' -WarningVariable warnings -WarningAction SilentlyContinue
"WARNINGS=`$(`$warnings.Count)"
"COMMANDS=`$((Get-Command -Module VaultCopy).Count)"
"@

        $result.ExitCode | Should -Be 0
        $result.Output | Should -Contain 'WARNINGS=0'
        $result.Output | Where-Object { $_ -like 'COMMANDS=*' } | Should -Not -Be 'COMMANDS=0'
    }
}

Describe 'The module manifest' {
    BeforeAll { $script:Manifest = Import-PowerShellDataFile $ModulePath }

    It 'exports an explicit list of cmdlets and aliases, no wildcards' {
        $Manifest.CmdletsToExport | Should -Not -Contain '*'
        $Manifest.AliasesToExport | Should -Not -Contain '*'
        $Manifest.FunctionsToExport | Should -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets the assembly defines' {
        $result = Invoke-IsolatedPwsh -Script "Import-Module '$ModulePath'; (Get-Command -Module VaultCopy -CommandType Cmdlet).Name -join ','"
        ($result.Output[-1] -split ',' | Sort-Object) | Should -Be ($Manifest.CmdletsToExport | Sort-Object)
    }

    It 'targets PowerShell 7.4 Core and carries the version from Directory.Build.props' {
        $Manifest.PowerShellVersion | Should -Be '7.4'
        $Manifest.CompatiblePSEditions | Should -Be @('Core')
        $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../Directory.Build.props'))
        $Manifest.ModuleVersion | Should -Be (@($props.Project.PropertyGroup.VaultCopyVersion | Where-Object { $_ })[0])
    }

    It 'documents every cmdlet with a synopsis, every parameter and at least one example' {
        $result = Invoke-IsolatedPwsh -Script @"
Import-Module '$ModulePath'
foreach (`$c in Get-Command -Module VaultCopy -CommandType Cmdlet) {
    `$help = Get-Help `$c.Name -Full
    `$undocumented = @(`$help.parameters.parameter | Where-Object { -not (`$_.description | Out-String).Trim() }).Count
    "`$(`$c.Name)|`$(@(`$help.examples.example).Count)|`$(`$help.Synopsis)|`$undocumented"
}
"@
        $result.ExitCode | Should -Be 0
        $lines = $result.Output | Where-Object { $_ -like '*-Vault*|*' }
        $lines.Count | Should -Be $Manifest.CmdletsToExport.Count
        foreach ($line in $lines) {
            $name, $examples, $synopsis, $undocumented = $line -split '\|'
            [int]$examples | Should -BeGreaterThan 0 -Because "$name needs examples"
            $synopsis | Should -Not -BeLike "$name*" -Because "$name needs a synopsis, not the generated syntax"
            [int]$undocumented | Should -Be 0 -Because "$name documents every parameter"
        }
    }
}
