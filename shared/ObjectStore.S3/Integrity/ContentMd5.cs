using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Integrity;

/// <summary>The Content-MD5 header: base64 of the 16-byte MD5 of the body.</summary>
public static class ContentMd5
{
    /// <summary>Decodes a Content-MD5 value; false unless it is base64 of exactly 16 bytes.</summary>
    public static bool TryParse(string? value, Span<byte> md5)
    {
        if (string.IsNullOrWhiteSpace(value) || md5.Length < 16)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[20];
        if (!Convert.TryFromBase64String(value.Trim(), decoded, out int written) || written != 16)
        {
            return false;
        }

        decoded[..16].CopyTo(md5);
        return true;
    }

    /// <summary>The expected MD5, or null without a Content-MD5 header. Throws InvalidDigest when it is malformed.</summary>
    public static byte[]? FromHeaders(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var values = headers["Content-MD5"];
        if (values.Count == 0)
        {
            return null;
        }

        byte[] md5 = new byte[16];
        if (values.Count > 1 || !TryParse(values[0], md5))
        {
            throw S3Errors.Error(S3Errors.InvalidDigest);
        }

        return md5;
    }

    /// <summary>Throws BadDigest unless <paramref name="computed"/> equals <paramref name="expected"/>.</summary>
    public static void Verify(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> computed)
    {
        if (!CryptographicOperations.FixedTimeEquals(expected, computed))
        {
            throw S3Errors.Error(S3Errors.BadDigest);
        }
    }
}
