using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VaultCopy.Emulator.Policy;

internal enum CallerKind
{
    Root,
    User,
    Role,
    FederatedUser,
    Service,
    Unknown,
}

/// <summary>Who is calling, resolved once per request into the identities a Principal element can name.</summary>
internal sealed class CallerIdentity
{
    private CallerIdentity(CallerKind kind, string partition, string account, string principalArn)
    {
        Kind = kind;
        Partition = partition;
        Account = account;
        PrincipalArn = principalArn;
    }

    public CallerKind Kind { get; }

    public string Partition { get; }

    public string Account { get; }

    /// <summary>The value of aws:PrincipalArn: the role ARN (not the session ARN) for a role session.</summary>
    public string PrincipalArn { get; private init; }

    public string? UserArn { get; private init; }

    public string? UserName { get; private init; }

    public string? RoleArn { get; private init; }

    public string? SessionArn { get; private init; }

    public string? FederatedUserArn { get; private init; }

    public string? ServicePrincipal { get; private init; }

    /// <summary>The ARN AWS prints after "User:" in AccessDenied messages.</summary>
    public string DisplayArn => SessionArn ?? PrincipalArn;

    /// <summary>The caller's own ARNs below account level: what a Principal naming a specific identity can hit.</summary>
    public IEnumerable<string> SpecificArns
    {
        get
        {
            switch (Kind)
            {
                case CallerKind.User:
                    yield return UserArn!;
                    break;
                case CallerKind.Role:
                    yield return RoleArn!;
                    if (SessionArn is not null)
                    {
                        yield return SessionArn;
                    }

                    break;
                case CallerKind.FederatedUser:
                    yield return FederatedUserArn!;
                    break;
                case CallerKind.Unknown:
                    yield return PrincipalArn;
                    break;
            }
        }
    }

    public static CallerIdentity From(AuthorizationRequest request, IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        string arn = request.PrincipalArn;
        string account = request.PrincipalAccount;
        bool isArn = Arn.TryParse(arn, out Arn parsed);
        string partition = isArn ? parsed.Partition : "aws";

        if (request.ServicePrincipal is { } service)
        {
            return new CallerIdentity(CallerKind.Service, partition, account, arn) { ServicePrincipal = service };
        }

        if (!isArn)
        {
            return new CallerIdentity(CallerKind.Unknown, partition, account, arn);
        }

        if (parsed.Service == "iam" && parsed.Resource == "root")
        {
            return new CallerIdentity(CallerKind.Root, partition, account, arn);
        }

        if (parsed.Service == "iam" && parsed.Resource.StartsWith("user/", StringComparison.Ordinal))
        {
            string name = parsed.Resource[(parsed.Resource.LastIndexOf('/') + 1)..];
            return new CallerIdentity(CallerKind.User, partition, account, arn) { UserArn = arn, UserName = name };
        }

        if (parsed.Service == "iam" && parsed.Resource.StartsWith("role/", StringComparison.Ordinal))
        {
            string roleName = parsed.Resource[(parsed.Resource.LastIndexOf('/') + 1)..];
            string? session = request.SessionArn;
            if (session is null && TryGetSingle(context, "aws:userid", out string? userId)
                && IsSessionOf(userId, partition, account, roleName))
            {
                session = userId;
            }

            return new CallerIdentity(CallerKind.Role, partition, account, arn) { RoleArn = arn, SessionArn = session };
        }

        if (parsed.Service == "sts" && parsed.Resource.StartsWith("assumed-role/", StringComparison.Ordinal))
        {
            string[] parts = parsed.Resource.Split('/');
            string roleName = parts.Length > 1 ? parts[1] : string.Empty;
            // A session ARN drops the role's path, so prefer a role ARN the caller supplied as aws:PrincipalArn.
            string roleArn = TryGetSingle(context, "aws:PrincipalArn", out string? supplied)
                && Arn.TryParse(supplied, out Arn suppliedArn)
                && suppliedArn.Service == "iam"
                && suppliedArn.Resource.StartsWith("role/", StringComparison.Ordinal)
                && suppliedArn.Resource.EndsWith("/" + roleName, StringComparison.Ordinal)
                    ? supplied
                    : $"arn:{partition}:iam::{parsed.Account}:role/{roleName}";
            return new CallerIdentity(CallerKind.Role, partition, account, roleArn) { RoleArn = roleArn, SessionArn = arn };
        }

        if (parsed.Service == "sts" && parsed.Resource.StartsWith("federated-user/", StringComparison.Ordinal))
        {
            return new CallerIdentity(CallerKind.FederatedUser, partition, account, arn) { FederatedUserArn = arn };
        }

        return new CallerIdentity(CallerKind.Unknown, partition, account, arn);
    }

