#Requires -Version 7.4
<#
.SYNOPSIS
    Soak: the whole vault copy of N mixed backups under throttling, 5xx answers, failing copies, a credential expiry
    and kills of the pwsh process, rerun until done. Prints what a user must be able to trust; never a timed test.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1 -Task Build), then:
    dotnet pwsh -NoProfile -File ./bench/Invoke-VaultCopySoak.ps1 [-Count 1000] [-Seed 42] [-Origins 2]

    The world is the bench's (bench/VaultCopyWorld.ps1: 50 % EBS snapshots, 15 % AMIs, 25 % RDS DB snapshots, 10 %
    Aurora cluster snapshots, spread over -Origins origin accounts), in one emulator process whose time scale makes the
    quota-bound lower bound -TargetBoundSeconds of wall time. Invoke-VaultCopy (-GrantKeyAccess, a journal, a report)
    runs in a child pwsh, again and again until every backup is vaulted or -MaxReruns is spent. Meanwhile this script:
      - throttles ~-ThrottlePercent and fails with a 5xx ~-ServerErrorPercent of the EC2, RDS, KMS and IAM calls: every
        quarter second it reads the emulator's call counts and arms fault rules (POST /_emulator/faults, per
        operation, that share of the operation's new calls, at most two in a row so that one call's retries are not
        all eaten by one burst; the figure printed is what was armed), with each service's own codes
        (RequestLimitExceeded 503 / Throttling / ThrottlingException; InternalError, Unavailable, InternalFailure,
        KMSInternalException, ServiceFailure);
      - makes ~-FailingCopyPercent of the vault's copies fail part-way (POST /_emulator/copyfailures, armed one at a
        time at seeded copy-call numbers, at a seeded percent);
      - expires the vault's role session once (-CredentialExpiries): the emulator's clock jumps past the session's
        expiry (POST /_emulator/clock), so the next vault calls get ExpiredToken while the client still trusts its
        credentials;
      - kills the child pwsh -Kills times (Stop-Process on its id), each at a seeded point of its run, measured in
        journal lines (planning, sharing, copying and withdrawing all write lines).
    Kills and the expiry happen in a seeded order at seeded points; an event whose run ends before its point moves to
    the next run. The seed is printed and -Seed repeats the same choices (the interleaving of real processes and
    threads still varies from run to run).

    Printed at the end, from the emulator's state (GET /_emulator/state) and the last run's report:
      copied and verified  backups with a completed copy in the vault under the vault key, reported vaulted;
      reported with cause  backups not vaulted whose last outcome names the cause (error id, message);
      duplicates           lineages (source ARN) with more than one copy in the vault, failed copies included;
      shares left          origin backups (AMI snapshots included) still shared with the vault at the end;
      lost                 backups neither vaulted nor reported with a cause (also: reported vaulted but not in the vault);
      reruns needed        runs after the first, not counting the runs the kills cut short.
    Target: 0 duplicates, 0 shares left, 0 lost, every backup vaulted after at most two reruns.
    tests/Soak.Tests.ps1 runs a small version (-Count 60) with -PassThru, which returns the figures as an object.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [ValidateRange(1, 100000)] [int] $Count = 1000,
    # -1: a random seed (printed, so a run can be repeated).
    [int] $Seed = -1,
    [ValidateRange(1, 8)] [int] $Origins = 2,
    [ValidateRange(0, 50)] [double] $ThrottlePercent = 10,
    [ValidateRange(0, 50)] [double] $ServerErrorPercent = 2,
    [ValidateRange(0, 50)] [double] $FailingCopyPercent = 1,
    [ValidateRange(0, 10)] [int] $Kills = 2,
    [ValidateRange(0, 3)] [int] $CredentialExpiries = 1,
    # Runs after the first, beyond those the kills cut short, before the soak gives up.
    [ValidateRange(0, 20)] [int] $MaxReruns = 4,
    [double] $TargetBoundSeconds = 60,
    [int] $RunTimeoutSeconds = 1800,
    [int[]] $Sizes = @(8, 16, 32, 64, 100, 150, 200),
    # Return the figures as an object instead of printing them.
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
if (-not $env:VAULTCOPY_MODULE_PATH -or -not (Test-Path $env:VAULTCOPY_MODULE_PATH)) {
    $manifest = Get-ChildItem (Join-Path $root 'out/VaultCopy') -Filter VaultCopy.psd1 -Recurse -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $manifest) { throw 'Build the module first: dotnet pwsh ./build.ps1 -Task Build' }
    $env:VAULTCOPY_MODULE_PATH = $manifest.FullName
}
if (-not $env:VAULTCOPY_EMULATOR_PATH) { $env:VAULTCOPY_EMULATOR_PATH = Join-Path $root 'out/emulator/VaultCopy.Emulator.dll' }
. (Join-Path $root 'tests/VaultCopy.TestHelper.ps1')
. (Join-Path $PSScriptRoot 'VaultCopyWorld.ps1')

