# Shared by the lifecycle tests (Lock-VaultCopy, Remove-VaultCopy, Test-VaultPosture): the demo world plus a vault
# operator who may do everything in EC2 except remove a lock, and copies made in the vault. Dot-source it after
# VaultCopy.TestHelper.ps1 and SignedAwsQuery.TestHelper.ps1.

function New-LifecycleFixture {
    # Writes the fixture and points the helpers that look up demo keys (Get-DemoAccessKey) at it.
    param([scriptblock] $Edit)
    if (-not $script:PristineDemoWorldPath) { $script:PristineDemoWorldPath = $script:DemoWorldPath }
    $world = Get-Content -Raw $script:PristineDemoWorldPath | ConvertFrom-Json -Depth 50
    $vaultAccount = $world.accounts | Where-Object id -eq '222222222222'
    $operator = [pscustomobject]@{
        name           = 'vault-operator'
        accessKeys     = @([pscustomobject]@{ accessKeyId = 'AKIAVAULTOPERATOR001'; secretAccessKey = 'vaultOperSecretKey/FAKE/DemoOnly+0000001' })
        inlinePolicies = [pscustomobject]@{
            NoUnlock = [pscustomobject]@{
                Version   = '2012-10-17'
                Statement = @(
                    [pscustomobject]@{ Effect = 'Allow'; Action = @('ec2:*', 'kms:*', 'rds:*', 'sts:GetCallerIdentity'); Resource = '*' }
                    [pscustomobject]@{ Effect = 'Deny'; Action = 'ec2:UnlockSnapshot'; Resource = '*' }
                )
            }
        }
    }
    $vaultAccount.users = @($vaultAccount.users) + $operator
    if ($Edit) { & $Edit $world }
    $path = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-lifecycle-$([guid]::NewGuid().ToString('n')).json"
    $world | ConvertTo-Json -Depth 50 | Set-Content -Path $path
    $script:DemoWorldPath = $path
    $path
}

function Connect-LifecycleVault {
    param([Parameter(Mandatory)] [string] $Url, [string] $UserName = 'vault-admin')
    $key = Get-DemoAccessKey $UserName
    Connect-VaultAccount -AccessKey $key.accessKeyId -SecretKey $key.secretAccessKey -Region eu-west-1 -EndpointUrl $Url
}

function New-TestVaultCopies {
    # Shares the given origin backups with the vault and copies them under the vault key, waiting for the verified copies.
    param([Parameter(Mandatory)] $Origin, [Parameter(Mandatory)] $Vault, [Parameter(Mandatory)] [string[]] $Id)
    Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -DestinationKeyId alias/vault-backup -Force | Out-Null
    $shares = @(Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $Id)
    $jobs = @($shares | Where-Object Type -ne 'Ami' | Copy-VaultSnapshot -Destination $Vault -KmsKeyId alias/vault-backup) +
        @($shares | Where-Object Type -eq 'Ami' | Copy-VaultImage -Destination $Vault -KmsKeyId alias/vault-backup)
    @($jobs | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1)
}

function Get-VaultEc2State {
    param([Parameter(Mandatory)] [string] $Url)
    ((Invoke-EmulatorControl -Url $Url -Path state).accounts | Where-Object id -eq '222222222222').regions.'eu-west-1'.ec2
}

function Move-WorldClock {
    param([Parameter(Mandatory)] [string] $Url, [Parameter(Mandatory)] [double] $Hours)
    Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ advanceSeconds = [int]($Hours * 3600) } | Out-Null
}

function Invoke-VaultEc2 {
    # A raw EC2 call in the vault, as a principal of the lifecycle fixture.
    param([Parameter(Mandatory)] [string] $Url, [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Parameters, [string] $UserName = 'vault-admin')
    Invoke-SignedAwsQuery -Url $Url -Service ec2 -Parameters $Parameters -UserName $UserName
}
