using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.Objects;

namespace ObjectStore.S3;

/// <summary>Reads the S3 request headers that carry object attributes and conditions.</summary>
internal static class S3RequestHeaders
{
    public const string MetaPrefix = "x-amz-meta-";

    /// <summary>The standard headers stored with an object and returned on GET/HEAD.</summary>
    public static readonly string[] StoredHeaders =
    [
        HeaderNames.ContentType, HeaderNames.ContentEncoding, HeaderNames.ContentDisposition,
        HeaderNames.ContentLanguage, HeaderNames.CacheControl, HeaderNames.Expires,
    ];

    public const string DefaultContentType = "binary/octet-stream";

    /// <summary>Headers, x-amz-meta-*, x-amz-tagging, x-amz-storage-class and the ACL headers of a PUT (or a copy).</summary>
    public static ObjectAttributes Attributes(IHeaderDictionary headers)
    {
        var stored = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in StoredHeaders)
        {
            var value = headers[name].ToString();
            if (name == HeaderNames.ContentEncoding)
                value = StripAwsChunked(value);
            if (!string.IsNullOrEmpty(value))
                stored[name] = HeaderText.FromWire(value);
        }
        if (!stored.ContainsKey(HeaderNames.ContentType))
            stored[HeaderNames.ContentType] = DefaultContentType;

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (name.Length > MetaPrefix.Length && name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
                metadata[name[MetaPrefix.Length..].ToLowerInvariant()] = HeaderText.FromWire(values.ToString());
        }

        var storageClass = headers["x-amz-storage-class"].ToString();
        return new ObjectAttributes(stored, metadata, Tagging(headers["x-amz-tagging"].ToString()), storageClass.Length == 0 ? null : storageClass)
        {
            ObjectLock = ObjectLockHeaders.Parse(headers),
            Acl = AclHeaders.Parse(headers),
        };
    }

    /// <summary>Removes the aws-chunked transfer coding, which is not part of the object.</summary>
    public static string StripAwsChunked(string contentEncoding)
    {
        if (contentEncoding.Length == 0 || !contentEncoding.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase))
            return contentEncoding;
        var kept = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase));
        return string.Join(",", kept);
    }

    /// <summary>x-amz-tagging: a URL-encoded query string (k1=v1&amp;k2=v2).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Tagging(string header)
    {
        if (string.IsNullOrEmpty(header)) return [];
        var tags = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in new QueryStringEnumerable(header))
        {
            if (!IsWellEscaped(pair.EncodedName.Span) || !IsWellEscaped(pair.EncodedValue.Span))
                throw new S3Exception(S3Errors.InvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-tagging", ["ArgumentValue"] = header },
                };
            var key = pair.DecodeName().ToString();
            if (key.Length == 0) continue;
            if (!seen.Add(key))
                throw new S3Exception(S3Errors.InvalidTag, "Cannot provide multiple Tags with the same key");
            tags.Add(new(key, pair.DecodeValue().ToString()));
        }
        return tags;
    }

    /// <summary>Every '%' starts an escape of two hex digits, and the escapes decode to valid UTF-8.</summary>
    private static bool IsWellEscaped(ReadOnlySpan<char> encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != '%')
            {
                if (encoded[i] > 0x7F) return false;
                bytes.Add((byte)encoded[i]);
                continue;
            }
            if (i + 2 >= encoded.Length || !char.IsAsciiHexDigit(encoded[i + 1]) || !char.IsAsciiHexDigit(encoded[i + 2]))
                return false;
            bytes.Add(Convert.ToByte(encoded.Slice(i + 1, 2).ToString(), 16));
            i += 2;
        }
        return System.Text.Unicode.Utf8.IsValid(bytes.ToArray());
    }

    /// <summary>If-None-Match: * and If-Match on a write, as an index write condition.</summary>
    public static WriteCondition WriteCondition(IHeaderDictionary headers)
    {
        var ifNoneMatch = headers.IfNoneMatch.ToString().Trim();
        var ifMatch = headers.IfMatch.ToString().Trim();
        if (ifNoneMatch.Length > 0)
        {
            if (ifNoneMatch != "*")
                throw new S3Exception(S3Errors.NotImplemented, "A header you provided implies functionality that is not implemented: If-None-Match accepts only '*' on writes.")
                {
                    Details = new Dictionary<string, string> { ["Header"] = "If-None-Match" },
                };
            return Index.WriteCondition.MustNotExist;
        }
        if (ifMatch.Length > 0)
        {
            if (ifMatch == "*")
                throw new S3Exception(S3Errors.NotImplemented) { Details = new Dictionary<string, string> { ["Header"] = "If-Match" } };
            return Index.WriteCondition.ETagMatches(ETags.Quote(ETags.Unquote(ifMatch)));
        }
        return Index.WriteCondition.None;
    }

    /// <summary>The read conditions (If-Match ...), or the copy-source ones with <paramref name="prefix"/> "x-amz-copy-source-".</summary>
    public static Preconditions Preconditions(IHeaderDictionary headers, string prefix = "")
    {
        var result = new Preconditions(
            ETags.ParseList(headers[prefix + "If-Match"].ToString()),
            ETags.ParseList(headers[prefix + "If-None-Match"].ToString()),
            Date(headers[prefix + "If-Modified-Since"].ToString()),
            Date(headers[prefix + "If-Unmodified-Since"].ToString()));
        return result.IsEmpty ? Protocol.Preconditions.None : result;
    }

    /// <summary>An HTTP date; an invalid date is ignored, as S3 does.</summary>
    public static DateTimeOffset? Date(string value) =>
        value.Length > 0 && HeaderUtilities.TryParseDate(value, out var date) ? date : null;

    /// <summary>A COPY/REPLACE directive header; anything else is InvalidArgument.</summary>
    public static bool IsReplace(IHeaderDictionary headers, string name)
    {
        var value = headers[name].ToString();
        if (value.Length == 0 || value.Equals("COPY", StringComparison.OrdinalIgnoreCase)) return false;
        if (value.Equals("REPLACE", StringComparison.OrdinalIgnoreCase)) return true;
        throw new S3Exception(S3Errors.InvalidArgument, $"Unknown {(name.Contains("tagging", StringComparison.Ordinal) ? "tagging" : "metadata")} directive.")
        {
            Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value },
        };
    }
}
