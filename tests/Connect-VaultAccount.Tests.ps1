BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:OriginKey = Get-DemoAccessKey 'origin-admin'
    $script:VaultRoleArn = 'arn:aws:iam::222222222222:role/VaultCopyVault'

    function script:New-ProfileFile {
        param([string] $Content)
        $path = Join-Path ([IO.Path]::GetTempPath()) "vaultcopy-profile-$([guid]::NewGuid().ToString('n'))"
        Set-Content -Path $path -Value $Content
        $path
    }

    function script:Get-ErrorFrom {
        param([scriptblock] $Action)
        try { & $Action; $null } catch { $_ }
    }
}

AfterAll {
    Stop-TestEmulator $Emulator
}

Describe 'Connect-VaultAccount' {
    BeforeEach {
        Reset-TestEmulator $Url
        Remove-Variable -Name StoredAWSCredentials, StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
    }

    It 'connects with access keys and says where the credentials came from' {
        $account = Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region eu-west-1 -EndpointUrl $Url

        $account.AccountId | Should -Be '111111111111'
        $account.Arn | Should -Be 'arn:aws:iam::111111111111:user/origin-admin'
        $account.Partition | Should -Be 'aws'
        $account.Region | Should -Be 'eu-west-1'
        $account.EndpointUrl | Should -Be $Url
        $account.CredentialSource | Should -Match 'access key AKIA\*\*\*\*0001 from -AccessKey/-SecretKey'
        $account.PSObject.TypeNames[0] | Should -Be 'VaultCopy.Core.Accounts.VaultAccount'
    }

    It 'reads a named profile from -ProfileLocation, with its Region' {
        $file = New-ProfileFile @"
[origin]
aws_access_key_id = $($OriginKey.accessKeyId)
aws_secret_access_key = $($OriginKey.secretAccessKey)
region = eu-central-1
"@
        $account = Connect-VaultAccount -ProfileName origin -ProfileLocation $file -EndpointUrl $Url

        $account.AccountId | Should -Be '111111111111'
        $account.Region | Should -Be 'eu-central-1'
        $account.CredentialSource | Should -BeLike "profile 'origin' in *"
    }

    It 'refuses an unknown profile instead of falling back to other credentials' {
        $file = New-ProfileFile "[other]`naws_access_key_id = AKIAEXAMPLE000000001`naws_secret_access_key = x"
        $err = Get-ErrorFrom { Connect-VaultAccount -ProfileName origin -ProfileLocation $file -Region eu-west-1 -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'ProfileNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be 'origin'
        $err.ErrorDetails.Message | Should -Match '-ProfileLocation'
    }

    It 'uses the AWS Tools session defaults: $StoredAWSCredentials naming a profile and $StoredAWSRegion' {
        $file = New-ProfileFile "[stored]`naws_access_key_id = $($OriginKey.accessKeyId)`naws_secret_access_key = $($OriginKey.secretAccessKey)"
        $global:StoredAWSCredentials = 'stored'
        $global:StoredAWSRegion = 'ap-southeast-2'

        $account = Connect-VaultAccount -ProfileLocation $file -EndpointUrl $Url

        $account.Region | Should -Be 'ap-southeast-2'
        $account.CredentialSource | Should -BeLike "profile 'stored' in *"
    }

    It 'reads a PSCredential whose user name is the access key id' {
        $secure = ConvertTo-SecureString $OriginKey.secretAccessKey -AsPlainText -Force
        $credential = [pscredential]::new($OriginKey.accessKeyId, $secure)

        $account = Connect-VaultAccount -Credential $credential -Region eu-west-1 -EndpointUrl $Url

        $account.Arn | Should -Be 'arn:aws:iam::111111111111:user/origin-admin'
        $account.CredentialSource | Should -Match 'from -Credential'
    }

    It 'reads an AWS Tools credential object by its shape, whatever its type' {
        if (-not ('VaultCopyTest.ForeignCredentials' -as [type])) {
            Add-Type -TypeDefinition @'
namespace VaultCopyTest {
    public sealed class ForeignImmutable { public string AccessKey { get; set; } public string SecretKey { get; set; } public string Token { get; set; } }
    public sealed class ForeignCredentials {
        private readonly ForeignImmutable _value;
        public ForeignCredentials(string a, string s) { _value = new ForeignImmutable { AccessKey = a, SecretKey = s, Token = "" }; }
        public ForeignImmutable GetCredentials() { return _value; }
    }
}
'@
        }
        $foreign = [VaultCopyTest.ForeignCredentials]::new($OriginKey.accessKeyId, $OriginKey.secretAccessKey)

        $account = Connect-VaultAccount -Credential $foreign -Region eu-west-1 -EndpointUrl $Url

        $account.AccountId | Should -Be '111111111111'
    }

    It 'refuses -Credential together with -AccessKey' {
        $credential = [pscredential]::new('AKIAEXAMPLE000000001', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        $err = Get-ErrorFrom { Connect-VaultAccount -Credential $credential -AccessKey AKIAEXAMPLE000000001 -SecretKey x -Region eu-west-1 -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'ConflictingCredentials,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'assumes the vault role from the origin account with the external id' {
        $origin = Connect-DemoOrigin -Url $Url
        $vault = Connect-VaultAccount -SourceAccount $origin -RoleArn $VaultRoleArn -ExternalId vaultcopy-demo -RoleSessionName demo-session

        $vault.AccountId | Should -Be '222222222222'
        $vault.Arn | Should -Be 'arn:aws:sts::222222222222:assumed-role/VaultCopyVault/demo-session'
        $vault.PrincipalArn | Should -Be $VaultRoleArn
        $vault.Region | Should -Be 'eu-west-1'
        $vault.CredentialExpiration | Should -BeGreaterThan ([DateTime]::UtcNow.AddMinutes(50))
        $vault.CredentialSource | Should -BeLike "role $VaultRoleArn assumed with the credentials of arn:aws:iam::111111111111:user/origin-admin"
        (Invoke-EmulatorControl -Url $Url -Path calls).operations.'sts:AssumeRole' | Should -Be 1
    }

    It 'assumes a profile''s role_arn with its source_profile through -EndpointUrl, not the public STS endpoint' {
        $file = New-ProfileFile @"
[origin]
aws_access_key_id = $($OriginKey.accessKeyId)
aws_secret_access_key = $($OriginKey.secretAccessKey)

[vault]
role_arn = $VaultRoleArn
source_profile = origin
external_id = vaultcopy-demo
role_session_name = from-profile
region = eu-west-1
"@
        $vault = Connect-VaultAccount -ProfileName vault -ProfileLocation $file -EndpointUrl $Url

        $vault.AccountId | Should -Be '222222222222'
        $vault.Arn | Should -Be 'arn:aws:sts::222222222222:assumed-role/VaultCopyVault/from-profile'
        $vault.CredentialExpiration | Should -Not -BeNullOrEmpty
        $vault.CredentialSource | Should -BeLike "role $VaultRoleArn of profile 'vault' assumed with profile 'origin' in *"
    }

    It 'explains a profile role that cannot be assumed, naming the profile and what to check in it' {
        $file = New-ProfileFile @"
[origin]
aws_access_key_id = $($OriginKey.accessKeyId)
aws_secret_access_key = $($OriginKey.secretAccessKey)

[vault]
role_arn = $VaultRoleArn
source_profile = origin
external_id = not-the-agreed-one
"@
        $err = Get-ErrorFrom { Connect-VaultAccount -ProfileName vault -ProfileLocation $file -Region eu-west-1 -EndpointUrl $Url }

        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.FullyQualifiedErrorId | Should -BeLike 'AssumeRoleDenied,*'
        $err.TargetObject | Should -Be 'vault'
        $err.ErrorDetails.Message | Should -Match "profile 'vault'"
        $err.ErrorDetails.Message | Should -Match 'external_id'
        $err.ErrorDetails.Message | Should -Match 'source_profile'
    }

    It 'refuses a profile whose source_profile does not exist, before calling AWS' {
        $file = New-ProfileFile "[vault]`nrole_arn = $VaultRoleArn`nsource_profile = missing"
        $err = Get-ErrorFrom { Connect-VaultAccount -ProfileName vault -ProfileLocation $file -Region eu-west-1 -EndpointUrl $Url }

        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.FullyQualifiedErrorId | Should -BeLike 'ProfileNotFound,*'
        $err.ErrorDetails.Message | Should -Match "'missing'"
        $err.ErrorDetails.Message | Should -Match "source_profile of profile 'vault'"
    }

    It 'chains roles: origin user, then the origin role, then the vault role' {
        $origin = Connect-DemoOrigin -Url $Url
        $originRole = Connect-VaultAccount -SourceAccount $origin -RoleArn 'arn:aws:iam::111111111111:role/VaultCopyOrigin'
        $vault = Connect-VaultAccount -SourceAccount $originRole -RoleArn $VaultRoleArn -ExternalId vaultcopy-demo

        $originRole.Arn | Should -BeLike 'arn:aws:sts::111111111111:assumed-role/VaultCopyOrigin/*'
        $vault.Arn | Should -BeLike 'arn:aws:sts::222222222222:assumed-role/VaultCopyVault/*'
        # AWS caps a chained role session at one hour.
        $vault.CredentialExpiration | Should -BeLessOrEqual ([DateTime]::UtcNow.AddMinutes(61))
    }

    It 'refuses a wrong external id with PermissionDenied, the role as target and what to check' {
        $origin = Connect-DemoOrigin -Url $Url
        $err = Get-ErrorFrom { Connect-VaultAccount -SourceAccount $origin -RoleArn $VaultRoleArn -ExternalId not-the-agreed-one }

        $err.FullyQualifiedErrorId | Should -BeLike 'AssumeRoleDenied,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.TargetObject | Should -Be $VaultRoleArn
        $err.ErrorDetails.Message | Should -Match 'trust policy'
        $err.ErrorDetails.Message | Should -Match '-ExternalId'
    }

    It 'reports an external id AWS refuses as InvalidArgument with what to check, without echoing a long input' {
        $origin = Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region eu-west-1 -EndpointUrl $Url
        $externalId = 'not allowed ' * 100
        $err = Get-ErrorFrom { Connect-VaultAccount -SourceAccount $origin -RoleArn $VaultRoleArn -ExternalId $externalId }

        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.FullyQualifiedErrorId | Should -BeLike 'AwsValidationFailed,*'
        $err.ErrorDetails.Message | Should -Match 'externalId'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Check'
        $err.ErrorDetails.Message.Length | Should -BeLessThan 1000
    }

    It 'refuses a malformed role ARN before calling AWS' {
        $origin = Connect-DemoOrigin -Url $Url
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null
        $err = Get-ErrorFrom { Connect-VaultAccount -SourceAccount $origin -RoleArn 'VaultCopyVault' }

        $err.FullyQualifiedErrorId | Should -BeLike 'InvalidRoleArn,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Invoke-EmulatorControl -Url $Url -Path calls).operations.PSObject.Properties.Name | Should -Not -Contain 'sts:AssumeRole'
    }

    It 'explains a wrong secret as an authentication error without echoing it' {
        $err = Get-ErrorFrom { Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey 'not-the-secret-0123456789' -Region eu-west-1 -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'SignatureDoesNotMatch,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.ErrorDetails.Message | Should -Match 'secret access key does not match'
        $err.ErrorDetails.Message | Should -Match '-SecretKey'
        ($err | Out-String) | Should -Not -Match 'not-the-secret-0123456789'
    }

    It 'explains an unknown access key' {
        $err = Get-ErrorFrom { Connect-VaultAccount -AccessKey AKIAUNKNOWNKEY000001 -SecretKey 'whatever-secret' -Region eu-west-1 -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'AccessKeyNotRecognized,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
    }

    It 'stops with a clear error naming -Region and AWS_REGION when no Region is known' {
        $err = Get-ErrorFrom { Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'RegionNotSet,*'
        $err.ErrorDetails.Message | Should -Match '-Region'
        $err.ErrorDetails.Message | Should -Match 'AWS_REGION'
    }

    It 'refuses expired session credentials and says to get fresh ones' {
        $deps = Join-Path (Split-Path $ModulePath) 'deps'
        $session = Invoke-IsolatedPwsh -Script @"
Add-Type -Path '$deps/AWSSDK.Core.dll'
Add-Type -Path '$deps/AWSSDK.SecurityToken.dll'
`$config = [Amazon.SecurityToken.AmazonSecurityTokenServiceConfig]::new()
`$config.ServiceURL = '$Url'
`$config.AuthenticationRegion = 'eu-west-1'
`$client = [Amazon.SecurityToken.AmazonSecurityTokenServiceClient]::new('$($OriginKey.accessKeyId)', '$($OriginKey.secretAccessKey)', `$config)
`$request = [Amazon.SecurityToken.Model.AssumeRoleRequest]@{ RoleArn = 'arn:aws:iam::111111111111:role/VaultCopyOrigin'; RoleSessionName = 'short'; DurationSeconds = 900 }
`$c = `$client.AssumeRoleAsync(`$request).GetAwaiter().GetResult().Credentials
@{ AccessKeyId = `$c.AccessKeyId; Secret = `$c.SecretAccessKey; Token = `$c.SessionToken } | ConvertTo-Json -Compress
"@
        $session.ExitCode | Should -Be 0 -Because ($session.Output -join "`n")
        $issued = $session.Output[-1] | ConvertFrom-Json
        $live = Connect-VaultAccount -AccessKey $issued.AccessKeyId -SecretKey $issued.Secret -SessionToken $issued.Token -Region eu-west-1 -EndpointUrl $Url
        $live.Arn | Should -BeLike '*assumed-role/VaultCopyOrigin/short'

        Invoke-EmulatorControl -Url $Url -Path clock -Method POST -Body @{ advanceSeconds = 1000 } | Out-Null
        $err = Get-ErrorFrom { Connect-VaultAccount -AccessKey $issued.AccessKeyId -SecretKey $issued.Secret -SessionToken $issued.Token -Region eu-west-1 -EndpointUrl $Url }

        $err.FullyQualifiedErrorId | Should -BeLike 'CredentialsExpired,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.ErrorDetails.Message | Should -Match 'fresh credentials'
    }

    It 'follows AWS_ENDPOINT_URL, and AWS_ENDPOINT_URL_STS over it, when no -EndpointUrl is given' {
        try {
            $env:AWS_ENDPOINT_URL = $Url
            (Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region eu-west-2).AccountId |
                Should -Be '111111111111'

            $env:AWS_ENDPOINT_URL = 'http://127.0.0.1:9'
            $env:AWS_ENDPOINT_URL_STS = $Url
            $account = Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region eu-west-2
            $account.AccountId | Should -Be '111111111111'
            $account.EndpointUrl | Should -BeLike "$Url*"
        }
        finally {
            Remove-Item Env:AWS_ENDPOINT_URL, Env:AWS_ENDPOINT_URL_STS -ErrorAction SilentlyContinue
        }
    }

    It 'signs for the Region it was given' {
        Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null
        Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region ca-central-1 -EndpointUrl $Url | Out-Null

        $log = (Invoke-EmulatorControl -Url $Url -Path calls).recent
        ($log | Where-Object action -eq 'GetCallerIdentity' | Select-Object -Last 1).region | Should -Be 'ca-central-1'
    }

    It 'never writes a secret to any stream' {
        # What VaultCopy itself writes: objects, messages and errors (with their inner exceptions). PowerShell's own
        # InvocationInfo keeps bound parameters as typed, which is why -ProfileName or -Credential are preferable.
        $origin = Connect-DemoOrigin -Url $Url
        $records = & {
            Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey $OriginKey.secretAccessKey -Region eu-west-1 -EndpointUrl $Url -Verbose -Debug
            Connect-VaultAccount -SourceAccount $origin -RoleArn $VaultRoleArn -ExternalId vaultcopy-demo -Verbose
            try { Connect-VaultAccount -AccessKey $OriginKey.accessKeyId -SecretKey "$($OriginKey.secretAccessKey)x" -Region eu-west-1 -EndpointUrl $Url } catch { $_ }
        } *>&1
        $text = foreach ($record in $records) {
            switch ($record) {
                { $_ -is [System.Management.Automation.ErrorRecord] } {
                    $_.ToString(); $_.ErrorDetails.Message
                    for ($e = $_.Exception; $e; $e = $e.InnerException) { $e.Message; $e | Format-List * -Force | Out-String }
                }
                { $_ -is [System.Management.Automation.InformationalRecord] } { $_.Message }
                default { $_ | Format-List * -Force | Out-String; $_ | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue }
            }
        }
        $text = $text -join "`n"

        @($records).Count | Should -BeGreaterThan 3
        $text | Should -Match 'AKIA\*\*\*\*0001'
        $text | Should -Not -Match ([regex]::Escape($OriginKey.secretAccessKey))
        $text | Should -Not -Match 'SessionToken|SecretAccessKey'
    }
}
