namespace VaultCopy.Emulator.Model;

public enum CallerKind
{
    User,
    AssumedRole,
    Root,
}

/// <summary>
/// The authenticated principal of a request, resolved from its access key. Identity policies are gathered when
/// the request is authenticated, so IAM changes apply to the next request.
/// </summary>
public sealed class Caller
{
    public required CallerKind Kind { get; init; }

    public required string AccountId { get; init; }

    public required string Partition { get; init; }

    /// <summary>What GetCallerIdentity returns as Arn: user ARN, <c>arn:aws:sts::ACCT:assumed-role/ROLE/SESSION</c>, or root.</summary>
    public required string Arn { get; init; }

    /// <summary>aws:userid / GetCallerIdentity UserId: <c>AIDA…</c>, <c>AROA…:SESSION</c>, or the account id for root.</summary>
    public required string UserId { get; init; }

    /// <summary>The ARN policies match as the principal (aws:PrincipalArn): user ARN, role ARN (not the session), or root.</summary>
    public required string PrincipalArn { get; init; }

    public required string AccessKeyId { get; init; }

    /// <summary>Inline and attached identity policies (JSON) of the user or role; empty for root, which needs none.</summary>
    public required IReadOnlyList<string> IdentityPolicies { get; init; }

    /// <summary>The session policy that bounds a role session, if AssumeRole was given one.</summary>
    public string? SessionPolicy { get; init; }

    public IamUser? User { get; init; }

    public IamRole? Role { get; init; }

    public RoleSession? Session { get; init; }

    public bool IsRoleSession => Kind == CallerKind.AssumedRole;

    public bool IsRoot => Kind == CallerKind.Root;

    public string? SourceIdentity => Session?.SourceIdentity;

    /// <summary>aws:PrincipalType: User, AssumedRole or Account.</summary>
    public string PrincipalType => Kind switch
    {
        CallerKind.User => "User",
        CallerKind.AssumedRole => "AssumedRole",
        _ => "Account",
    };

    public static Caller ForUser(Account account, IamUser user, AccessKey key) => new()
    {
        Kind = CallerKind.User,
        AccountId = account.Id,
        Partition = account.Partition,
        Arn = user.Arn,
        UserId = user.UserId,
        PrincipalArn = user.Arn,
        AccessKeyId = key.AccessKeyId,
        IdentityPolicies = PoliciesOf(account, user.InlinePolicies, user.AttachedPolicies),
        User = user,
    };

    public static Caller ForRoot(Account account, AccessKey key) => new()
    {
        Kind = CallerKind.Root,
        AccountId = account.Id,
        Partition = account.Partition,
        Arn = account.RootArn,
        UserId = account.Id,
        PrincipalArn = account.RootArn,
        AccessKeyId = key.AccessKeyId,
        IdentityPolicies = [],
    };

    /// <summary>A role session; <paramref name="role"/> is null when the role was deleted after the session began.</summary>
    public static Caller ForSession(Account account, RoleSession session, IamRole? role) => new()
    {
        Kind = CallerKind.AssumedRole,
        AccountId = account.Id,
        Partition = account.Partition,
        Arn = session.Arn,
        UserId = session.UserId,
        PrincipalArn = session.RoleArn,
        AccessKeyId = session.AccessKeyId,
        IdentityPolicies = role is null ? [] : PoliciesOf(account, role.InlinePolicies, role.AttachedPolicies),
        SessionPolicy = session.SessionPolicy,
        Role = role,
        Session = session,
    };

    private static List<string> PoliciesOf(Account account, Dictionary<string, string> inline, List<string> attached)
    {
        var policies = new List<string>(inline.Values);
        foreach (var arn in attached)
        {
            if (account.FindManagedPolicy(arn) is { } policy)
            {
                policies.Add(policy.Document);
            }
        }

        return policies;
    }
}
