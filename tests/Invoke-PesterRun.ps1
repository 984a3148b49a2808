#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite against the built module in this (separate) process and writes a summary for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $ToolPackages,
    [Parameter(Mandatory)] [string] $ResultsDirectory,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Filter = $(if ($env:VAULTCOPY_PESTER_FILTER) { $env:VAULTCOPY_PESTER_FILTER } else { '*' })
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force

# The test files find what they test through these; see VaultCopy.TestHelper.ps1.
$env:VAULTCOPY_MODULE_PATH = $ModulePath
$env:VAULTCOPY_EMULATOR_PATH = $EmulatorPath
$env:VAULTCOPY_TOOL_PACKAGES = $ToolPackages

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Filter.FullName = $Filter
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultsDirectory 'pester-nunit.xml'

$result = Invoke-Pester -Configuration $configuration
# Pester already counts the tests under a failed BeforeAll as failed; a failed block or container that failed no
# test (an AfterAll, a file that does not parse) still makes the run fail, counted once.
$failed = $result.FailedCount
if ($failed -eq 0 -and ($result.FailedBlocksCount + $result.FailedContainersCount) -gt 0) { $failed = 1 }
# Tests left out by -Filter are not "skipped": only a full run's NotRun count is reported as such.
$notRun = if ($Filter -eq '*') { $result.NotRunCount } else { 0 }
$summary = [ordered]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount + $notRun }
$summary | ConvertTo-Json | Set-Content $SummaryPath
if ($failed -gt 0 -or $result.TotalCount -eq 0) { exit 1 }
exit 0
