using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>
/// Builds presigned POST forms the way boto3's generate_presigned_post does: the caller's conditions
/// plus bucket, key (starts-with for a key ending in ${filename}), x-amz-algorithm, x-amz-credential
/// and x-amz-date; the policy base64 JSON; x-amz-signature the HMAC of it with the SigV4 signing key.
/// </summary>
internal static class PresignedPost
{
    public const string Region = "us-east-1";

    /// <param name="conditions">Extra conditions as JSON values (e.g. <c>["content-length-range", 1, 10]</c>).</param>
    /// <param name="fields">Extra form fields (each needs a condition, as with boto3).</param>
    /// <param name="expiresIn">Negative for an already expired policy.</param>
    public static Dictionary<string, string> Create(string accessKey, string secretKey, string bucket, string key,
        IEnumerable<string>? conditions = null, IReadOnlyDictionary<string, string>? fields = null, TimeSpan? expiresIn = null, DateTimeOffset? now = null)
    {
        var time = now ?? DateTimeOffset.UtcNow;
        var date = time.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var amzDate = time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var credential = $"{accessKey}/{date}/{Region}/s3/aws4_request";
        var all = new List<string>(conditions ?? [])
        {
            Json(new Dictionary<string, string> { ["bucket"] = bucket }),
            key.EndsWith("${filename}", StringComparison.Ordinal)
                ? Json(new[] { "starts-with", "$key", key[..^"${filename}".Length] })
                : Json(new Dictionary<string, string> { ["key"] = key }),
            Json(new Dictionary<string, string> { ["x-amz-algorithm"] = "AWS4-HMAC-SHA256" }),
            Json(new Dictionary<string, string> { ["x-amz-credential"] = credential }),
            Json(new Dictionary<string, string> { ["x-amz-date"] = amzDate }),
        };
        var expiration = time + (expiresIn ?? TimeSpan.FromMinutes(10));
        var policy = $"{{\"expiration\": \"{expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}\", \"conditions\": [{string.Join(", ", all)}]}}";
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(policy));

        var form = new Dictionary<string, string>(fields ?? new Dictionary<string, string>())
        {
            ["key"] = key,
            ["x-amz-algorithm"] = "AWS4-HMAC-SHA256",
            ["x-amz-credential"] = credential,
            ["x-amz-date"] = amzDate,
            ["policy"] = encoded,
            ["x-amz-signature"] = SignPolicy(secretKey, date, encoded),
        };
        return form;
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value);

    public static string SignPolicy(string secret, string date, string policy)
    {
        static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date), Region), "s3"), "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, policy));
    }

    /// <summary>The form as HttpClient sends it: the fields in order, then the file (S3 wants the file last).</summary>
    public static MultipartFormDataContent Content(IReadOnlyDictionary<string, string> fields, byte[] file, string fileName = "upload.bin",
        string? fileContentType = "application/octet-stream")
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            content.Add(new StringContent(value), name);
        var part = new ByteArrayContent(file);
        if (fileContentType is not null)
            part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(fileContentType);
        content.Add(part, "file", fileName);
        return content;
    }
}
