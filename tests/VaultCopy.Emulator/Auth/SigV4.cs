using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace VaultCopy.Emulator.Auth;

/// <summary>
/// Signature Version 4, written from the AWS specification ("Create a signed AWS API request", IAM User Guide):
/// canonical request → string to sign → derived key → HMAC. Non-S3 rules only (path normalised and encoded once
/// more; payload hashed), because the emulator serves no S3.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string EmptyPayloadHash { get; } = HexSha256(ReadOnlySpan<byte>.Empty);

    /// <summary>RFC 3986 encoding as SigV4 defines it: unreserved characters kept, everything else as upper-case %XX of its UTF-8 bytes.</summary>
    public static string UriEncode(string value, bool encodeSlash = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length * 2);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~'
                || (c == '/' && !encodeSlash))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The canonical URI of a non-S3 request: the path as sent on the wire, with empty and dot segments removed
    /// (RFC 3986 §5.2.4) and each segment URI-encoded once more; "/" when empty.
    /// </summary>
    public static string CanonicalUri(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var output = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                continue;
            }

            output.Add(UriEncode(segment));
        }

        if (output.Count == 0)
        {
            return "/";
        }

        // A trailing slash (or a trailing dot segment that points at a directory) is kept, as the test suite expects.
        bool trailing = path.EndsWith('/') || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal);
        return "/" + string.Join('/', output) + (trailing ? "/" : string.Empty);
    }

    /// <summary>
    /// Splits a raw query string (without '?') into decoded pairs, keeping repeats and order. Decoding follows
    /// form rules ('+' is a space), which is how AWS services read the query when they recompute the signature.
    /// A bare name reads as an empty value.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string rawQuery)
    {
        ArgumentNullException.ThrowIfNull(rawQuery);
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (string part in rawQuery.TrimStart('?').Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? string.Empty : part[(eq + 1)..];
            pairs.Add(new KeyValuePair<string, string>(WebUtility.UrlDecode(name), WebUtility.UrlDecode(value)));
        }

        return pairs;
    }

    /// <summary>Encoded name=value pairs sorted by encoded name, then value, joined with '&amp;'.</summary>
    public static string CanonicalQueryString(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return string.Join('&', parameters
            .Select(p => (Name: UriEncode(p.Key), Value: UriEncode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>Header values as SigV4 signs them: each trimmed, runs of spaces collapsed, repeats joined by ','.</summary>
    public static string CanonicalHeaderValue(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return string.Join(',', values.Select(CollapseSpaces));
    }

    public static string CanonicalRequest(
        string method,
        string canonicalUri,
        string canonicalQuery,
        IEnumerable<KeyValuePair<string, string>> canonicalHeaders,
        string signedHeaders,
        string payloadHash)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append('\n')
          .Append(canonicalUri).Append('\n')
          .Append(canonicalQuery).Append('\n');
        foreach (var header in canonicalHeaders)
        {
            sb.Append(header.Key).Append(':').Append(header.Value).Append('\n');
        }

        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/{Terminator}";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(canonicalRequest)}";

    /// <summary>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").</summary>
    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        byte[] key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        return Hmac(key, Terminator);
    }

    public static string Signature(byte[] signingKey, string stringToSign) =>
        Convert.ToHexStringLower(Hmac(signingKey, stringToSign));

    public static string HexSha256(string text) => HexSha256(Encoding.UTF8.GetBytes(text));

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string FormatAmzDate(DateTimeOffset value) => value.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    public static bool TryParseAmzDate(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, AmzDateFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string CollapseSpaces(string value)
    {
        var sb = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space)
                {
                    sb.Append(' ');
                }

                space = true;
            }
            else
            {
                sb.Append(c);
                space = false;
            }
        }

        return sb.ToString();
    }
}
