#Requires -Version 7.4
<#
.SYNOPSIS
    The VaultCopy demo: the whole vault copy with Invoke-VaultCopy against the local emulator's demo world.
.DESCRIPTION
    Started by `build.ps1 -Task Demo`, which builds the module and starts the emulator. The demo world has an
    origin account (111111111111) and a vault account (222222222222) with a role the origin may assume.
    This script uses the module exactly as a user would against AWS, with a credentials profile for the origin.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EndpointUrl,
    [Parameter(Mandatory)] [string] $DemoWorld
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

function Write-Step([string] $Text) { Write-Host "`n== $Text" -ForegroundColor Cyan }
function Write-Wrapped([string] $Text, [string] $Indent = '    ') {
    # The demo stays within 120 columns: long sentences are wrapped at word boundaries.
    $line = ''
    foreach ($word in $Text -split ' ') {
        if ($line.Length -gt 0 -and ($line.Length + 1 + $word.Length) -gt 120) { Write-Host $line; $line = $Indent + $word }
        elseif ($line.Length -gt 0) { $line += " $word" }
        else { $line = $word }
    }
    if ($line) { Write-Host $line }
}
function Show([object[]] $Objects, [string[]] $Property) { $Objects | Format-Table -Property $Property -AutoSize -Wrap | Out-String -Width 200 | Write-Host }

# A throwaway shared-credentials file holding the demo world's fake origin key, as an admin would keep a profile.
$world = Get-Content -Raw $DemoWorld | ConvertFrom-Json
$originKey = ($world.accounts.users | Where-Object name -eq 'origin-admin').accessKeys[0]
$profileFile = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-demo-$PID.credentials"
Set-Content -Path $profileFile -Value @"
[vaultcopy-demo-origin]
aws_access_key_id = $($originKey.accessKeyId)
aws_secret_access_key = $($originKey.secretAccessKey)
region = eu-west-1
"@

