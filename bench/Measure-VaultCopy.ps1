#Requires -Version 7.4
<#
.SYNOPSIS
    Prints VaultCopy's start-up and inventory figures against the local emulator.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1 -Task Build), then: dotnet pwsh ./bench/Measure-VaultCopy.ps1
    Each figure is the median of -Runs runs in fresh pwsh processes (import cost) or in this process (calls).
    Targets (checked here, never in unit tests): Import-Module under 1 s; a warm Connect-VaultAccount under 100 ms;
    Get-VaultResource streams its first object before reading the whole account.
#>
param(
    [int] $Runs = 5,
    [int] $Snapshots = 1000
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$manifest = Get-ChildItem (Join-Path $root 'out/VaultCopy') -Filter VaultCopy.psd1 -Recurse | Select-Object -First 1
if (-not $manifest) { throw 'Build the module first: dotnet pwsh ./build.ps1 -Task Build' }

function Median([double[]] $values) { ($values | Sort-Object)[[int][Math]::Floor($values.Count / 2)] }

$env:VAULTCOPY_MODULE_PATH = $manifest.FullName
$env:VAULTCOPY_EMULATOR_PATH = Join-Path $root 'out/emulator/VaultCopy.Emulator.dll'
. (Join-Path $root 'tests/VaultCopy.TestHelper.ps1')

$dll = Join-Path $PSHOME 'pwsh.dll'
$import = foreach ($i in 1..$Runs) {
    $text = & ([Environment]::ProcessPath) $dll -NoProfile -NonInteractive -Command "(Measure-Command { Import-Module '$($manifest.FullName)' }).TotalMilliseconds"
    [double]($text | Select-Object -Last 1)
}

# A world with many snapshots, to see paging and streaming.
$world = Get-DemoWorld
($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.ec2.snapshots = @(foreach ($i in 1..$Snapshots) {
        @{ id = ('snap-0c{0:x15}' -f $i); volumeSize = 8; encrypted = $false; startTime = '2026-11-01T00:00:00Z' }
    })
($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.ec2.images = @()
$fixture = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-bench-$PID.json"
$world | ConvertTo-Json -Depth 30 | Set-Content $fixture
$emulator = Start-TestEmulator -FixturePath $fixture
try {
    Import-Module $manifest.FullName
    $key = Get-DemoAccessKey 'origin-admin'
    $first = Measure-Command { $origin = Connect-VaultAccount -AccessKey $key.accessKeyId -SecretKey $key.secretAccessKey -Region eu-west-1 -EndpointUrl $emulator.Url }
    $warm = foreach ($i in 1..$Runs) {
        (Measure-Command { Connect-VaultAccount -AccessKey $key.accessKeyId -SecretKey $key.secretAccessKey -Region eu-west-1 -EndpointUrl $emulator.Url }).TotalMilliseconds
    }
    $firstObject = Measure-Command { Get-VaultResource -Account $origin -Type EbsSnapshot | Select-Object -First 1 }
    $all = Measure-Command { $count = @(Get-VaultResource -Account $origin -Type EbsSnapshot).Count }
    $memory = [GC]::GetTotalMemory($true) / 1MB

    [pscustomobject]@{ Figure = 'Import-Module (fresh pwsh, median ms)'; Value = [Math]::Round((Median $import), 1); Target = '< 1000' }
    [pscustomobject]@{ Figure = 'First Connect-VaultAccount (ms, loads AWSSDK)'; Value = [Math]::Round($first.TotalMilliseconds, 1); Target = '' }
    [pscustomobject]@{ Figure = 'Warm Connect-VaultAccount (median ms)'; Value = [Math]::Round((Median $warm), 1); Target = '< 100' }
    [pscustomobject]@{ Figure = "First of $Snapshots snapshots (ms)"; Value = [Math]::Round($firstObject.TotalMilliseconds, 1); Target = 'one page' }
    [pscustomobject]@{ Figure = "All $count snapshots (ms)"; Value = [Math]::Round($all.TotalMilliseconds, 1); Target = '' }
    [pscustomobject]@{ Figure = 'Managed heap after the run (MiB)'; Value = [Math]::Round($memory, 1); Target = '' }
}
finally {
    Stop-TestEmulator $emulator
    Remove-Item $fixture -ErrorAction SilentlyContinue
}
