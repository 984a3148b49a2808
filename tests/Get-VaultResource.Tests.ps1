BeforeAll {
    . (Join-Path $PSScriptRoot 'VaultCopy.TestHelper.ps1')
    Import-Module $ModulePath -Force
    $script:Emulator = Start-TestEmulator
    $script:Url = $Emulator.Url
    $script:Deps = Join-Path (Split-Path $ModulePath) 'deps'

    function script:Get-ErrorFrom { param([scriptblock] $Action) try { & $Action; $null } catch { $_ } }

    function script:Invoke-OriginEc2 {
        # A raw AWS SDK call as the origin admin, in its own process (AWSSDK kept out of this session).
        param([string] $Body)
        $key = Get-DemoAccessKey 'origin-admin'
        $result = Invoke-IsolatedPwsh -Script @"
Add-Type -Path '$Deps/AWSSDK.Core.dll'; Add-Type -Path '$Deps/AWSSDK.EC2.dll'
`$config = [Amazon.EC2.AmazonEC2Config]::new(); `$config.ServiceURL = '$Url'; `$config.AuthenticationRegion = 'eu-west-1'
`$ec2 = [Amazon.EC2.AmazonEC2Client]::new('$($key.accessKeyId)', '$($key.secretAccessKey)', `$config)
$Body
"@
        $result.ExitCode | Should -Be 0 -Because ($result.Output -join "`n")
        $result.Output
    }
}

AfterAll { Stop-TestEmulator $Emulator }

Describe 'Get-VaultResource' {
    BeforeAll {
        Reset-TestEmulator $Url
        $script:Origin = Connect-DemoOrigin -Url $Url
        $script:All = @(Get-VaultResource -Account $Origin)
    }

    It 'lists the four kinds of backup of the origin with their key managers' {
        $byId = @{}; $All | ForEach-Object { $byId[$_.Id] = $_ }

        $byId['snap-0a1b2c3d4e5f60001'].KeyManager | Should -Be 'Customer'
        $byId['snap-0a1b2c3d4e5f60001'].KmsKeyArn | Should -Be 'arn:aws:kms:eu-west-1:111111111111:key/a1b2c3d4-0000-4000-8000-111111111111'
        $byId['snap-0a1b2c3d4e5f60002'].KeyManager | Should -Be 'AwsManaged'
        $byId['snap-0a1b2c3d4e5f60003'].KeyManager | Should -Be 'None'
        $byId['snap-0a1b2c3d4e5f60003'].Encrypted | Should -BeFalse
        $byId['ami-0a1b2c3d4e5f60001'].KeyManager | Should -Be 'Customer'
        $byId['ami-0a1b2c3d4e5f60001'].BackingSnapshots.Id | Should -Be 'snap-0a1b2c3d4e5f60004'
        $byId['ami-0a1b2c3d4e5f60002'].KeyManager | Should -Be 'AwsManaged'
        $byId['origin-orders-manual-cmk'].Type | Should -Be 'RdsSnapshot'
        $byId['origin-orders-manual-cmk'].KeyManager | Should -Be 'Customer'
        $byId['origin-legacy-manual-awsrds'].KeyManager | Should -Be 'AwsManaged'
        $byId['rds:origin-legacy-2026-01-15-03-05'].SnapshotType | Should -Be 'automated'
        $byId['origin-ledger-manual-cmk'].Type | Should -Be 'AuroraClusterSnapshot'
        $byId['origin-ledger-manual-cmk'].Arn | Should -Be 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk'
        $All | ForEach-Object { $_.AccountId | Should -Be '111111111111'; $_.Region | Should -Be 'eu-west-1'; $_.IsSharedWithMe | Should -BeFalse }
    }

    It 'describes a resource completely: ARN, state, time, size, tags' {
        $snapshot = $All | Where-Object Id -eq 'snap-0a1b2c3d4e5f60001'

        $snapshot.Arn | Should -Be 'arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f60001'
        $snapshot.State | Should -Be 'completed'
        $snapshot.SizeGiB | Should -Be 20
        $snapshot.CreationTime | Should -Be ([datetime]::new(2026, 11, 1, 2, 0, 0, [DateTimeKind]::Utc))
        $snapshot.Tags['Backup'] | Should -Be 'daily'
        $snapshot.SharedWith | Should -BeNullOrEmpty
    }

    It 'filters by type, tag and creation time' {
        @(Get-VaultResource -Account $Origin -Type AuroraClusterSnapshot).Id | Sort-Object |
            Should -Be @('origin-ledger-manual-cmk', 'origin-legacy-ledger-manual-awsrds')
        @(Get-VaultResource -Account $Origin -Tag @{ Backup = 'daily' }).Id | Sort-Object |
            Should -Be @('snap-0a1b2c3d4e5f60001', 'snap-0a1b2c3d4e5f60002')
        @(Get-VaultResource -Account $Origin -Tag @{ app = $null } -Type RdsSnapshot, AuroraClusterSnapshot).Id | Sort-Object |
            Should -Be @('origin-ledger-manual-cmk', 'origin-orders-manual-cmk')
        @(Get-VaultResource -Account $Origin -Type EbsSnapshot -CreatedAfter ([datetime]::new(2026, 11, 1, 2, 30, 0, [DateTimeKind]::Utc))).Id | Sort-Object |
            Should -Be @('snap-0a1b2c3d4e5f60004', 'snap-0a1b2c3d4e5f60005')
    }

    It 'looks up ids and ARNs from the pipeline' {
        $found = 'snap-0a1b2c3d4e5f60002', 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk', 'origin-ledger-manual-cmk' |
            Get-VaultResource -Account $Origin

        $found.Id | Should -Be @('snap-0a1b2c3d4e5f60002', 'origin-orders-manual-cmk', 'origin-ledger-manual-cmk')
        $found[2].Type | Should -Be 'AuroraClusterSnapshot'
    }

    It 'binds the objects AWS Tools for PowerShell returns by property name' {
        # AWS Tools emits AWSSDK model objects; build real ones (EC2) and same-shaped ones (RDS: no SDK package here).
        $shape = Invoke-IsolatedPwsh -Script @"
Add-Type -Path '$Deps/AWSSDK.Core.dll'; Add-Type -Path '$Deps/AWSSDK.EC2.dll'
Import-Module '$ModulePath'
`$account = Connect-VaultAccount -AccessKey '$((Get-DemoAccessKey 'origin-admin').accessKeyId)' -SecretKey '$((Get-DemoAccessKey 'origin-admin').secretAccessKey)' -Region eu-west-1 -EndpointUrl '$Url'
`$snapshot = [Amazon.EC2.Model.Snapshot]::new(); `$snapshot.SnapshotId = 'snap-0a1b2c3d4e5f60001'; `$snapshot.OwnerId = '111111111111'
`$image = [Amazon.EC2.Model.Image]::new(); `$image.ImageId = 'ami-0a1b2c3d4e5f60002'
`$db = [pscustomobject]@{ DBSnapshotIdentifier = 'origin-orders-manual-cmk'; DBSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:snapshot:origin-orders-manual-cmk'; Engine = 'postgres' }
`$cluster = [pscustomobject]@{ DBClusterSnapshotIdentifier = 'origin-ledger-manual-cmk'; DBClusterSnapshotArn = 'arn:aws:rds:eu-west-1:111111111111:cluster-snapshot:origin-ledger-manual-cmk' }
`$snapshot, `$image, `$db, `$cluster | Get-VaultResource -Account `$account | ForEach-Object { "FOUND=`$(`$_.Type)/`$(`$_.Id)" }
"@
        $shape.ExitCode | Should -Be 0 -Because ($shape.Output -join "`n")
        $shape.Output | Where-Object { $_ -like 'FOUND=*' } | Should -Be @(
            'FOUND=EbsSnapshot/snap-0a1b2c3d4e5f60001', 'FOUND=Ami/ami-0a1b2c3d4e5f60002',
            'FOUND=RdsSnapshot/origin-orders-manual-cmk', 'FOUND=AuroraClusterSnapshot/origin-ledger-manual-cmk')
    }

    It 'reports an unknown id as ObjectNotFound with the id as target, and goes on with the rest' {
        $found = 'snap-0fffffffffffffff0', 'snap-0a1b2c3d4e5f60001' | Get-VaultResource -Account $Origin -ErrorVariable problems -ErrorAction SilentlyContinue

        $found.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
        $problems.Count | Should -Be 1
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'snap-0fffffffffffffff0'
        $problems[0].ErrorDetails.Message | Should -Match 'shared with this account'
    }

    It 'reports a denied per-resource read as PermissionDenied, not as a raw AWS exception' {
        Invoke-EmulatorControl -Url $Url -Path faults -Method POST -Body @{
            service = 'ec2'; action = 'DescribeSnapshotAttribute'; code = 'UnauthorizedOperation'; httpStatus = 403; count = 0
            message = 'You are not authorized to perform this operation.'
        } | Out-Null
        try {
            $err = Get-ErrorFrom { Get-VaultResource -Account $Origin -Type EbsSnapshot -ErrorAction Stop }

            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.GetType().Name | Should -Be 'VaultCopyException'
            $err.ErrorDetails.Message | Should -Match 'snap-0a1b2c3d4e5f6000'
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path faults -Method DELETE | Out-Null
        }
    }

    It 'refuses something that is not a resource id' {
        $err = Get-ErrorFrom { Get-VaultResource -Account $Origin -Id 'arn:aws:s3:::my-bucket' -ErrorAction Stop }

        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'arn:aws:s3:::my-bucket'
    }

    It 'shows what was shared with the vault only with -IncludeShared, owned by the origin' {
        Invoke-OriginEc2 @'
$r = [Amazon.EC2.Model.ModifySnapshotAttributeRequest]@{ SnapshotId = 'snap-0a1b2c3d4e5f60001'; Attribute = 'createVolumePermission'; OperationType = 'add'; UserIds = [System.Collections.Generic.List[string]]@('222222222222') }
$null = $ec2.ModifySnapshotAttributeAsync($r).GetAwaiter().GetResult()
'@ | Out-Null
        try {
            $vault = Connect-DemoVault -Origin $Origin
            @(Get-VaultResource -Account $vault -Type EbsSnapshot) | Should -BeNullOrEmpty
            $shared = @(Get-VaultResource -Account $vault -Type EbsSnapshot -IncludeShared)

            $shared.Id | Should -Be 'snap-0a1b2c3d4e5f60001'
            $shared[0].IsSharedWithMe | Should -BeTrue
            $shared[0].AccountId | Should -Be '111111111111'
            # The vault may not describe the origin's key: it cannot know who manages it.
            $shared[0].KeyManager | Should -Be 'Unknown'
            (Get-VaultResource -Account $Origin -Id 'snap-0a1b2c3d4e5f60001').SharedWith | Should -Be '222222222222'
        }
        finally {
            Reset-TestEmulator $Url
        }
    }

    It 'streams: the first resource arrives after one page, not after the whole account' {
        $snapshots = foreach ($i in 1..250) {
            @{ id = ('snap-0b{0:x15}' -f $i); volumeSize = 1; encrypted = $false; startTime = '2026-11-01T00:00:00Z' }
        }
        $world = Get-DemoWorld
        ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.ec2.snapshots = $snapshots
        ($world.accounts | Where-Object id -eq '111111111111').regions.'eu-west-1'.ec2.images = @()
        Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body ($world | ConvertTo-Json -Depth 30) | Out-Null
        try {
            $origin = Connect-DemoOrigin -Url $Url
            Invoke-EmulatorControl -Url $Url -Path 'calls/reset' -Method POST | Out-Null

            $first = Get-VaultResource -Account $origin -Type EbsSnapshot | Select-Object -First 1
            $calls = (Invoke-EmulatorControl -Url $Url -Path calls).operations

            $first.Type | Should -Be 'EbsSnapshot'
            $calls.'ec2:DescribeSnapshots' | Should -Be 1
            @(Get-VaultResource -Account $origin -Type EbsSnapshot).Count | Should -Be 250
        }
        finally {
            Invoke-EmulatorControl -Url $Url -Path fixture -Method POST -Body (Get-Content -Raw $DemoWorldPath) | Out-Null
        }
    }
}
