# Raw, SigV4-signed AWS query calls (EC2, RDS) from tests, for checks the module itself must not make — e.g. "can
# this snapshot be shared now?". Dot-source it after VaultCopy.TestHelper.ps1.

function Get-Sha256Hex([byte[]] $Bytes) {
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
}

function Get-HmacSha256([byte[]] $Key, [string] $Text) {
    [Security.Cryptography.HMACSHA256]::HashData($Key, [Text.Encoding]::UTF8.GetBytes($Text))
}

function Invoke-SignedAwsQuery {
    <#
    .SYNOPSIS
        POSTs a query-protocol request signed with SigV4 and returns StatusCode, ErrorCode and the XML body.
    #>
    param(
        [Parameter(Mandatory)] [string] $Url,
        [Parameter(Mandatory)] [ValidateSet('ec2', 'rds')] [string] $Service,
        [Parameter(Mandatory)] [System.Collections.Specialized.OrderedDictionary] $Parameters,
        [string] $UserName = 'origin-admin',
        [string] $Region = 'eu-west-1'
    )
    $key = Get-DemoAccessKey $UserName
    $version = @{ ec2 = '2016-11-15'; rds = '2014-10-31' }[$Service]
    $pairs = [ordered]@{ Version = $version }
    foreach ($entry in $Parameters.GetEnumerator()) { $pairs[$entry.Key] = [string]$entry.Value }
    $body = ($pairs.GetEnumerator() | ForEach-Object { "$([uri]::EscapeDataString($_.Key))=$([uri]::EscapeDataString($_.Value))" }) -join '&'
    $bodyBytes = [Text.Encoding]::UTF8.GetBytes($body)

    $uri = [uri]"$($Url.TrimEnd('/'))/"
    $now = [DateTime]::UtcNow
    $amzDate = $now.ToString('yyyyMMddTHHmmssZ', [Globalization.CultureInfo]::InvariantCulture)
    $day = $amzDate.Substring(0, 8)
    $canonicalRequest = "POST`n/`n`nhost:$($uri.Authority)`nx-amz-date:$amzDate`n`nhost;x-amz-date`n$(Get-Sha256Hex $bodyBytes)"
    $scope = "$day/$Region/$Service/aws4_request"
    $stringToSign = "AWS4-HMAC-SHA256`n$amzDate`n$scope`n$(Get-Sha256Hex ([Text.Encoding]::UTF8.GetBytes($canonicalRequest)))"
    $signingKey = [Text.Encoding]::UTF8.GetBytes("AWS4$($key.secretAccessKey)")
    foreach ($part in $day, $Region, $Service, 'aws4_request') { $signingKey = Get-HmacSha256 $signingKey $part }
    $signature = [Convert]::ToHexString((Get-HmacSha256 $signingKey $stringToSign)).ToLowerInvariant()

    $response = Invoke-WebRequest -Uri $uri -Method Post -Body $bodyBytes -SkipHttpErrorCheck -SkipHeaderValidation -ContentType 'application/x-www-form-urlencoded' -Headers @{
        'X-Amz-Date'  = $amzDate
        Authorization = "AWS4-HMAC-SHA256 Credential=$($key.accessKeyId)/$scope, SignedHeaders=host;x-amz-date, Signature=$signature"
    }
    $xml = [xml]$response.Content
    [pscustomobject]@{
        StatusCode = [int]$response.StatusCode
        ErrorCode  = $xml.SelectSingleNode("//*[local-name()='Error']/*[local-name()='Code']").InnerText
        Message    = $xml.SelectSingleNode("//*[local-name()='Error']/*[local-name()='Message']").InnerText
        Xml        = $xml
    }
}

function Grant-RawShare {
    # Shares one resource with another account the way AWS Tools would (ModifySnapshotAttribute & co.).
    param([Parameter(Mandatory)] [string] $Url, [Parameter(Mandatory)] $Resource, [string] $With = '222222222222')
    switch ($Resource.Type.ToString()) {
        'EbsSnapshot' { Invoke-SignedAwsQuery -Url $Url -Service ec2 -Parameters ([ordered]@{ Action = 'ModifySnapshotAttribute'; SnapshotId = $Resource.Id; Attribute = 'createVolumePermission'; OperationType = 'add'; 'UserId.1' = $With }) }
        'Ami' { Invoke-SignedAwsQuery -Url $Url -Service ec2 -Parameters ([ordered]@{ Action = 'ModifyImageAttribute'; ImageId = $Resource.Id; Attribute = 'launchPermission'; OperationType = 'add'; 'UserId.1' = $With }) }
        'RdsSnapshot' { Invoke-SignedAwsQuery -Url $Url -Service rds -Parameters ([ordered]@{ Action = 'ModifyDBSnapshotAttribute'; DBSnapshotIdentifier = $Resource.Id; AttributeName = 'restore'; 'ValuesToAdd.AttributeValue.1' = $With }) }
        'AuroraClusterSnapshot' { Invoke-SignedAwsQuery -Url $Url -Service rds -Parameters ([ordered]@{ Action = 'ModifyDBClusterSnapshotAttribute'; DBClusterSnapshotIdentifier = $Resource.Id; AttributeName = 'restore'; 'ValuesToAdd.AttributeValue.1' = $With }) }
    }
}
