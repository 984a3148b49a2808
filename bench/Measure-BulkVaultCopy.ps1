#Requires -Version 7.4
<#
.SYNOPSIS
    Bulk vault copy on the emulator: Invoke-VaultCopy against the quota-bound lower bound, a sequential raw-AWS loop
    and a naive parallel raw-AWS script. Prints the figures; never a test.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1 -Task Build), then:
    dotnet pwsh -NoProfile -Command './bench/Measure-BulkVaultCopy.ps1 -N 100, 300'   (a list needs -Command, not -File)

    For each N it generates N mixed backups in the origin (50 % EBS snapshots, 15 % AMIs, 25 % RDS DB snapshots,
    10 % Aurora cluster snapshots; varied sizes; half the EBS snapshots unencrypted, the rest under the origin's
    customer managed key), computes the quota-bound lower bound from the emulator's own duration model
    (EBS/AMI: 15 s + GiB x 1024 / 100 MiB/s; RDS/Aurora: 120 s + 6 s x GiB; per type max(longest copy, total / quota)
    with the quotas EBS 20, AMI 300, RDS 20, Aurora 5; types in parallel), picks the emulator time scale that makes
    that bound -TargetBoundSeconds of wall time, and runs, each in its own pwsh process:
      - Invoke-VaultCopy (plan, share, copy, verify, withdraw; key access granted beforehand for every tool);
      - a naive parallel script with raw SigV4 calls: share everything, start every copy and retry the refused ones
        on quota errors every round, describe each copy in flight, withdraw each share when its copy is done;
      - a sequential raw loop (share, copy, wait, withdraw, next) on the first -SequentialSample backups,
        extrapolated linearly to N (the loop is linear by construction).
    Every tool polls at most once a second. Printed per tool: wall time, ratio to the bound, speed-up over the
    sequential loop, AWS calls per backup (all and by operation), pwsh CPU seconds and peak working set.
