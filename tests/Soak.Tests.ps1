# The soak of bench/Invoke-VaultCopySoak.ps1 in small: 60 backups over two origins, every kind of disruption once
# (throttling, 5xx answers, a copy failing part-way, the vault's role session expiring, a kill of the pwsh process),
# rerun until done. The same script as the bench, with a fixed seed; it asserts what AWS holds at the end (read from
# the emulator's state), never how long anything took.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    $script:Soak = & (Join-Path $PSScriptRoot '../bench/Invoke-VaultCopySoak.ps1') -Count 60 -Origins 2 -Seed 11 `
        -ThrottlePercent 5 -ServerErrorPercent 2 -FailingCopyPercent 1 -Kills 1 -CredentialExpiries 1 -MaxReruns 2 -TargetBoundSeconds 5 -PassThru
    $script:Why = "seed $($Soak.Seed); runs: $(($Soak.RunTable | ForEach-Object { "$($_.Run) $($_.Events) $($_.Ended) $($_.Causes)" }) -join ' | '); work folder $($Soak.WorkFolder)"
}

Describe 'Soak: Invoke-VaultCopy of 60 backups under faults, a credential expiry and a kill' {
    It 'met every kind of disruption' {
        $Soak.Killed | Should -Be 1 -Because $Why
        $Soak.CredentialExpiries | Should -Be 1 -Because $Why
        $Soak.Throttled | Should -BeGreaterThan 0
        $Soak.ServerErrors | Should -BeGreaterThan 0
        $Soak.FailingCopiesMet | Should -BeGreaterOrEqual 1
    }

    It 'loses nothing: every backup is vaulted or reported with its cause, and nothing reported vaulted is missing from the vault' {
        $Soak.Lost | Should -Be 0 -Because "$($Soak.LostDetail -join '; ') ($Why)"
        $Soak.ClaimedNotInVault | Should -Be 0
        ($Soak.CopiedAndVerified + $Soak.ReportedWithCause) | Should -Be 60
    }

    It 'leaves no share behind on a vaulted backup' {
        $Soak.SharesLeft | Should -Be 0 -Because "$($Soak.SharesLeftDetail -join ', ') ($Why)"
    }

    It 'leaves exactly one copy per lineage in the vault' {
        $Soak.Duplicates | Should -Be 0 -Because "$($Soak.DuplicateDetail -join '; ') ($Why)"
    }

    It 'vaults every backup after at most two reruns' {
        $Soak.Done | Should -BeTrue -Because $Why
        $Soak.CopiedAndVerified | Should -Be 60
        $Soak.Reruns | Should -BeLessOrEqual 2
    }
}
