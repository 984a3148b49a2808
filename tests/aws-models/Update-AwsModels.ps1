<#
.SYNOPSIS
    Regenerates the trimmed AWS service models under tests/aws-models from the full botocore models.

.DESCRIPTION
    For every service in operations.json, reads the full botocore service-2.json under -ModelRoot and writes
    <OutputRoot>/<service>/service-2.json holding only: the model's metadata and version, the listed operations, and
    every shape reachable from their input, output and errors. Every documentation, documentationUrl and
    deprecatedMessage field is dropped; everything else (wire names, locationName, queryName, flattened, list and map
    encodings, resultWrapper, error code/httpStatusCode/senderFault, enums, min/max, pattern, required) is kept as
    published. Operations and shapes keep the model's own order; the JSON is indented by two spaces, with LF line
    ends and a trailing newline, so the same input always gives byte-identical output.

    Run by a person when AWS changes a model or VaultCopy starts using another operation (add it to operations.json
    first). Nothing in the build or the tests runs this script.

.PARAMETER ModelRoot
    The folder holding the full models. Either botocore's layout, <ModelRoot>/<service>/<api-version>/service-2.json
    (botocore's data folder; the newest api-version folder is used, service-2.json.gz is read too; the botocore
    package folder that contains data/ is accepted as well), or a flat layout, <ModelRoot>/<service>/service-2.json.

.PARAMETER OutputRoot
    Where the trimmed models go; defaults to this script's folder.

.PARAMETER OperationsFile
    The operations to keep, as { "service": ["Operation", ...] }; defaults to operations.json beside this script.

.EXAMPLE
    dotnet pwsh ./tests/aws-models/Update-AwsModels.ps1 -ModelRoot "$(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data"
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModelRoot,

    [string] $OutputRoot = $PSScriptRoot,

    [string] $OperationsFile = (Join-Path $PSScriptRoot 'operations.json')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Add-Type -AssemblyName System.Text.Encodings.Web
$droppedFields = [System.Collections.Generic.HashSet[string]]::new([string[]]@('documentation', 'documentationUrl', 'deprecatedMessage'))
$nodeOptions = [System.Text.Json.Nodes.JsonNodeOptions]::new()
$documentOptions = [System.Text.Json.JsonDocumentOptions]::new()
$writeOptions = [System.Text.Json.JsonSerializerOptions]::new()
$writeOptions.WriteIndented = $true
$writeOptions.Encoder = [System.Text.Encodings.Web.JavaScriptEncoder]::UnsafeRelaxedJsonEscaping
$utf8 = [System.Text.UTF8Encoding]::new($false)

# A JsonObject is enumerable: returned with -NoEnumerate so that the pipeline does not unroll it into its properties.
# Recent botocore releases ship their models gzipped (service-2.json.gz).
function Read-JsonNode([string] $Path) {
    if ($Path.EndsWith('.gz', [System.StringComparison]::Ordinal)) {
        $file = [System.IO.File]::OpenRead($Path)
        try {
            $reader = [System.IO.StreamReader]::new([System.IO.Compression.GZipStream]::new($file, [System.IO.Compression.CompressionMode]::Decompress), $utf8)
            $text = $reader.ReadToEnd()
        }
        finally {
            $file.Dispose()
        }
    }
    else {
        $text = [System.IO.File]::ReadAllText($Path)
    }

    Write-Output -NoEnumerate ([System.Text.Json.Nodes.JsonNode]::Parse($text, $nodeOptions, $documentOptions))
}

# The model file in one folder: service-2.json, else botocore's gzipped service-2.json.gz; $null when neither.
function Find-ModelFile([string] $Folder) {
    foreach ($name in 'service-2.json', 'service-2.json.gz') {
        $candidate = Join-Path $Folder $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) {
            return $candidate
        }
    }

    $null
}

function Resolve-FullModel([string] $Root, [string] $Service) {
    $serviceFolder = Join-Path $Root $Service
    if (-not (Test-Path -LiteralPath $serviceFolder -PathType Container)) {
        throw "No model folder for '$Service' under '$Root' (expected $Service/service-2.json or $Service/<api-version>/service-2.json)."
    }

    $flat = Find-ModelFile $serviceFolder
    if ($flat) {
        return $flat
    }

    # botocore names version folders by API date (yyyy-mm-dd), so the ordinal-last one is the newest.
    $versions = @(Get-ChildItem -LiteralPath $serviceFolder -Directory |
        Where-Object { Find-ModelFile $_.FullName } |
        ForEach-Object Name |
        Sort-Object -Culture ([cultureinfo]::InvariantCulture) -CaseSensitive)
    if ($versions.Count -eq 0) {
        throw "No service-2.json in any API version folder of '$serviceFolder'."
    }

    Find-ModelFile (Join-Path $serviceFolder $versions[-1])
}

# Shape names referenced from one node: every "shape" string below it (member refs, list member, map key/value).
function Get-ShapeReference([System.Text.Json.Nodes.JsonNode] $Node, [System.Collections.Generic.List[string]] $Found) {
    if ($Node -is [System.Text.Json.Nodes.JsonObject]) {
        foreach ($property in $Node) {
            if ($property.Key -ceq 'shape' -and $property.Value -is [System.Text.Json.Nodes.JsonValue]) {
                $Found.Add($property.Value.GetValue[string]())
            }
            elseif ($null -ne $property.Value) {
                Get-ShapeReference $property.Value $Found
            }
        }
    }
    elseif ($Node -is [System.Text.Json.Nodes.JsonArray]) {
        foreach ($item in $Node) {
            if ($null -ne $item) {
                Get-ShapeReference $item $Found
            }
        }
    }
}

