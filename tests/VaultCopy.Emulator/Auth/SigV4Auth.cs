using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VaultCopy.Emulator.Auth;

/// <summary>Why a request failed authentication; each protocol renders these with its own codes (AuthErrors).</summary>
public enum AuthFailure
{
    /// <summary>No Authorization header and no X-Amz-Credential query parameter.</summary>
    Missing,

    /// <summary>Authorization present but malformed (missing parts, wrong algorithm, unparsable date).</summary>
    Incomplete,

    /// <summary>The access key id is not known (or inactive).</summary>
    UnknownKey,

    /// <summary>A session token that does not belong to the key, a token with a long-term key, or none for an ASIA key.</summary>
    InvalidToken,

    /// <summary>The session has expired (world clock).</summary>
    ExpiredToken,

    /// <summary>Signed more than 15 minutes ago, or a presigned URL past X-Amz-Expires.</summary>
    SignatureExpired,

    /// <summary>Signed more than 15 minutes in the future.</summary>
    SignatureNotYetCurrent,

    /// <summary>The signature does not verify (or the scope is inconsistent).</summary>
    Mismatch,

    /// <summary>The credential scope names a Region the caller's partition does not have, or another service than
    /// the one addressed ("Credential should be scoped to …"); the message says which.</summary>
    WrongScope,
}

/// <summary>The parsed SigV4 credential and signature of a request (header or query form).</summary>
public sealed class ParsedAuth
{
    public required bool Presigned { get; init; }

    public required string AccessKeyId { get; init; }

    public required string ScopeDate { get; init; }

    public required string Region { get; init; }

    public required string Service { get; init; }

    public required string Terminator { get; init; }

    public required IReadOnlyList<string> SignedHeaders { get; init; }

    public required string Signature { get; init; }

    /// <summary>The ISO 8601 basic timestamp that goes into the string to sign.</summary>
    public required string AmzDate { get; init; }

    public required DateTimeOffset SignedAt { get; init; }

    /// <summary>X-Amz-Expires of a presigned request, if given.</summary>
    public int? ExpiresSeconds { get; init; }

    public string? SecurityToken { get; init; }

    public string Scope => SigV4.Scope(ScopeDate, Region, Service);
}

/// <summary>The credential scope as far as it could be read, even from a request that fails to parse further:
/// routing needs the service and Region to answer in the right envelope.</summary>
public sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service, string Terminator)
{
    public static CredentialScope? TryParse(string? credential)
    {
        if (credential is null)
        {
            return null;
        }

        var parts = credential.Split('/');
        return parts.Length == 5 && parts.All(p => p.Length > 0)
            ? new CredentialScope(parts[0], parts[1], parts[2], parts[3], parts[4])
            : null;
    }
}

/// <summary>Parsing and verification of SigV4; the secret lookup is the caller's.</summary>
public static class SigV4Auth
{
    public const string AuthorizationHeader = "Authorization";
    public const string AmzDateHeader = "X-Amz-Date";
    public const string SecurityTokenHeader = "X-Amz-Security-Token";
    public const string ContentSha256Header = "X-Amz-Content-SHA256";

    /// <summary>The allowed distance between the signing time and now (AWS: 15 minutes).</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>SigV4 presigned URLs live at most seven days (the signing key's lifetime).</summary>
    public const int MaxExpiresSeconds = 604800;

    private static readonly string[] s_presignParameters =
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"];

    /// <summary>True when the request carries query-string authentication (and no Authorization header).</summary>
    public static bool IsPresigned(SignableRequest request) =>
        request.Header(AuthorizationHeader) is null && request.QueryValue("X-Amz-Credential") is not null;

    /// <summary>The scope, read leniently, for routing.</summary>
    public static CredentialScope? ReadScope(SignableRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Header(AuthorizationHeader) is { } header)
        {
            return CredentialScope.TryParse(HeaderComponents(header).GetValueOrDefault("Credential"));
        }

