# Shared by Grant-VaultKeyAccess.Tests.ps1 and Revoke-VaultKeyAccess.Tests.ps1 (dot-source after VaultCopy.TestHelper.ps1).
# The proof that a grant works is AWS itself: the vault role copies a shared RDS snapshot through the emulator with raw,
# SigV4-signed calls, so nothing of VaultCopy stands between the policies and the decision.

$script:OriginKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
$script:VaultKeyArn = 'arn:aws:kms:eu-west-1:222222222222:key/a1b2c3d4-0000-4000-8000-222222222222'
$script:NarrowRoleArn = 'arn:aws:iam::222222222222:role/VaultCopyNarrow'
$script:NoIamRoleArn = 'arn:aws:iam::222222222222:role/VaultCopyNoIam'
$script:DemoVaultRoleArn = 'arn:aws:iam::222222222222:role/VaultCopyVault'
$script:OrdersSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'

# A statement of someone else's, written with its own spacing and a boolean condition value: it must survive as it is.
$script:AuditorStatementText = '{ "Sid" : "Auditors",  "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111111111111:user/origin-auditor"]}, "Action": ["kms:Describe*","kms:Get*"], "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": true}} }'

function New-KeyAccessWorld {
    # The demo world plus: an origin key policy with a hand-written statement, and vault roles whose identity
    # policies do not allow the origin key: VaultCopyNarrow may write its own inline policies (and edit the vault
    # key's policy), VaultCopyNoIam may not write IAM. -OriginKeyStatement adds one more statement to the origin key policy.
    param([string] $OriginKeyStatement)
    $extra = if ($OriginKeyStatement) { ",`n   $OriginKeyStatement" } else { '' }
    $world = Get-Content -Raw $script:DemoWorldPath | ConvertFrom-Json -AsHashtable
    $origin, $vault = $world.accounts
    $originKey = $origin.regions.'eu-west-1'.kms.keys[0]
    $originKey.policy = @"
{"Version": "2012-10-17", "Id": "origin-backup-policy",
 "Statement": [
   {"Sid": "Enable IAM policies", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"},
   $script:AuditorStatementText$extra
 ]}
"@
    $trust = $vault.roles[0].trustPolicy
    foreach ($role in @(@{ Name = 'VaultCopyNarrow'; SelfIam = $true }, @{ Name = 'VaultCopyNoIam'; SelfIam = $false })) {
        $statements = [System.Collections.Generic.List[object]]@(
            @{ Sid = 'CopyWork'; Effect = 'Allow'; Action = @('sts:GetCallerIdentity', 'rds:*', 'ec2:*', 'iam:Get*', 'iam:List*', 'iam:SimulatePrincipalPolicy'); Resource = '*' }
            @{ Sid = 'VaultKeyAdmin'; Effect = 'Allow'; Action = @('kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy'); Resource = $script:VaultKeyArn }
        )
        if ($role.SelfIam) {
            $statements.Add(@{ Sid = 'OwnInlinePolicies'; Effect = 'Allow'; Action = @('iam:PutRolePolicy', 'iam:DeleteRolePolicy'); Resource = "arn:aws:iam::222222222222:role/$($role.Name)" })
        }
        $vault.roles += @{
            name = $role.Name; maxSessionDuration = 43200; trustPolicy = $trust
            inlinePolicies = @{ CopyWork = @{ Version = '2012-10-17'; Statement = $statements.ToArray() } }
        }
    }
    $world | ConvertTo-Json -Depth 40
}

function Connect-KeyAccessVault {
    param([Parameter(Mandatory)] $Origin, [string] $RoleArn = $script:NarrowRoleArn)
    Connect-VaultAccount -SourceAccount $Origin -RoleArn $RoleArn -ExternalId 'vaultcopy-demo'
}

function ConvertTo-Hex([byte[]] $Bytes) { [Convert]::ToHexString($Bytes).ToLowerInvariant() }

function Get-HmacSha256([byte[]] $Key, [string] $Text) { [System.Security.Cryptography.HMACSHA256]::HashData($Key, [Text.Encoding]::UTF8.GetBytes($Text)) }

function Invoke-RawAwsQuery {
    # One SigV4-signed Query-protocol call (STS, RDS) to the emulator; returns the HTTP status, error code and XML.
    param(
        [Parameter(Mandatory)] [string] $Url,
        [Parameter(Mandatory)] [hashtable] $Credential,
        [Parameter(Mandatory)] [string] $Service,
        [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Parameters,
        [string] $Region = 'eu-west-1'
    )
    $body = ($Parameters.GetEnumerator() | ForEach-Object { [uri]::EscapeDataString($_.Key) + '=' + [uri]::EscapeDataString([string]$_.Value) }) -join '&'
    $uri = [uri]"$($Url.TrimEnd('/'))/"
    $now = [DateTime]::UtcNow
    $amzDate = $now.ToString('yyyyMMddTHHmmssZ', [cultureinfo]::InvariantCulture)
    $day = $now.ToString('yyyyMMdd', [cultureinfo]::InvariantCulture)
    $contentType = 'application/x-www-form-urlencoded; charset=utf-8'
    $headers = [ordered]@{ 'content-type' = $contentType; 'host' = $uri.Authority; 'x-amz-date' = $amzDate }
    if ($Credential.SessionToken) { $headers['x-amz-security-token'] = $Credential.SessionToken }
    $signedHeaders = ($headers.Keys | Sort-Object) -join ';'
    $canonicalHeaders = ($headers.Keys | Sort-Object | ForEach-Object { "${_}:$($headers[$_])`n" }) -join ''
    $payloadHash = ConvertTo-Hex ([System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($body)))
    $canonicalRequest = "POST`n/`n`n$canonicalHeaders`n$signedHeaders`n$payloadHash"
    $scope = "$day/$Region/$Service/aws4_request"
    $stringToSign = "AWS4-HMAC-SHA256`n$amzDate`n$scope`n" + (ConvertTo-Hex ([System.Security.Cryptography.SHA256]::HashData([Text.Encoding]::UTF8.GetBytes($canonicalRequest))))
    $key = [Text.Encoding]::UTF8.GetBytes("AWS4$($Credential.SecretAccessKey)")
    foreach ($part in $day, $Region, $Service, 'aws4_request') { $key = Get-HmacSha256 $key $part }
    $signature = ConvertTo-Hex (Get-HmacSha256 $key $stringToSign)

    $client = [System.Net.Http.HttpClient]::new()
    try {
        $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, $uri)
        $request.Content = [System.Net.Http.StringContent]::new($body)
        $request.Content.Headers.ContentType = [System.Net.Http.Headers.MediaTypeHeaderValue]::Parse($contentType)
        [void]$request.Headers.TryAddWithoutValidation('x-amz-date', $amzDate)
        if ($Credential.SessionToken) { [void]$request.Headers.TryAddWithoutValidation('x-amz-security-token', $Credential.SessionToken) }
        [void]$request.Headers.TryAddWithoutValidation('Authorization', "AWS4-HMAC-SHA256 Credential=$($Credential.AccessKeyId)/$scope, SignedHeaders=$signedHeaders, Signature=$signature")
        $response = $client.SendAsync($request).GetAwaiter().GetResult()
        [xml] $xml = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
        [pscustomobject]@{ Status = [int]$response.StatusCode; Code = $xml.ErrorResponse.Error.Code; Message = $xml.ErrorResponse.Error.Message; Xml = $xml }
    }
    finally { $client.Dispose() }
}

function Get-DemoUserCredential {
    param([Parameter(Mandatory)] [string] $UserName)
    $key = Get-DemoAccessKey $UserName
    @{ AccessKeyId = $key.accessKeyId; SecretAccessKey = $key.secretAccessKey }
}

function Get-VaultRoleCredential {
    # A session of a vault role, assumed from the origin admin exactly as the vault copy does.
    param([Parameter(Mandatory)] [string] $Url, [string] $RoleArn = $script:NarrowRoleArn)
    $response = Invoke-RawAwsQuery -Url $Url -Credential (Get-DemoUserCredential origin-admin) -Service sts -Parameters ([ordered]@{
            Action = 'AssumeRole'; Version = '2011-06-15'; RoleArn = $RoleArn; RoleSessionName = 'keyaccess-pester'; ExternalId = 'vaultcopy-demo'
        })
    if ($response.Status -ne 200) { throw "AssumeRole failed: $($response.Code) $($response.Message)" }
    $credentials = $response.Xml.AssumeRoleResponse.AssumeRoleResult.Credentials
    @{ AccessKeyId = $credentials.AccessKeyId; SecretAccessKey = $credentials.SecretAccessKey; SessionToken = $credentials.SessionToken }
}

function Add-OrdersSnapshotShare {
    param([Parameter(Mandatory)] [string] $Url)
    $response = Invoke-RawAwsQuery -Url $Url -Credential (Get-DemoUserCredential origin-admin) -Service rds -Parameters ([ordered]@{
            Action = 'ModifyDBSnapshotAttribute'; Version = '2014-10-31'; DBSnapshotIdentifier = 'origin-orders-manual-cmk'
            AttributeName = 'restore'; 'ValuesToAdd.AttributeValue.1' = '222222222222'
        })
    if ($response.Status -ne 200) { throw "ModifyDBSnapshotAttribute failed: $($response.Code) $($response.Message)" }
}

function Copy-OrdersSnapshotAsVault {
    # The vault's copy of the shared snapshot under the vault key: RDS checks both keys at once (KMSKeyNotAccessibleFault).
    param([Parameter(Mandatory)] [string] $Url, [Parameter(Mandatory)] [hashtable] $Credential)
    Invoke-RawAwsQuery -Url $Url -Credential $Credential -Service rds -Parameters ([ordered]@{
            Action = 'CopyDBSnapshot'; Version = '2014-10-31'; SourceDBSnapshotIdentifier = $script:OrdersSnapshotArn
            TargetDBSnapshotIdentifier = "vault-orders-$([guid]::NewGuid().ToString('n').Substring(0, 8))"; KmsKeyId = $script:VaultKeyArn
        })
}

function Get-PolicyState {
    # Every document Grant/Revoke may touch, as the emulator holds it.
    param([Parameter(Mandatory)] [string] $Url)
    $state = Invoke-EmulatorControl -Url $Url -Path state
    [pscustomobject]@{
        OriginKeyPolicy = ($state.accounts[0].regions.'eu-west-1'.kms.keys | Where-Object arn -eq $script:OriginKeyArn).policy | ConvertTo-Json -Depth 30 -Compress
        VaultKeyPolicy  = ($state.accounts[1].regions.'eu-west-1'.kms.keys | Where-Object arn -eq $script:VaultKeyArn).policy | ConvertTo-Json -Depth 30 -Compress
        RolePolicies    = $state.accounts[1].roles | ForEach-Object { "$($_.name)=$($_.inlinePolicies | ConvertTo-Json -Depth 30 -Compress)" }
    }
}

function Get-WriteCallCount {
    param([Parameter(Mandatory)] [string] $Url)
    $operations = (Invoke-EmulatorControl -Url $Url -Path calls).operations
    $count = 0
    foreach ($name in 'kms:PutKeyPolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy') {
        if ($operations.$name) { $count += $operations.$name }
    }
    $count
}

function Get-ErrorFrom {
    param([scriptblock] $Action)
    try { & $Action; $null } catch { $_ }
}
