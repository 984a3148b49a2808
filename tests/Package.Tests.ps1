# What build.ps1 -Task Package ships: the Gallery package installed the way a user installs it, and the SSM
# Automation attachment imported the way a runbook step imports it, each in a fresh pwsh against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Key = Get-DemoAccessKey 'origin-admin'
    $script:Manifest = Import-PowerShellDataFile $ModulePath
    $script:Version = $Manifest.ModuleVersion
    $script:OutDir = Split-Path (Split-Path (Split-Path $ModulePath))
    $script:Package = Join-Path $OutDir "VaultCopy.$Version.nupkg"
    $script:Attachment = Join-Path $OutDir "VaultCopy-$Version-ssm.zip"
    $script:RepoRoot = Split-Path $PSScriptRoot

    function script:New-ScratchFolder {
        $path = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-package-$([guid]::NewGuid().ToString('n'))"
        New-Item -ItemType Directory $path | Select-Object -ExpandProperty FullName
    }

    function script:Read-ZipEntry {
        param([string] $Path, [string] $Entry)
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $item = $zip.Entries | Where-Object FullName -eq $Entry
            if (-not $item) { return $null }
            $reader = [IO.StreamReader]::new($item.Open())
            try { $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
    }

    $script:ConnectLines = @"
`$account = Connect-VaultAccount -AccessKey '$($Key.accessKeyId)' -SecretKey '$($Key.secretAccessKey)' -Region eu-west-1 -EndpointUrl '$($Emulator.Url)'
"ACCOUNT=`$(`$account.AccountId)"
"MODULE=`$((Get-Module VaultCopy).ModuleBase)"
"@
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'The Gallery package' {
    It 'is named after the manifest version and holds the module, its engine in deps/, help, views and LICENSE' {
        $Package | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Package)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        foreach ($file in 'VaultCopy.psd1', 'VaultCopy.dll', 'VaultCopy.dll-Help.xml', 'VaultCopy.Format.ps1xml', 'LICENSE',
            'deps/VaultCopy.Core.dll', 'deps/AWSSDK.Core.dll', 'deps/AWSSDK.EC2.dll') {
            $entries | Should -Contain $file
        }
        $entries | Where-Object { $_ -like 'AWSSDK*' } | Should -BeNullOrEmpty -Because 'AWSSDK stays in deps/, away from the default load context'
    }

    It 'says what this version changed, as CHANGELOG.md does, with no placeholder address' {
        $nuspec = [xml](Read-ZipEntry $Package 'VaultCopy.nuspec')
        $changelog = Get-Content -Raw (Join-Path $RepoRoot 'CHANGELOG.md')
        $section = [regex]::Match($changelog, "(?ms)^## $([regex]::Escape($Version))\s*\r?\n(?<notes>.*?)(?=^## |\z)").Groups['notes'].Value.Trim()
        $section | Should -Not -BeNullOrEmpty -Because "CHANGELOG.md needs a section for $Version"

        $nuspec.package.metadata.version | Should -Be $Version
        $nuspec.package.metadata.releaseNotes.Trim() | Should -Be $section
        $Manifest.PrivateData.PSData.ReleaseNotes.Trim() | Should -Be $section
        (Read-ZipEntry $Package 'VaultCopy.psd1') | Should -Not -Match 'example\.(invalid|com)'
        (Read-ZipEntry $Package 'LICENSE') | Should -Match 'Apache License\s+Version 2\.0'
    }

    It 'installs with Install-PSResource into a scope of its own and runs a cmdlet from there' {
        $scratch = New-ScratchFolder
        try {
            $repository = New-Item -ItemType Directory (Join-Path $scratch 'repository')
            Copy-Item $Package $repository
            $userHome = New-Item -ItemType Directory (Join-Path $scratch 'home')
            # The data folder where both pwsh and PSResourceGet look for the user's modules. It must exist: .NET
            # answers an empty path for one that does not, and PSResourceGet then writes into the working directory.
            $data = New-Item -ItemType Directory (Join-Path $userHome '.local/share')
            $result = Invoke-IsolatedPwsh -Environment @{ HOME = $userHome.FullName; XDG_DATA_HOME = $data.FullName; LOCALAPPDATA = $data.FullName; PSModulePath = $null } -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name VaultCopyTest -Uri '$($repository.FullName)' -Trusted
Install-PSResource -Name VaultCopy -Version '$Version' -Repository VaultCopyTest -Scope CurrentUser -TrustRepository
Import-Module VaultCopy
$ConnectLines
"@
            $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
            $result.Output | Should -Contain 'ACCOUNT=111111111111'
            $installed = ($result.Output | Where-Object { $_ -like 'MODULE=*' }) -replace '^MODULE=', ''
            $installed | Should -BeLike "$($userHome.FullName)*VaultCopy*$Version"
        }
        finally { Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue }
    }
}

Describe 'The SSM Automation attachment' {
    It 'holds the module under Modules/ and imports by name once Modules/ is on PSModulePath' {
        $Attachment | Should -Exist
        $scratch = New-ScratchFolder
        try {
            Expand-Archive -Path $Attachment -DestinationPath $scratch
            Join-Path $scratch "Modules/VaultCopy/$Version/VaultCopy.psd1" | Should -Exist
            Join-Path $scratch "Modules/VaultCopy/$Version/deps/VaultCopy.Core.dll" | Should -Exist
            $result = Invoke-IsolatedPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Set-Location '$scratch'
`$env:PSModulePath = (Join-Path `$PWD 'Modules') + [IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module VaultCopy
$ConnectLines
"@
            $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
            $result.Output | Should -Contain 'ACCOUNT=111111111111'
            $result.Output | Should -Contain "MODULE=$(Join-Path $scratch "Modules/VaultCopy/$Version")"
        }
        finally { Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue }
    }
}