#>
[CmdletBinding(PositionalBinding = $false)]
param(
    [int[]] $N = @(100, 300),
    [double] $TargetBoundSeconds = 40,
    [int] $SequentialSample = 6,
    [switch] $SkipRaw
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$manifest = Get-ChildItem (Join-Path $root 'out/VaultCopy') -Filter VaultCopy.psd1 -Recurse | Select-Object -First 1
if (-not $manifest) { throw 'Build the module first: dotnet pwsh ./build.ps1 -Task Build' }
$env:VAULTCOPY_MODULE_PATH = $manifest.FullName
$env:VAULTCOPY_EMULATOR_PATH = Join-Path $root 'out/emulator/VaultCopy.Emulator.dll'
. (Join-Path $root 'tests/VaultCopy.TestHelper.ps1')
. (Join-Path $PSScriptRoot 'VaultCopyWorld.ps1')

$VaultKeyArn = $BulkVaultKeyArn

# The raw scripts: SigV4-signed Query calls straight from PowerShell (no VaultCopy, no SDK), as a user would write them.
$RawFunctions = @'
function Invoke-Raw {
    param([hashtable] $Credential, [string] $Service, [System.Collections.Specialized.OrderedDictionary] $Parameters)
    $version = @{ ec2 = '2016-11-15'; rds = '2014-10-31'; sts = '2011-06-15' }[$Service]
    $pairs = [ordered]@{ Version = $version }; foreach ($e in $Parameters.GetEnumerator()) { $pairs[$e.Key] = [string]$e.Value }
    $body = ($pairs.GetEnumerator() | ForEach-Object { [uri]::EscapeDataString($_.Key) + '=' + [uri]::EscapeDataString($_.Value) }) -join '&'
    $uri = [uri]"$($Url.TrimEnd('/'))/"
    $now = [DateTime]::UtcNow
    $amzDate = $now.ToString('yyyyMMddTHHmmssZ', [cultureinfo]::InvariantCulture); $day = $amzDate.Substring(0, 8)
    $headers = [ordered]@{ 'content-type' = 'application/x-www-form-urlencoded; charset=utf-8'; host = $uri.Authority; 'x-amz-date' = $amzDate }
    if ($Credential.SessionToken) { $headers['x-amz-security-token'] = $Credential.SessionToken }
    $signed = ($headers.Keys | Sort-Object) -join ';'
    $canonical = "POST`n/`n`n" + (($headers.Keys | Sort-Object | ForEach-Object { "${_}:$($headers[$_])`n" }) -join '') + "`n$signed`n" + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($body))).ToLowerInvariant()
    $scope = "$day/eu-west-1/$Service/aws4_request"
    $toSign = "AWS4-HMAC-SHA256`n$amzDate`n$scope`n" + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($canonical))).ToLowerInvariant()
    $key = [Text.Encoding]::UTF8.GetBytes("AWS4$($Credential.SecretAccessKey)")
    foreach ($part in $day, 'eu-west-1', $Service, 'aws4_request') { $key = [Security.Cryptography.HMACSHA256]::HashData($key, [Text.Encoding]::UTF8.GetBytes($part)) }
    $signature = [Convert]::ToHexString([Security.Cryptography.HMACSHA256]::HashData($key, [Text.Encoding]::UTF8.GetBytes($toSign))).ToLowerInvariant()
    $request = [Net.Http.HttpRequestMessage]::new([Net.Http.HttpMethod]::Post, $uri)
    $request.Content = [Net.Http.StringContent]::new($body)
    $request.Content.Headers.ContentType = [Net.Http.Headers.MediaTypeHeaderValue]::Parse($headers['content-type'])
    [void]$request.Headers.TryAddWithoutValidation('x-amz-date', $amzDate)
    if ($Credential.SessionToken) { [void]$request.Headers.TryAddWithoutValidation('x-amz-security-token', $Credential.SessionToken) }
    [void]$request.Headers.TryAddWithoutValidation('Authorization', "AWS4-HMAC-SHA256 Credential=$($Credential.AccessKeyId)/$scope, SignedHeaders=$signed, Signature=$signature")
    $response = $Http.SendAsync($request).GetAwaiter().GetResult()
    [xml] $xml = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    [pscustomobject]@{ Status = [int]$response.StatusCode; Code = $xml.SelectSingleNode("//*[local-name()='Error']/*[local-name()='Code']").InnerText; Xml = $xml }
}
function Value($r, [string] $name) { $r.Xml.SelectSingleNode("//*[local-name()='$name']").InnerText }
function Share($b, [string] $op) {
    switch ($b.Type) {
        'EbsSnapshot' { Invoke-Raw $Origin ec2 ([ordered]@{ Action = 'ModifySnapshotAttribute'; SnapshotId = $b.Id; Attribute = 'createVolumePermission'; OperationType = $op; 'UserId.1' = '222222222222' }) | Out-Null }
        'Ami' {
            if ($op -eq 'add') { Invoke-Raw $Origin ec2 ([ordered]@{ Action = 'ModifySnapshotAttribute'; SnapshotId = $b.Backing; Attribute = 'createVolumePermission'; OperationType = $op; 'UserId.1' = '222222222222' }) | Out-Null }
            Invoke-Raw $Origin ec2 ([ordered]@{ Action = 'ModifyImageAttribute'; ImageId = $b.Id; Attribute = 'launchPermission'; OperationType = $op; 'UserId.1' = '222222222222' }) | Out-Null
            if ($op -eq 'remove') { Invoke-Raw $Origin ec2 ([ordered]@{ Action = 'ModifySnapshotAttribute'; SnapshotId = $b.Backing; Attribute = 'createVolumePermission'; OperationType = $op; 'UserId.1' = '222222222222' }) | Out-Null }
        }
        'RdsSnapshot' { Invoke-Raw $Origin rds ([ordered]@{ Action = 'ModifyDBSnapshotAttribute'; DBSnapshotIdentifier = $b.Id; AttributeName = 'restore'; "ValuesTo$(if ($op -eq 'add') { 'Add' } else { 'Remove' }).AttributeValue.1" = '222222222222' }) | Out-Null }
        default { Invoke-Raw $Origin rds ([ordered]@{ Action = 'ModifyDBClusterSnapshotAttribute'; DBClusterSnapshotIdentifier = $b.Id; AttributeName = 'restore'; "ValuesTo$(if ($op -eq 'add') { 'Add' } else { 'Remove' }).AttributeValue.1" = '222222222222' }) | Out-Null }
    }
}
function Start-Copy($b) {
    $r = switch ($b.Type) {
        'EbsSnapshot' { Invoke-Raw $Vault ec2 ([ordered]@{ Action = 'CopySnapshot'; SourceSnapshotId = $b.Id; SourceRegion = 'eu-west-1'; Encrypted = 'true'; KmsKeyId = $VaultKeyArn }) }
        'Ami' { Invoke-Raw $Vault ec2 ([ordered]@{ Action = 'CopyImage'; Name = "raw-$($b.Id)"; SourceImageId = $b.Id; SourceRegion = 'eu-west-1'; Encrypted = 'true'; KmsKeyId = $VaultKeyArn }) }
        'RdsSnapshot' { Invoke-Raw $Vault rds ([ordered]@{ Action = 'CopyDBSnapshot'; SourceDBSnapshotIdentifier = $b.Arn; TargetDBSnapshotIdentifier = "raw-$($b.Id)"; KmsKeyId = $VaultKeyArn }) }
        default { Invoke-Raw $Vault rds ([ordered]@{ Action = 'CopyDBClusterSnapshot'; SourceDBClusterSnapshotIdentifier = $b.Arn; TargetDBClusterSnapshotIdentifier = "raw-$($b.Id)"; KmsKeyId = $VaultKeyArn }) }
    }
    if ($r.Status -ne 200) { if ($r.Code -in 'ResourceLimitExceeded', 'SnapshotQuotaExceeded') { return $false } throw "$($b.Id): $($r.Code)" }
    $b.Target = switch ($b.Type) { 'EbsSnapshot' { Value $r 'snapshotId' } 'Ami' { Value $r 'imageId' } default { "raw-$($b.Id)" } }
    $true
}
function Test-Done($b) {
    switch ($b.Type) {
        'EbsSnapshot' { (Value (Invoke-Raw $Vault ec2 ([ordered]@{ Action = 'DescribeSnapshots'; 'SnapshotId.1' = $b.Target })) 'status') -eq 'completed' }
        'Ami' { (Value (Invoke-Raw $Vault ec2 ([ordered]@{ Action = 'DescribeImages'; 'ImageId.1' = $b.Target })) 'imageState') -eq 'available' }
        'RdsSnapshot' { (Value (Invoke-Raw $Vault rds ([ordered]@{ Action = 'DescribeDBSnapshots'; DBSnapshotIdentifier = $b.Target })) 'Status') -eq 'available' }
        default { (Value (Invoke-Raw $Vault rds ([ordered]@{ Action = 'DescribeDBClusterSnapshots'; DBClusterSnapshotIdentifier = $b.Target })) 'Status') -eq 'available' }
    }
}
$Http = [Net.Http.HttpClient]::new()
$assumed = Invoke-Raw $Origin sts ([ordered]@{ Action = 'AssumeRole'; RoleArn = 'arn:aws:iam::222222222222:role/VaultCopyVault'; RoleSessionName = 'raw-bench'; ExternalId = 'vaultcopy-demo' })
$Vault = @{ AccessKeyId = (Value $assumed 'AccessKeyId'); SecretAccessKey = (Value $assumed 'SecretAccessKey'); SessionToken = (Value $assumed 'SessionToken') }
'@

