# The bulk world shared by the bench scripts and the soak test: dot-source it. It generates N mixed backups over one
# or more origin accounts, writes them into the demo world as an emulator fixture, computes the quota-bound lower
# bound of copying them from the emulator's own duration model, and starts pwsh children the same way everywhere.
# Needs tests/VaultCopy.TestHelper.ps1 dot-sourced first (Get-DemoWorld, Start-TestEmulator).

$script:BulkQuotas = @{ EbsSnapshot = 20; Ami = 300; RdsSnapshot = 20; AuroraClusterSnapshot = 5 }
$script:BulkVaultAccountId = '222222222222'
$script:BulkVaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'

function Get-BulkOrigin {
    # The origin accounts of a bulk world: the demo origin first, then 333333333333, 444444444444, … each with an
    # administrator's static keys and a customer managed key alias/origin-backup.
    param([int] $Count = 1)
    $demo = Get-DemoAccessKey origin-admin
    foreach ($n in 1..$Count) {
        if ($n -eq 1) {
            [pscustomobject]@{ AccountId = '111111111111'; AccessKeyId = $demo.accessKeyId; SecretAccessKey = $demo.secretAccessKey }
        }
        else {
            $digit = [string](($n + 1) % 10)
            [pscustomobject]@{ AccountId = $digit * 12; AccessKeyId = 'AKIAORIGIN{0:D2}ADMIN001' -f $n; SecretAccessKey = 'origin{0:D2}AdminSecretKey/FAKE/DemoOnly+001' -f $n }
        }
    }
}

function Get-CopySeconds([string] $Type, [int] $GiB) {
    # The emulator's duration model in AWS seconds (its README: EC2 "Copies", RDS "Progress").
    if ($Type -in 'EbsSnapshot', 'Ami') { 15 + $GiB * 1024 / 100 } else { 120 + 6 * [Math]::Max($GiB, 1) }
}

function New-BulkBackups {
    # N backups: 50 % EBS snapshots (half unencrypted), 15 % AMIs, 25 % RDS DB snapshots, 10 % Aurora cluster
    # snapshots; varied sizes; spread round-robin over the origins. Deterministic: the same N gives the same world.
    param([int] $Count, [int] $Origins = 1, [int[]] $Sizes = @(8, 16, 32, 64, 100, 150, 200))
    $accounts = @(Get-BulkOrigin $Origins)
    foreach ($i in 1..$Count) {
        $slot = $i % 20
        $type = if ($slot -lt 10) { 'EbsSnapshot' } elseif ($slot -lt 13) { 'Ami' } elseif ($slot -lt 18) { 'RdsSnapshot' } else { 'AuroraClusterSnapshot' }
        $gib = $Sizes[($i * 37 + 11) % $Sizes.Count]
        $origin = $accounts[($i - 1) % $accounts.Count].AccountId
        $id = switch ($type) {
            'EbsSnapshot' { 'snap-0d{0:x15}' -f $i }
            'Ami' { 'ami-0e{0:x15}' -f $i }
            'RdsSnapshot' { "bench-db-$i" }
            default { "bench-cl-$i" }
        }
        $arn = switch ($type) {
            'EbsSnapshot' { "arn:aws:ec2:eu-west-1::snapshot/$id" }   # EC2 snapshot and image ARNs name no account
            'Ami' { "arn:aws:ec2:eu-west-1::image/$id" }
            'RdsSnapshot' { "arn:aws:rds:eu-west-1:${origin}:snapshot:$id" }
            default { "arn:aws:rds:eu-west-1:${origin}:cluster-snapshot:$id" }
        }
        [pscustomobject]@{
            Index = $i; Type = $type; GiB = $gib; Encrypted = ($type -ne 'EbsSnapshot' -or $i % 2 -eq 0); OriginAccountId = $origin
            Id = $id; Arn = $arn; BackingSnapshotId = if ($type -eq 'Ami') { 'snap-0f{0:x15}' -f $i } else { $null }
        }
    }
}

