#Requires -Version 7.4
<#
.SYNOPSIS
    The VaultCopy demo: runs the vault-copy workflow against the local emulator's demo world.
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
    $origin, $vault | Format-List AccountId, Partition, Region, Arn, CredentialSource | Out-Host

    if ($origin.AccountId -eq $vault.AccountId) { throw 'The origin and the vault must be different accounts.' }
    Write-Host "Origin $($origin.AccountId) and vault $($vault.AccountId) are connected; the vault session expires at $($vault.CredentialExpiration.ToString('u'))."

    Write-Step 'The backups in the origin'
    $backups = @(Get-VaultResource -Account $origin)
    $backups | Format-Table Type, Id, State, SizeGiB, Encrypted, KeyManager -AutoSize | Out-Host

    Write-Step 'Preflight: what would stop a vault copy, and what fixes it'
    $preflight = @($backups | Test-VaultCopyPrereq -Source $origin -Destination $vault -DestinationKeyId alias/vault-backup)
    $preflight | Where-Object Status -eq Fail | Format-List Check, Target, Message, Remediation | Out-Host
    $failed = @($preflight | Where-Object Status -eq Fail).Count
    Write-Host "$failed of $($preflight.Count) checks fail before any data moves."
    if ($failed -eq 0) { throw 'The untouched demo world should fail the preflight.' }
}
finally {
    Remove-Item $profileFile -ErrorAction SilentlyContinue
}