function Invoke-Measured([string] $Body, [string] $Name) {
    # Runs a script in its own pwsh and returns what it printed last (JSON) plus its CPU time and peak working set.
    $file = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-bulk-$Name-$PID.ps1"
    Set-Content $file @"
`$ErrorActionPreference = 'Stop'
`$clock = [Diagnostics.Stopwatch]::StartNew()
$Body
`$clock.Stop()
`$me = [Diagnostics.Process]::GetCurrentProcess(); `$me.Refresh()
[pscustomobject]@{ Seconds = `$clock.Elapsed.TotalSeconds; Cpu = `$me.TotalProcessorTime.TotalSeconds; PeakMB = `$me.PeakWorkingSet64 / 1MB; Note = "`$note" } | ConvertTo-Json -Compress
"@
    $pwsh = Get-PwshCommandLine $file
    $output = & $pwsh.FilePath @($pwsh.Arguments)
    Remove-Item $file -ErrorAction SilentlyContinue
    $last = $output | Where-Object { $_ -like '{*' } | Select-Object -Last 1
    if (-not $last) { throw "$Name failed: $($output -join "`n")" }
    $last | ConvertFrom-Json
}

function Get-CallsPerBackup([int] $Count) {
    $ops = (Invoke-EmulatorControl -Url $emulator.Url -Path calls).operations
    $total = 0; $by = [ordered]@{}
    foreach ($p in $ops.PSObject.Properties | Sort-Object Value -Descending) { $total += $p.Value; $by[$p.Name] = [Math]::Round($p.Value / $Count, 2) }
    [pscustomobject]@{ PerBackup = [Math]::Round($total / $Count, 2); ByOperation = (($by.GetEnumerator() | Select-Object -First 8 | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', ') }
}

$key = Get-DemoAccessKey origin-admin
$rows = [Collections.Generic.List[object]]::new()
foreach ($count in $N) {
    $backups = @(New-BulkBackups $count)
    $boundAws = Get-LowerBound $backups
    $emulator = Start-BulkEmulator $backups -TargetBoundSeconds $TargetBoundSeconds
    $scale = $emulator.TimeScale
    $bound = $boundAws / $scale
    try {
        $connect = @"
Import-Module '$($manifest.FullName)'
`$origin = Connect-VaultAccount -AccessKey $($key.accessKeyId) -SecretKey '$($key.secretAccessKey)' -Region eu-west-1 -EndpointUrl $($emulator.Url)
`$vault = Connect-VaultAccount -SourceAccount `$origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId vaultcopy-demo
"@
        $prepare = {
            Reset-TestEmulator $emulator.Url
            Set-BulkEmulatorSettings $emulator
            Import-Module $manifest.FullName
            $o = Connect-VaultAccount -AccessKey $key.accessKeyId -SecretKey $key.secretAccessKey -Region eu-west-1 -EndpointUrl $emulator.Url
            $v = Connect-VaultAccount -SourceAccount $o -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId vaultcopy-demo
            Grant-VaultKeyAccess -Source $o -Destination $v -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
            Invoke-EmulatorControl -Url $emulator.Url -Path calls/reset -Method POST | Out-Null
        }

        & $prepare
        $inForce = (Invoke-EmulatorControl -Url $emulator.Url -Path settings).timeScale
        Write-Host "N=${count}: time scale $inForce (wanted $scale), bound $([Math]::Round($bound, 1)) s = $([Math]::Round($boundAws)) s of AWS time"
        $journal = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-bulk-$PID-$count.jsonl"
        Remove-Item $journal -ErrorAction SilentlyContinue
        $ours = Invoke-Measured -Name invoke -Body @"
$connect
`$r = Invoke-VaultCopy -Source `$origin -Destination `$vault -KmsKeyId alias/vault-backup -JournalPath '$journal' -PollIntervalSeconds 1 -Confirm:`$false
`$s = `$r[-1]; `$note = "`$(`$s.Vaulted) vaulted, `$(`$s.Failed) failed, `$(`$s.Pending) pending, `$(`$s.SharesLeft) shares left"
"@
        $oursCalls = Get-CallsPerBackup $count
        $results = [ordered]@{ 'Invoke-VaultCopy' = @($ours, $oursCalls) }

        if (-not $SkipRaw) {
            $list = foreach ($b in $backups) {
                "@{ Type = '$($b.Type)'; Id = '$($b.Id)'; Backing = '$($b.BackingSnapshotId)'; Arn = '$($b.Arn)'; Target = `$null }"
            }
            $header = @"
`$Url = '$($emulator.Url)'
`$VaultKeyArn = '$VaultKeyArn'
`$Origin = @{ AccessKeyId = '$($key.accessKeyId)'; SecretAccessKey = '$($key.secretAccessKey)' }
$RawFunctions
`$all = @(
$($list -join "`n")
)
"@
            & $prepare
            $naive = Invoke-Measured -Name naive -Body @"
$header
foreach (`$b in `$all) { Share `$b 'add' }
`$todo = [Collections.Generic.List[object]]::new(`$all); `$running = [Collections.Generic.List[object]]::new(); `$done = 0
while (`$done -lt `$all.Count) {
    foreach (`$b in @(`$todo)) { if (Start-Copy `$b) { [void]`$todo.Remove(`$b); `$running.Add(`$b) } }
    foreach (`$b in @(`$running)) { if (Test-Done `$b) { [void]`$running.Remove(`$b); Share `$b 'remove'; `$done++ } }
    Start-Sleep -Seconds 1
}
`$note = "`$done copied"
"@
            $results['naive parallel (raw)'] = @($naive, (Get-CallsPerBackup $count))

            & $prepare
            $sample = [Math]::Min($SequentialSample, $count)
            $sequential = Invoke-Measured -Name sequential -Body @"
$header
`$all = `$all[0..$($sample - 1)]
foreach (`$b in `$all) {
    Share `$b 'add'
    while (-not (Start-Copy `$b)) { Start-Sleep -Seconds 1 }
    while (-not (Test-Done `$b)) { Start-Sleep -Seconds 1 }
    Share `$b 'remove'
}
`$note = "$sample of $count copied, time x $([Math]::Round($count / $sample, 1))"
"@
            $sequential.Seconds = $sequential.Seconds * $count / $sample
            $sequential.Cpu = $sequential.Cpu * $count / $sample
            $results['sequential loop (raw, extrapolated)'] = @($sequential, (Get-CallsPerBackup $sample))
        }

        $sequentialSeconds = if ($results.Contains('sequential loop (raw, extrapolated)')) { $results['sequential loop (raw, extrapolated)'][0].Seconds } else { $null }
        foreach ($entry in $results.GetEnumerator()) {
            ($run, $calls) = $entry.Value
            $rows.Add([pscustomobject]@{
                    N             = $count
                    Tool          = $entry.Key
                    'Bound s'     = [Math]::Round($bound, 1)
                    'Wall s'      = [Math]::Round($run.Seconds, 1)
                    'x bound'     = [Math]::Round($run.Seconds / $bound, 2)
                    'Speed-up'    = if ($sequentialSeconds) { [Math]::Round($sequentialSeconds / $run.Seconds, 1) } else { $null }
                    'Calls/backup' = $calls.PerBackup
                    'CPU s'       = [Math]::Round($run.Cpu, 1)
                    'Peak MB'     = [Math]::Round($run.PeakMB)
                    Result        = $run.Note
                    'Calls by operation (per backup)' = $calls.ByOperation
                })
        }
        Write-Host "N=$count done (time scale $scale, bound $([Math]::Round($bound, 1)) s = $([Math]::Round($boundAws)) s of AWS time)"
    }
    finally {
        Stop-TestEmulator $emulator
    }
}

$rows | Format-Table N, Tool, 'Bound s', 'Wall s', 'x bound', 'Speed-up', 'Calls/backup', 'CPU s', 'Peak MB', Result -AutoSize | Out-String -Width 200
$rows | Format-List N, Tool, 'Calls by operation (per backup)' | Out-String -Width 200