function New-BulkWorld {
    # The demo world with the backups written into their origins (extra origins added as accounts of their own).
    param($Backups, [int] $Origins = 1)
    $world = Get-DemoWorld
    foreach ($origin in @(Get-BulkOrigin $Origins) | Select-Object -Skip 1) {
        $world.accounts += [pscustomobject]@{
            id      = $origin.AccountId
            alias   = "origin-$($origin.AccountId.Substring(0, 1))"
            users   = @([pscustomobject]@{
                    name           = 'origin-admin'
                    accessKeys     = @([pscustomobject]@{ accessKeyId = $origin.AccessKeyId; secretAccessKey = $origin.SecretAccessKey })
                    inlinePolicies = [pscustomobject]@{ Admin = [pscustomobject]@{ Version = '2012-10-17'; Statement = @([pscustomobject]@{ Effect = 'Allow'; Action = '*'; Resource = '*' }) } }
                })
            regions = [pscustomobject]@{
                'eu-west-1' = [pscustomobject]@{
                    kms = [pscustomobject]@{
                        keys    = @([pscustomobject]@{ id = "a1b2c3d4-0000-4000-8000-$($origin.AccountId)"; description = 'Origin backups of a bulk world.' })
                        aliases = @([pscustomobject]@{ name = 'alias/origin-backup'; targetKeyId = "a1b2c3d4-0000-4000-8000-$($origin.AccountId)" })
                    }
                }
            }
        }
    }

    foreach ($group in $Backups | Group-Object OriginAccountId) {
        $account = $world.accounts | Where-Object id -eq $group.Name
        $region = $account.regions.'eu-west-1'
        $snapshots = [Collections.Generic.List[object]]::new()
        $images = [Collections.Generic.List[object]]::new()
        $db = [Collections.Generic.List[object]]::new()
        $cluster = [Collections.Generic.List[object]]::new()
        foreach ($b in $group.Group) {
            switch ($b.Type) {
                'EbsSnapshot' {
                    $s = [ordered]@{ id = $b.Id; volumeSize = $b.GiB; startTime = '2026-11-01T00:00:00Z' }
                    if ($b.Encrypted) { $s.kmsKeyId = 'alias/origin-backup' } else { $s.encrypted = $false }
                    $snapshots.Add($s)
                }
                'Ami' {
                    $snapshots.Add([ordered]@{ id = $b.BackingSnapshotId; volumeSize = $b.GiB; kmsKeyId = 'alias/origin-backup'; startTime = '2026-11-01T00:00:00Z' })
                    $images.Add([ordered]@{ id = $b.Id; name = "bench-image-$($b.Index)"; creationDate = '2026-11-01T00:00:00Z'
                            blockDeviceMappings = @([ordered]@{ deviceName = '/dev/xvda'; snapshotId = $b.BackingSnapshotId; volumeSize = $b.GiB }) })
                }
                'RdsSnapshot' {
                    $db.Add([ordered]@{ identifier = $b.Id; dbInstanceIdentifier = "bench-$($b.Index)"; allocatedStorage = $b.GiB; kmsKeyId = 'alias/origin-backup'; createTime = '2026-11-01T00:00:00Z' })
                }
                default {
                    $cluster.Add([ordered]@{ identifier = $b.Id; dbClusterIdentifier = "bench-$($b.Index)"; allocatedStorage = $b.GiB; kmsKeyId = 'alias/origin-backup'; createTime = '2026-11-01T00:00:00Z' })
                }
            }
        }

        if (-not $region.PSObject.Properties['ec2']) { $region | Add-Member -NotePropertyName ec2 -NotePropertyValue ([pscustomobject]@{}) }
        if (-not $region.PSObject.Properties['rds']) { $region | Add-Member -NotePropertyName rds -NotePropertyValue ([pscustomobject]@{}) }
        $region.ec2 | Add-Member -Force -NotePropertyName snapshots -NotePropertyValue $snapshots
        $region.ec2 | Add-Member -Force -NotePropertyName images -NotePropertyValue $images
        $region.rds | Add-Member -Force -NotePropertyName dbSnapshots -NotePropertyValue $db
        $region.rds | Add-Member -Force -NotePropertyName dbClusterSnapshots -NotePropertyValue $cluster
    }
    $world
}

