# The SSM Automation runbook as Automation would take it: its structure against schema 0.3, and its steps run the
# way Automation runs them (tests/SsmAutomation.TestHelper.ps1), against the emulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    . (Join-Path $PSScriptRoot 'SsmAutomation.TestHelper.ps1')
    $script:OutDir = Split-Path (Split-Path (Split-Path $ModulePath))
    $script:Version = (Import-PowerShellDataFile $ModulePath).ModuleVersion
    $script:Attachment = Join-Path $OutDir "VaultCopy-$Version-ssm.zip"
    $script:RunbookPath = Join-Path $OutDir 'VaultCopy-CopyToVault.yaml'
    $script:Runbook = Read-Runbook $RunbookPath

    function script:Copy-Document {
        param($Document)
        (ConvertTo-Json -InputObject $Document -Depth 40 | ConvertFrom-Json -AsHashtable)
    }

    function script:New-DocumentFile {
        param([string] $Yaml)
        $path = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-runbook-$([guid]::NewGuid().ToString('n')).yaml"
        Set-Content -Path $path -Value $Yaml
        $path
    }
}

Describe 'The VaultCopy-CopyToVault runbook' {
    It 'has the structure of an Automation document (schema 0.3) with no problem' {
        $problems = Test-RunbookStructure $Runbook
        $problems | Should -BeNullOrEmpty -Because ($problems -join "`n")
    }

    It 'runs its scripts on PowerShell 7.4 from the attachment, within the step limit' {
        $steps = @(Get-RunbookSteps $Runbook.mainSteps | Where-Object { $_.Step.action -eq 'aws:executeScript' } | ForEach-Object Step)
        $steps | Should -Not -BeNullOrEmpty
        foreach ($step in $steps) {
            $step.inputs.Runtime | Should -Be 'PowerShell 7.4'
            $step.inputs.Attachment | Should -Be 'VaultCopy.zip'
            [int]$step.timeoutSeconds | Should -BeLessOrEqual 600
            $step.inputs.Script | Should -Match 'Import-Module VaultCopy'
        }
        $copy = $steps | Where-Object name -eq 'CopyToVault'
        [int]([regex]::Match($copy.inputs.Script, 'Min\(\[Math\]::Max\(\[int\]\$p.CopyTimeoutSeconds, 1\), (\d+)\)').Groups[1].Value) | Should -BeLessThan ([int]$copy.timeoutSeconds) -Because 'Invoke-VaultCopy must stop before the step is killed'
        [int]$Runbook.parameters.CopyTimeoutSeconds.default | Should -BeLessThan ([int]$copy.timeoutSeconds)
    }

    It 'names the attachment built with it by its checksum' {
        $Runbook.files['VaultCopy.zip'].checksums.sha256 | Should -Be (Get-FileHash -Algorithm SHA256 $Attachment).Hash.ToLowerInvariant()
    }

    It 'takes the parameters a vault copy needs, and the automation role' {
        foreach ($name in 'AutomationAssumeRole', 'OriginRoleArn', 'VaultRoleArn', 'VaultKmsKeyId', 'ResourceType', 'Region', 'LockDays', 'RetainDays', 'ConvertKeyId') {
            $Runbook.parameters.Keys | Should -Contain $name
        }
        $Runbook.assumeRole | Should -Be '{{ AutomationAssumeRole }}'
        foreach ($output in 'CopyToVault.Vaulted', 'CopyToVault.Refused', 'CopyToVault.Failed', 'CopyToVault.Report') { $Runbook.outputs | Should -Contain $output }
    }
}

