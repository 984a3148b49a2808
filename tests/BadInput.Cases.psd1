# The bad-input table run by BadInput.Tests.ps1. One case: the cmdlet, what is wrong, the command (run in the test's
# scope: $Origin and $Vault are the demo connections, $Copy a verified vault copy, $Huge/$Unicode/... the inputs made
# in its BeforeAll), and what the error must be: Category, ErrorId (the first part of FullyQualifiedErrorId), Target
# (an expression for the TargetObject) or Parameter (PowerShell's own validation names the parameter), Advice (a
# pattern the message and its remediation must match) and Count (errors expected, default 1).
# A case marked Pending is skipped until the branch named there is merged.
@{
    Cases = @(
        # ---------------------------------------------------------------- Connect-VaultAccount
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'unknown Region'; Run = 'Connect-VaultAccount -AccessKey (Get-DemoAccessKey origin-admin).accessKeyId -SecretKey (Get-DemoAccessKey origin-admin).secretAccessKey -Region mars-north-9 -EndpointUrl $Url'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRegion'; Target = '"mars-north-9"'; Advice = 'Region' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'empty Region'; Run = 'Connect-VaultAccount -Region "" -EndpointUrl $Url'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Region' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'unicode Region'; Run = 'Connect-VaultAccount -AccessKey (Get-DemoAccessKey origin-admin).accessKeyId -SecretKey (Get-DemoAccessKey origin-admin).secretAccessKey -Region $UnicodeName -EndpointUrl $Url'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRegion'; Target = '$UnicodeName' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'malformed role ARN'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn "VaultCopyVault"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRoleArn'; Target = '"VaultCopyVault"'; Advice = 'arn:' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'role ARN with a wildcard'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn "arn:aws:iam::222222222222:role/*" -ExternalId vaultcopy-demo'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRoleArn'; Target = '"arn:aws:iam::222222222222:role/*"' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'role ARN of another partition'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn "arn:aws-cn:iam::222222222222:role/VaultCopyVault" -ExternalId vaultcopy-demo'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRoleArn'; Target = '"arn:aws-cn:iam::222222222222:role/VaultCopyVault"'; Advice = 'partition|aws-cn' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'role ARN that is a user'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn "arn:aws:iam::222222222222:user/vault-admin"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRoleArn'; Target = '"arn:aws:iam::222222222222:user/vault-admin"' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = '20 KB role ARN'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn ("arn:aws:iam::222222222222:role/" + $HugeName)'
            Category = 'InvalidArgument'; ErrorId = 'InvalidRoleArn'; Target = '"arn:aws:iam::222222222222:role/" + $HugeName' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'one-character external id'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId x'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'ExternalId' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'session shorter than STS allows'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -DurationInSeconds 60'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'DurationInSeconds' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'session longer than STS allows'; Run = 'Connect-VaultAccount -SourceAccount $Origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -DurationInSeconds 43201'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'DurationInSeconds' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'access key without secret'; Run = 'Connect-VaultAccount -AccessKey AKIAEXAMPLEONLY00001 -Region eu-west-1 -EndpointUrl $Url'
            Category = 'InvalidArgument'; ErrorId = 'IncompleteAccessKey'; Target = '"eu-west-1"'; Advice = 'SecretKey' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'endpoint that is no URL'; Run = 'Connect-VaultAccount -AccessKey (Get-DemoAccessKey origin-admin).accessKeyId -SecretKey (Get-DemoAccessKey origin-admin).secretAccessKey -Region eu-west-1 -EndpointUrl "not a url"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidEndpointUrl'; Target = '"eu-west-1"' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'empty access key'; Run = 'Connect-VaultAccount -AccessKey "" -SecretKey x -Region eu-west-1 -EndpointUrl $Url'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'AccessKey' }
        @{ Cmdlet = 'Connect-VaultAccount'; Name = 'null source account'; Run = 'Connect-VaultAccount -SourceAccount $null -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceAccount' }

        # ---------------------------------------------------------------- Get-VaultResource
        @{ Cmdlet = 'Get-VaultResource'; Name = 'malformed snapshot id'; Run = 'Get-VaultResource -Account $Origin -Id snap-nothex'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-nothex"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'well-formed id of no snapshot'; Run = 'Get-VaultResource -Account $Origin -Id snap-0000000000000dead'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'empty id'; Run = 'Get-VaultResource -Account $Origin -Id ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Id' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'null id'; Run = 'Get-VaultResource -Account $Origin -Id $null'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Id' }
        @{ Cmdlet = 'Get-VaultResource'; Name = '20 KB id'; Run = 'Get-VaultResource -Account $Origin -Id $Huge'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$Huge' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'unicode id'; Run = 'Get-VaultResource -Account $Origin -Id $Unicode'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$Unicode' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'unicode RDS identifier'; Run = 'Get-VaultResource -Account $Origin -Id $UnicodeName'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$UnicodeName' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'wildcard id'; Run = 'Get-VaultResource -Account $Origin -Id "snap-*"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-*"'; Advice = 'wildcard|-Type|Tag' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'duplicate ids: one error'; Run = 'Get-VaultResource -Account $Origin -Id snap-0000000000000dead, snap-0000000000000dead'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN of another service'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:s3:::backups'
            Category = 'InvalidArgument'; ErrorId = 'UnsupportedArn'; Target = '"arn:aws:s3:::backups"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN of an RDS instance'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:rds:eu-west-1:111111111111:db:orders'
            Category = 'InvalidArgument'; ErrorId = 'UnsupportedArn'; Target = '"arn:aws:rds:eu-west-1:111111111111:db:orders"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'truncated ARN'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:ec2:eu-west-1'
            Category = 'InvalidArgument'; ErrorId = 'UnsupportedArn'; Target = '"arn:aws:ec2:eu-west-1"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN of another account, not shared with it'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:rds:eu-west-1:333333333333:snapshot:origin-orders-manual-cmk'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"arn:aws:rds:eu-west-1:333333333333:snapshot:origin-orders-manual-cmk"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN of another partition'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws-cn:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherPartition'; Target = '"arn:aws-cn:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk"' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN in another Region, where it does not exist'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:rds:us-east-1:111111111111:snapshot:origin-orders-manual-cmk'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherRegion'; Target = '"arn:aws:rds:us-east-1:111111111111:snapshot:origin-orders-manual-cmk"'; Advice = 'us-east-1' }
        @{ Cmdlet = 'Get-VaultResource'; Name = 'ARN in an unknown Region'; Run = 'Get-VaultResource -Account $Origin -Id arn:aws:ec2:mars-north-9:111111111111:snapshot/snap-0a1b2c3d4e5f60001'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherRegion'; Target = '"arn:aws:ec2:mars-north-9:111111111111:snapshot/snap-0a1b2c3d4e5f60001"' }

        # ---------------------------------------------------------------- Grant-VaultSnapshotAccess
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'same account as source and destination'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Origin -Id snap-0a1b2c3d4e5f60004'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:111111111111"'; Advice = 'vault' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'malformed id'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id "snap-0a1b 2c3d"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-0a1b 2c3d"' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'id of no snapshot'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0000000000000dead'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'snapshot on the AWS managed key'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60002'
            Category = 'InvalidOperation'; ErrorId = 'AwsManagedKeyCannotBeShared'; Target = '"snap-0a1b2c3d4e5f60002"'; Advice = 'Convert-VaultSnapshotKey' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'automated RDS snapshot'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id rds:origin-legacy-2026-01-15-03-05'
            Category = 'InvalidOperation'; ErrorId = 'AutomatedSnapshotCannotBeShared'; Target = '"rds:origin-legacy-2026-01-15-03-05"'; Advice = 'Convert-VaultSnapshotKey' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'wildcard id'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id "*"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"*"' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = '20 KB id'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $Huge'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$Huge' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'empty id'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Id' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'null destination'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $null -Id snap-0a1b2c3d4e5f60004'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Destination' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'duplicate bad ids: one error'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id snap-0000000000000dead, " snap-0000000000000dead "'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'ARN of another account'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id arn:aws:ec2:eu-west-1:333333333333:snapshot/snap-0a1b2c3d4e5f60004'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherAccount'; Target = '"arn:aws:ec2:eu-west-1:333333333333:snapshot/snap-0a1b2c3d4e5f60004"' }
        @{ Cmdlet = 'Grant-VaultSnapshotAccess'; Name = 'RDS ARN in another Region shares nothing here'; Run = 'Grant-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id arn:aws:rds:us-east-1:111111111111:snapshot:origin-orders-manual-cmk'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherRegion'; Target = '"arn:aws:rds:us-east-1:111111111111:snapshot:origin-orders-manual-cmk"'; Advice = 'us-east-1' }

        # ---------------------------------------------------------------- Revoke-VaultSnapshotAccess
        @{ Cmdlet = 'Revoke-VaultSnapshotAccess'; Name = 'same account as source and destination'; Run = 'Revoke-VaultSnapshotAccess -Source $Vault -Destination $Vault -Id snap-0a1b2c3d4e5f60001'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:222222222222"' }
        @{ Cmdlet = 'Revoke-VaultSnapshotAccess'; Name = 'malformed id'; Run = 'Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id "ami-"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"ami-"' }
        @{ Cmdlet = 'Revoke-VaultSnapshotAccess'; Name = 'wildcard id'; Run = 'Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id "origin-*"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"origin-*"' }
        @{ Cmdlet = 'Revoke-VaultSnapshotAccess'; Name = 'unicode id'; Run = 'Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $UnicodeName'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$UnicodeName' }
        @{ Cmdlet = 'Revoke-VaultSnapshotAccess'; Name = 'null id'; Run = 'Revoke-VaultSnapshotAccess -Source $Origin -Destination $Vault -Id $null'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Id' }

        # ---------------------------------------------------------------- Grant-VaultKeyAccess
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'alias/aws/ebs as source key'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/aws/ebs -Force'
            Category = 'InvalidOperation'; ErrorId = 'AwsManagedKey'; Target = '"alias/aws/ebs"'; Advice = 'Convert-VaultSnapshotKey' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'alias/aws/rds as vault key'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -KmsKeyId alias/aws/rds -Force'
            Category = 'InvalidOperation'; ErrorId = 'AwsManagedKey'; Target = '"alias/origin-backup"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'alias that does not exist'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/no-such-key -Force'
            Category = 'ObjectNotFound'; ErrorId = 'SourceKeyNotFound'; Target = '"alias/no-such-key"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'key of the vault as source key'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId $VaultKeyArn -Force'
            Category = 'InvalidArgument'; ErrorId = 'KeyOfAnotherAccount'; Target = '$VaultKeyArn' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'key ARN of another partition'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId ($OriginKeyArn -replace "^arn:aws:", "arn:aws-cn:") -Force'
            Category = 'InvalidArgument'; ErrorId = 'KeyOfOtherPartition'; Target = '$OriginKeyArn -replace "^arn:aws:", "arn:aws-cn:"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'key ARN in another Region'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId ($OriginKeyArn -replace "eu-west-1", "us-east-1") -Force'
            Category = 'ObjectNotFound'; ErrorId = 'SourceKeyNotFound'; Target = '$OriginKeyArn -replace "eu-west-1", "us-east-1"'; Advice = 'us-east-1' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'malformed key ARN'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId arn:aws:kms:eu-west-1:111111111111 -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKeyArn'; Target = '"arn:aws:kms:eu-west-1:111111111111"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'wildcard key'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId "alias/*" -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKeyId'; Target = '"alias/*"'; Advice = 'wildcard' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'wildcard principal (never public)'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Principal "*" -Force'
            Category = 'InvalidArgument'; ErrorId = 'WildcardPrincipal'; Target = '"alias/origin-backup"'; Advice = 'never opens a key to everyone' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'principal of another account'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Principal arn:aws:iam::333333333333:role/Intruder -Force'
            Category = 'InvalidArgument'; ErrorId = 'PrincipalOutsideDestination'; Target = '"alias/origin-backup"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'same account as source and destination'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Origin -KeyId alias/origin-backup -Force'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:111111111111"' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = '20 KB key id'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId ("alias/" + $HugeName) -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKeyId'; Target = '"alias/" + $HugeName' }
        @{ Cmdlet = 'Grant-VaultKeyAccess'; Name = 'empty key id'; Run = 'Grant-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId "" -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'KeyId' }

        # ---------------------------------------------------------------- Revoke-VaultKeyAccess
        @{ Cmdlet = 'Revoke-VaultKeyAccess'; Name = 'alias/aws/ebs'; Run = 'Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/aws/ebs -Force'
            Category = 'InvalidOperation'; ErrorId = 'AwsManagedKey'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Revoke-VaultKeyAccess'; Name = 'same account as source and destination'; Run = 'Revoke-VaultKeyAccess -Source $Vault -Destination $Vault -KeyId alias/vault-backup -Force'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:222222222222"' }
        @{ Cmdlet = 'Revoke-VaultKeyAccess'; Name = 'unicode alias'; Run = 'Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId ("alias/" + $UnicodeName) -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKeyId'; Target = '"alias/" + $UnicodeName' }
        @{ Cmdlet = 'Revoke-VaultKeyAccess'; Name = 'malformed principal'; Run = 'Revoke-VaultKeyAccess -Source $Origin -Destination $Vault -KeyId alias/origin-backup -Principal VaultCopyVault -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidPrincipal'; Target = '"alias/origin-backup"' }

        # ---------------------------------------------------------------- Test-VaultCopyPrereq
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = 'malformed id'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id "snap-!!" -KmsKeyId alias/vault-backup | Out-Null'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-!!"' }
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = 'ARN of another service'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id arn:aws:iam::111111111111:role/x -KmsKeyId alias/vault-backup | Out-Null'
            Category = 'InvalidArgument'; ErrorId = 'UnsupportedArn'; Target = '"arn:aws:iam::111111111111:role/x"' }
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = '20 KB id'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id $Huge -KmsKeyId alias/vault-backup | Out-Null'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '$Huge' }
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = 'wildcard id'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id "origin-*" -KmsKeyId alias/vault-backup | Out-Null'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"origin-*"'; Advice = 'wildcard' }
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = 'null destination'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $null -Id snap-0a1b2c3d4e5f60001'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Destination' }
        @{ Cmdlet = 'Test-VaultCopyPrereq'; Name = 'empty key'; Run = 'Test-VaultCopyPrereq -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'KmsKeyId' }

        # ---------------------------------------------------------------- Copy-VaultSnapshot
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'malformed id'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id "snap-0a1b2c3d4e5f6000z" -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-0a1b2c3d4e5f6000z"' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'id of no snapshot'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0000000000000dead -KmsKeyId alias/vault-backup'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'alias/aws/ebs as vault key'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"'; Advice = 'customer managed' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'vault key that does not exist'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/no-such-key'
            Category = 'InvalidArgument'; ErrorId = 'KmsKeyNotFound'; Target = '"alias/no-such-key"' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'origin key as vault key'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId $OriginKeyArn'
            Category = 'InvalidArgument'; ErrorId = 'KeyOutsideVault'; Target = '$OriginKeyArn' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'unknown destination Region'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -DestinationRegion mars-north-9'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'DestinationRegion'; Advice = 'eu-west-1' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'unknown source Region'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -SourceRegion mars-north-9'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceRegion' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'same account as source and destination'; Run = 'Copy-VaultSnapshot -Source $Vault -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:222222222222"' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'AMI given to the snapshot command'; Run = 'Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id ami-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'UseCopyVaultImage'; Target = '"resource:arn:aws:ec2:eu-west-1::image/ami-0a1b2c3d4e5f60001"'; Advice = 'Copy-VaultImage' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'unshared snapshot'; Run = 'Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60004 -KmsKeyId alias/vault-backup'
            Category = 'PermissionDenied'; ErrorId = 'SourceNotShared'; Target = '"resource:arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60004"'; Advice = 'Grant-VaultSnapshotAccess' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'source account id of 11 digits'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id origin-orders-manual-cmk -SourceAccountId 11111111111 -KmsKeyId alias/vault-backup'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceAccountId' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'no copies allowed at once'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -MaxConcurrentCopies 0'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'MaxConcurrentCopies' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'negative timeout'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -TimeoutSeconds -1'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'TimeoutSeconds' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'poll interval of zero'; Run = 'Copy-VaultSnapshot -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup -Wait -PollIntervalSeconds 0'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'PollIntervalSeconds' }
        @{ Cmdlet = 'Copy-VaultSnapshot'; Name = 'ARN of another account than -SourceAccountId'; Run = 'Copy-VaultSnapshot -Source $Origin -Destination $Vault -Id arn:aws:rds:eu-west-1:333333333333:snapshot:origin-orders-manual-cmk -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'ArnOfOtherAccount'; Target = '"arn:aws:rds:eu-west-1:333333333333:snapshot:origin-orders-manual-cmk"' }

        # ---------------------------------------------------------------- Copy-VaultImage
        @{ Cmdlet = 'Copy-VaultImage'; Name = 'snapshot given to the image command'; Run = 'Copy-VaultImage -Source $Origin -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'UseCopyVaultSnapshot'; Target = '"resource:arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001"'; Advice = 'Copy-VaultSnapshot' }
        @{ Cmdlet = 'Copy-VaultImage'; Name = 'malformed AMI id'; Run = 'Copy-VaultImage -Destination $Vault -Id "ami-xyz" -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"ami-xyz"' }
        @{ Cmdlet = 'Copy-VaultImage'; Name = 'alias/aws/ebs as vault key'; Run = 'Copy-VaultImage -Destination $Vault -Id ami-0a1b2c3d4e5f60001 -KmsKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Copy-VaultImage'; Name = 'wildcard AMI id'; Run = 'Copy-VaultImage -Destination $Vault -Id "ami-*" -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"ami-*"' }
        @{ Cmdlet = 'Copy-VaultImage'; Name = 'same account as source and destination'; Run = 'Copy-VaultImage -Source $Origin -Destination $Origin -Id ami-0a1b2c3d4e5f60001 -KmsKeyId alias/origin-backup'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:111111111111"' }

        # ---------------------------------------------------------------- Wait-VaultCopy
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'truncated job JSON'; Run = '$TruncatedJob | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject'; Advice = 'NotACopyJob' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'job JSON with an unknown state'; Run = '$UnknownStateJob | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'job JSON without its job id'; Run = '$NoIdJob | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'job JSON edited to another account'; Run = '$ForeignJob | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidArgument'; ErrorId = 'JobOfAnotherAccount'; Target = '"job:$JobId"' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'job JSON edited to never started'; Run = '$QueuedJob | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidOperation'; ErrorId = 'JobNeverStarted'; Target = '"job:$JobId"' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'completed job whose copy is gone'; Run = '$GoneCopyJob | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1 -TimeoutSeconds 30'
            Category = 'ObjectNotFound'; ErrorId = 'VaultCopyFailed'; Target = '"job:$JobId"'; Advice = 'Copy again' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'completed job edited to name a backup of the origin'; Run = '$OriginCopyJob | Wait-VaultCopy -Destination $Vault -PollIntervalSeconds 1 -TimeoutSeconds 30'
            Category = 'ObjectNotFound'; ErrorId = 'VaultCopyFailed'; Target = '"job:$JobId"'; Advice = 'Copy again' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'empty string'; Run = 'Wait-VaultCopy -Destination $Vault -InputObject ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'null job'; Run = 'Wait-VaultCopy -Destination $Vault -InputObject $null'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = '20 KB string'; Run = '$HugeName | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'a number'; Run = '42 | Wait-VaultCopy -Destination $Vault'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentTransformationError'; Parameter = 'InputObject' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'negative timeout'; Run = 'Wait-VaultCopy -Destination $Vault -InputObject $Copy -TimeoutSeconds -5'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'TimeoutSeconds' }
        @{ Cmdlet = 'Wait-VaultCopy'; Name = 'poll interval beyond an hour'; Run = 'Wait-VaultCopy -Destination $Vault -InputObject $Copy -PollIntervalSeconds 3601'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'PollIntervalSeconds' }

        # ---------------------------------------------------------------- Get-VaultCopy
        @{ Cmdlet = 'Get-VaultCopy'; Name = 'source account id with letters'; Run = 'Get-VaultCopy -Destination $Vault -SourceAccountId 11111111111a'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceAccountId' }
        @{ Cmdlet = 'Get-VaultCopy'; Name = 'unknown Region'; Run = 'Get-VaultCopy -Destination $Vault -Region mars-north-9'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Region' }
        @{ Cmdlet = 'Get-VaultCopy'; Name = 'empty source id'; Run = 'Get-VaultCopy -Destination $Vault -SourceId ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceId' }
        @{ Cmdlet = 'Get-VaultCopy'; Name = 'malformed source id'; Run = 'Get-VaultCopy -Destination $Vault -SourceId "snap 1"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap 1"' }
        @{ Cmdlet = 'Get-VaultCopy'; Name = 'null destination'; Run = 'Get-VaultCopy -Destination $null'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Destination' }

        # ---------------------------------------------------------------- Get-VaultCopyPlan
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'alias/aws/ebs as vault key'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'empty key for a Region'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId @{ "eu-west-1" = "" }'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKmsKeyId'; Target = '"eu-west-1="' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'two keys for one Region'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId "eu-west-1=alias/vault-backup", "eu-west-1=alias/other"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidKmsKeyId'; Target = '"eu-west-1=alias/vault-backup, eu-west-1=alias/other"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'unknown destination Region'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -DestinationRegion mars-north-9'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'DestinationRegion'; Advice = 'eu-west-1' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'vault as its own origin'; Run = 'Get-VaultCopyPlan -Source $Vault -Destination $Vault -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:222222222222"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'alias/aws/ebs as conversion key'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -ConvertKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'malformed id'; Run = 'Get-VaultCopyPlan -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -Id "snap-?"'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-?"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'the same origin twice'; Run = 'Get-VaultCopyPlan -Source $Origin, $Origin -Destination $Vault -KmsKeyId alias/vault-backup'
            Category = 'InvalidArgument'; ErrorId = 'DuplicateOrigin'; Target = '"account:111111111111"' }
        @{ Cmdlet = 'Get-VaultCopyPlan'; Name = 'null among the origins'; Run = 'Get-VaultCopyPlan -Source $Origin, $null -Destination $Vault -KmsKeyId alias/vault-backup'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Source' }

        # ---------------------------------------------------------------- Invoke-VaultCopy
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'lock of zero days'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -LockDays 0 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'LockDays' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'lock beyond 100 years'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -LockDays 36501 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'LockDays' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'negative retention'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -RetainDays -1 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'RetainDays' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'unknown lock mode'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -LockDays 7 -LockMode Forever -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'LockMode' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'negative timeout'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -TimeoutSeconds -1 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'TimeoutSeconds' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'more copies at once than AWS allows'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -MaxConcurrentCopies 301 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'MaxConcurrentCopies' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'alias/aws/rds as vault key'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/aws/rds -Confirm:$false'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/rds"' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'vault as its own origin'; Run = 'Invoke-VaultCopy -Source $Vault -Destination $Vault -KmsKeyId alias/vault-backup -Confirm:$false'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:222222222222"' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'empty journal path'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -JournalPath "" -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'JournalPath' }
        @{ Cmdlet = 'Invoke-VaultCopy'; Name = 'unknown destination Region'; Run = 'Invoke-VaultCopy -Source $Origin -Destination $Vault -KmsKeyId alias/vault-backup -DestinationRegion eu-west-1, mars-north-9 -Confirm:$false'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'DestinationRegion' }

        # ---------------------------------------------------------------- Lock-VaultCopy
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'lock of zero days'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Governance -Days 0 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Days' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'lock beyond 100 years'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Governance -Days 36501 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Days' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'cool-off beyond 72 hours'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Compliance -Days 1 -CoolOffHours 73 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'CoolOffHours' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'unknown mode'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Forever -Days 1 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Mode' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'lock ending in the past'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Governance -Until "2020-01-01T00:00:00Z" -Force'
            Category = 'InvalidArgument'; ErrorId = 'LockEndInPast'; Target = '"Governance lock until 2020-01-01 00:00Z"'; Advice = 'later -Until' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'neither -Days nor -Until'; Run = 'Lock-VaultCopy -Destination $Vault -Id $Copy.TargetId -Mode Governance -Force'
            Category = 'InvalidArgument'; ErrorId = 'LockDurationRequired'; Target = '"Governance lock"' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'the origin backup, not a vault copy'; Run = 'Lock-VaultCopy -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -Mode Governance -Days 1 -Force'
            Category = 'InvalidArgument'; ErrorId = 'NotAVaultCopy'; Target = '"snap-0a1b2c3d4e5f60001"' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'malformed id'; Run = 'Lock-VaultCopy -Destination $Vault -Id "snap-$%" -Mode Governance -Days 1 -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-$%"' }
        @{ Cmdlet = 'Lock-VaultCopy'; Name = 'copy of another vault (tampered job)'; Run = 'Lock-VaultCopy -Destination $Vault -InputObject $Copy.GetType()::FromJson($ForeignJob) -Mode Governance -Days 1 -Force'
            Category = 'InvalidArgument'; ErrorId = 'CopyOfAnotherVault'; Target = '"job:$JobId"' }

        # ---------------------------------------------------------------- Remove-VaultCopy
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'negative age'; Run = 'Remove-VaultCopy -Destination $Vault -OlderThanDays -1 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'OlderThanDays' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'negative keep-last'; Run = 'Remove-VaultCopy -Destination $Vault -KeepLast -1 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'KeepLast' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'no rule at all'; Run = 'Remove-VaultCopy -Destination $Vault -Force'
            Category = 'InvalidArgument'; ErrorId = 'RetentionRuleRequired'; Target = '"account:222222222222"'; Advice = 'OlderThanDays|KeepLast' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'the origin backup, not a vault copy'; Run = 'Remove-VaultCopy -Destination $Vault -Id snap-0a1b2c3d4e5f60001 -Force'
            Category = 'InvalidArgument'; ErrorId = 'NotAVaultCopy'; Target = '"snap-0a1b2c3d4e5f60001"' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'copy of another vault (tampered job)'; Run = 'Remove-VaultCopy -Destination $Vault -InputObject $Copy.GetType()::FromJson($ForeignJob) -Force'
            Category = 'InvalidArgument'; ErrorId = 'CopyOfAnotherVault'; Target = '"job:$JobId"' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'wildcard id'; Run = 'Remove-VaultCopy -Destination $Vault -Id "snap-*" -Force'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"snap-*"' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'source account id too short'; Run = 'Remove-VaultCopy -Destination $Vault -OlderThanDays 1 -SourceAccountId 1 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'SourceAccountId' }
        @{ Cmdlet = 'Remove-VaultCopy'; Name = 'unknown Region'; Run = 'Remove-VaultCopy -Destination $Vault -OlderThanDays 1 -Region mars-north-9 -Force'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Region' }

        # ---------------------------------------------------------------- Test-VaultPosture
        @{ Cmdlet = 'Test-VaultPosture'; Name = 'alias/aws/ebs as vault key'; Run = 'Test-VaultPosture -Source $Origin -Destination $Vault -KmsKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Test-VaultPosture'; Name = 'negative maximum age'; Run = 'Test-VaultPosture -Destination $Vault -MaxAgeHours -1'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'MaxAgeHours' }
        @{ Cmdlet = 'Test-VaultPosture'; Name = 'negative warning days'; Run = 'Test-VaultPosture -Destination $Vault -WarnDays -1'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'WarnDays' }
        @{ Cmdlet = 'Test-VaultPosture'; Name = 'unknown Region'; Run = 'Test-VaultPosture -Destination $Vault -Region mars-north-9'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'Region' }
        @{ Cmdlet = 'Test-VaultPosture'; Name = 'origin as its own vault'; Run = 'Test-VaultPosture -Source $Origin -Destination $Origin'
            Category = 'InvalidArgument'; ErrorId = 'SameAccount'; Target = '"account:111111111111"' }

        # ---------------------------------------------------------------- Convert-VaultSnapshotKey
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'alias/aws/ebs as target key'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/aws/ebs'
            Category = 'InvalidArgument'; ErrorId = 'AwsManagedKeyRefused'; Target = '"alias/aws/ebs"' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'key of another account'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId $VaultKeyArn'
            Category = 'InvalidArgument'; ErrorId = 'KeyOfAnotherAccount'; Target = '$VaultKeyArn' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'key that does not exist'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/no-such-key'
            Category = 'InvalidArgument'; ErrorId = 'KmsKeyNotFound'; Target = '"alias/no-such-key"' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'malformed id'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id "rds:" -KmsKeyId alias/origin-backup'
            Category = 'InvalidArgument'; ErrorId = 'InvalidResourceId'; Target = '"rds:"' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'id of no snapshot'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0000000000000dead -KmsKeyId alias/origin-backup'
            Category = 'ObjectNotFound'; ErrorId = 'ResourceNotFound'; Target = '"snap-0000000000000dead"' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'negative timeout'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId alias/origin-backup -Wait -TimeoutSeconds -1'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'TimeoutSeconds' }
        @{ Cmdlet = 'Convert-VaultSnapshotKey'; Name = 'empty key'; Run = 'Convert-VaultSnapshotKey -Account $Origin -Id snap-0a1b2c3d4e5f60002 -KmsKeyId ""'
            Category = 'InvalidData'; ErrorId = 'ParameterArgumentValidationError'; Parameter = 'KmsKeyId' }
    )
}
