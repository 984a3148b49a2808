# The bad-input table (tests/BadInput.Cases.psd1): every exported cmdlet given malformed, foreign, empty, null,
# duplicate, huge, unicode or wildcard input, tampered job JSON and out-of-range numbers. Each case must end in a
# PowerShell error a user can act on — the right category and error id, the item (or the parameter) as target, a
# remediation — and change nothing: the emulator's state hash is the same after, and no mutating call succeeded.

BeforeDiscovery {
    $table = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'BadInput.Cases.psd1')
    $script:Cases = @(foreach ($case in $table.Cases) {
            $case.Count = if ($case.ContainsKey('Count')) { $case.Count } else { 1 }
            $case.Pending = if ($case.ContainsKey('Pending')) { $case.Pending } else { $null }
            $case
        })
    # VAULTCOPY_BADINPUT_PENDING=1 runs the pending cases too, to see which the named branch has made pass.
    $runPending = $env:VAULTCOPY_BADINPUT_PENDING -eq '1'
    $script:ActiveCases = @($Cases | Where-Object { $runPending -or -not $_.Pending })
    $script:PendingCases = @($Cases | Where-Object { -not $runPending -and $_.Pending })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:Table = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'BadInput.Cases.psd1')

    function script:Initialize-World {
        # Connected once: every case reads with these connections and must leave them (and the world) as they were.
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:Vault = Connect-DemoVault -Origin $Origin

        # One real vault copy, so that the lifecycle and Wait-VaultCopy cases have a job and a copy to get wrong.
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 600 } | Out-Null
        Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/vault-backup -Force | Out-Null
        Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 | Out-Null
        $script:Copy = Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 1
        if (-not $Copy -or -not $Copy.Verified) { throw 'The fixture copy was not made: the table cannot run.' }

        # Job JSON made wrong in every way a file or a hand can.
        $script:JobJson = $Copy.ToJson()
        $script:JobId = $Copy.JobId.ToString()
        $script:TruncatedJob = $JobJson.Substring(0, [int]($JobJson.Length / 2))
        $script:ForeignJob = $JobJson -replace '"TargetAccountId":"222222222222"', '"TargetAccountId":"333333333333"'
        $script:QueuedJob = $JobJson -replace '"State":"Completed"', '"State":"Queued"'
        $script:UnknownStateJob = $JobJson -replace '"State":"Completed"', '"State":"Exploded"'
        $script:NoIdJob = $JobJson -replace '"JobId":"[^"]*",', ''
        $script:GoneCopyJob = $JobJson -replace [regex]::Escape($Copy.TargetId), 'snap-0ffffffffffffff00' -replace [regex]::Escape($Copy.TargetArn), 'arn:aws:ec2:eu-west-1:222222222222:snapshot/snap-0ffffffffffffff00'
        $script:OriginCopyJob = $JobJson -replace [regex]::Escape($Copy.TargetId), 'snap-0a1b2c3d4e5f60004' -replace [regex]::Escape($Copy.TargetArn), 'arn:aws:ec2:eu-west-1:222222222222:snapshot/snap-0a1b2c3d4e5f60004'
    }

    Initialize-World

    # Inputs the cases refer to by name.
    $script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
    $script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
    $script:Huge = 'snap-' + ('0' * 20480)                                    # 20 KB
    $script:HugeName = 'x' * 20480
    $script:Unicode = 'snap-0a1b2c3d4e5f6ü001'                                 # one non-ASCII letter in an id
    $script:UnicodeName = 'sauvegarde-été-日本'

    # What moves by itself is left out: the clock (time, clockOffsetSeconds) and the role sessions (issued, expired).
    # Everything an account holds — resources, shares, tags, keys, policies, users, roles — is in the hash.
    function script:Get-StateHash {
        # Read as text and trimmed with System.Text.Json: converting the whole world to PowerShell objects and back
        # would cost more than most cases.
        $raw = (Invoke-WebRequest -Uri "$($Url.TrimEnd('/'))/_emulator/state").Content
        $state = [Text.Json.Nodes.JsonNode]::Parse($raw)
        foreach ($moving in 'time', 'clockOffsetSeconds', 'sessions') { [void] $state.AsObject().Remove($moving) }
        $bytes = [Text.Encoding]::UTF8.GetBytes($state.ToJsonString())
        [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes))
    }

    function script:Get-MutatingCall {
        # A call that changed something: any answered with 200 whose action does not only read.
        (Invoke-EmulatorControl -Url $Url -Path calls).recent |
            Where-Object { $_.status -eq 200 -and $_.action -notmatch '^(Describe|List|Get|Simulate)' } |
            ForEach-Object { "$($_.service):$($_.action)" }
    }

    function script:Get-TargetText($Target) {
        $value = if ($Target -is [psobject]) { $Target.PSObject.BaseObject } else { $Target }
        switch -Wildcard ($value.GetType().FullName) {
            'System.String' { return $value }
            '*.VaultAccount' { return "account:$($value.AccountId)" }
            '*.VaultCopyJob' { return "job:$($value.JobId)" }
            '*.VaultResource' { return "resource:$($value.Arn)" }
            default { return "$value" }
        }
    }

    function script:Invoke-Case {
        param([hashtable] $Case)
        # The world as the previous case left it (nothing else changes it between cases), else read now.
        $before = if ($script:LastHash) { $script:LastHash } else { Get-StateHash }
        Invoke-EmulatorControl -Url $Url -Path calls/reset -Method POST | Out-Null
        $records = [Collections.Generic.List[object]]::new()
        $output = [Collections.Generic.List[object]]::new()
        $action = [scriptblock]::Create($Case.Run)
        try {
            & $action 2>&1 | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { $records.Add($_) } else { $output.Add($_) } }
        }
        catch {
            $records.Add($_)
        }
        $mutations = @(Get-MutatingCall)
        $after = Get-StateHash
        $script:LastHash = $after
        [pscustomobject]@{ Errors = $records; Output = $output; Before = $before; After = $after; Mutations = $mutations }
    }

    function script:Assert-Case {
        param([hashtable] $Case)
        $result = Invoke-Case $Case
        try {
            $summary = ($result.Errors | ForEach-Object { "$($_.FullyQualifiedErrorId) [$($_.CategoryInfo.Category)] $_" }) -join ' | '
            $result.Errors | Should -HaveCount $Case.Count -Because "the case writes one error per bad item (got: $summary)"
            foreach ($record in $result.Errors) {
                ($record.FullyQualifiedErrorId -split ',')[0] | Should -Be $Case.ErrorId -Because $summary
                $record.CategoryInfo.Category | Should -Be $Case.Category -Because $summary
                $message = if ($record.ErrorDetails -and $record.ErrorDetails.Message) { $record.ErrorDetails.Message } else { $record.Exception.Message }
                if ($Case.Parameter) {
                    # PowerShell's own validation: the parameter is what the error is about; it says what to supply.
                    $record.Exception.ParameterName | Should -Be $Case.Parameter
                    $message | Should -Match '(Supply|Provide|Specify|Pass|Use|Retry|try the command again|valid values|Connect-VaultAccount)'
                }
                else {
                    Get-TargetText $record.TargetObject | Should -Be (Get-TargetText (& ([scriptblock]::Create($Case.Target))))
                    $record.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty -Because "a VaultCopy error says how to fix it ($message)"
                    # A huge input never comes back whole, and no .NET type or stack leaks into what the user reads.
                    $message.Length | Should -BeLessThan 2000
                    $message | Should -Not -Match '\bSystem\.[A-Z]\w+(Exception|\.)|   at '
                }
                if ($Case.Advice) {
                    "$message $($record.ErrorDetails.RecommendedAction)" | Should -Match $Case.Advice
                }
            }
            $result.Mutations | Should -BeNullOrEmpty -Because 'bad input changes nothing'
            $result.After | Should -Be $result.Before -Because 'bad input changes nothing'
        }
        finally {
            if ($result.After -ne $result.Before) {
                # Keep one broken case from failing the rest: put the world back as the fixture left it (a reset
                # also ends the role sessions, so connect again).
                Reset-TestEmulator $Url
                Initialize-World
                $script:LastHash = $null
                throw "The world changed; later cases would not start from the fixture state."
            }
        }
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'BadInput' {
    It 'has at least 80 cases, at least three for every exported cmdlet' {
        $exported = (Import-PowerShellDataFile (Join-Path $PSScriptRoot '../VaultCopy.psd1')).CmdletsToExport
        $Table.Cases.Count | Should -BeGreaterOrEqual 80
        foreach ($cmdlet in $exported) {
            @($Table.Cases | Where-Object Cmdlet -eq $cmdlet).Count | Should -BeGreaterOrEqual 3 -Because "$cmdlet needs bad-input cases"
        }
        @($Table.Cases | Where-Object { $_.Cmdlet -notin $exported }) | Should -BeNullOrEmpty
        # Every case's command runs the cmdlet it is filed under.
        foreach ($case in $Table.Cases) { $case.Run | Should -Match ([regex]::Escape($case.Cmdlet)) }
    }

    It 'the state hash is stable when nothing is done' {
        $first = Get-StateHash
        Get-VaultResource -Account $Origin | Out-Null
        Get-VaultCopy -Destination $Vault | Out-Null
        Get-StateHash | Should -Be $first
    }

    It 'the preflight fails one account given twice with the words every command refuses it with' {
        # Test-VaultCopyPrereq reports (a Fail result, not an error); Copy-VaultSnapshot and the others refuse.
        $refusal = try { Copy-VaultSnapshot -Source $Origin -Destination $Origin -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/origin-backup; $null } catch { $_ }
        $preflight = Test-VaultCopyPrereq -Source $Origin -Destination $Origin -Id snap-0a1b2c3d4e5f60001 | Where-Object Check -eq 'DistinctAccounts'

        $refusal.FullyQualifiedErrorId | Should -BeLike 'SameAccount,*'
        $preflight.Status | Should -Be 'Fail'
        $preflight.Message | Should -Be $refusal.Exception.Message
        $preflight.Remediation | Should -Be $refusal.ErrorDetails.RecommendedAction
    }

    It '<Cmdlet>: <Name>' -ForEach $ActiveCases {
        Assert-Case $_
    }

    # pending: verify branch (ARNs mean what they say) and the Wait-VaultCopy verification branch; each such case
    # carries Pending (and a comment) in the table. Skipped here, by name, until that branch is merged.
    It '<Cmdlet>: <Name> (pending: <Pending>)' -ForEach $PendingCases {
        Set-ItResult -Skipped -Because "pending: the $($_.Pending) branch; run with VAULTCOPY_BADINPUT_PENDING=1 to try it"
    }
}
