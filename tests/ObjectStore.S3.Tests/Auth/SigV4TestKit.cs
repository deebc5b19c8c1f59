using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Auth;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Tests.Auth;

/// <summary>A clock that stands still where the test puts it.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Returns at most <paramref name="maxRead"/> bytes per read, as a slow network would.</summary>
internal sealed class TrickleStream(byte[] data, int maxRead) : MemoryStream(data)
{
    public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, maxRead));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, maxRead)], cancellationToken);
}

/// <summary>
/// An independent, deliberately plain SigV4 signer for tests (it shares no code with the verifier),
/// plus builders for requests and aws-chunked bodies.
/// </summary>
internal static class SigV4TestKit
{
    public const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public static readonly DateTimeOffset ExampleTime = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    public static SigV4Authenticator Authenticator(DateTimeOffset now, SigV4AuthenticatorOptions? options = null) =>
        new(new StaticCredentialStore(AccessKey, Secret), new FixedTimeProvider(now), options);

    public static HttpRequest Request(string method, string rawTarget, IEnumerable<KeyValuePair<string, string>> headers, Stream? body = null)
    {
        var context = new DefaultHttpContext();
        HttpRequest request = context.Request;
        request.Method = method;
        int q = rawTarget.IndexOf('?');
        request.Path = PathString.FromUriComponent(q < 0 ? rawTarget : rawTarget[..q]);
        request.QueryString = q < 0 ? QueryString.Empty : new QueryString(rawTarget[q..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        foreach (var (name, value) in headers)
        {
            request.Headers.Append(name, value);
        }

        request.Body = body ?? Stream.Null;
        return request;
    }

    public static string AmzDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static byte[] SigningKey(string secret, DateTimeOffset time, string region)
    {
        byte[] k = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        k = Hmac(k, region);
        k = Hmac(k, "s3");
        return Hmac(k, "aws4_request");
    }

    public static string Scope(DateTimeOffset time, string region) =>
        $"{time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/s3/aws4_request";

    /// <summary>
    /// Signs every header in <paramref name="headers"/> (names lower-case) and returns the
    /// Authorization header. <paramref name="canonicalQuery"/> must already be canonical.
    /// </summary>
    public static string Authorization(string method, string canonicalUri, string canonicalQuery, IReadOnlyDictionary<string, string> headers,
        string payloadHash, DateTimeOffset time, string region = "us-east-1", string accessKey = AccessKey, string secret = Secret)
    {
        string signature = Signature(method, canonicalUri, canonicalQuery, headers, payloadHash, time, region, secret);
        string signed = string.Join(';', headers.Keys.Order(StringComparer.Ordinal));
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{Scope(time, region)}, SignedHeaders={signed}, Signature={signature}";
    }

    public static string Signature(string method, string canonicalUri, string canonicalQuery, IReadOnlyDictionary<string, string> headers,
        string payloadHash, DateTimeOffset time, string region = "us-east-1", string secret = Secret)
    {
        var names = headers.Keys.Order(StringComparer.Ordinal).ToList();
        string canonicalHeaders = string.Concat(names.Select(n => n + ":" + headers[n].Trim() + "\n"));
        string canonicalRequest = $"{method}\n{canonicalUri}\n{canonicalQuery}\n{canonicalHeaders}\n{string.Join(';', names)}\n{payloadHash}";
        string stringToSign = $"AWS4-HMAC-SHA256\n{AmzDate(time)}\n{Scope(time, region)}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        return Hex(Hmac(SigningKey(secret, time, region), stringToSign));
    }

    /// <summary>A presigned query string (GET, signed header host only) in the order SDKs emit it.</summary>
    public static string PresignQuery(string method, string canonicalUri, string host, DateTimeOffset time, long expires,
        string region = "us-east-1", string extraCanonicalQuery = "")
    {
        string credential = Uri.EscapeDataString($"{AccessKey}/{Scope(time, region)}");
        var parts = new List<string>
        {
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            $"X-Amz-Credential={credential}",
            $"X-Amz-Date={AmzDate(time)}",
            $"X-Amz-Expires={expires}",
            "X-Amz-SignedHeaders=host",
        };
        if (extraCanonicalQuery.Length > 0)
        {
            parts.AddRange(extraCanonicalQuery.Split('&'));
        }

        parts.Sort(StringComparer.Ordinal);
        string query = string.Join('&', parts);
        string signature = Signature(method, canonicalUri, query, new Dictionary<string, string> { ["host"] = host }, "UNSIGNED-PAYLOAD", time, region);
        return query + "&X-Amz-Signature=" + signature;
    }

    /// <summary>
    /// aws-chunked framing of <paramref name="data"/>. With <paramref name="seedSignature"/> every chunk is
    /// signed as a chain; <paramref name="trailers"/> (name → value) follow the last chunk, signed when chunks are.
    /// </summary>
    public static byte[] Chunked(byte[] data, int chunkSize, DateTimeOffset time, string? seedSignature,
        IReadOnlyList<KeyValuePair<string, string>>? trailers = null, string region = "us-east-1")
    {
        var output = new MemoryStream();
        byte[] key = SigningKey(Secret, time, region);
        string previous = seedSignature ?? "";
        for (int offset = 0; ; offset += chunkSize)
        {
            int length = Math.Max(0, Math.Min(chunkSize, data.Length - offset));
            var chunk = data.AsSpan(Math.Min(offset, data.Length), length);
            string header = chunk.Length.ToString("x", CultureInfo.InvariantCulture);
            if (seedSignature is not null)
            {
                string toSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{AmzDate(time)}\n{Scope(time, region)}\n{previous}\n{EmptySha256}\n{Hex(SHA256.HashData(chunk))}";
                previous = Hex(Hmac(key, toSign));
                header += ";chunk-signature=" + previous;
            }

            Write(output, header + "\r\n");
            if (chunk.Length == 0)
            {
                break;
            }

            output.Write(chunk);
            Write(output, "\r\n");
        }

        if (trailers is not null)
        {
            string canonical = string.Concat(trailers.Select(t => t.Key + ":" + t.Value + "\n"));
            Write(output, canonical.Replace("\n", "\r\n", StringComparison.Ordinal));
            if (seedSignature is not null)
            {
                string toSign = $"AWS4-HMAC-SHA256-TRAILER\n{AmzDate(time)}\n{Scope(time, region)}\n{previous}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
                Write(output, "x-amz-trailer-signature:" + Hex(Hmac(key, toSign)) + "\r\n");
            }
        }

        Write(output, "\r\n");
        return output.ToArray();
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize = 8192)
    {
        var output = new MemoryStream();
        byte[] buffer = new byte[bufferSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    public static async Task<S3Exception> ThrowsS3Async(string code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<S3Exception>(action);
        Assert.Equal(code, ex.Code.Code);
        return ex;
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[] Hmac(byte[] key, string text) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(text));

    private static void Write(Stream stream, string ascii) => stream.Write(Encoding.ASCII.GetBytes(ascii));
}
