using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.S3.Auth;

/// <summary>HMAC-SHA256, SHA-256 and lower-case hex helpers shared by the SigV4 verifiers.</summary>
internal static class SigV4Crypto
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string EmptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static string Sha256Hex(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetBytes(text, rented);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, n), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>HMAC-SHA256 of the UTF-8 bytes of <paramref name="text"/> into <paramref name="destination"/> (32 bytes).</summary>
    public static void Hmac(ReadOnlySpan<byte> key, string text, Span<byte> destination)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetBytes(text, rented);
            HMACSHA256.HashData(key, rented.AsSpan(0, n), destination);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses exactly 64 hex digits (either case) into 32 bytes.</summary>
    public static bool TryParseSignature(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != 64)
        {
            return false;
        }

        return Convert.FromHexString(hex, destination, out _, out int written) == System.Buffers.OperationStatus.Done && written == 32;
    }

    /// <summary>Parses exactly 64 ASCII hex digits (either case) into 32 bytes.</summary>
    public static bool TryParseSignature(ReadOnlySpan<byte> hexUtf8, Span<byte> destination)
    {
        if (hexUtf8.Length != 64)
        {
            return false;
        }

        Span<char> chars = stackalloc char[64];
        for (int i = 0; i < 64; i++)
        {
            chars[i] = (char)hexUtf8[i];
        }

        return TryParseSignature(chars, destination);
    }
}

/// <summary>
/// Derives SigV4 signing keys (kSecret → kDate → kRegion → kService → kSigning) and caches them per
/// (secret, date, region, service): a key is valid for a whole day, so a busy gateway derives it once.
/// </summary>
internal sealed class SigningKeyCache
{
    private const int MaxEntries = 4096;
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _keys = new();

    public byte[] GetSigningKey(string secret, string date, string region, string service)
    {
        var cacheKey = (secret, date, region, service);
        if (_keys.TryGetValue(cacheKey, out byte[]? cached))
        {
            return cached;
        }

        byte[] key = Derive(secret, date, region, service);
        if (_keys.Count >= MaxEntries)
        {
            // Old dates are useless after a day; a simple flush keeps the cache bounded.
            _keys.Clear();
        }

        _keys[cacheKey] = key;
        return key;
    }

    public static byte[] Derive(string secret, string date, string region, string service)
    {
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        byte[] secretBytes = Encoding.UTF8.GetBytes("AWS4" + secret);
        try
        {
            SigV4Crypto.Hmac(secretBytes, date, a);
            SigV4Crypto.Hmac(a, region, b);
            SigV4Crypto.Hmac(b, service, a);
            SigV4Crypto.Hmac(a, "aws4_request", b);
            return b.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secretBytes);
            CryptographicOperations.ZeroMemory(a);
        }
    }
}
