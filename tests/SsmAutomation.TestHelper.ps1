# A local stand-in for SSM Automation, for the runbook tests: it reads an Automation document (schema 0.3), checks it
# against the documented structure, and runs it the way Automation does — each aws:executeScript step in a fresh pwsh
# with its attachment extracted beside the script and $env:InputPayload set, its return value as the Payload that the
# output selectors read, the outputs feeding later steps, aws:branch and aws:loop deciding what runs next.
# Facts: docs.aws.amazon.com/systems-manager (automation actions, executeScript, loop, variables), as summarised in the
# project's research notes. Where AWS leaves a detail open, the choice is written beside the code.

$script:YamlDotNetPath = Get-ChildItem (Join-Path $env:VAULTCOPY_TOOL_PACKAGES 'yamldotnet') -Recurse -Filter YamlDotNet.dll |
    Where-Object { $_.Directory.Name -eq 'net8.0' } | Select-Object -First 1 -ExpandProperty FullName
if (-not $script:YamlDotNetPath) { throw "YamlDotNet was not restored under $env:VAULTCOPY_TOOL_PACKAGES: run the tests through build.ps1." }
Add-Type -Path $script:YamlDotNetPath

$script:RunbookActions = @('aws:executeScript', 'aws:executeAwsApi', 'aws:waitForAwsResourceProperty', 'aws:branch', 'aws:sleep', 'aws:loop',
    'aws:executeAutomation', 'aws:assertAwsResourceProperty', 'aws:pause', 'aws:approve', 'aws:updateVariable')
$script:ParameterTypes = @('String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap')
$script:OutputTypes = @('String', 'StringList', 'Integer', 'Boolean', 'MapList', 'StringMap')
$script:ScriptRuntimes = @('python3.10', 'python3.11', 'PowerShell 7.4')
$script:StepFields = @('name', 'action', 'inputs', 'description', 'outputs', 'maxAttempts', 'timeoutSeconds', 'onFailure', 'onCancel', 'isEnd', 'nextStep', 'isCritical')
$script:ChoiceOperators = @('StringEquals', 'EqualsIgnoreCase', 'StartsWith', 'EndsWith', 'Contains', 'NumericEquals', 'NumericGreater',
    'NumericLesser', 'NumericGreaterOrEquals', 'NumericLesserOrEquals', 'BooleanEquals')
$script:ExecuteScriptLimitSeconds = 600
$script:LoopIterationLimit = 100

function ConvertFrom-YamlNode {
    # YamlDotNet's object graph (dictionaries, lists, strings) as ordered hashtables, arrays and strings.
    param($Node)
    if ($Node -is [System.Collections.IDictionary]) {
        $map = [ordered]@{}
        foreach ($key in $Node.Keys) { $map["$key"] = ConvertFrom-YamlNode $Node[$key] }
        return $map
    }
    if ($Node -is [System.Collections.IList]) { return , @($Node | ForEach-Object { ConvertFrom-YamlNode $_ }) }
    $Node
}

function Read-Runbook {
    param([Parameter(Mandatory)] [string] $Path)
    $deserializer = [YamlDotNet.Serialization.DeserializerBuilder]::new().Build()
    $reader = [IO.StringReader]::new((Get-Content -Raw $Path))
    try { ConvertFrom-YamlNode $deserializer.Deserialize($reader) } finally { $reader.Dispose() }
}

function Get-RunbookSteps {
    # Every step, those inside aws:loop included, with the loop that holds it.
    param($Steps, [string] $Loop)
    foreach ($step in @($Steps)) {
        [pscustomobject]@{ Step = $step; Loop = $Loop }
        if ($step.action -eq 'aws:loop' -and $step.inputs.Steps) { Get-RunbookSteps $step.inputs.Steps $step.name }
    }
}

function Get-VariableReferences {
    param($Value)
    if ($Value -is [System.Collections.IDictionary]) { foreach ($v in $Value.Values) { Get-VariableReferences $v }; return }
    if ($Value -is [array]) { foreach ($v in $Value) { Get-VariableReferences $v }; return }
    if ($Value -is [string]) { [regex]::Matches($Value, '\{\{\s*([^}\s]+)\s*\}\}') | ForEach-Object { $_.Groups[1].Value } }
}

