#Requires -Version 7.4
<#
.SYNOPSIS
    Packs a built VaultCopy module folder into a PowerShell Gallery package with PSResourceGet.
.DESCRIPTION
    build.ps1 -Task Package runs this in a separate pwsh whose PSResourceGet data folder is a throwaway one, so the
    temporary file repository it registers never appears in the user's own repository list.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleDirectory,
    [Parameter(Mandatory)] [string] $OutputDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$repository = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-repo-$([guid]::NewGuid().ToString('n'))"
New-Item -ItemType Directory $repository | Out-Null
$name = "VaultCopyLocal$([guid]::NewGuid().ToString('n').Substring(0, 8))"
try {
    Register-PSResourceRepository -Name $name -Uri $repository -Trusted
    # VaultCopy has no module dependencies; the check would only look for them in the empty repository.
    Publish-PSResource -Path $ModuleDirectory -Repository $name -SkipDependenciesCheck
    $package = @(Get-ChildItem $repository -Filter '*.nupkg')
    if ($package.Count -ne 1) { throw "Publish-PSResource wrote $($package.Count) packages into $repository, expected one." }
    Move-Item $package[0].FullName (Join-Path $OutputDirectory $package[0].Name) -Force
    Join-Path $OutputDirectory $package[0].Name
}
finally {
    Unregister-PSResourceRepository -Name $name -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $repository -ErrorAction SilentlyContinue
}
