#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and demonstrates VaultCopy.
.DESCRIPTION
    One function per task. Run as: dotnet pwsh ./build.ps1 -Task Build|Test|Package|Demo|Clean|BareCloneTest
    Only the .NET SDK and the NuGet feed are needed: Pester is restored from the feed into .tools/ on first use.
    BareCloneTest clones HEAD into an empty temporary folder and runs the README test command there: the proof that
    the repository stands on its own (not part of Test; it builds and tests everything once more).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Pester', 'Package', 'Demo', 'Clean', 'BareCloneTest')]
    [string] $Task = 'Build',

    # With -Task Pester: run only the tests whose full name matches this wildcard (developer loop).
    [string] $Filter = '*',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# Pinned tools, in one place.
$PesterVersion = '5.7.1'
# AWSSDK.Core versions that AWS Tools for PowerShell may have loaded before VaultCopy (load-order tests).
$AwsToolsSdkCoreVersion = '3.7.402'
$OlderV4SdkCoreVersion = '4.0.3.3'
# Reads the SSM Automation runbook in the runbook tests (PowerShell has no YAML parser of its own).
$YamlDotNetVersion = '18.1.0'

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ToolsDir = Join-Path $Root '.tools'
$ResultsDir = Join-Path $OutDir 'test-results'
$EmulatorDir = Join-Path $OutDir 'emulator'

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.VaultCopyVersion } | Where-Object { $_ })[0]
    if (-not $version) { throw 'VaultCopyVersion is missing from Directory.Build.props.' }
    $version
}

function Get-ModuleDirectory { Join-Path $OutDir "VaultCopy/$(Get-ModuleVersion)" }

function Get-ReleaseNotes {
    # The section of CHANGELOG.md headed with the version being built, so the package says what the version changed.
    param([string] $Version)
    $text = Get-Content -Raw (Join-Path $Root 'CHANGELOG.md')
    $match = [regex]::Match($text, "(?ms)^## $([regex]::Escape($Version))[ \t]*\r?\n(?<notes>.*?)(?=^## |\z)")
    if (-not $match.Success) { throw "CHANGELOG.md has no section '## $Version': add the release notes of this version." }
    $match.Groups['notes'].Value.Trim()
}

function Invoke-PwshScript {
    # A separate pwsh process (binary modules cannot be unloaded). Under `dotnet pwsh` the process is dotnet itself.
    param([string] $Script, [string[]] $Arguments)
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*' -and (Test-Path $dll)) {
        & ([Environment]::ProcessPath) $dll -NoProfile -NonInteractive -File $Script @Arguments
    }
    else {
        & ([Environment]::ProcessPath) -NoProfile -NonInteractive -File $Script @Arguments
    }
}

