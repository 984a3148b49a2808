@{
    Synopsis    = 'Connects to an AWS account (origin or vault) and returns it as a VaultAccount.'
    Description = @'
Resolves credentials and Region the way AWS Tools for PowerShell does: -AccessKey/-SecretKey or -Credential, then -ProfileName, then the session defaults set by Set-AWSCredential and Set-DefaultAWSRegion ($StoredAWSCredentials, $StoredAWSRegion), then the SDK default chain (environment, AWS_PROFILE, shared files, SSO, container and instance roles). With -RoleArn it assumes the role, from -SourceAccount when given, and renews the role session before it expires. The credentials are proved with sts:GetCallerIdentity.

The returned VaultAccount shows the account, Region, caller ARN and where the credentials came from; it never shows a secret. Every other VaultCopy cmdlet takes VaultAccount objects (-Account, -Source, -Destination).
'@
    Parameters  = @{
        ProfileName       = 'A profile in the shared credentials or config file. A profile that does not exist is an error, never a fallback.'
        ProfileLocation   = 'The credentials file that holds -ProfileName, when it is not the default one.'
        Region            = 'The Region to work in, for example eu-west-1. Default: $StoredAWSRegion, the source account''s Region for an assumed role, AWS_REGION, AWS_DEFAULT_REGION, the profile.'
        AccessKey         = 'An access key ID; use with -SecretKey (and -SessionToken for temporary credentials).'
        SecretKey         = 'The secret access key of -AccessKey. Prefer -ProfileName or -Credential: PowerShell keeps bound parameters in its own invocation records.'
        SessionToken      = 'The session token of temporary credentials.'
        Credential        = 'An AWS Tools credential object (any AWSSDK version) or a PSCredential whose user name is the access key ID and whose password is the secret.'
        RoleArn           = 'A role to assume, for example the vault role arn:aws:iam::222222222222:role/VaultCopyVault.'
        ExternalId        = 'The external ID the role''s trust policy asks for.'
        RoleSessionName   = 'The session name to appear in CloudTrail (2 to 64 of letters, digits and +=,.@_-). Default: vaultcopy-<time>.'
        DurationInSeconds = 'How long each role session lasts (900 to 43200; AWS caps chained role sessions at 3600). Sessions are renewed automatically.'
        SourceAccount     = 'Assume -RoleArn with this VaultAccount''s credentials.'
        EndpointUrl       = 'Send every call to this endpoint (a VPC endpoint, or a local emulator). AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured without it.'
    }
    Examples    = @(
        @{ Title = 'Connect to the origin with a profile'; Code = '$origin = Connect-VaultAccount -ProfileName origin-admin -Region eu-west-1'; Remarks = 'Uses the profile origin-admin from ~/.aws/credentials or ~/.aws/config.' }
        @{ Title = 'Reach the vault by assuming its role from the origin'; Code = '$vault = Connect-VaultAccount -SourceAccount $origin -RoleArn arn:aws:iam::222222222222:role/VaultCopyVault -ExternalId my-external-id'; Remarks = 'The role''s trust policy must trust the origin account and ask for the same external ID.' }
        @{
            Title   = 'Use the AWS Tools session defaults'
            Code    = @'
Set-AWSCredential -ProfileName origin-admin
Set-DefaultAWSRegion eu-west-1
$origin = Connect-VaultAccount
'@
            Remarks = 'With no credential parameter, the session defaults of AWS Tools for PowerShell apply.'
        }
    )
    RelatedLinks = @('Get-VaultResource', 'Test-VaultCopyPrereq', 'Get-VaultCopy')
}
