using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>ListObjects, ListObjectsV2 and ListObjectVersions: parse the query, ask the object service, render a page.</summary>
internal sealed class ListingHandler(ObjectService objects, BucketService buckets, IOptions<S3Options> options)
{
    private readonly ObjectService _objects = objects;
    private readonly BucketService _buckets = buckets;
    private readonly S3Owner _owner = new(options.Value.OwnerId, options.Value.OwnerDisplayName);

    private const int MaxListKeys = 1000;

    /// <summary>ListObjects (V1: marker) and ListObjectsV2 (continuation-token, start-after, fetch-owner).</summary>
    public async Task ListObjectsAsync(S3Call call, bool v2)
    {
        var query = ListQuery.Parse(call, v2);
        var listing = await _objects.ListObjectsAsync(await call.AddressedBucketAsync(_buckets),
            new ListRequest(call.Bucket, query.Prefix, query.Delimiter, query.EffectiveStartAfter, query.MaxKeys), call.Aborted);
        var page = BuildPage(call.Bucket, query, listing, v2 ? (query.FetchOwner ? _owner : null) : _owner);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListObjectsAsync(body, page));
    }
    /// <summary>GET ?versions: prefix, delimiter, key-marker, version-id-marker, max-keys, encoding-type.</summary>
    public async Task ListObjectVersionsAsync(S3Call call)
    {
        // The parameters ListObjects shares (prefix, delimiter, max-keys, encoding-type) are validated alike.
        var query = ListQuery.Parse(call, v2: false);
        var keyMarker = call.QueryValue("key-marker") ?? "";
        var versionIdMarker = call.QueryValue("version-id-marker") ?? "";
        if (versionIdMarker.Length > 0 && keyMarker.Length == 0)
            throw new S3Exception(S3Errors.InvalidArgument, "A version-id marker cannot be specified without a key marker.")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "version-id-marker", ["ArgumentValue"] = versionIdMarker },
            };

        var listing = await _objects.ListVersionsAsync(await call.AddressedBucketAsync(_buckets), new VersionListRequest(call.Bucket, query.Prefix, query.Delimiter,
            keyMarker.Length == 0 ? null : keyMarker, versionIdMarker.Length == 0 ? null : versionIdMarker, query.MaxKeys), call.Aborted);

        Func<string, string> encode = query.UrlEncode ? S3UrlEncoding.Encode : s => s;
        var page = new ListVersionsPage(call.Bucket, encode(query.Prefix), query.Delimiter is null ? null : encode(query.Delimiter),
            encode(keyMarker), versionIdMarker, query.MaxKeys, query.UrlEncode ? S3UrlEncoding.Url : null, listing, _owner)
        {
            EncodeKey = encode,
        };
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListVersionsAsync(body, page));
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
            if (token is { Length: 0 })
                token = null; // S3 treats an empty continuation-token= as absent
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