function Invoke-Native {
    param([string] $FilePath, [string[]] $Arguments)
    & $FilePath @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    $moduleDir = Get-ModuleDirectory
    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    Write-Host "Building VaultCopy $(Get-ModuleVersion) into $moduleDir"

    # The cmdlet assembly at the root; the engine and every AWSSDK assembly in deps/, never beside it.
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/VaultCopy'), '-c', $Configuration, '-o', $moduleDir, '--nologo', '-v', 'quiet')
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/VaultCopy.Core'), '-c', $Configuration, '-o', (Join-Path $moduleDir 'deps'), '--nologo', '-v', 'quiet')
    Get-ChildItem $moduleDir -File | Where-Object { $_.Name -notmatch '^VaultCopy\.(dll|pdb|xml)$' } | Remove-Item

    $manifest = Get-Content -Raw (Join-Path $Root 'VaultCopy.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)= '[^']*'", "ModuleVersion`$1= '$(Get-ModuleVersion)'"
    # A here-string literal: release notes may hold any character but the closing sequence, which Markdown never has.
    $notes = "@'`n$(Get-ReleaseNotes (Get-ModuleVersion))`n'@"
    $manifest = $manifest -replace "ReleaseNotes(\s*)= ''", { "ReleaseNotes$($_.Groups[1].Value)= $notes" }
    Set-Content -Path (Join-Path $moduleDir 'VaultCopy.psd1') -Value $manifest -NoNewline
    Copy-Item (Join-Path $Root 'VaultCopy.Format.ps1xml'), (Join-Path $Root 'LICENSE') $moduleDir
    # Conceptual help lives in the culture folder, where Get-Help looks for about_ topics.
    $culture = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US')
    Copy-Item (Join-Path $Root 'docs/help/about_*.help.txt') $culture
    # External help is generated from docs/help/*.psd1 against the built cmdlets, in a separate process.
    Invoke-PwshScript (Join-Path $Root 'docs/help/New-CmdletHelp.ps1') @(
        '-ModulePath', (Join-Path $moduleDir 'VaultCopy.psd1'), '-OutputPath', (Join-Path $moduleDir 'VaultCopy.dll-Help.xml'))
    if ($LASTEXITCODE -ne 0) { throw 'Generating the cmdlet help failed.' }

    Invoke-Native dotnet @('publish', (Join-Path $Root 'tests/VaultCopy.Emulator'), '-c', $Configuration, '-o', $EmulatorDir, '--nologo', '-v', 'quiet')
    Write-Host "Built module: $(Join-Path $moduleDir 'VaultCopy.psd1')"
}

function Invoke-Package {
    # Packs what Invoke-Build built: the Gallery package and the SSM Automation attachment.
    $version = Get-ModuleVersion
    $moduleDir = Get-ModuleDirectory
    if (-not (Test-Path (Join-Path $moduleDir 'VaultCopy.psd1'))) { throw "No built module in ${moduleDir}: run -Task Build first." }
    Get-ChildItem $OutDir -File -Filter 'VaultCopy*.nupkg' -ErrorAction SilentlyContinue | Remove-Item
    Get-ChildItem $OutDir -File -Filter 'VaultCopy-*-ssm.zip' -ErrorAction SilentlyContinue | Remove-Item

    # PSResourceGet keeps its repository list in the user's data folder; the child gets a throwaway one.
    $data = Join-Path $OutDir "tmp/package-$PID"
    New-Item -ItemType Directory -Force $data | Out-Null
    $saved = @{}
    foreach ($name in 'XDG_DATA_HOME', 'LOCALAPPDATA') { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $data) }
    try {
        Invoke-PwshScript (Join-Path $Root 'tools/New-ModulePackage.ps1') @('-ModuleDirectory', $moduleDir, '-OutputDirectory', $OutDir) | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'Publish-PSResource failed to pack the module.' }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item -Recurse -Force $data -ErrorAction SilentlyContinue
    }

    # An Automation attachment is a zip the step's script extracts beside itself; Modules/ then goes on PSModulePath.
    $stage = Join-Path $OutDir "tmp/ssm-$PID"
    if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
    $target = Join-Path $stage "Modules/VaultCopy/$version"
    New-Item -ItemType Directory -Force $target | Out-Null
    Copy-Item -Recurse (Join-Path $moduleDir '*') $target
    $zip = Join-Path $OutDir "VaultCopy-$version-ssm.zip"
    Compress-Archive -Path (Join-Path $stage 'Modules') -DestinationPath $zip
    Remove-Item -Recurse -Force $stage

    # The runbook names its attachment by checksum, so the one to register is written beside the zip it belongs to.
    $sha256 = (Get-FileHash -Algorithm SHA256 $zip).Hash.ToLowerInvariant()
    $placeholder = "sha256: 'written by build.ps1 -Task Package'"
    foreach ($runbook in Get-ChildItem (Join-Path $Root 'runbooks') -Filter '*.yaml') {
        $text = Get-Content -Raw $runbook.FullName
        if (-not $text.Contains($placeholder)) { throw "$($runbook.Name) has no '$placeholder' for the attachment checksum." }
        Set-Content -Path (Join-Path $OutDir $runbook.Name) -Value $text.Replace($placeholder, "sha256: '$sha256'") -NoNewline
    }
    Write-Host "Package: $(Join-Path $OutDir "VaultCopy.$version.nupkg")"
    Write-Host "SSM Automation attachment: $zip (sha256 $sha256) and its runbooks in $OutDir"
}

function Get-PesterModulePath {
    $pester = Join-Path $ToolsDir "packages/pester/$PesterVersion/tools/Pester.psd1"
    $olderCore = Join-Path $ToolsDir "packages/awssdk.core/$OlderV4SdkCoreVersion"
    $yaml = Join-Path $ToolsDir "packages/yamldotnet/$YamlDotNetVersion"
    if (-not (Test-Path $pester) -or -not (Test-Path $olderCore) -or -not (Test-Path $yaml)) {
        Write-Host "Restoring Pester $PesterVersion, the AWSSDK.Core versions for load-order tests and YamlDotNet from the NuGet feed"
        $restoreDir = Join-Path $ToolsDir 'restore'
        New-Item -ItemType Directory -Force $restoreDir | Out-Null
        # A throwaway project whose only job is to download packages: Pester (it holds the module under tools/), the
        # AWSSDK.Core builds that the load-order tests put into a session before VaultCopy, and YamlDotNet for the
        # runbook tests.
        @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Pester" Version="[$PesterVersion]" />
    <PackageDownload Include="AWSSDK.Core" Version="[$AwsToolsSdkCoreVersion];[$OlderV4SdkCoreVersion]" />
    <PackageDownload Include="YamlDotNet" Version="[$YamlDotNetVersion]" />
  </ItemGroup>
</Project>
"@ | Set-Content (Join-Path $restoreDir 'PesterRestore.csproj')
        Invoke-Native dotnet @('restore', (Join-Path $restoreDir 'PesterRestore.csproj'), '--packages', (Join-Path $ToolsDir 'packages'), '--nologo', '-v', 'quiet')
    }
    $pester
}

function Read-JUnitCounts {
    param([string] $Path)
    $xml = [xml](Get-Content -Raw $Path)
    $cases = @($xml.SelectNodes('//testcase'))
    $failed = @($cases | Where-Object { $_.SelectSingleNode('failure|error') }).Count
    $skipped = @($cases | Where-Object { $_.SelectSingleNode('skipped') }).Count
    [pscustomobject]@{ Passed = $cases.Count - $failed - $skipped; Failed = $failed; Skipped = $skipped }
}

function New-IsolatedTestEnvironment {
    # Per-run folders keep caches, temp files and any AWS config out of the real home directory.
    $run = Join-Path $OutDir "tmp/run-$PID"
    foreach ($d in 'tmp', 'cache', 'home') { New-Item -ItemType Directory -Force (Join-Path $run $d) | Out-Null }
    @{
        TMPDIR                        = (Join-Path $run 'tmp')
        XDG_CACHE_HOME                = (Join-Path $run 'cache')
        DOTNET_EnableDiagnostics      = '0'
        AWS_SHARED_CREDENTIALS_FILE   = (Join-Path $run 'home/credentials')
        AWS_CONFIG_FILE               = (Join-Path $run 'home/config')
        AWS_EC2_METADATA_DISABLED     = 'true'
        VAULTCOPY_TEST_RUN_DIR        = $run
    }
}

function Invoke-Test {
    param([switch] $PesterOnly)
    Invoke-Build
    Invoke-Package
    New-Item -ItemType Directory -Force $ResultsDir | Out-Null
    Get-ChildItem $ResultsDir -File -ErrorAction SilentlyContinue | Remove-Item
    $isolated = New-IsolatedTestEnvironment
    $saved = @{}
    foreach ($name in $isolated.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $isolated[$name]) }
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $null)
    }

    $xunitOk = $true
    $pesterOk = $true
    $xunit = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    $pester = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 }
    try {
        if (-not $PesterOnly) {
            Write-Host 'Running xunit'
            $junit = Join-Path $ResultsDir 'xunit-junit.xml'
            & dotnet test (Join-Path $Root 'tests/VaultCopy.Core.Tests') -c $Configuration --nologo `
                --logger "junit;LogFilePath=$junit" --logger 'console;verbosity=minimal' --results-directory $ResultsDir
            $xunitOk = $LASTEXITCODE -eq 0
            $xunit = if (Test-Path $junit) { Read-JUnitCounts $junit } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
        }

        Write-Host 'Running Pester against the built module'
        # Through the environment: pwsh on Unix would expand a wildcard argument to a native command as a file glob.
        $saved['VAULTCOPY_PESTER_FILTER'] = $env:VAULTCOPY_PESTER_FILTER
        $env:VAULTCOPY_PESTER_FILTER = $Filter
        $summary = Join-Path $ResultsDir 'pester-summary.json'
        Invoke-PwshScript (Join-Path $Root 'tests/Invoke-PesterRun.ps1') @(
            '-PesterPath', (Get-PesterModulePath), '-ModulePath', (Join-Path (Get-ModuleDirectory) 'VaultCopy.psd1'),
            '-EmulatorPath', (Join-Path $EmulatorDir 'VaultCopy.Emulator.dll'), '-ToolPackages', (Join-Path $ToolsDir 'packages'),
            '-ResultsDirectory', $ResultsDir, '-SummaryPath', $summary)
        $pesterOk = $LASTEXITCODE -eq 0
        $pester = if (Test-Path $summary) { Get-Content -Raw $summary | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    }
    catch {
        # A runner that crashed still ends the run with the summary line, as a failure.
        Write-Host "The test run stopped: $_"
        $pesterOk = $false
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }

    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    $skipped = $xunit.Skipped + $pester.Skipped
    if ($failed -eq 0 -and -not ($xunitOk -and $pesterOk)) { $failed = 1 }
    Write-Host "Results: $ResultsDir"
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Start-Emulator {
    param([string] $Fixture)
    $urlFile = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-emulator-$PID.url"
    Remove-Item $urlFile -ErrorAction SilentlyContinue
    $arguments = @((Join-Path $EmulatorDir 'VaultCopy.Emulator.dll'), '--port', '0', '--url-file', $urlFile)
    if ($Fixture) { $arguments += @('--fixture', $Fixture) }
    $log = Join-Path $OutDir 'emulator.log'
    $process = Start-Process -FilePath dotnet -ArgumentList $arguments -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $urlFile) -or -not (Get-Content -Raw $urlFile)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
            throw "The emulator did not start; see $log."
        }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Process = $process; Url = (Get-Content -Raw $urlFile).Trim() }
}

