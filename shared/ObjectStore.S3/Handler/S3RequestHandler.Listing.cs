using System.Globalization;
using System.Text;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

public sealed partial class S3RequestHandler
{
    private const int MaxListKeys = 1000;

    /// <summary>ListObjects (V1: marker) and ListObjectsV2 (continuation-token, start-after, fetch-owner).</summary>
    private async Task ListObjectsAsync(S3Call call, bool v2)
    {
        var query = ListQuery.Parse(call, v2);
        var listing = await _objects.ListObjectsAsync(
            new ListRequest(call.Bucket, query.Prefix, query.Delimiter, query.EffectiveStartAfter, query.MaxKeys), call.Aborted);
        var page = BuildPage(call.Bucket, query, listing, v2 ? (query.FetchOwner ? _owner : null) : _owner);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListObjectsAsync(body, page));
    }

    internal static ListObjectsPage BuildPage(string bucket, ListQuery query, ObjectListing listing, S3Owner? owner)
    {
        Func<string, string> enc = query.UrlEncode ? S3UrlEncoding.Encode : s => s;
        string? Enc(string? s) => s is null ? null : enc(s);
        var truncated = listing.IsTruncated && listing.NextStartAfter is not null;
        return new ListObjectsPage(query.V2, bucket, enc(query.Prefix), Enc(query.Delimiter), query.MaxKeys,
            query.UrlEncode ? S3UrlEncoding.Url : null, truncated, listing.Objects, listing.CommonPrefixes, owner)
        {
            Marker = query.V2 ? null : Enc(query.Marker ?? ""),
            // V1: NextMarker only with a delimiter, as S3 (without one, clients use the last key).
            NextMarker = !query.V2 && truncated && query.Delimiter is not null ? Enc(listing.NextStartAfter) : null,
            ContinuationToken = query.V2 ? query.ContinuationToken : null,
            NextContinuationToken = query.V2 && truncated ? EncodeContinuationToken(listing.NextStartAfter!) : null,
            StartAfter = query.V2 ? Enc(query.StartAfter) : null,
            EncodeKey = enc,
        };
    }

    /// <summary>The continuation token is opaque to clients: base64 of the last key (or common prefix) returned.</summary>
    internal static string EncodeContinuationToken(string lastKey) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastKey));

    internal static string DecodeContinuationToken(string token)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(token));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            throw new S3Exception(S3Errors.InvalidArgument, "The continuation token provided is incorrect")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "continuation-token" },
            };
        }
    }

    /// <summary>The query of a listing request, validated.</summary>
    internal sealed record ListQuery(bool V2, string Prefix, string? Delimiter, int MaxKeys, bool UrlEncode, bool FetchOwner)
    {
        public string? Marker { get; init; }
        public string? StartAfter { get; init; }
        public string? ContinuationToken { get; init; }

        /// <summary>Where the index should start: the decoded token, else start-after / marker.</summary>
        public string? EffectiveStartAfter =>
            V2 ? (ContinuationToken is not null ? DecodeContinuationToken(ContinuationToken) : NullIfEmpty(StartAfter)) : NullIfEmpty(Marker);

        public static ListQuery Parse(S3Call call, bool v2) => Parse(call.Query, v2);

        public static ListQuery Parse(IReadOnlyDictionary<string, string> q, bool v2)
        {
            string? Get(string name) => q.TryGetValue(name, out var v) ? v : null;

            var encoding = Get("encoding-type");
            if (encoding is not null && encoding != S3UrlEncoding.Url)
                throw new S3Exception(S3Errors.InvalidArgument, "Invalid Encoding Method specified in Request")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "encoding-type", ["ArgumentValue"] = encoding },
                };

            var maxKeys = MaxListKeys;
            if (Get("max-keys") is { } mk)
            {
                if (!int.TryParse(mk, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys))
                    throw new S3Exception(S3Errors.InvalidArgument, "Provided max-keys not an integer or within integer range")
                    {
                        Details = new Dictionary<string, string> { ["ArgumentName"] = "max-keys", ["ArgumentValue"] = mk },
                    };
                maxKeys = Math.Min(maxKeys, MaxListKeys);
            }

            var delimiter = Get("delimiter");
            var token = Get("continuation-token");
            if (v2 && token is { Length: 0 })
                throw new S3Exception(S3Errors.InvalidArgument, "The continuation token provided is incorrect")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "continuation-token" },
                };
            var query = new ListQuery(v2, Get("prefix") ?? "", string.IsNullOrEmpty(delimiter) ? null : delimiter, maxKeys,
                encoding is not null, v2 && string.Equals(Get("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Marker = v2 ? null : Get("marker"),
                StartAfter = v2 ? Get("start-after") : null,
                ContinuationToken = v2 ? token : null,
            };
            _ = query.EffectiveStartAfter; // validates the token up front
            return query;
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }
}