        return CredentialScope.TryParse(request.QueryValue("X-Amz-Credential"));
    }

    /// <summary>Parses the header or query-string authentication; on failure returns the failure and its message.</summary>
    public static ParsedAuth? Parse(SignableRequest request, out AuthFailure? failure, out string? message)
    {
        ArgumentNullException.ThrowIfNull(request);
        failure = null;
        message = null;
        string? header = request.Header(AuthorizationHeader);
        if (header is not null)
        {
            return ParseHeader(request, header, out failure, out message);
        }

        if (request.QueryValue("X-Amz-Credential") is not null || request.QueryValue("X-Amz-Signature") is not null)
        {
            return ParseQuery(request, out failure, out message);
        }

        failure = AuthFailure.Missing;
        return null;
    }

    /// <summary>
    /// Checks the signing time against <paramref name="now"/>: ±15 minutes for header signatures; for presigned
    /// URLs, not more than 15 minutes early and not past X-Amz-Expires (or 15 minutes when absent).
    /// </summary>
    public static AuthFailure? CheckFreshness(ParsedAuth auth, DateTimeOffset now, out string? message)
    {
        ArgumentNullException.ThrowIfNull(auth);
        message = null;
        if (auth.SignedAt > now + MaxSkew)
        {
            message = $"Signature not yet current: {auth.AmzDate} is still later than {SigV4.FormatAmzDate(now + MaxSkew)} ({SigV4.FormatAmzDate(now)} + 15 min.)";
            return AuthFailure.SignatureNotYetCurrent;
        }

        TimeSpan lifetime = auth.ExpiresSeconds is int expires ? TimeSpan.FromSeconds(expires) : MaxSkew;
        if (auth.SignedAt < now - lifetime)
        {
            string span = lifetime.TotalSeconds % 60 == 0
                ? $"{(int)lifetime.TotalMinutes} min."
                : $"{(int)lifetime.TotalSeconds} sec.";
            message = $"Signature expired: {auth.AmzDate} is now earlier than {SigV4.FormatAmzDate(now - lifetime)} ({SigV4.FormatAmzDate(now)} - {span})";
            return AuthFailure.SignatureExpired;
        }

        return null;
    }

    /// <summary>
    /// Recomputes the signature with <paramref name="secretAccessKey"/> and compares it in constant time. For a
    /// mismatch, <paramref name="canonicalRequest"/> is the canonical request computed (for diagnostics).
    /// </summary>
    public static bool Verify(SignableRequest request, ParsedAuth auth, string secretAccessKey, out string canonicalRequest)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        byte[] key = SigV4.SigningKey(secretAccessKey, auth.ScopeDate, auth.Region, auth.Service);
        byte[] expected = Encoding.ASCII.GetBytes(auth.Signature.ToLowerInvariant());
        canonicalRequest = string.Empty;
        foreach (string payloadHash in PayloadHashes(request, auth))
        {
            canonicalRequest = BuildCanonicalRequest(request, auth, payloadHash);
            string signature = SigV4.Signature(key, SigV4.StringToSign(auth.AmzDate, auth.Scope, canonicalRequest));
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), expected))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The canonical request for <paramref name="auth"/>'s signed headers and the given payload hash.</summary>
    public static string BuildCanonicalRequest(SignableRequest request, ParsedAuth auth, string payloadHash)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(auth);
        var query = auth.Presigned
            ? request.Query.Where(p => !string.Equals(p.Key, "X-Amz-Signature", StringComparison.Ordinal))
            : request.Query;
        var headers = auth.SignedHeaders.Select(name => new KeyValuePair<string, string>(
            name,
            request.Headers.TryGetValue(name, out var values) ? SigV4.CanonicalHeaderValue(values) : string.Empty));
        return SigV4.CanonicalRequest(
            request.Method.ToUpperInvariant(),
            SigV4.CanonicalUri(request.RawPath),
            SigV4.CanonicalQueryString(query),
            headers,
            string.Join(';', auth.SignedHeaders),
            payloadHash);
    }

    // The payload hash the client may have signed. x-amz-content-sha256 is honoured only as UNSIGNED-PAYLOAD;
    // otherwise the body's own hash is used, so a tampered body cannot hide behind a copied header. Presigned
    // URLs are signed by some SDKs with UNSIGNED-PAYLOAD and by others with the empty body's hash: try both.
    private static IEnumerable<string> PayloadHashes(SignableRequest request, ParsedAuth auth)
    {
        string bodyHash = SigV4.HexSha256(request.Body);
        if (auth.Presigned)
        {
            yield return bodyHash;
            yield return SigV4.UnsignedPayload;
            yield break;
        }

        string? declared = request.Header(ContentSha256Header);
        yield return string.Equals(declared, SigV4.UnsignedPayload, StringComparison.Ordinal) ? SigV4.UnsignedPayload : bodyHash;
    }

    private static ParsedAuth? ParseHeader(SignableRequest request, string header, out AuthFailure? failure, out string? message)
    {
        failure = AuthFailure.Incomplete;
        message = null;
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string algorithm = space < 0 ? header : header[..space];
        if (!string.Equals(algorithm, SigV4.Algorithm, StringComparison.Ordinal))
        {
            message = $"Unsupported AWS 'algorithm': '{algorithm}'";
            return null;
        }

        var components = HeaderComponents(header);
        var problems = new List<string>();
        foreach (string required in new[] { "Credential", "Signature", "SignedHeaders" })
        {
            if (!components.ContainsKey(required))
            {
                problems.Add($"Authorization header requires '{required}' parameter.");
            }
        }

        string? amzDate = request.Header(AmzDateHeader);
        DateTimeOffset signedAt = default;
        if (amzDate is not null)
        {
            if (!SigV4.TryParseAmzDate(amzDate, out signedAt))
            {
                problems.Add($"Date must be in ISO-8601 'basic format'. Got '{amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601");
            }
        }
        else if (request.Header("Date") is { } httpDate
            && DateTimeOffset.TryParseExact(httpDate, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out signedAt))
        {
            amzDate = SigV4.FormatAmzDate(signedAt);
        }
        else
        {
            problems.Add("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }

        if (problems.Count > 0)
        {
            message = string.Join(' ', problems) + " Authorization=" + header;
            return null;
        }

        return Finish(
            presigned: false,
            components["Credential"],
            components["SignedHeaders"],
            components["Signature"],
            amzDate!,
            signedAt,
            expires: null,
            request.Header(SecurityTokenHeader),
            out failure,
            out message);
    }

    private static ParsedAuth? ParseQuery(SignableRequest request, out AuthFailure? failure, out string? message)
    {
        failure = AuthFailure.Incomplete;
        message = null;
        var missing = s_presignParameters.Where(p => request.QueryValue(p) is null).ToList();
        if (missing.Count > 0)
        {
            message = "AWS query-string parameters must include " + string.Join(", ", missing.Select(m => $"'{m}'"))
                + ". Re-examine the query-string parameters.";
            return null;
        }

        string algorithm = request.QueryValue("X-Amz-Algorithm")!;
        if (!string.Equals(algorithm, SigV4.Algorithm, StringComparison.Ordinal))
        {
            message = $"X-Amz-Algorithm only supports \"{SigV4.Algorithm}\"";
            return null;
        }

        string amzDate = request.QueryValue("X-Amz-Date")!;
        if (!SigV4.TryParseAmzDate(amzDate, out var signedAt))
        {
            message = $"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\". Got '{amzDate}'.";
            return null;
        }

        int? expires = null;
        if (request.QueryValue("X-Amz-Expires") is { } expiresText)
        {
            if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds < 1)
            {
                message = $"X-Amz-Expires should be a number greater than 0. Got '{expiresText}'.";
                return null;
            }

            if (seconds > MaxExpiresSeconds)
            {
                message = $"X-Amz-Expires must be less than a week (in seconds) that is {MaxExpiresSeconds}";
                return null;
            }

            expires = seconds;
        }

        return Finish(
            presigned: true,
            request.QueryValue("X-Amz-Credential")!,
            request.QueryValue("X-Amz-SignedHeaders")!,
            request.QueryValue("X-Amz-Signature")!,
            amzDate,
            signedAt,
            expires,
            request.QueryValue(SecurityTokenHeader),
            out failure,
            out message);
    }

    private static ParsedAuth? Finish(
        bool presigned,
        string credential,
        string signedHeaders,
        string signature,
        string amzDate,
        DateTimeOffset signedAt,
        int? expires,
        string? securityToken,
        out AuthFailure? failure,
        out string? message)
    {
        failure = AuthFailure.Incomplete;
        message = null;
        var scope = CredentialScope.TryParse(credential);
        if (scope is null)
        {
            message = $"Credential should be scoped to a valid region, not '{credential}'. ";
            return null;
        }

        if (!string.Equals(scope.Terminator, SigV4.Terminator, StringComparison.Ordinal))
        {
            message = $"Credential should be scoped with a valid terminator: 'aws4_request', not '{scope.Terminator}'. ";
            return null;
        }

        var headers = signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries);
        if (!headers.Contains("host", StringComparer.Ordinal))
        {
            message = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";
            return null;
        }

        if (headers.Any(h => !string.Equals(h, h.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            message = $"Signed headers must be lower case: '{signedHeaders}'.";
            return null;
        }

        if (signature.Length != 64 || !signature.All(Uri.IsHexDigit))
        {
            failure = AuthFailure.Mismatch;
            return null;
        }

        // The date in the scope must be the day of the signing time (the derived key is per day).
        if (!string.Equals(scope.Date, amzDate[..8], StringComparison.Ordinal))
        {
            failure = AuthFailure.Mismatch;
            message = $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{amzDate[..8]}', from '{amzDate}'.";
            return null;
        }

        failure = null;
        return new ParsedAuth
        {
            Presigned = presigned,
            AccessKeyId = scope.AccessKeyId,
            ScopeDate = scope.Date,
            Region = scope.Region,
            Service = scope.Service,
            Terminator = scope.Terminator,
            SignedHeaders = headers,
            Signature = signature,
            AmzDate = amzDate,
            SignedAt = signedAt,
            ExpiresSeconds = expires,
            SecurityToken = securityToken,
        };
    }

    private static Dictionary<string, string> HeaderComponents(string header)
    {
        var components = new Dictionary<string, string>(StringComparer.Ordinal);
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return components;
        }

        foreach (string part in header[(space + 1)..].Split(','))
        {
            string trimmed = part.Trim();
            int eq = trimmed.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                components[trimmed[..eq]] = trimmed[(eq + 1)..];
            }
        }

        return components;
    }
}
