using VaultCopy.Emulator.Model;

namespace VaultCopy.Emulator.Auth;

/// <summary>The outcome of authenticating one request.</summary>
public sealed class AuthenticationResult
{
    public Caller? Caller { get; init; }

    public AuthFailure? Failure { get; init; }

    /// <summary>A failure-specific message (e.g. "Signature expired: …"); null for the protocol's standard text.</summary>
    public string? Message { get; init; }

    public ParsedAuth? Auth { get; init; }

    /// <summary>On a mismatch, the canonical request computed, with the session token redacted.</summary>
    public string? CanonicalRequest { get; init; }

    public bool Succeeded => Caller is not null;

    /// <summary>The verdict word for the call log.</summary>
    public string Verdict => Failure switch
    {
        null => "valid",
        AuthFailure.Missing => "missing",
        AuthFailure.Incomplete => "incomplete",
        AuthFailure.UnknownKey => "unknown-key",
        AuthFailure.InvalidToken => "invalid-token",
        AuthFailure.ExpiredToken => "expired-token",
        AuthFailure.SignatureExpired or AuthFailure.SignatureNotYetCurrent => "expired",
        AuthFailure.WrongScope => "wrong-scope",
        _ => "mismatch",
    };
}

/// <summary>Authenticates a request against the world's access keys and sessions.</summary>
public static class RequestAuthenticator
{
    /// <param name="worldNow">World time (session expiry).</param>
    /// <param name="wallNow">Real time (signature freshness), see EmulatorClock.</param>
    /// <param name="addressedService">The signing name of the service the request is addressed to (what a real
    /// endpoint's host name would say); null when only the scope tells.</param>
    public static AuthenticationResult Authenticate(SignableRequest request, World world, DateTimeOffset worldNow, DateTimeOffset wallNow, string? addressedService = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(world);
        var auth = SigV4Auth.Parse(request, out var parseFailure, out var parseMessage);
        if (auth is null)
        {
            return new AuthenticationResult { Failure = parseFailure, Message = parseMessage };
        }

        string secret;
        Caller caller;
        string partition;
        lock (world.Sync)
        {
            if (auth.AccessKeyId.StartsWith("ASIA", StringComparison.Ordinal))
            {
                if (!world.Sessions.TryGetValue(auth.AccessKeyId, out var session) || world.FindAccount(session.AccountId) is not { } account)
                {
                    return Fail(auth, AuthFailure.UnknownKey);
                }

                if (!string.Equals(auth.SecurityToken, session.SessionToken, StringComparison.Ordinal))
                {
                    return Fail(auth, AuthFailure.InvalidToken);
                }

                if (worldNow >= session.Expiration)
                {
                    return Fail(auth, AuthFailure.ExpiredToken);
                }

                secret = session.SecretAccessKey;
                partition = account.Partition;
                caller = Caller.ForSession(account, session, account.Roles.GetValueOrDefault(session.RoleName));
            }
            else
            {
                if (world.FindAccessKey(auth.AccessKeyId) is not { } owner || !owner.Key.IsActive)
                {
                    return Fail(auth, AuthFailure.UnknownKey);
                }

                if (auth.SecurityToken is not null)
                {
                    return Fail(auth, AuthFailure.InvalidToken);
                }

                secret = owner.Key.SecretAccessKey;
                partition = owner.Account.Partition;
                caller = owner.User is null
                    ? Caller.ForRoot(owner.Account, owner.Key)
                    : Caller.ForUser(owner.Account, owner.User, owner.Key);
            }
        }

        if (ScopeProblems(auth, partition, addressedService) is { } scopeMessage)
        {
            return new AuthenticationResult { Failure = AuthFailure.WrongScope, Message = scopeMessage, Auth = auth };
        }

        if (SigV4Auth.CheckFreshness(auth, wallNow, out var freshnessMessage) is { } stale)
        {
            return new AuthenticationResult { Failure = stale, Message = freshnessMessage, Auth = auth };
        }

        if (!SigV4Auth.Verify(request, auth, secret, out string canonical))
        {
            return new AuthenticationResult
            {
                Failure = AuthFailure.Mismatch,
                Auth = auth,
                CanonicalRequest = auth.SecurityToken is null ? canonical : canonical.Replace(auth.SecurityToken, "<redacted>", StringComparison.Ordinal),
            };
        }

        return new AuthenticationResult { Caller = caller, Auth = auth };
    }

    // AWS checks the scope against the endpoint before the signature and names every problem at once, each
    // sentence ending ". " (Coral), e.g. "Credential should be scoped to a valid region, not 'c'. Credential should
    // be scoped to correct service: 'dynamodb'. " (quoted in aws/aws-sdk-js and dynamodb-local tests; the SQS Query
    // envelope in the same words). The endpoint here is the caller's partition and the addressed service.
    private static string? ScopeProblems(ParsedAuth auth, string partition, string? addressedService)
    {
        string message = string.Empty;
        if (!Partitions.HasRegion(partition, auth.Region))
        {
            message += Partitions.InvalidScopeRegionMessage(auth.Region) + " ";
        }

        if (addressedService is not null && !string.Equals(addressedService, auth.Service, StringComparison.Ordinal))
        {
            message += WrongServiceMessage(addressedService) + " ";
        }

        return message.Length == 0 ? null : message;
    }

    public static string WrongServiceMessage(string service) => $"Credential should be scoped to correct service: '{service}'.";

    private static AuthenticationResult Fail(ParsedAuth auth, AuthFailure failure) => new() { Failure = failure, Auth = auth };
}