Describe 'The VaultCopy-CopyToVault runbook, run the way Automation runs it' {
    BeforeAll {
        $script:Emulator = Start-TestEmulator
        $script:Url = $Emulator.Url
        Import-Module $ModulePath -Force
        $script:Key = Get-DemoAccessKey 'origin-admin'
        # What Automation gives the script: credentials of the automation role (here the origin admin, the origin
        # itself as in a multi-account child execution), the Region, and nothing else; the endpoint is the emulator.
        $script:StepEnvironment = @{
            AWS_ACCESS_KEY_ID = $Key.accessKeyId; AWS_SECRET_ACCESS_KEY = $Key.secretAccessKey; AWS_REGION = 'eu-west-1'
            AWS_ENDPOINT_URL = $Url; AWS_EC2_METADATA_DISABLED = 'true'; AWS_PROFILE = $null
        }
    }

    AfterAll { Stop-TestEmulator $Emulator }

    It 'loops the copy step until nothing is pending, then reports the posture: every backup vaulted under the vault key' {
        # Slow enough that the first pass ends with copies still running, so the loop must run the step again.
        Invoke-EmulatorControl -Url $Url -Path settings -Method POST -Body @{ timeScale = 120 } | Out-Null
        $run = Invoke-RunbookLocally -Document $Runbook -Attachments @{ 'VaultCopy.zip' = $Attachment } -Environment $StepEnvironment -Parameters @{
            VaultRoleArn = 'arn:aws:iam::222222222222:role/VaultCopyVault'; VaultExternalId = 'vaultcopy-demo'; VaultKmsKeyId = 'alias/vault-backup'
            ConvertKeyId = 'alias/origin-backup'; GrantKeyAccess = $true; CopyTimeoutSeconds = 2; LockDays = 7
        }

        $log = ($run.Executions | ForEach-Object { "$($_.Step) $($_.Status) $($_.Log)" }) -join "`n"
        $run.Status | Should -Be 'Success' -Because $log
        $passes = @($run.Executions | Where-Object Step -eq 'CopyToVault')
        $passes.Count | Should -BeGreaterThan 1 -Because 'the first pass stops at CopyTimeoutSeconds with copies pending'
        $passes[0].Payload.Pending | Should -BeGreaterThan 0
        $run.Outputs['CopyToVault.Pending'] | Should -Be 0
        $run.Outputs['CopyToVault.Vaulted'] | Should -Be 10
        $run.Outputs['CopyToVault.Refused'] | Should -Be 0
        $run.Outputs['CopyToVault.Failed'] | Should -Be 0
        $run.Outputs['Posture.Findings'] | Should -BeOfType [int]
        $run.Executions.Step | Should -Contain 'Posture'

        $vault = Connect-VaultAccount -SourceAccount (Connect-DemoOrigin -Url $Url) -RoleArn 'arn:aws:iam::222222222222:role/VaultCopyVault' -ExternalId vaultcopy-demo
        $copies = @(Get-VaultCopy -Destination $vault)
        $copies | Should -HaveCount 10
        foreach ($copy in $copies) { $copy.TargetKeyArn | Should -BeLike 'arn:aws:kms:eu-west-1:222222222222:key/*' }
        @($copies | Where-Object Type -eq 'EbsSnapshot' | Where-Object { "$($_.LockState)" -ne 'Governance' }) | Should -BeNullOrEmpty -Because 'LockDays reaches Invoke-VaultCopy'
    }
}

Describe 'The runbook structure check' {
    # Each broken document must be caught, or the check above proves nothing.
    It 'finds <Problem>' -ForEach @(
        @{ Problem = "schemaVersion must be '0.3'"; Break = { param($d) $d.schemaVersion = '2.2' } }
        @{ Problem = "step name 'CopyToVault' is used 2 times"; Break = { param($d) $d.mainSteps[1].name = 'CopyToVault' } }
        @{ Problem = "goes to 'Nowhere', which is no step"; Break = { param($d) $d.mainSteps[0].nextStep = 'Nowhere' } }
        @{ Problem = 'needs a timeoutSeconds of at most 600'; Break = { param($d) $d.mainSteps[1].timeoutSeconds = 900 } }
        @{ Problem = 'an executeScript output selects from $.Payload'; Break = { param($d) $d.mainSteps[1].outputs[0].Selector = '$.Findings' } }
        @{ Problem = "unknown action 'aws:runScript'"; Break = { param($d) $d.mainSteps[1].action = 'aws:runScript' } }
        @{ Problem = 'refers to {{ VaultKey }}, which is no parameter'; Break = { param($d) $d.mainSteps[0].inputs.Steps[0].inputs.InputPayload.VaultKmsKeyId = '{{ VaultKey }}' } }
        @{ Problem = 'an output CopyToVault does not declare'; Break = { param($d) $d.mainSteps[0].inputs.LoopCondition.Variable = '{{ CopyToVault.Left }}' } }
        @{ Problem = 'needs MaxIterations of at most 100'; Break = { param($d) $d.mainSteps[0].inputs.MaxIterations = 500 } }
        @{ Problem = "Runtime 'PowerShell 7.0'"; Break = { param($d) $d.mainSteps[1].inputs.Runtime = 'PowerShell 7.0' } }
        @{ Problem = 'which files does not declare'; Break = { param($d) $d.files = @{} } }
        @{ Problem = "document output 'Posture.Score' names no declared step output"; Break = { param($d) $d.outputs += 'Posture.Score' } }
        @{ Problem = 'outside its allowedValues'; Break = { param($d) $d.parameters.ResourceType.default = @('Volume') } }
    ) {
        $document = Copy-Document $Runbook
        & $Break $document
        $problems = Test-RunbookStructure $document
        ($problems -join "`n") | Should -BeLike "*$Problem*"
    }
}

