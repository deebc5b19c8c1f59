using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace ObjectStore.S3.Auth;

/// <summary>
/// S3's Signature Version 2 string to sign: <c>Method \n Content-MD5 \n Content-Type \n Date \n
/// CanonicalizedAmzHeaders CanonicalizedResource</c>, signed with base64 HMAC-SHA1 of the secret key.
/// </summary>
internal static class SigV2Canonical
{
    /// <summary>
    /// The query parameters clients put into the canonical resource. Clients disagree on the list, so a
    /// signature is checked against each list in turn: botocore's (boto3, the AWS CLI v1, s3fs), the one of
    /// the S3 documentation as s3cmd extends it, and the longer one MinIO's and other servers' clients use.
    /// </summary>
    public static readonly IReadOnlyList<HashSet<string>> SubResourceLists =
    [
        new(StringComparer.Ordinal)
        {
            "accelerate", "acl", "cors", "defaultObjectAcl", "location", "logging", "partNumber", "policy", "requestPayment", "torrent",
            "versioning", "versionId", "versions", "website", "uploads", "uploadId", "response-content-type", "response-content-language",
            "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding", "delete", "lifecycle",
            "tagging", "restore", "storageClass", "notification", "replication", "analytics", "metrics", "inventory", "select", "select-type",
            "object-lock",
        },
        new(StringComparer.Ordinal)
        {
            "acl", "lifecycle", "location", "logging", "notification", "partNumber", "policy", "requestPayment", "torrent", "uploadId",
            "uploads", "versionId", "versioning", "versions", "website", "delete", "cors", "restore", "response-content-type",
            "response-content-language", "response-expires", "response-cache-control", "response-content-disposition", "response-content-encoding",
        },
        new(StringComparer.Ordinal)
        {
            "acl", "cors", "delete", "encryption", "legal-hold", "lifecycle", "location", "logging", "notification", "partNumber", "policy",
            "requestPayment", "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
            "response-content-type", "response-expires", "retention", "select", "select-type", "tagging", "torrent", "uploadId", "uploads",
            "versionId", "versioning", "versions", "website",
        },
    ];

    /// <summary>
    /// The string to sign. <paramref name="field"/> reads Content-MD5, Content-Type and every x-amz-* value
    /// (a presigned URL may carry them as query parameters); <paramref name="amzHeaders"/> lists the x-amz-* names.
    /// </summary>
    public static string StringToSign(string method, Func<string, string?> field, IEnumerable<string> amzHeaders, string date, string resource)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append('\n')
            .Append(field("content-md5")?.Trim() ?? "").Append('\n')
            .Append(field("content-type")?.Trim() ?? "").Append('\n')
            .Append(date).Append('\n');
        foreach (string name in amzHeaders.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            // Folded: the values of a repeated header joined by ',', line breaks and the spaces around them made one space.
            sb.Append(name).Append(':').Append(Fold(field(name) ?? "")).Append('\n');
        }

        return sb.Append(resource).ToString();
    }

    /// <summary>
    /// <c>/bucket</c> for a virtual-hosted request, then the path as sent, then the sub-resources of
    /// <paramref name="subResources"/> sorted by name with their decoded values. An empty value sent as
    /// <c>name=</c> keeps its '=' when <paramref name="keepEmptyEquals"/> (botocore does, s3cmd does not).
    /// </summary>
    public static string Resource(string? virtualHostBucket, string path, IReadOnlyList<QueryParameter> query, HashSet<string> subResources, bool keepEmptyEquals)
    {
        var sb = new StringBuilder(path.Length + 32);
        if (virtualHostBucket is not null)
        {
            sb.Append('/').Append(virtualHostBucket);
        }

        sb.Append(path.Length == 0 ? "/" : path);
        var picked = query.Where(p => subResources.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        for (int i = 0; i < picked.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(picked[i].Name);
            if (picked[i].Value.Length > 0 || (keepEmptyEquals && picked[i].HasEquals))
            {
                sb.Append('=').Append(picked[i].Value);
            }
        }

        return sb.ToString();
    }

    /// <summary>Base64 HMAC-SHA1 of the UTF-8 string to sign.</summary>
    public static byte[] Sign(string secret, string stringToSign) =>
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));

    /// <summary>A V2 signature as sent (base64); false when it is not 20 bytes of base64.</summary>
    public static bool TryParseSignature(string text, Span<byte> destination) =>
        Convert.TryFromBase64String(text, destination, out int written) && written == 20;

    /// <summary>An x-amz-date or Date value: RFC 1123 (and the other HTTP forms) or ISO 8601 basic.</summary>
    public static bool TryParseDate(string? value, out DateTimeOffset time)
    {
        time = default;
        return !string.IsNullOrWhiteSpace(value)
            && (SigV4AuthorizationParser.TryParseHttpDate(value.Trim(), out time) || SigV4AuthorizationParser.TryParseAmzDate(value.Trim(), out time)
                || TryParseNumericZone(value.Trim(), out time));
    }

    /// <summary>RFC 822 numeric zones, as S3's own examples write dates: "Tue, 27 Mar 2007 19:36:42 +0000".</summary>
    private static bool TryParseNumericZone(string value, out DateTimeOffset time)
    {
        time = default;
        int n = value.Length;
        if (n < 6 || value[n - 5] is not ('+' or '-') || value.AsSpan(n - 4).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        string colon = value[..(n - 2)] + ":" + value[(n - 2)..];
        return DateTimeOffset.TryParseExact(colon, ["ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>A presigned URL's Expires: seconds since the epoch.</summary>
    public static bool TryParseExpires(string value, out DateTimeOffset time)
    {
        time = default;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > 253402300799)
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>All values of a header joined by ','.</summary>
    public static string? HeaderValue(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(',', values.Select(v => (v ?? "").Trim())) : null;

    /// <summary>Query parameters decoded, remembering whether each was sent with '='.</summary>
    public static List<QueryParameter> ParseQuery(string rawQuery)
    {
        var decoded = SigV4Canonical.ParseQuery(rawQuery);
        var result = new List<QueryParameter>(decoded.Count);
        int i = 0;
        foreach (string part in rawQuery.Split('&'))
        {
            if (part.Length > 0)
            {
                result.Add(new QueryParameter(decoded[i].Name, decoded[i].Value, part.Contains('=')));
                i++;
            }
        }

        return result;
    }

    private static string Fold(string value)
    {
        if (!value.Contains('\n') && !value.Contains('\r'))
        {
            return value.Trim();
        }

        var parts = value.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0);
        return string.Join(' ', parts);
    }
}

/// <summary>One query parameter, decoded.</summary>
internal readonly record struct QueryParameter(string Name, string Value, bool HasEquals);