function Test-RunbookStructure {
    # The problems a document has against the schema 0.3 structure, one string each; none for a sound document.
    param([Parameter(Mandatory)] $Document)
    $problems = [System.Collections.Generic.List[string]]::new()
    $allowedTop = 'schemaVersion', 'description', 'assumeRole', 'parameters', 'mainSteps', 'outputs', 'files', 'variables'
    foreach ($key in $Document.Keys) { if ($key -notin $allowedTop) { $problems.Add("unknown top-level field '$key'") } }
    if ($Document.schemaVersion -ne '0.3') { $problems.Add("schemaVersion must be '0.3' for an Automation document, not '$($Document.schemaVersion)'") }
    if (-not $Document.mainSteps) { $problems.Add('mainSteps must hold at least one step') }

    $parameters = if ($Document.parameters) { $Document.parameters } else { [ordered]@{} }
    foreach ($name in $parameters.Keys) {
        $p = $parameters[$name]
        if ($p.type -notin $ParameterTypes) { $problems.Add("parameter $name has type '$($p.type)', not one of $($ParameterTypes -join ', ')") }
        if ($p.Contains('default') -and $p.Contains('allowedPattern') -and $p.default -is [string] -and $p.default -notmatch '^\{\{' -and $p.default -notmatch $p.allowedPattern) {
            $problems.Add("parameter $name has a default that its allowedPattern refuses")
        }
        if ($p.Contains('allowedValues') -and $p.Contains('default')) {
            foreach ($d in @($p.default)) { if ($d -notin $p.allowedValues) { $problems.Add("parameter $name has a default '$d' outside its allowedValues") } }
        }
    }

    $all = @(Get-RunbookSteps $Document.mainSteps)
    $names = @($all | ForEach-Object { $_.Step.name })
    foreach ($duplicate in ($names | Group-Object | Where-Object Count -gt 1)) { $problems.Add("step name '$($duplicate.Name)' is used $($duplicate.Count) times") }
    $outputsByStep = @{}
    foreach ($entry in $all) { $outputsByStep[$entry.Step.name] = @($entry.Step.outputs | ForEach-Object { $_.Name }) }
    foreach ($entry in $all) {
        $step = $entry.Step
        if ($step.name -notmatch '^[a-zA-Z0-9_]+$') { $problems.Add("step name '$($step.name)' may hold only letters, digits and _") }
        foreach ($key in $step.Keys) { if ($key -notin $StepFields) { $problems.Add("step $($step.name) has an unknown field '$key'") } }
        if ($step.action -notin $RunbookActions) { $problems.Add("step $($step.name) has an unknown action '$($step.action)'") }
        foreach ($output in @($step.outputs)) {
            if (-not $output) { continue }
            if (-not $output.Name -or -not $output.Selector) { $problems.Add("step $($step.name) has an output without Name or Selector") }
            if ($output.Type -notin $OutputTypes) { $problems.Add("output $($step.name).$($output.Name) has type '$($output.Type)'") }
            if ($step.action -eq 'aws:executeScript' -and $output.Selector -notmatch '^\$\.Payload(\.[A-Za-z0-9_]+)*$') {
                $problems.Add("output $($step.name).$($output.Name) selects '$($output.Selector)': an executeScript output selects from `$.Payload")
            }
        }
        foreach ($jump in @($step.nextStep) + @(@($step.onFailure, $step.onCancel) | Where-Object { $_ -like 'step:*' } | ForEach-Object { $_ -replace '^step:', '' })) {
            if ($jump -and $jump -notin $names) { $problems.Add("step $($step.name) goes to '$jump', which is no step") }
        }
        if ($step.onFailure -and $step.onFailure -notin 'Abort', 'Continue' -and $step.onFailure -notlike 'step:*') { $problems.Add("step $($step.name) has onFailure '$($step.onFailure)'") }
        if ($step.Contains('timeoutSeconds') -and -not ("$($step.timeoutSeconds)" -match '^\d+$')) { $problems.Add("step $($step.name) has a timeoutSeconds that is not a whole number") }

        switch ($step.action) {
            'aws:executeScript' {
                if ($step.inputs.Runtime -notin $ScriptRuntimes) { $problems.Add("step $($step.name) has Runtime '$($step.inputs.Runtime)', not one of $($ScriptRuntimes -join ', ')") }
                if (-not $step.inputs.Script) { $problems.Add("step $($step.name) has no Script (PowerShell steps need an inline Script)") }
                if ($step.inputs.Runtime -like 'PowerShell*' -and $step.inputs.Contains('Handler')) { $problems.Add("step $($step.name): PowerShell scripts take no Handler") }
                if (-not $step.Contains('timeoutSeconds') -or [int]$step.timeoutSeconds -gt $ExecuteScriptLimitSeconds) {
                    $problems.Add("step $($step.name) needs a timeoutSeconds of at most $ExecuteScriptLimitSeconds (the executeScript limit)")
                }
                if ($step.inputs.Attachment -and -not ($Document.files -and $Document.files.Contains($step.inputs.Attachment))) {
                    $problems.Add("step $($step.name) uses attachment '$($step.inputs.Attachment)', which files does not declare")
                }
            }
            'aws:branch' {
                foreach ($choice in @($step.inputs.Choices)) {
                    if ($choice.NextStep -notin $names) { $problems.Add("step $($step.name) branches to '$($choice.NextStep)', which is no step") }
                    if (-not (@($choice.Keys) | Where-Object { $_ -in $ChoiceOperators + 'And', 'Or', 'Not' })) { $problems.Add("a choice of step $($step.name) has no operator") }
                }
                if ($step.inputs.Default -and $step.inputs.Default -notin $names) { $problems.Add("step $($step.name) defaults to '$($step.inputs.Default)', which is no step") }
            }
            'aws:loop' {
                if (-not $step.inputs.Steps) { $problems.Add("loop $($step.name) has no Steps") }
                if (-not $step.inputs.MaxIterations -or [int]$step.inputs.MaxIterations -gt $LoopIterationLimit) { $problems.Add("loop $($step.name) needs MaxIterations of at most $LoopIterationLimit") }
                if (-not $step.inputs.LoopCondition -and -not $step.inputs.Iterators) { $problems.Add("loop $($step.name) needs a LoopCondition or Iterators") }
            }
            'aws:sleep' { if ($step.inputs.Duration -notmatch '^PT(\d+H)?(\d+M)?(\d+S)?$') { $problems.Add("step $($step.name) sleeps '$($step.inputs.Duration)', not an ISO 8601 duration") } }
        }

        foreach ($reference in Get-VariableReferences $step.inputs) {
            if ($reference -like 'global:*' -or $reference -like 'automation:*') { continue }
            $stepName, $outputName = $reference -split '\.', 2
            if ($outputName) {
                if (-not $outputsByStep.Contains($stepName)) { $problems.Add("step $($step.name) refers to {{ $reference }}, and there is no step $stepName") }
                elseif ($outputsByStep.Contains($stepName) -and $outputName -notin $outputsByStep[$stepName] -and $outputName -ne 'CurrentIteratorValue') { $problems.Add("step $($step.name) refers to {{ $reference }}, an output $stepName does not declare") }
            }
            elseif (-not $parameters.Contains($reference)) { $problems.Add("step $($step.name) refers to {{ $reference }}, which is no parameter") }
        }
    }
    foreach ($output in @($Document.outputs)) {
        if (-not $output) { continue }
        $stepName, $outputName = "$output" -split '\.', 2
        if (-not $outputsByStep.Contains($stepName) -or $outputName -notin $outputsByStep[$stepName]) { $problems.Add("document output '$output' names no declared step output") }
    }
    if ($Document.assumeRole) {
        foreach ($reference in Get-VariableReferences $Document.assumeRole) { if (-not $parameters.Contains($reference)) { $problems.Add("assumeRole refers to {{ $reference }}, which is no parameter") } }
    }
    , $problems.ToArray()
}

