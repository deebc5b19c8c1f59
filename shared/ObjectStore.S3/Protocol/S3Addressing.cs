using System.Buffers;
using System.Text;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Protocol;

/// <summary>The resource a request addresses.</summary>
/// <param name="Bucket">Null for the service.</param>
/// <param name="Key">Null for a bucket (or the service).</param>
/// <param name="VirtualHosted">The bucket came from the Host header.</param>
public sealed record S3ResourcePath(string? Bucket, string? Key, bool VirtualHosted);

/// <summary>
/// Path-style and virtual-hosted-style addressing. Keys are decoded from the raw request target:
/// percent-decoding to UTF-8 bytes, <c>+</c> stays a plus sign.
/// </summary>
public static class S3Addressing
{
    public const int MaxKeyBytes = 1024;

    /// <param name="host">The Host header (may carry a port).</param>
    /// <param name="rawTarget">The raw request target (origin form <c>/a/b?x</c> or absolute form).</param>
    /// <param name="baseDomain">The virtual-host base domain, or null.</param>
    public static S3ResourcePath Resolve(string? host, string rawTarget, string? baseDomain)
    {
        var path = PathOf(rawTarget);
        var vhostBucket = BucketFromHost(host, baseDomain);
        if (vhostBucket is not null)
        {
            var keyPart = path.Length > 0 && path[0] == '/' ? path[1..] : path;
            return new S3ResourcePath(CheckBucketSegment(vhostBucket), keyPart.Length == 0 ? null : DecodeKey(keyPart), true);
        }

        var rest = path.Length > 0 && path[0] == '/' ? path[1..] : path;
        if (rest.Length == 0) return new S3ResourcePath(null, null, false);
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var key = slash < 0 ? "" : rest[(slash + 1)..];
        return new S3ResourcePath(CheckBucketSegment(DecodeSegment(bucket)), key.Length == 0 ? null : DecodeKey(key), false);
    }

    /// <summary>The bucket named by a virtual-hosted Host header, or null when the host is not under the base domain.</summary>
    public static string? BucketFromHost(string? host, string? baseDomain)
    {
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(baseDomain)) return null;
        var h = host;
        if (h.StartsWith('['))
            return null; // IPv6 literal
        var colon = h.LastIndexOf(':');
        if (colon >= 0) h = h[..colon];
        h = h.TrimEnd('.');
        if (h.Length <= baseDomain.Length + 1) return null;
        if (!h.EndsWith(baseDomain, StringComparison.OrdinalIgnoreCase) || h[h.Length - baseDomain.Length - 1] != '.')
            return null;
        return h[..(h.Length - baseDomain.Length - 1)].ToLowerInvariant();
    }

    /// <summary>The path part of a raw request target, without query or fragment.</summary>
    internal static string PathOf(string rawTarget)
    {
        var target = rawTarget;
        var schemeEnd = target.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd > 0 && target[0] != '/')
        {
            var pathStart = target.IndexOf('/', schemeEnd + 3);
            target = pathStart < 0 ? "/" : target[pathStart..];
        }
        var q = target.IndexOfAny(['?', '#']);
        return q < 0 ? target : target[..q];
    }

    /// <summary>Decodes a raw key: %XX escapes to bytes, bytes as UTF-8; '+' stays '+'. Enforces S3's key length.</summary>
    public static string DecodeKey(string rawKey)
    {
        var key = DecodeSegment(rawKey);
        ValidateKey(key);
        return key;
    }

    /// <summary>Refuses keys S3 refuses: longer than 1024 bytes of UTF-8.</summary>
    public static void ValidateKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            throw new S3Exception(S3Errors.KeyTooLongError) { Details = new Dictionary<string, string> { ["MaxSizeAllowed"] = "1024", ["Size"] = Encoding.UTF8.GetByteCount(key).ToString(System.Globalization.CultureInfo.InvariantCulture) } };
    }

    /// <summary>Percent-decodes to UTF-8 (strict: a bad escape or invalid UTF-8 is InvalidURI).</summary>
    public static string DecodeSegment(string raw)
    {
        if (raw.IndexOf('%') < 0) return raw;
        var max = Encoding.UTF8.GetMaxByteCount(raw.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '%')
                {
                    if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                        throw new S3Exception(S3Errors.InvalidURI);
                    buffer[n++] = (byte)(HexValue(raw[i + 1]) << 4 | HexValue(raw[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    buffer[n++] = (byte)c;
                }
                else
                {
                    var len = char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1;
                    n += Encoding.UTF8.GetBytes(raw.AsSpan(i, len), buffer.AsSpan(n));
                    i += len - 1;
                }
            }
            try
            {
                return StrictUtf8.GetString(buffer, 0, n);
            }
            catch (DecoderFallbackException)
            {
                throw new S3Exception(S3Errors.InvalidURI);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>
    /// Any addressed bucket must at least be a plausible name (letters, digits, '.', '-', '_'), so no
    /// odd character reaches the index. The full S3 rules apply at CreateBucket.
    /// </summary>
    private static string CheckBucketSegment(string bucket)
    {
        if (bucket.Length is 0 or > 255)
            throw new S3Exception(S3Errors.InvalidBucketName);
        foreach (var c in bucket)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                throw new S3Exception(S3Errors.InvalidBucketName) { Details = new Dictionary<string, string> { ["BucketName"] = bucket } };
        }
        return bucket;
    }
}