Describe 'The local Automation runner' {
    It 'runs scripts with their InputPayload, feeds outputs on, loops until the condition is false and follows branches' {
        $path = New-DocumentFile @'
schemaVersion: '0.3'
parameters:
  Start:
    type: Integer
    default: 3
  Names:
    type: StringList
    default: [a, b]
mainSteps:
  - name: Countdown
    action: aws:loop
    inputs:
      MaxIterations: 10
      LoopCondition:
        Variable: '{{ Step.Left }}'
        NumericGreater: 0
      Steps:
        - name: Step
          action: aws:executeScript
          timeoutSeconds: 60
          inputs:
            Runtime: PowerShell 7.4
            InputPayload:
              Start: '{{ Start }}'
              Names: '{{ Names }}'
            Script: |-
              $p = $env:InputPayload | ConvertFrom-Json
              $file = Join-Path ([IO.Path]::GetTempPath()) "runner-test-$($p.Start)-$($p.Names -join '')"
              $done = if (Test-Path $file) { [int](Get-Content $file) + 1 } else { 1 }
              Set-Content $file $done
              'noise on the pipeline' | Out-Null
              return @{ Left = $p.Start - $done; Names = @($p.Names) }
          outputs:
            - Name: Left
              Selector: $.Payload.Left
              Type: Integer
            - Name: Names
              Selector: $.Payload.Names
              Type: StringList
  - name: Decide
    action: aws:branch
    inputs:
      Choices:
        - NextStep: Done
          Variable: '{{ Step.Left }}'
          NumericEquals: 0
      Default: Broken
  - name: Broken
    action: aws:executeScript
    timeoutSeconds: 60
    isEnd: true
    inputs:
      Runtime: PowerShell 7.4
      Script: throw 'not this way'
  - name: Done
    action: aws:executeScript
    timeoutSeconds: 60
    inputs:
      Runtime: PowerShell 7.4
      InputPayload:
        Text: 'left {{ Step.Left }}'
      Script: return @{ Text = ($env:InputPayload | ConvertFrom-Json).Text }
    outputs:
      - Name: Text
        Selector: $.Payload.Text
        Type: String
outputs:
  - Done.Text
  - Step.Names
'@
        $marker = Join-Path ([IO.Path]::GetTempPath()) 'runner-test-3ab'
        Remove-Item $marker -ErrorAction SilentlyContinue
        try {
            $document = Read-Runbook $path
            Test-RunbookStructure $document | Should -BeNullOrEmpty
            $run = Invoke-RunbookLocally -Document $document

            $run.Status | Should -Be 'Success' -Because (($run.Executions | ForEach-Object { "$($_.Step) $($_.Status) $($_.Log)" }) -join "`n")
            @($run.Executions | Where-Object Step -eq 'Step').Count | Should -Be 3
            $run.Executions.Step | Should -Not -Contain 'Broken'
            $run.Outputs['Done.Text'] | Should -Be 'left 0'
            $run.Outputs['Step.Names'] | Should -Be @('a', 'b')
        }
        finally { Remove-Item $path, $marker -ErrorAction SilentlyContinue }
    }

    It 'fails a step whose script throws, and a step that outlives its timeoutSeconds' {
        $path = New-DocumentFile @'
schemaVersion: '0.3'
mainSteps:
  - name: Slow
    action: aws:executeScript
    timeoutSeconds: 3
    onFailure: Continue
    inputs:
      Runtime: PowerShell 7.4
      Script: Start-Sleep -Seconds 30
  - name: Throws
    action: aws:executeScript
    timeoutSeconds: 60
    inputs:
      Runtime: PowerShell 7.4
      Script: throw 'broken'
  - name: Never
    action: aws:executeScript
    timeoutSeconds: 60
    inputs:
      Runtime: PowerShell 7.4
      Script: return @{}
'@
        try {
            $run = Invoke-RunbookLocally -Document (Read-Runbook $path)
            $run.Status | Should -Be 'Failed'
            ($run.Executions | Where-Object Step -eq 'Slow').Status | Should -Be 'TimedOut'
            ($run.Executions | Where-Object Step -eq 'Throws').Log | Should -Match 'broken'
            $run.Executions.Step | Should -Not -Contain 'Never'
        }
        finally { Remove-Item $path -ErrorAction SilentlyContinue }
    }
}
