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
            Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
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

function Get-DemoAccessKey {
    # The fake demo-world keys of one user, e.g. Get-DemoAccessKey origin-admin.
    param([Parameter(Mandatory)] [string] $UserName)
    $user = (Get-DemoWorld).accounts.users | Where-Object name -eq $UserName
    if (-not $user) { throw "No user $UserName in the demo world." }
    $user.accessKeys[0]
}

function Connect-DemoOrigin {
    param([Parameter(Mandatory)] [string] $Url, [string] $UserName = 'origin-admin', [string] $Region = 'eu-west-1')
    $key = Get-DemoAccessKey $UserName
    Connect-VaultAccount -AccessKey $key.accessKeyId -SecretKey $key.secretAccessKey -Region $Region -EndpointUrl $Url
}

function Connect-DemoVault {
    param([Parameter(Mandatory)] $Origin)
    Connect-VaultAccount -SourceAccount $Origin -RoleArn 'arn:aws:iam::222222222222:role/VaultCopyVault' -ExternalId 'vaultcopy-demo'
}

function Invoke-IsolatedPwsh {
    # Runs a script in a fresh pwsh with its own cache folder (the startup JIT profile would otherwise carry
    # assembly-resolution state between runs) and returns its exit code and every line it wrote.
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{})
    $cache = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-cache-$([guid]::NewGuid().ToString('n'))"
    New-Item -ItemType Directory $cache | Out-Null
    $scriptFile = Join-Path $cache 'script.ps1'
    Set-Content -Path $scriptFile -Value $Script
    $saved = @{}
    $Environment['XDG_CACHE_HOME'] = $cache
    # Plain text: an error's colour escapes would end up in the test report, which XML cannot carry.
    $Environment['NO_COLOR'] = '1'
    foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
    try {
        $dll = Join-Path $PSHOME 'pwsh.dll'
        $output = if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
            & ([Environment]::ProcessPath) $dll -NoProfile -NonInteractive -File $scriptFile 2>&1
        }
        else {
            & ([Environment]::ProcessPath) -NoProfile -NonInteractive -File $scriptFile 2>&1
        }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output | ForEach-Object { "$_" }) }
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        Remove-Item -Recurse -Force $cache -ErrorAction SilentlyContinue
    }
}