function Resolve-RunbookValue {
    # {{ Name }} alone in a string stands for the value itself (a list stays a list); inside text it is interpolated.
    param($Value, [hashtable] $Variables)
    if ($Value -is [System.Collections.IDictionary]) {
        $map = [ordered]@{}
        foreach ($key in $Value.Keys) { $map[$key] = Resolve-RunbookValue $Value[$key] $Variables }
        return $map
    }
    if ($Value -is [array]) { return , @($Value | ForEach-Object { Resolve-RunbookValue $_ $Variables }) }
    if ($Value -isnot [string]) { return $Value }
    $whole = [regex]::Match($Value, '^\{\{\s*([^}\s]+)\s*\}\}$')
    if ($whole.Success) {
        if (-not $Variables.Contains($whole.Groups[1].Value)) { throw "The runbook refers to {{ $($whole.Groups[1].Value) }}, which has no value yet." }
        return $Variables[$whole.Groups[1].Value]
    }
    [regex]::Replace($Value, '\{\{\s*([^}\s]+)\s*\}\}', {
            param($m)
            if (-not $Variables.Contains($m.Groups[1].Value)) { throw "The runbook refers to {{ $($m.Groups[1].Value) }}, which has no value yet." }
            "$($Variables[$m.Groups[1].Value])"
        })
}

