# Shared by every *.Tests.ps1: dot-source it in BeforeAll. It finds the built module and the emulator through the
# environment set by Invoke-PesterRun.ps1, starts an emulator process per test file, and talks to its control API.

$script:ModulePath = $env:VAULTCOPY_MODULE_PATH
$script:EmulatorPath = $env:VAULTCOPY_EMULATOR_PATH
$script:ToolPackages = $env:VAULTCOPY_TOOL_PACKAGES
$script:DemoWorldPath = Join-Path $PSScriptRoot 'VaultCopy.Emulator/Fixtures/demo-world.json'

if (-not $script:ModulePath -or -not (Test-Path $script:ModulePath)) {
    throw 'VAULTCOPY_MODULE_PATH does not point at a built module: run the tests through build.ps1 -Task Test.'
}

function Start-TestEmulator {
    [CmdletBinding()]
    param([string] $FixturePath)
    $runDir = if ($env:VAULTCOPY_TEST_RUN_DIR) { $env:VAULTCOPY_TEST_RUN_DIR } else { [IO.Path]::GetTempPath() }
    $urlFile = Join-Path $runDir "emulator-$([guid]::NewGuid().ToString('n')).url"
    $arguments = @($script:EmulatorPath, '--port', '0', '--url-file', $urlFile)
    if ($FixturePath) { $arguments += @('--fixture', $FixturePath) }
    $log = "$urlFile.log"
    $process = Start-Process -FilePath dotnet -ArgumentList $arguments -PassThru -RedirectStandardOutput $log -RedirectStandardError "$log.err"
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path $urlFile) -or -not (Get-Content -Raw $urlFile)) {
        if ($process.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "The emulator did not start: $(Get-Content -Raw "$log.err" -ErrorAction SilentlyContinue)"
        }
        Start-Sleep -Milliseconds 50
    }
    [pscustomobject]@{ Process = $process; Url = (Get-Content -Raw $urlFile).Trim() }
}

function Stop-TestEmulator {
    param($Emulator)
    if ($Emulator -and -not $Emulator.Process.HasExited) { Stop-Process -Id $Emulator.Process.Id -Force -ErrorAction SilentlyContinue }
}

function Invoke-EmulatorControl {
    param([string] $Url, [string] $Path, [string] $Method = 'GET', $Body)
    $parameters = @{ Uri = "$($Url.TrimEnd('/'))/_emulator/$Path"; Method = $Method }
    if ($null -ne $Body) {
        $parameters.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 20 }
        $parameters.ContentType = 'application/json'
    }
    Invoke-RestMethod @parameters
}

function Reset-TestEmulator { param([string] $Url) Invoke-EmulatorControl -Url $Url -Path 'reset' -Method POST | Out-Null }

function Get-DemoWorld { Get-Content -Raw $script:DemoWorldPath | ConvertFrom-Json }
