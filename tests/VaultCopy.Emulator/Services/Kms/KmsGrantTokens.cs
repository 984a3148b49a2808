using System.Security.Cryptography;
using System.Text;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// Grant tokens: opaque base64 strings, unique per CreateGrant call even when Name idempotency returns an existing
/// GrantId (CreateGrant documentation), that name the key and grant they stand for.
/// </summary>
internal static class KmsGrantTokens
{
    private const byte Version = 0x01;
    private const int NonceSize = 16;

    public static string Create(string keyArn, string grantId)
    {
        byte[] text = Encoding.UTF8.GetBytes(keyArn + " " + grantId);
        var bytes = new byte[1 + NonceSize + text.Length];
        bytes[0] = Version;
        RandomNumberGenerator.Fill(bytes.AsSpan(1, NonceSize));
        text.CopyTo(bytes, 1 + NonceSize);
        return Convert.ToBase64String(bytes);
    }

    /// <summary>The key ARN and grant id a token names, or null when it is not a token this emulator issued.</summary>
    public static (string KeyArn, string GrantId)? Decode(string token)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(token);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length <= 1 + NonceSize || bytes[0] != Version)
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 1 + NonceSize, bytes.Length - 1 - NonceSize);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        var parts = text.Split(' ');
        return parts.Length == 2 && parts[0].StartsWith("arn:", StringComparison.Ordinal) && KmsGrantIds.IsValid(parts[1])
            ? (parts[0], parts[1])
            : null;
    }
}

internal static class KmsGrantIds
{
    /// <summary>Grant ids are 64 hexadecimal characters (RetireGrant GrantId example).</summary>
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static bool IsValid(string grantId) => grantId.Length == 64 && grantId.All(char.IsAsciiHexDigit);
}
