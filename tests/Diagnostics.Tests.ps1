# -Verbose shows every AWS call a command makes (service, operation, account, Region, status, request id, duration),
# as AWS Tools for PowerShell does; -Debug shows the retries; neither ever shows a secret.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:Key = Get-DemoAccessKey 'origin-admin'

    function script:Get-EmulatorCalls {
        # The requests the emulator answered, as service:action per request. An attempt the client gave up on (499,
        # under load on a shared machine) is retried by the SDK inside one call, which -Verbose shows once.
        @((Invoke-EmulatorControl -Url $Url -Path calls).recent | Where-Object status -ne 499 | ForEach-Object { "$($_.service):$($_.action)" })
    }
}

AfterAll { Stop-TestEmulator $Emulator }

Describe 'AWS calls under -Verbose and -Debug' {
    BeforeEach {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null
    }

    It 'writes one verbose line per AWS call, naming service, operation, account, Region, status, request id and duration' {
        $verbose = @(Get-VaultResource -Account $Origin -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
            ForEach-Object Message | Where-Object { $_ -like 'AWS *' })
        $served = Get-EmulatorCalls

        $served | Should -Not -BeNullOrEmpty
        $verbose | Should -HaveCount $served.Count -Because ($verbose -join "`n")
        foreach ($line in $verbose) {
            $line | Should -Match '^AWS (ec2|rds|kms|iam|sts) [A-Z][A-Za-z]+ \(account 111111111111, eu-west-1\): 200 in \d+ ms, request \S+$'
        }
        $shown = $verbose | ForEach-Object { ($_ -split ' ')[1..2] -join ':' } | Sort-Object
        $shown | Should -Be ($served | Sort-Object)
    }

    It 'names the error code of a failed call' {
        Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{ service = 'rds'; action = 'DescribeDBSnapshots'; code = 'AccessDenied'; message = 'no'; httpStatus = 403; count = 0 } | Out-Null
        # Listing RDS snapshots that may not be read stops the command; what it called is still shown.
        $verbose = @(& { try { Get-VaultResource -Account $Origin -Type RdsSnapshot -Verbose } catch { } } 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain ($verbose | Where-Object { $_ -match '^AWS rds DescribeDBSnapshots \(account 111111111111, eu-west-1\): 403 AccessDenied in \d+ ms' })
        @($verbose | Where-Object { $_ -match 'DescribeDBSnapshots.*403 AccessDenied' }).Count | Should -Be 1
    }

    It 'shows a throttled call and its retry under -Debug' {
        Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{ service = 'rds'; action = 'DescribeDBSnapshots'; code = 'Throttling'; message = 'Rate exceeded'; httpStatus = 400; count = 1 } | Out-Null
        $records = @(Get-VaultResource -Account $Origin -Type RdsSnapshot -Verbose -Debug 4>&1 5>&1)
        $debug = @($records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
        $verbose = @($records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)

        $debug | Where-Object { $_ -match '^AWS rds DescribeDBSnapshots answered Throttling: attempt 2 of \d+ in [\d.]+ s\.$' } | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -match 'DescribeDBSnapshots .*: 400 Throttling' } | Should -Not -BeNullOrEmpty
        $verbose | Where-Object { $_ -match 'DescribeDBSnapshots .*: 200 ' } | Should -Not -BeNullOrEmpty
    }

    It 'never shows a secret, a session token or a signature, even for an assumed role' {
        $vault = Connect-DemoVault -Origin $Origin
        $token = (Invoke-EmulatorControl -Url $Url -Path state).sessions | Select-Object -Last 1
        $text = (& {
                Get-VaultResource -Account $Origin -Verbose -Debug
                Get-VaultCopy -Destination $vault -Verbose -Debug
            } 4>&1 5>&1 | Out-String)

        $text | Should -Match 'AWS ec2 DescribeSnapshots'
        $text | Should -Not -Match ([regex]::Escape($Key.secretAccessKey))
        $text | Should -Not -Match 'Signature=|X-Amz-Security-Token|Credential='
        $token.accessKeyId | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match ([regex]::Escape($token.accessKeyId))
    }
}
