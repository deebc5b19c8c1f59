using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.Tools;

/// <summary>
/// A minimal SigV4 header signer for the load tool and the admin command line. Bodies go as UNSIGNED-PAYLOAD so
/// the client spends its CPU on sending bytes, not hashing them (the load tool measures the server). Compiled into each tool (linked file), not a package.
/// </summary>
internal sealed class S3Signer(string accessKey, string secretKey, string region)
{
    private const string Service = "s3";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private (string Date, byte[] Key) cachedKey = ("", []);

    public void Sign(HttpRequestMessage request)
    {
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var uri = request.RequestUri!;
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.Host = host;
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", UnsignedPayload);

        var canonicalQuery = string.Join('&', ParseQuery(uri.Query)
            .Select(p => (Name: Encode(p.Name), Value: Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        const string signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        var canonicalRequest = string.Join('\n',
            request.Method.Method, uri.AbsolutePath, canonicalQuery,
            $"host:{host}", $"x-amz-content-sha256:{UnsignedPayload}", $"x-amz-date:{amzDate}", "",
            signedHeaders, UnsignedPayload);
        var scope = $"{date}/{region}/{Service}/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signature = Hex(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.Authorization = new AuthenticationHeaderValue("AWS4-HMAC-SHA256",
            $"Credential={accessKey}/{scope},SignedHeaders={signedHeaders},Signature={signature}");
    }

    private byte[] SigningKey(string date)
    {
        var cached = cachedKey;
        if (cached.Date == date)
            return cached.Key;
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, Service, "aws4_request" })
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        cachedKey = (date, key);
        return key;
    }

    private static IEnumerable<(string Name, string Value)> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=');
            return eq < 0
                ? (Uri.UnescapeDataString(pair), "")
                : (Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
        });

    private static string Encode(string s) => Uri.EscapeDataString(s);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