function Invoke-Demo {
    Invoke-Build
    $emulator = Start-Emulator
    try {
        Write-Host "Emulator (demo world) at $($emulator.Url)"
        Invoke-PwshScript (Join-Path $Root 'examples/Demo.ps1') @(
            '-ModulePath', (Join-Path (Get-ModuleDirectory) 'VaultCopy.psd1'), '-EndpointUrl', $emulator.Url,
            '-DemoWorld', (Join-Path $Root 'tests/VaultCopy.Emulator/Fixtures/demo-world.json'))
        if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit code $LASTEXITCODE)." }
    }
    finally {
        Stop-Process -Id $emulator.Process.Id -ErrorAction SilentlyContinue
    }
}

function Invoke-Clean {
    foreach ($path in $OutDir, (Get-ChildItem $Root -Recurse -Directory -Include bin, obj | Select-Object -ExpandProperty FullName)) {
        if ($path -and (Test-Path $path)) { Remove-Item -Recurse -Force $path }
    }
    Write-Host 'Cleaned.'
}

function Invoke-BareCloneTest {
    # The README promises that a fresh clone passes with only the .NET SDK: clone HEAD (committed work only) into a
    # folder with nothing beside it, then run exactly the README test command there.
    $parent = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-bare-clone-$([guid]::NewGuid().ToString('n'))"
    $clone = Join-Path $parent 'vc'
    New-Item -ItemType Directory -Force $parent | Out-Null
    Invoke-Native git @('-C', $Root, 'clone', '--quiet', $Root, $clone)
    $head = (& git -C $clone rev-parse --short HEAD).Trim()
    Write-Host "Cloned HEAD ($head) into $clone; running: dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test"
    $summary = $null
    Push-Location $clone
    try {
        Invoke-Native dotnet @('tool', 'restore')
        & dotnet pwsh ./build.ps1 -Task Test 2>&1 | ForEach-Object {
            $line = "$_"
            Write-Host $line
            if ($line -match '^Tests: \d+ passed, \d+ failed, \d+ skipped$') { $summary = $line }
        }
        $exitCode = $LASTEXITCODE
    }
    finally {
        Pop-Location
    }

    if (-not $summary) { throw "The clone's test run printed no summary line (exit code $exitCode); see $clone." }
    $failed = [int]([regex]::Match($summary, '(\d+) failed').Groups[1].Value)
    Write-Host "Bare clone ($head): $summary"
    if ($failed -gt 0 -or $exitCode -ne 0) {
        Write-Host "The clone is kept for inspection: $clone (results in out/test-results/)."
        exit 1
    }
    Remove-Item -Recurse -Force $parent
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { Invoke-Build; Invoke-Package }
    { $_ -in 'Test', 'Pester' } {
        try { Invoke-Test -PesterOnly:($Task -eq 'Pester') }
        catch {
            # A build that fails before any test runs is still one failure in the summary line CI reads.
            Write-Host "The test run could not start: $_"
            Write-Host 'Tests: 0 passed, 1 failed, 0 skipped'
            exit 1
        }
    }
    'Demo' { Invoke-Demo }
    'Clean' { Invoke-Clean }
    'BareCloneTest' { Invoke-BareCloneTest }
}
