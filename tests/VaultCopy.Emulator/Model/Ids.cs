using System.Security.Cryptography;
using System.Text;

namespace VaultCopy.Emulator.Model;

/// <summary>AWS-shaped identifiers and secrets.</summary>
public static class Ids
{
    // IAM unique ids and access key ids use upper-case letters and digits.
    private const string UpperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A random id with an AWS prefix, e.g. <c>Random("ASIA", 16)</c>.</summary>
    public static string Random(string prefix, int length) => prefix + RandomFrom(UpperAlphanumeric, length);

    /// <summary>
    /// A stable id derived from a seed, so that reloading a fixture gives principals the same ids
    /// (e.g. <c>Stable("AIDA", "111111111111/user/alice")</c>).
    /// </summary>
    public static string Stable(string prefix, string seed, int length = 17)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(prefix + "|" + seed));
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = UpperAlphanumeric[hash[i % hash.Length] % UpperAlphanumeric.Length];
        }

        return prefix + new string(chars);
    }

    /// <summary>A 40-character secret access key.</summary>
    public static string Secret() => RandomFrom(SecretAlphabet, 40);

    /// <summary>An opaque session token; long and base64-like, as real STS tokens are.</summary>
    public static string SessionToken()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(240);
        return "IQoJb3JpZ2luX2VtdRAa" + Convert.ToBase64String(bytes);
    }

    private static string RandomFrom(string alphabet, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars);
    }
}