try {
    Write-Step 'Connect to the origin account with a profile'
    $origin = Connect-VaultAccount -ProfileName vaultcopy-demo-origin -ProfileLocation $profileFile -EndpointUrl $EndpointUrl

    Write-Step 'Connect to the vault account by assuming its role from the origin'
    $vault = Connect-VaultAccount -SourceAccount $origin -RoleArn 'arn:aws:iam::222222222222:role/VaultCopyVault' `
        -ExternalId 'vaultcopy-demo' -RoleSessionName 'vaultcopy-demo'

    Write-Step 'Both identities'
    $origin, $vault | Format-List AccountId, Partition, Region, Arn, CredentialSource | Out-String -Width 120 | Write-Host

    if ($origin.AccountId -eq $vault.AccountId) { throw 'The origin and the vault must be different accounts.' }
    Write-Host "Origin $($origin.AccountId) and vault $($vault.AccountId) are connected; the vault session expires at $($vault.CredentialExpiration.ToString('u'))."

    Write-Step 'The backups in the origin'
    $backups = @(Get-VaultResource -Account $origin)
    Show $backups Type, Id, State, SizeGiB, Encrypted, KeyManager, SnapshotType

    Write-Step 'Preflight: what would stop a vault copy, and what fixes it'
    $preflight = @($backups | Test-VaultCopyPrereq -Source $origin -Destination $vault -KmsKeyId alias/vault-backup)
    $preflight | Where-Object Status -eq Fail | Format-List Check, Target, Message, Remediation | Out-String -Width 120 | Write-Host
    $failed = @($preflight | Where-Object Status -eq Fail).Count
    Write-Host "$failed of $($preflight.Count) checks fail before any data moves."
    if ($failed -eq 0) { throw 'The untouched demo world should fail the preflight.' }

    # Emulator only: a copy of a 20 GiB snapshot takes minutes in AWS; here time runs 600 times faster.
    Invoke-RestMethod -Method Post -Uri "$EndpointUrl/_emulator/settings" -ContentType 'application/json' -Body '{"timeScale": 600}' | Out-Null

    Write-Step 'The plan without conversion key or key access: reads only, every refusal with the command that fixes it'
    $bare = @(Get-VaultCopyPlan -Source $origin -Destination $vault -KmsKeyId alias/vault-backup)
    Show $bare Action, Type, Id, ErrorId
    $bare | Where-Object Action -eq Refuse | Select-Object -First 2 | ForEach-Object { Write-Wrapped "$($_.Id): $($_.Cause) Fix: $($_.Remediation)" }

    Write-Step 'The plan of the whole vault copy: convert the default-key backups, grant key access, share, copy'
    $plan = @(Get-VaultCopyPlan -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup -GrantKeyAccess)
    Show ($plan | Select-Object Action, Type, Id, SizeGiB, @{ Name = 'Steps'; Expression = { $_.Steps -join ',' } }) Action, Type, Id, SizeGiB, Steps
    $documents = @($plan.KeyAccessChanges | Sort-Object Target -Unique)
    Write-Host "$(@($plan | Where-Object Action -eq Copy).Count) to copy, $(@($plan | Where-Object Action -eq Convert).Count) to convert, $($documents.Count) key policy documents to change:"
    $documents | ForEach-Object { Write-Host "  $($_.Kind) $($_.Target)" }

    Write-Step 'Run it: Invoke-VaultCopy (progress while it runs; each share withdrawn once its copies are verified)'
    $journal = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-demo-$PID.jsonl"
    $report = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-demo-$PID-report"
    $run = @(Invoke-VaultCopy -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup `
            -GrantKeyAccess -JournalPath $journal -ReportPath $report -PollIntervalSeconds 1 -Confirm:$false)
    $outcomes = @($run | Where-Object { $_.PSObject.TypeNames[0] -like '*VaultCopyOutcome' })
    $summary = $run[-1]
    Show ($outcomes | Select-Object Outcome, Type, Id, @{ Name = 'VaultCopy'; Expression = { ($_.VaultCopies -split ':', 2)[1] -replace '^(.{40}).+$', '$1…' } }) Outcome, Type, Id, VaultCopy
    Write-Host "Summary: $summary; $($summary.SharesLeft) shares left."
    if ($summary.Vaulted -ne $backups.Where({ $_.Id -notin @($backups.BackingSnapshots.Id) }).Count) { throw 'Every backup should be vaulted.' }

    Write-Step 'Run it again: everything is found by its lineage, verified again, and nothing is copied'
    $rerun = @(Invoke-VaultCopy -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/origin-backup `
            -GrantKeyAccess -JournalPath $journal -PollIntervalSeconds 1 -Confirm:$false)
    Write-Host "Rerun: $($rerun[-1])"
    if ($rerun[-1].AlreadyVaulted -ne $summary.Vaulted) { throw 'The rerun should copy nothing.' }

    Write-Step 'The report (CSV beside the JSON) and the journal'
    Import-Csv "$report.csv" | Select-Object -First 4 | Format-Table Outcome, Type, Id, ShareWithdrawn -AutoSize | Out-String -Width 120 | Write-Host
    $events = Get-Content $journal | ForEach-Object { ($_ | ConvertFrom-Json).event } | Group-Object | ForEach-Object { "$($_.Name) $($_.Count)" }
    Write-Wrapped "Journal $journal`: $($events -join ', ')"

    Write-Step 'In the vault: every copy under a key the vault owns'
    $inVault = @(Get-VaultCopy -Destination $vault)
    Show ($inVault | Select-Object Type, @{ Name = 'Source'; Expression = { $_.SourceId -replace '^(.{44}).+$', '$1…' } }, State, Verified, @{ Name = 'Key'; Expression = { $_.TargetKeyArn -replace '^.*:key/', 'key/' } }) Type, Source, State, Key
    $vaultOwned = @($inVault | Where-Object { $_.TargetKeyArn -like "*:$($vault.AccountId):key/*" }).Count
    Write-Host "$($inVault.Count) backups are in vault $($vault.AccountId), $vaultOwned of them under a key the vault owns."
    if ($vaultOwned -ne $inVault.Count) { throw 'Every copy should be under the vault key.' }
    Remove-Item $journal, "$report.json", "$report.csv" -ErrorAction SilentlyContinue

    Write-Step 'Lock the copies: compliance mode, 35 days, 24-hour cool-off (RDS and Aurora have no lock in AWS)'
    $locked = @($inVault | Lock-VaultCopy -Destination $vault -Mode Compliance -Days 35 -CoolOffHours 24 -Force `
            -ErrorAction SilentlyContinue -ErrorVariable notLockable)
    $locked | Format-Table -View Lock | Out-String -Width 120 | Write-Host
    Write-Host "$($notLockable.Count) RDS and Aurora copies can't be locked; Lock-VaultCopy says so for each of them."
    if ($locked.Count -eq 0 -or @($locked | Where-Object LockState -ne 'ComplianceCoolOff').Count) { throw 'Every EBS and AMI copy should be locked.' }
    Write-Wrapped "What protects them instead: $($notLockable[0].ErrorDetails.RecommendedAction)"

    Write-Step 'Posture of both accounts (read-only): what could still leak or lose a backup'
    $findings = @(Test-VaultPosture -Source $origin -Destination $vault -KmsKeyId alias/vault-backup -RequireLock)
    $findings | Group-Object Severity, Check | Sort-Object Name |
        Select-Object Count, @{ n = 'Severity, Check'; e = { $_.Name } }, @{ n = 'Example'; e = { $r = $_.Group[0].Resource; if ($r.Length -gt 60) { $r.Substring(0, 57) + '...' } else { $r } } } |
        Format-Table -AutoSize | Out-String -Width 120 | Write-Host
    $worst = $findings | Select-Object -First 1
    Write-Wrapped "Most severe: $($worst.Severity) $($worst.Check) $($worst.Resource): $($worst.Message)"
    Write-Wrapped "  Fix: $($worst.Remediation)"
    Write-Host "Test-VaultPosture -Quiet answers $(Test-VaultPosture -Source $origin -Destination $vault -Quiet) for an alerting runbook."

    Write-Step 'Retention, -WhatIf: a 0-day rule; the newest verified copy of each series is kept without -IncludeNewest'
    $types = 'EbsSnapshot', 'Ami', 'AuroraClusterSnapshot'
    Remove-VaultCopy -Destination $vault -Source $origin -OlderThanDays 0 -Type $types -WhatIf
    Write-Host 'Nothing: each of these copies is the newest of its series. With -IncludeNewest, locked copies are still skipped:'
    Remove-VaultCopy -Destination $vault -Source $origin -OlderThanDays 0 -Type $types -IncludeNewest -WhatIf
}
finally {
    Remove-Item $profileFile -ErrorAction SilentlyContinue
}
