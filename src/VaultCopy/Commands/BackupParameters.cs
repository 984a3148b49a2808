namespace VaultCopy.Commands;

/// <summary>
/// How every cmdlet that takes backups names them: a typed -InputObject (any VaultCopy output that names a backup)
/// and -Id, which binds by property name the id and ARN properties of AWS Tools and AWS CLI objects (ARNs first: RDS
/// finds a shared snapshot only by its ARN) and a copy job's SourceArn. tests/CommandNaming.Tests.ps1 holds every
/// exported cmdlet to it.
/// </summary>
internal static class BackupParameters
{
    public const string InputObjectSet = "InputObject";
    public const string IdSet = "Id";

    public const string DBSnapshotArn = nameof(DBSnapshotArn);
    public const string DBClusterSnapshotArn = nameof(DBClusterSnapshotArn);
    public const string Arn = nameof(Arn);
    public const string SourceArn = nameof(SourceArn);
    public const string SnapshotId = nameof(SnapshotId);
    public const string ImageId = nameof(ImageId);
    public const string DBSnapshotIdentifier = nameof(DBSnapshotIdentifier);
    public const string DBClusterSnapshotIdentifier = nameof(DBClusterSnapshotIdentifier);
}