    private static bool IsSessionOf(string candidate, string partition, string account, string roleName)
    {
        return Arn.TryParse(candidate, out Arn arn)
            && arn.Partition == partition
            && arn.Service == "sts"
            && arn.Account == account
            && arn.Resource.StartsWith($"assumed-role/{roleName}/", StringComparison.Ordinal);
    }

    private static bool TryGetSingle(
        IReadOnlyDictionary<string, IReadOnlyList<string>> context, string key, [NotNullWhen(true)] out string? value)
    {
        if (context.TryGetValue(key, out IReadOnlyList<string>? values) && values.Count == 1)
        {
            value = values[0];
            return true;
        }

        value = null;
        return false;
    }
}

/// <summary>The request as the evaluator sees it: the caller plus a case-insensitive condition-key map.</summary>
internal sealed class EvaluationContext
{
    private readonly Dictionary<string, IReadOnlyList<string>> _keys;

    private EvaluationContext(AuthorizationRequest request, CallerIdentity caller, Dictionary<string, IReadOnlyList<string>> keys)
    {
        Request = request;
        Caller = caller;
        _keys = keys;
    }

    public AuthorizationRequest Request { get; }

    public CallerIdentity Caller { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Keys => _keys;

    public static EvaluationContext Create(AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IReadOnlyList<string>> pair in request.Context)
        {
            keys[pair.Key] = pair.Value;
        }

        CallerIdentity caller = CallerIdentity.From(request, keys);

        // Keys AWS puts in every authenticated request; explicit values from the caller win.
        keys.TryAdd("aws:PrincipalArn", [caller.PrincipalArn]);
        keys.TryAdd("aws:PrincipalAccount", [request.PrincipalAccount]);
        string? principalType = caller.Kind switch
        {
            CallerKind.Root => "Account",
            CallerKind.User => "User",
            CallerKind.Role => "AssumedRole",
            CallerKind.FederatedUser => "FederatedUser",
            _ => null,
        };
        if (principalType is not null)
        {
            keys.TryAdd("aws:PrincipalType", [principalType]);
        }

        if (caller.UserName is not null)
        {
            keys.TryAdd("aws:username", [caller.UserName]);
        }

        if (caller.ServicePrincipal is not null)
        {
            keys.TryAdd("aws:PrincipalServiceName", [caller.ServicePrincipal]);
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        keys.TryAdd("aws:CurrentTime", [now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)]);
        keys.TryAdd("aws:EpochTime", [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)]);

        return new EvaluationContext(request, caller, keys);
    }

    /// <summary>False when the key is absent or carries no values (both count as "not in the request").</summary>
    public bool TryGetValues(string key, out IReadOnlyList<string> values)
    {
        if (_keys.TryGetValue(key, out IReadOnlyList<string>? found) && found.Count > 0)
        {
            values = found;
            return true;
        }

        values = [];
        return false;
    }

    /// <summary>Policy variables resolve only from single-valued keys.</summary>
    public bool TryGetSingleValue(string key, [NotNullWhen(true)] out string? value)
    {
        if (_keys.TryGetValue(key, out IReadOnlyList<string>? found) && found.Count == 1)
        {
            value = found[0];
            return true;
        }

        value = null;
        return false;
    }
}

/// <summary>The six colon-separated components of an ARN; the resource part may itself contain colons.</summary>
internal readonly record struct Arn(string Partition, string Service, string Region, string Account, string Resource)
{
    public static bool TryParse(string? text, out Arn arn)
    {
        arn = default;
        if (text is null)
        {
            return false;
        }

        string[] parts = text.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        arn = new Arn(parts[1], parts[2], parts[3], parts[4], parts[5]);
        return true;
    }
}