function Get-LowerBound($Backups) {
    # AWS seconds: per type max(longest copy, total / quota), the types in parallel.
    $bound = 0
    foreach ($group in $Backups | Group-Object Type) {
        $durations = @($group.Group | ForEach-Object { Get-CopySeconds $_.Type $_.GiB })
        $sum = ($durations | Measure-Object -Sum).Sum
        $max = ($durations | Measure-Object -Maximum).Maximum
        $bound = [Math]::Max($bound, [Math]::Max($max, $sum / $BulkQuotas[$group.Name]))
    }
    $bound
}

function Start-BulkEmulator {
    # An emulator loaded with the bulk world, its time scale chosen so that the lower bound is -TargetBoundSeconds of
    # wall time, and the RDS manual-snapshot quotas raised (AWS raises them on request) so the vault holds N copies.
    param($Backups, [int] $Origins = 1, [double] $TargetBoundSeconds = 40)
    $fixture = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-bulk-$PID-$([guid]::NewGuid().ToString('n')).json"
    New-BulkWorld $Backups -Origins $Origins | ConvertTo-Json -Depth 40 | Set-Content $fixture
    try { $emulator = Start-TestEmulator -FixturePath $fixture } finally { Remove-Item $fixture -ErrorAction SilentlyContinue }
    $boundAws = Get-LowerBound $Backups
    $scale = [Math]::Max(1, [Math]::Ceiling($boundAws / $TargetBoundSeconds))
    $emulator | Add-Member -NotePropertyName TimeScale -NotePropertyValue $scale
    $emulator | Add-Member -NotePropertyName BoundAwsSeconds -NotePropertyValue $boundAws
    Set-BulkEmulatorSettings $emulator
    $emulator
}

function Set-BulkEmulatorSettings($Emulator) {
    # Also after a reset, which restores the AWS defaults.
    Invoke-EmulatorControl -Url $Emulator.Url -Path settings -Method POST -Body @{ timeScale = $Emulator.TimeScale; rds = @{ manualSnapshots = 100000; manualClusterSnapshots = 100000 } } | Out-Null
}

function Get-BulkConnectScript {
    # The lines a child pwsh runs first: import the module, connect every origin ($origins, $origin = the first) and
    # the vault ($vault, the vault role assumed from the first origin).
    param([Parameter(Mandatory)] [string] $Url, [int] $Origins = 1, [Parameter(Mandatory)] [string] $ModulePath)
    $lines = @("Import-Module '$ModulePath'")
    $n = 0
    foreach ($o in Get-BulkOrigin $Origins) {
        $n++
        $lines += "`$origin$n = Connect-VaultAccount -AccessKey $($o.AccessKeyId) -SecretKey '$($o.SecretAccessKey)' -Region eu-west-1 -EndpointUrl $Url"
    }
    $lines += "`$origins = @($((1..$n | ForEach-Object { "`$origin$_" }) -join ', '))"
    $lines += '$origin = $origin1'
    $lines += '$vault = Connect-VaultAccount -SourceAccount $origin1 -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId vaultcopy-demo'
    $lines -join "`n"
}

function Get-PwshCommandLine {
    # How to start a child pwsh the way this one was started (dotnet pwsh from the tool manifest, or pwsh itself).
    param([Parameter(Mandatory)] [string] $ScriptPath)
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') {
        [pscustomobject]@{ FilePath = [Environment]::ProcessPath; Arguments = @($dll, '-NoProfile', '-NonInteractive', '-File', $ScriptPath) }
    }
    else {
        [pscustomobject]@{ FilePath = [Environment]::ProcessPath; Arguments = @('-NoProfile', '-NonInteractive', '-File', $ScriptPath) }
    }
}