function ConvertTo-OutputValue {
    param($Value, [string] $Type)
    switch ($Type) {
        'Integer' { [int]$Value }
        'Boolean' { [bool]::Parse("$Value") }
        'StringList' { , @($Value | ForEach-Object { "$_" }) }
        default { $Value }
    }
}

function Select-Payload {
    param($Payload, [string] $Selector)
    $value = $Payload
    foreach ($part in ($Selector -replace '^\$\.Payload\.?', '' -split '\.' | Where-Object { $_ })) {
        $value = if ($value -is [System.Collections.IDictionary]) { $value[$part] } else { $value.$part }
    }
    $value
}

function Invoke-RunbookScriptStep {
    # A fresh pwsh per step, as Automation starts a fresh runtime: the attachment extracted into its working folder,
    # $env:InputPayload the resolved InputPayload as JSON, the script's return value the Payload.
    param($Step, [hashtable] $Variables, [hashtable] $Attachments, [hashtable] $Environment, [string] $WorkRoot)
    $inputs = Resolve-RunbookValue $Step.inputs $Variables
    $folder = New-Item -ItemType Directory (Join-Path $WorkRoot "$($Step.name)-$([guid]::NewGuid().ToString('n').Substring(0, 8))")
    if ($inputs.Attachment) { Expand-Archive -Path $Attachments[$inputs.Attachment] -DestinationPath $folder.FullName }
    $payloadFile = Join-Path $folder.FullName '.payload.json'
    $wrapper = Join-Path $folder.FullName '.step.ps1'
    Set-Content -Path $wrapper -Value @"
Set-Location -LiteralPath '$($folder.FullName)'
`$__result = & {
$($inputs.Script)
}
ConvertTo-Json -InputObject `$__result -Depth 20 -Compress | Set-Content -LiteralPath '$payloadFile'
"@
    $stepEnvironment = @{} + $Environment
    $stepEnvironment['InputPayload'] = ConvertTo-Json -InputObject $inputs.InputPayload -Depth 20 -Compress
    $stepEnvironment['XDG_CACHE_HOME'] = Join-Path $folder.FullName '.cache'
    $stepEnvironment['NO_COLOR'] = '1'

    $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    $dll = Join-Path $PSHOME 'pwsh.dll'
    # Under `dotnet pwsh` the process is dotnet itself, which needs pwsh.dll as its first argument.
    $arguments = @(if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*') { $dll }) + @('-NoProfile', '-NonInteractive', '-File', $wrapper)
    foreach ($a in $arguments) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($name in $stepEnvironment.Keys) { $start.Environment[$name] = $stepEnvironment[$name] }
    $process = [Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $timeout = if ($Step.timeoutSeconds) { [int]$Step.timeoutSeconds } else { $ExecuteScriptLimitSeconds }
    $finished = $process.WaitForExit($timeout * 1000)
    if (-not $finished) { $process.Kill($true); $process.WaitForExit() }
    $log = "$($stdout.Result)$($stderr.Result)"
    if (-not $finished) { return [pscustomobject]@{ Status = 'TimedOut'; Payload = $null; Log = $log } }
    if ($process.ExitCode -ne 0 -or -not (Test-Path $payloadFile)) { return [pscustomobject]@{ Status = 'Failed'; Payload = $null; Log = $log } }
    $json = Get-Content -Raw $payloadFile
    if ([Text.Encoding]::UTF8.GetByteCount($json) -gt 100KB) { return [pscustomobject]@{ Status = 'Failed'; Payload = $null; Log = "$log`nThe Payload is over 100 KB." } }
    [pscustomobject]@{ Status = 'Success'; Payload = ($json | ConvertFrom-Json -AsHashtable); Log = $log }
}

function Test-RunbookChoice {
    param($Choice, [hashtable] $Variables)
    if ($Choice.Contains('And')) { return -not (@($Choice.And | Where-Object { -not (Test-RunbookChoice $_ $Variables) })) }
    if ($Choice.Contains('Or')) { return [bool](@($Choice.Or | Where-Object { Test-RunbookChoice $_ $Variables })) }
    if ($Choice.Contains('Not')) { return -not (Test-RunbookChoice $Choice.Not $Variables) }
    $value = Resolve-RunbookValue $Choice.Variable $Variables
    foreach ($operator in $ChoiceOperators) {
        if (-not $Choice.Contains($operator)) { continue }
        $expected = $Choice[$operator]
        switch ($operator) {
            'StringEquals' { return "$value" -ceq "$expected" }
            'EqualsIgnoreCase' { return "$value" -eq "$expected" }
            'StartsWith' { return "$value".StartsWith("$expected") }
            'EndsWith' { return "$value".EndsWith("$expected") }
            'Contains' { return "$value".Contains("$expected") }
            'NumericEquals' { return [double]$value -eq [double]$expected }
            'NumericGreater' { return [double]$value -gt [double]$expected }
            'NumericLesser' { return [double]$value -lt [double]$expected }
            'NumericGreaterOrEquals' { return [double]$value -ge [double]$expected }
            'NumericLesserOrEquals' { return [double]$value -le [double]$expected }
            'BooleanEquals' { return [bool]::Parse("$value") -eq [bool]::Parse("$expected") }
        }
    }
    throw 'A choice has no operator.'
}

function Invoke-RunbookSteps {
    # Runs a list of steps (mainSteps, or a loop's Steps) in order, following nextStep, isEnd, branches and onFailure.
    param($Steps, [hashtable] $Variables, [hashtable] $Context)
    $list = @($Steps)
    $index = 0
    while ($index -lt $list.Count) {
        $step = $list[$index]
        $status = 'Success'
        $next = $null
        switch ($step.action) {
            'aws:executeScript' {
                $run = Invoke-RunbookScriptStep $step $Variables $Context.Attachments $Context.Environment $Context.WorkRoot
                $status = $run.Status
                $Context.Executions.Add([pscustomobject]@{ Step = $step.name; Status = $run.Status; Payload = $run.Payload; Log = $run.Log })
                if ($status -eq 'Success') {
                    foreach ($output in @($step.outputs)) {
                        if ($output) { $Variables["$($step.name).$($output.Name)"] = ConvertTo-OutputValue (Select-Payload $run.Payload $output.Selector) $output.Type }
                    }
                }
            }
            'aws:branch' {
                $chosen = @($step.inputs.Choices | Where-Object { Test-RunbookChoice $_ $Variables } | Select-Object -First 1)
                $next = if ($chosen) { $chosen[0].NextStep } else { $step.inputs.Default }
                $Context.Executions.Add([pscustomobject]@{ Step = $step.name; Status = 'Success'; Payload = @{ NextStep = $next }; Log = '' })
                if (-not $next) { return 'Failed' }
            }
            'aws:loop' {
                # The condition is read after each pass, so it can test what the pass's steps returned (a do-while).
                $iterations = 0
                do {
                    $iterations++
                    $Variables["$($step.name).CurrentIteration"] = $iterations
                    $inner = Invoke-RunbookSteps $step.inputs.Steps $Variables $Context
                    if ($inner -ne 'Success') { $status = $inner; break }
                } while ($iterations -lt [int]$step.inputs.MaxIterations -and (Test-RunbookChoice $step.inputs.LoopCondition $Variables))
                $Context.Executions.Add([pscustomobject]@{ Step = $step.name; Status = $status; Payload = @{ Iterations = $iterations }; Log = '' })
            }
            'aws:sleep' { $Context.Executions.Add([pscustomobject]@{ Step = $step.name; Status = 'Success'; Payload = $null; Log = '' }) }
            default { throw "The local runner does not run $($step.action) steps." }
        }

        if ($status -ne 'Success') {
            $onFailure = if ($step.onFailure) { $step.onFailure } else { 'Abort' }
            if ($onFailure -eq 'Abort') { return $status }
            if ($onFailure -like 'step:*') { $next = $onFailure -replace '^step:', '' }
        }
        if ($step.isEnd -eq 'true' -or $step.isEnd -eq $true) { return 'Success' }
        if (-not $next -and $step.nextStep) { $next = $step.nextStep }
        if ($next) {
            $index = [array]::IndexOf(@($list | ForEach-Object name), $next)
            if ($index -lt 0) { throw "Step $($step.name) goes to $next, which is not in the same list of steps." }
        }
        else { $index++ }
    }
    'Success'
}

function Invoke-RunbookLocally {
    <#
    .SYNOPSIS
        Runs an Automation document here: parameters checked and defaulted as Automation does, then the steps.
    .OUTPUTS
        Status (Success, Failed, TimedOut), the step executions in order, and the document's outputs.
    #>
    param(
        [Parameter(Mandatory)] $Document,
        [hashtable] $Parameters = @{},
        [hashtable] $Attachments = @{},
        [hashtable] $Environment = @{},
        [string] $Region = 'eu-west-1',
        [string] $AccountId = '111111111111'
    )
    $variables = @{ 'global:REGION' = $Region; 'global:ACCOUNT_ID' = $AccountId; 'global:AWS_PARTITION' = 'aws'; 'automation:EXECUTION_ID' = [guid]::NewGuid().ToString() }
    foreach ($name in $Document.parameters.Keys) {
        $definition = $Document.parameters[$name]
        $value = if ($Parameters.ContainsKey($name)) { $Parameters[$name] } elseif ($definition.Contains('default')) { Resolve-RunbookValue $definition.default $variables } else { throw "The runbook needs the parameter $name." }
        if ($definition.allowedPattern -and $value -is [string] -and $value -notmatch $definition.allowedPattern) { throw "Parameter $name '$value' does not match its allowedPattern." }
        if ($definition.allowedValues) { foreach ($v in @($value)) { if ($v -notin $definition.allowedValues) { throw "Parameter $name may not be '$v'." } } }
        $variables[$name] = switch ($definition.type) { 'Integer' { [int]$value } 'Boolean' { [bool]::Parse("$value") } 'StringList' { , @($value) } default { $value } }
    }
    foreach ($name in $Parameters.Keys) { if (-not $Document.parameters.Contains($name)) { throw "The runbook has no parameter $name." } }

    $work = New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-automation-$([guid]::NewGuid().ToString('n'))")
    $context = @{ Attachments = $Attachments; Environment = $Environment; WorkRoot = $work.FullName; Executions = [System.Collections.Generic.List[object]]::new() }
    try {
        $status = Invoke-RunbookSteps $Document.mainSteps $variables $context
        $outputs = [ordered]@{}
        foreach ($output in @($Document.outputs)) { if ($output -and $variables.Contains("$output")) { $outputs["$output"] = $variables["$output"] } }
        [pscustomobject]@{ Status = $status; Executions = $context.Executions.ToArray(); Outputs = $outputs }
    }
    finally { Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue }
}