# Drops the documentation fields of a schema object and of everything below it. The keys of a "members" object are
# member names, not schema fields, so they are never dropped (a member may be called "documentation").
function Remove-DocumentationField([System.Text.Json.Nodes.JsonNode] $Node, [bool] $KeysAreNames = $false) {
    if ($Node -is [System.Text.Json.Nodes.JsonObject]) {
        if (-not $KeysAreNames) {
            foreach ($name in @($Node | ForEach-Object Key)) {
                if ($droppedFields.Contains($name)) {
                    [void] $Node.Remove($name)
                }
            }
        }

        foreach ($property in @($Node)) {
            if ($null -ne $property.Value) {
                Remove-DocumentationField $property.Value ($property.Key -ceq 'members' -and -not $KeysAreNames)
            }
        }
    }
    elseif ($Node -is [System.Text.Json.Nodes.JsonArray]) {
        foreach ($item in $Node) {
            if ($null -ne $item) {
                Remove-DocumentationField $item
            }
        }
    }
}

function New-TrimmedModel([System.Text.Json.Nodes.JsonObject] $Full, [string[]] $Operations, [string] $Source) {
    $fullOperations = $Full['operations']
    $fullShapes = $Full['shapes']
    $missing = @($Operations | Where-Object { -not $fullOperations.ContainsKey($_) })
    if ($missing.Count -gt 0) {
        throw "$Source has no operation $($missing -join ', ')."
    }

    $wanted = [System.Collections.Generic.HashSet[string]]::new([string[]]$Operations, [System.StringComparer]::Ordinal)
    $keptOperations = [System.Text.Json.Nodes.JsonObject]::new()
    $pending = [System.Collections.Generic.List[string]]::new()
    foreach ($property in $fullOperations) {
        if ($wanted.Contains($property.Key)) {
            $keptOperations.Add($property.Key, $property.Value.DeepClone())
            Get-ShapeReference $property.Value $pending
        }
    }

    $reachable = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::Ordinal)
    while ($pending.Count -gt 0) {
        $name = $pending[$pending.Count - 1]
        $pending.RemoveAt($pending.Count - 1)
        if ($reachable.Add($name)) {
            if (-not $fullShapes.ContainsKey($name)) {
                throw "$Source references shape '$name', which it does not define."
            }

            Get-ShapeReference $fullShapes[$name] $pending
        }
    }

    $keptShapes = [System.Text.Json.Nodes.JsonObject]::new()
    foreach ($property in $fullShapes) {
        if ($reachable.Contains($property.Key)) {
            $keptShapes.Add($property.Key, $property.Value.DeepClone())
        }
    }

    $trimmed = [System.Text.Json.Nodes.JsonObject]::new()
    foreach ($property in $Full) {
        switch -CaseSensitive ($property.Key) {
            'operations' { $trimmed.Add('operations', $keptOperations) }
            'shapes' { $trimmed.Add('shapes', $keptShapes) }
            default {
                if (-not $droppedFields.Contains($property.Key)) {
                    $trimmed.Add($property.Key, $property.Value.DeepClone())
                }
            }
        }
    }

    Remove-DocumentationField $trimmed
    Write-Output -NoEnumerate $trimmed
}

$root = (Resolve-Path -LiteralPath $ModelRoot).ProviderPath
$botocoreData = Join-Path $root 'data'
$list = Read-JsonNode $OperationsFile
[string[]] $services = @($list | ForEach-Object Key | Sort-Object -Culture ([cultureinfo]::InvariantCulture) -CaseSensitive)
if (-not (Test-Path -LiteralPath (Join-Path $root $services[0])) -and (Test-Path -LiteralPath $botocoreData -PathType Container)) {
    # The botocore package folder itself: its models are in data/.
    $root = $botocoreData
}

foreach ($service in $services) {
    [string[]] $serviceOperations = @($list[$service] | ForEach-Object { $_.GetValue[string]() } |
        Sort-Object -Culture ([cultureinfo]::InvariantCulture) -CaseSensitive -Unique)
    $source = Resolve-FullModel $root $service
    $trimmed = New-TrimmedModel (Read-JsonNode $source) $serviceOperations $source
    $text = $trimmed.ToJsonString($writeOptions).Replace("`r`n", "`n") + "`n"
    $target = Join-Path $OutputRoot $service 'service-2.json'
    [void] [System.IO.Directory]::CreateDirectory((Split-Path -Parent $target))
    [System.IO.File]::WriteAllText($target, $text, $utf8)
    $hash = (Get-FileHash -LiteralPath $target -Algorithm SHA256).Hash.ToLowerInvariant()
    [pscustomobject]@{
        Service    = $service
        ApiVersion = $trimmed['metadata']['apiVersion'].GetValue[string]()
        Operations = $trimmed['operations'].Count
        Shapes     = $trimmed['shapes'].Count
        SourceKB   = [math]::Round((Get-Item -LiteralPath $source).Length / 1KB)
        TrimmedKB  = [math]::Round($utf8.GetByteCount($text) / 1KB)
        Sha256     = $hash
        Source     = $source
    }
}