if ($Seed -lt 0) { $Seed = Get-Random -Minimum 0 -Maximum 1000000 }
$rng = [Random]::new($Seed)
function Say([string] $Text) { if (-not $PassThru) { Write-Host $Text } }

# Each service's own throttling and server-error answers (tests/VaultCopy.Emulator/README.md "Throttling errors";
# /work/shared/docs: EC2 errors-overview, RDS/IAM Query errors, KMS JSON errors).
$Throttle = @{
    ec2 = @{ code = 'RequestLimitExceeded'; httpStatus = 503; message = 'Request limit exceeded.' }
    rds = @{ code = 'Throttling'; httpStatus = 400; message = 'Rate exceeded' }
    iam = @{ code = 'Throttling'; httpStatus = 400; message = 'Rate exceeded' }
    kms = @{ code = 'ThrottlingException'; httpStatus = 400; message = 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.' }
}
$ServerError = @{
    ec2 = @(@{ code = 'InternalError'; httpStatus = 500; message = 'An internal error has occurred' }, @{ code = 'Unavailable'; httpStatus = 503; message = 'The server is overloaded and cannot handle the request.' })
    rds = @(@{ code = 'InternalFailure'; httpStatus = 500; message = 'The request processing has failed because of an unknown error, exception or failure.' })
    iam = @(@{ code = 'ServiceFailure'; httpStatus = 500; message = 'The request processing has failed because of an unknown error, exception or failure.' })
    kms = @(@{ code = 'KMSInternalException'; httpStatus = 500; message = 'An internal error has occurred.' })
}
$CopyOperations = 'ec2:CopySnapshot', 'ec2:CopyImage', 'rds:CopyDBSnapshot', 'rds:CopyDBClusterSnapshot'

$backups = @(New-BulkBackups $Count -Origins $Origins -Sizes $Sizes)
$byArn = @{}; foreach ($b in $backups) { $byArn[$b.Arn] = $b }
$work = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-soak-$PID-$Seed"
New-Item -ItemType Directory -Force $work | Out-Null
$journal = Join-Path $work 'journal.jsonl'

# The disruptions, in a seeded order, each at a seeded point of its run (a fraction of the journal lines the run is
# expected to write).
$events = [Collections.Generic.List[object]]::new()
foreach ($k in 1..$Kills) { if ($Kills -gt 0) { $events.Add([pscustomobject]@{ Kind = 'kill'; Fraction = 0.15 + 0.6 * $rng.NextDouble(); Run = $null; AtLine = $null }) } }
foreach ($k in 1..$CredentialExpiries) { if ($CredentialExpiries -gt 0) { $events.Add([pscustomobject]@{ Kind = 'credential expiry'; Fraction = 0.1 + 0.6 * $rng.NextDouble(); Run = $null; AtLine = $null }) } }
$events = [Collections.Generic.List[object]]@($events | Sort-Object { $rng.Next() })
$failingCopies = if ($FailingCopyPercent -gt 0) { [Math]::Max(1, [int][Math]::Round($Count * $FailingCopyPercent / 100)) } else { 0 }
# Early enough that the copy calls still to come reach them whatever the kills cut short.
$failAtCall = @(if ($failingCopies -gt 0) { 1..$failingCopies | ForEach-Object { $rng.Next(0, [Math]::Max(1, [int]($Count / 2))) } | Sort-Object })

$clock = [Diagnostics.Stopwatch]::StartNew()
$emulator = Start-BulkEmulator $backups -Origins $Origins -TargetBoundSeconds $TargetBoundSeconds
$url = $emulator.Url
Say "Soak: $Count backups over $Origins origin(s), seed $Seed; time scale $($emulator.TimeScale) (bound $([Math]::Round($emulator.BoundAwsSeconds / $emulator.TimeScale, 1)) s); throttling $ThrottlePercent %, 5xx $ServerErrorPercent %, $failingCopies failing copies, $CredentialExpiries credential expiry, $Kills kills; at most $MaxReruns reruns"
Say "Disruptions: $(($events | ForEach-Object { '{0} at {1:P0} of a run' -f $_.Kind, $_.Fraction }) -join ', ')"

# The fault pump's state.
$seen = @{}; $owed = @{}
$injected = @{ Throttle = 0; ServerError = 0; FailingCopies = 0 }
$armedSinceCleanup = 0
function Step-Faults {
    $calls = Invoke-EmulatorControl -Url $url -Path calls
    foreach ($p in $calls.operations.PSObject.Properties) {
        $service = $p.Name.Split(':')[0]
        if (-not $Throttle.ContainsKey($service)) { continue }
        $new = $p.Value - [int]$seen[$p.Name]
        $seen[$p.Name] = $p.Value
        if ($new -le 0) { continue }
        if (-not $owed[$p.Name]) { $owed[$p.Name] = @{ Throttle = 0.0; ServerError = 0.0 } }
        $o = $owed[$p.Name]
        $o.Throttle += $new * $ThrottlePercent / 100
        $o.ServerError += $new * $ServerErrorPercent / 100
        $action = $p.Name.Split(':')[1]
        $armedThisTick = $false
        foreach ($kind in 'ServerError', 'Throttle') {
            # A rule of count n fails the next n calls of the operation in a row: a sequential loop (a paginated
            # listing, a describe per backup) would meet them as one call's attempts. So at most two in a row per
            # tick (the third attempt of a call with the SDK's three gets through, as almost always with independent
            # faults of one in ten): one 5xx, else up to two throttles; what is owed carries to the next tick.
            if ($o[$kind] -lt 1 -or $armedThisTick) { continue }
            $n = [Math]::Min([Math]::Floor($o[$kind]), $(if ($kind -eq 'Throttle') { 2 } else { 1 }))
            $o[$kind] = [Math]::Min($o[$kind] - $n, 1)
            $armedThisTick = $true
            $answer = if ($kind -eq 'Throttle') { $Throttle[$service] } else { $ServerError[$service][$rng.Next(0, $ServerError[$service].Count)] }
            Invoke-EmulatorControl -Url $url -Path faults -Method POST -Body (@{ service = $service; action = $action; count = [int]$n } + $answer) | Out-Null
            $injected[$kind] += [int]$n
            $script:armedSinceCleanup++
        }
    }

    # Copy failures, one at a time, at seeded copy-call numbers of the vault account.
    $vaultCalls = $calls.byAccount.$BulkVaultAccountId
    $copyCalls = 0
    if ($vaultCalls) { foreach ($op in $CopyOperations) { if ($vaultCalls.PSObject.Properties[$op]) { $copyCalls += $vaultCalls.$op } } }
    while ($injected.FailingCopies -lt $failAtCall.Count -and $copyCalls -ge $failAtCall[$injected.FailingCopies]) {
        Invoke-EmulatorControl -Url $url -Path copyfailures -Method POST -Body @{ service = '*'; failAtPercent = $rng.Next(0, 90); count = 1; accountId = $BulkVaultAccountId } | Out-Null
        $injected.FailingCopies++
    }

    # Used-up rules are dropped so that the emulator's rule list stays short (only this script arms rules).
    if ($armedSinceCleanup -ge 100) {
        $rules = (Invoke-EmulatorControl -Url $url -Path faults).faults
        if (-not ($rules | Where-Object remaining -gt 0)) { Invoke-EmulatorControl -Url $url -Path faults -Method DELETE | Out-Null; $script:armedSinceCleanup = 0 }
    }
}

function Read-JournalProgress([long] $From) {
    # New journal lines since byte $From: how many, and the backups verified among them.
    if (-not (Test-Path $journal)) { return [pscustomobject]@{ Lines = 0; Verified = @(); Position = $From } }
    $stream = [IO.FileStream]::new($journal, 'Open', 'Read', 'ReadWrite')
    try {
        [void]$stream.Seek($From, 'Begin')
        $text = [IO.StreamReader]::new($stream).ReadToEnd()
    }
    finally { $stream.Dispose() }
    $complete = $text.LastIndexOf("`n") + 1
    $text = $text.Substring(0, $complete)
    $lines = @($text.Split("`n", [StringSplitOptions]::RemoveEmptyEntries))
    $verified = @($lines | Where-Object { $_.Contains('"event":"verified"') } | ForEach-Object { ($_ | ConvertFrom-Json).arn })
    [pscustomobject]@{ Lines = $lines.Count; Verified = $verified; Position = $From + [Text.Encoding]::UTF8.GetByteCount($text) }
}

$connect = Get-BulkConnectScript -Url $url -Origins $Origins -ModulePath $env:VAULTCOPY_MODULE_PATH
$runs = [Collections.Generic.List[object]]::new()
$verifiedEver = [Collections.Generic.HashSet[string]]::new()
$position = 0L
$killed = 0; $expired = 0; $done = $false; $lastReport = $null; $lastRunError = $null
try {
    for ($run = 1; ; $run++) {
        $reruns = $run - 1 - $killed
        if ($reruns -gt $MaxReruns) { break }
        $report = Join-Path $work "report-$run"
        $script = Join-Path $work "run-$run.ps1"
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
`$PSStyle.OutputRendering = 'PlainText'
try {
$connect
`$r = Invoke-VaultCopy -Source `$origins -Destination `$vault -KmsKeyId alias/vault-backup -GrantKeyAccess -JournalPath '$journal' -ReportPath '$report' -PollIntervalSeconds 1 -Confirm:`$false -WarningAction SilentlyContinue
'SUMMARY ' + (`$r[-1] | ConvertTo-Json -Compress)
}
catch {
    'ERROR ' + `$_.FullyQualifiedErrorId.Split(',')[0] + ': ' + (`$_.Exception.Message -replace '\s+', ' ')
    'DETAIL ' + (`$_.Exception.ToString() -replace '\s+', ' ')
    exit 1
}
"@
        # Rules a run armed but never met (the run ended first) would all hit the next run's first calls of that
        # operation in a row: each run starts with none.
        Invoke-EmulatorControl -Url $url -Path faults -Method DELETE | Out-Null
        $pwsh = Get-PwshCommandLine $script
        $out = Join-Path $work "run-$run.out"
        $process = Start-Process -FilePath $pwsh.FilePath -ArgumentList $pwsh.Arguments -PassThru -RedirectStandardOutput $out -RedirectStandardError "$out.err"
        $started = $clock.Elapsed.TotalSeconds
        $expected = 2 * $Count + 4 * [Math]::Max(1, $Count - $verifiedEver.Count)
        $lines = 0; $fired = @(); $timedOut = $false
        while (-not $process.HasExited) {
            Start-Sleep -Milliseconds 250
            Step-Faults
            $progress = Read-JournalProgress $position
            $position = $progress.Position; $lines += $progress.Lines
            foreach ($arn in $progress.Verified) { [void]$verifiedEver.Add($arn) }
            while ($events.Count -gt 0 -and -not $process.HasExited -and $lines -ge [Math]::Ceiling($events[0].Fraction * $expected)) {
                $event = $events[0]; $events.RemoveAt(0)
                $event.Run = $run; $event.AtLine = $lines
                $fired += $event.Kind
                if ($event.Kind -eq 'kill') {
                    Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                    $process.WaitForExit()
                    $killed++
                }
                else {
                    # Past the role session's hour: the vault's credentials expire while the client still trusts them.
                    Invoke-EmulatorControl -Url $url -Path clock -Method POST -Body @{ advanceSeconds = 3660 } | Out-Null
                    $expired++
                }
            }
            if ($clock.Elapsed.TotalSeconds - $started -gt $RunTimeoutSeconds) {
                Stop-Process -Id $process.Id -Force -ErrorAction SilentlyContinue
                $process.WaitForExit()
                $timedOut = $true
            }
        }
        $process.WaitForExit()
        $progress = Read-JournalProgress $position
        $position = $progress.Position; $lines += $progress.Lines
        foreach ($arn in $progress.Verified) { [void]$verifiedEver.Add($arn) }

        $wasKilled = $fired -contains 'kill'
        $row = [ordered]@{ Run = $run; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds - $started, 1); Lines = $lines; Events = ($fired -join ', '); Ended = $null; Vaulted = $null; Failed = $null; Pending = $null; Causes = $null }
        if ($wasKilled) { $row.Ended = 'killed' }
        elseif ($timedOut) { $row.Ended = "stopped after $RunTimeoutSeconds s" }
        elseif (Test-Path "$report.json") {
            $lastReport = Get-Content -Raw "$report.json" | ConvertFrom-Json
            $lastRunError = $null
            $s = $lastReport.Summary
            $row.Ended = "exit $($process.ExitCode)"
            $row.Vaulted = $s.Vaulted + $s.AlreadyVaulted; $row.Failed = $s.Failed; $row.Pending = $s.Pending
            $row.Causes = (@($lastReport.Outcomes | Where-Object { $_.Outcome -in 'Failed', 'Pending', 'Refused' } | Group-Object ErrorId | Sort-Object Count -Descending |
                        ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', ')
            # Done when every backup is vaulted and the run withdrew every share (a share it could not withdraw is
            # reported as a warning, and the user runs it again).
            if ($row.Vaulted -eq $Count -and $s.SharesLeft -eq 0) { $done = $true }
        }
        else {
            $errorText = @(Get-Content $out -ErrorAction SilentlyContinue | Where-Object { $_ -like 'ERROR *' }) + @(Get-Content "$out.err" -ErrorAction SilentlyContinue | Where-Object { $_ -match '\S' }) | Select-Object -First 1
            $lastRunError = if ($errorText) { $errorText } else { "exit $($process.ExitCode) without a report" }
            $row.Ended = "error: $lastRunError"
        }
        $runs.Add([pscustomobject]$row)
        Say ("run {0}: {1} s, {2} journal lines{3}; {4}{5}" -f $run, $row.Seconds, $lines, $(if ($row.Events) { ", $($row.Events)" } else { '' }), $row.Ended,
            $(if ($null -ne $row.Vaulted) { ", $($row.Vaulted) vaulted, $($row.Failed) failed, $($row.Pending) pending$(if ($row.Causes) { " ($($row.Causes))" })" } else { '' }))
        if ($done) { break }
    }

    # What AWS holds now, read from the emulator: the only judge of duplicates, shares and losses.
    $state = Invoke-EmulatorControl -Url $url -Path state
    $state | ConvertTo-Json -Depth 40 -Compress | Set-Content (Join-Path $work 'state.json')
    $calls = Invoke-EmulatorControl -Url $url -Path calls
    $copyRules = (Invoke-EmulatorControl -Url $url -Path copyfailures).copyFailures
}
finally {
    Stop-TestEmulator $emulator
}

$vaultRegion = ($state.accounts | Where-Object id -eq $BulkVaultAccountId).regions.'eu-west-1'
$now = [DateTimeOffset]$state.time
function Get-Tag($Tags, [string] $Name) { if ($Tags -and $Tags.PSObject.Properties[$Name]) { $Tags.$Name } }
# EC2 tags in the state are kept per account that set them; a copy in flight has no fixed state: it is derived from
# the copy's schedule, as DescribeSnapshots would answer now.
function Get-Ec2Tag($Resource, [string] $Name) { Get-Tag $Resource.tags.$BulkVaultAccountId $Name }
function Get-SnapshotState($Snapshot) {
    if (-not $Snapshot.copy) { return $Snapshot.state }
    if ($Snapshot.copy.failure -and [DateTimeOffset]$Snapshot.copy.failsAt -le $now) { 'error' }
    elseif ([DateTimeOffset]$Snapshot.copy.completesAt -le $now) { 'completed' }
    else { 'pending' }
}
$vaultSnapshots = @{}; foreach ($s in @($vaultRegion.ec2.snapshots)) { if ($s) { $vaultSnapshots[$s.id] = $s } }
$copies = [Collections.Generic.List[object]]::new()
$amiSnapshots = @{}
foreach ($image in @($vaultRegion.ec2.images)) { foreach ($m in @($image.blockDeviceMappings)) { if ($m.snapshotId) { $amiSnapshots[$m.snapshotId] = $true } } }
foreach ($s in $vaultSnapshots.Values) {
    if ((Get-Ec2Tag $s 'vaultcopy:purpose') -ne 'vault' -or $amiSnapshots[$s.id] -or $s.copy.forImage) { continue }
    $st = Get-SnapshotState $s
    $copies.Add([pscustomobject]@{ SourceArn = Get-Ec2Tag $s 'vaultcopy:source-arn'; Id = $s.id; Good = ($st -eq 'completed' -and $s.kmsKeyId -eq $BulkVaultKeyArn); State = $st })
}
foreach ($i in @($vaultRegion.ec2.images)) {
    if (-not $i -or (Get-Ec2Tag $i 'vaultcopy:purpose') -ne 'vault') { continue }
    $states = @($i.blockDeviceMappings | ForEach-Object { $b = $vaultSnapshots[$_.snapshotId]; if ($b -and $b.kmsKeyId -eq $BulkVaultKeyArn) { Get-SnapshotState $b } else { 'missing' } })
    $st = if ($i.state) { $i.state } elseif ($states -contains 'error' -or $states -contains 'missing') { 'failed' } elseif (@($states | Where-Object { $_ -ne 'completed' }).Count -eq 0) { 'available' } else { 'pending' }
    $copies.Add([pscustomobject]@{ SourceArn = Get-Ec2Tag $i 'vaultcopy:source-arn'; Id = $i.id; Good = ($st -eq 'available' -and $states -notcontains 'missing'); State = $st })
}
foreach ($r in @($vaultRegion.rds.dbSnapshots) + @($vaultRegion.rds.dbClusterSnapshots)) {
    if (-not $r -or (Get-Tag $r.tags 'vaultcopy:purpose') -ne 'vault') { continue }
    $copies.Add([pscustomobject]@{ SourceArn = Get-Tag $r.tags 'vaultcopy:source-arn'; Id = $r.identifier; Good = ($r.status -eq 'available' -and $r.kmsKeyId -eq $BulkVaultKeyArn); State = $r.status })
}
$copiesBySource = $copies | Group-Object SourceArn -AsHashTable -AsString
if (-not $copiesBySource) { $copiesBySource = @{} }
$duplicates = @($copies | Group-Object SourceArn | Where-Object Count -gt 1)

$shared = @{}
foreach ($account in $state.accounts | Where-Object id -ne $BulkVaultAccountId) {
    $region = $account.regions.'eu-west-1'
    foreach ($s in @($region.ec2.snapshots)) { if ($s -and @($s.createVolumePermission.userIds) -contains $BulkVaultAccountId) { $shared[$s.id] = $true } }
    foreach ($i in @($region.ec2.images)) { if ($i -and @($i.launchPermission.userIds) -contains $BulkVaultAccountId) { $shared[$i.id] = $true } }
    foreach ($r in @($region.rds.dbSnapshots) + @($region.rds.dbClusterSnapshots)) { if ($r -and @($r.restoreAccounts) -contains $BulkVaultAccountId) { $shared[$r.identifier] = $true } }
}

$outcomes = @{}
if ($lastReport) { foreach ($o in $lastReport.Outcomes) { $outcomes[$o.Arn] = $o } }
$verified = 0; $withCause = 0; $unreported = 0
$lost = [Collections.Generic.List[string]]::new(); $claimed = [Collections.Generic.List[string]]::new()
$sharesLeft = [Collections.Generic.List[string]]::new(); $sharesKept = [Collections.Generic.List[string]]::new()
foreach ($b in $backups) {
    # Vaulted is what AWS holds (a completed copy under the vault key, an AMI with all its snapshots), whatever any run
    # said; a backup not vaulted must have a cause: its last outcome's, or the error that ended the last run.
    $inVault = @($copiesBySource[$b.Arn] | Where-Object Good).Count -gt 0
    $o = $outcomes[$b.Arn]
    $saysVaulted = $o -and $o.Outcome -in 'Vaulted', 'AlreadyVaulted'
    if ($inVault) { $verified++; if (-not $saysVaulted) { $unreported++ } }
    elseif ($saysVaulted) { $lost.Add($b.Arn); $claimed.Add($b.Arn) }
    elseif (($o -and $o.Cause) -or $lastRunError) { $withCause++ }
    else { $lost.Add($b.Arn) }
    # A share is left behind on a backup the last report calls vaulted; one kept for a backup whose run ended before
    # it was withdrawn is the next run's to withdraw.
    foreach ($id in @($b.Id, $b.BackingSnapshotId) | Where-Object { $_ }) { if ($shared[$id]) { if ($inVault -and $saysVaulted) { $sharesLeft.Add($id) } else { $sharesKept.Add($id) } } }
}

$errors = 0; foreach ($p in $calls.errors.PSObject.Properties) { $errors += $p.Value }
$result = [pscustomobject]@{
    Seed                = $Seed
    Count               = $Count
    Origins             = $Origins
    TimeScale           = $emulator.TimeScale
    Runs                = $runs.Count
    Killed              = $killed
    CredentialExpiries  = $expired
    Reruns              = $runs.Count - 1 - $killed
    MaxReruns           = $MaxReruns
    Done                = $done
    CopiedAndVerified   = $verified
    ReportedWithCause   = $withCause
    Duplicates          = $duplicates.Count
    SharesLeft          = $sharesLeft.Count
    Lost                = $lost.Count
    ClaimedNotInVault   = $claimed.Count
    VaultedNotReported  = $unreported
    Calls               = $calls.total
    ErrorAnswers        = $errors
    Throttled           = $injected.Throttle
    ServerErrors        = $injected.ServerError
    FailingCopiesArmed  = $injected.FailingCopies
    FailingCopiesMet    = @($copyRules | Where-Object remaining -eq 0).Count
    WallSeconds         = [Math]::Round($clock.Elapsed.TotalSeconds, 1)
    RunTable            = $runs
    DuplicateDetail     = @($duplicates | ForEach-Object { "$($_.Name): $(($_.Group | ForEach-Object { "$($_.Id) ($($_.State))" }) -join ', ')" })
    SharesLeftDetail    = @($sharesLeft)
    SharesKeptForUnvaulted = $sharesKept.Count
    LostDetail          = @($lost | ForEach-Object { $o = $outcomes[$_]; if ($o) { "$_ ($($o.Outcome)$(if ($o.ErrorId) { " $($o.ErrorId)" }))" } else { "$_ (no outcome)" } })
    WorkFolder          = $work
}

if ($PassThru) { return $result }

$runs | Format-Table Run, Seconds, Lines, Events, Ended, Vaulted, Failed, Pending, Causes -AutoSize -Wrap | Out-String -Width 220 | Write-Host
Write-Host ("Calls: {0}, of which {1} throttled and {2} 5xx by injection ({3:P1} and {4:P1}); {5} error answers in all; failing copies armed {6}, met {7}; credential expiries {8}" -f
    $result.Calls, $result.Throttled, $result.ServerErrors, ($result.Throttled / [Math]::Max(1, $result.Calls)), ($result.ServerErrors / [Math]::Max(1, $result.Calls)),
    $result.ErrorAnswers, $result.FailingCopiesArmed, $result.FailingCopiesMet, $result.CredentialExpiries)
Write-Host ''
Write-Host "Seed                 $Seed"
Write-Host "Backups              $Count over $Origins origin(s)"
Write-Host "Copied and verified  $($result.CopiedAndVerified)$(if ($unreported) { " ($unreported of them not reported vaulted: the last run ended first)" })"
Write-Host "Reported with cause  $($result.ReportedWithCause)"
Write-Host "Duplicates           $($result.Duplicates)$(if ($result.Duplicates) { '   ' + (($result.DuplicateDetail | Select-Object -First 5) -join '; ') })"
Write-Host "Shares left          $($result.SharesLeft)$(if ($result.SharesLeft) { '   ' + (($result.SharesLeftDetail | Select-Object -First 5) -join ', ') })$(if ($result.SharesKeptForUnvaulted) { " (and $($result.SharesKeptForUnvaulted) kept for backups no finished run reported vaulted)" })"
Write-Host "Lost                 $($result.Lost)$(if ($result.ClaimedNotInVault) { " ($($result.ClaimedNotInVault) reported vaulted but not in the vault)" })$(if ($result.Lost) { '   ' + (($result.LostDetail | Select-Object -First 5) -join '; ') })"
Write-Host "Runs                 $($result.Runs) ($killed killed); reruns needed $($result.Reruns) (max $MaxReruns)$(if (-not $done) { '; NOT DONE' })"
Write-Host "Wall time            $($result.WallSeconds) s; journal, reports and run logs in $work"
$target = $result.Duplicates -eq 0 -and $result.SharesLeft -eq 0 -and $result.Lost -eq 0 -and $done -and $result.Reruns -le 2
Write-Host "Target (0 duplicates, 0 shares left, 0 lost, all vaulted after at most 2 reruns): $(if ($target) { 'met' } else { 'NOT met' })"
