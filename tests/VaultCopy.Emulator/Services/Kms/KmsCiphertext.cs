using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace VaultCopy.Emulator.Services.Kms;

/// <summary>
/// The emulator's symmetric ciphertext blob. Like a real one it is opaque, carries the ARN of the key that made it
/// (so Decrypt and ReEncrypt need no KeyId) and authenticates the encryption context, so that a wrong context or a
/// changed byte fails as InvalidCiphertextException. Layout: 5-byte header (the first bytes of a real KMS blob),
/// 2-byte big-endian ARN length, ARN, 12-byte nonce, 16-byte tag, AES-256-GCM ciphertext.
/// </summary>
internal static class KmsCiphertext
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] s_header = [0x01, 0x02, 0x02, 0x00, 0x78];

    public static byte[] Encrypt(KmsKey key, byte[] plaintext, IReadOnlyDictionary<string, string>? context)
    {
        byte[] arn = Encoding.UTF8.GetBytes(key.Arn);
        int headerLength = s_header.Length + 2 + arn.Length;
        var blob = new byte[headerLength + NonceSize + TagSize + plaintext.Length];
        s_header.CopyTo(blob, 0);
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(s_header.Length), (ushort)arn.Length);
        arn.CopyTo(blob, s_header.Length + 2);
        var nonce = blob.AsSpan(headerLength, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Material, TagSize);
        aes.Encrypt(nonce, plaintext, blob.AsSpan(headerLength + NonceSize + TagSize), blob.AsSpan(headerLength + NonceSize, TagSize),
            AssociatedData(key.Arn, context));
        return blob;
    }

    /// <summary>The key ARN a blob names, or null when the bytes are not an emulator ciphertext.</summary>
    public static string? ReadKeyArn(byte[] blob)
    {
        if (blob.Length < s_header.Length + 2 || !blob.AsSpan(0, s_header.Length).SequenceEqual(s_header))
        {
            return null;
        }

        int arnLength = BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(s_header.Length));
        if (blob.Length < s_header.Length + 2 + arnLength + NonceSize + TagSize)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(blob, s_header.Length + 2, arnLength);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The plaintext, or null when the blob was not made by <paramref name="key"/> with this context.</summary>
    public static byte[]? Decrypt(KmsKey key, byte[] blob, IReadOnlyDictionary<string, string>? context)
    {
        if (!string.Equals(ReadKeyArn(blob), key.Arn, StringComparison.Ordinal))
        {
            return null;
        }

        int headerLength = s_header.Length + 2 + BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(s_header.Length));
        var plaintext = new byte[blob.Length - headerLength - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key.Material, TagSize);
            aes.Decrypt(blob.AsSpan(headerLength, NonceSize), blob.AsSpan(headerLength + NonceSize + TagSize),
                blob.AsSpan(headerLength + NonceSize, TagSize), plaintext, AssociatedData(key.Arn, context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    // The context is order-independent (a map), so its pairs are sorted before they are authenticated.
    private static byte[] AssociatedData(string keyArn, IReadOnlyDictionary<string, string>? context)
    {
        var text = new StringBuilder(keyArn);
        foreach (var pair in (context ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append('\0').Append(pair.Key.Length).Append(':').Append(pair.Key).Append(pair.Value.Length).Append(':').Append(pair.Value);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
