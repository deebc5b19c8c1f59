using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

/// <summary>The owner reported in listings.</summary>
internal sealed record S3Owner(string Id, string DisplayName);

/// <summary>One ListObjects (V1) or ListObjectsV2 page, with every field already URL-encoded if asked.</summary>
internal sealed record ListObjectsPage(
    bool V2,
    string Bucket,
    string Prefix,
    string? Delimiter,
    int MaxKeys,
    string? EncodingType,
    bool IsTruncated,
    IReadOnlyList<ObjectRecord> Objects,
    IReadOnlyList<string> CommonPrefixes,
    S3Owner? Owner)
{
    public string? Marker { get; init; }
    public string? NextMarker { get; init; }
    public string? ContinuationToken { get; init; }
    public string? NextContinuationToken { get; init; }
    public string? StartAfter { get; init; }
    /// <summary>Encodes a key for output (identity unless encoding-type=url).</summary>
    public Func<string, string> EncodeKey { get; init; } = k => k;
}

/// <summary>The S3 response documents.</summary>
internal static partial class S3XmlResponses
{
    /// <summary>The error document (no namespace, as S3).</summary>
    public static async Task WriteErrorAsync(Stream destination, S3Exception error, string requestId, string hostId)
    {
        await using var w = Create(destination);
        await StartAsync(w, "Error", withNamespace: false);
        await ElementAsync(w, "Code", error.Code.Code);
        await ElementAsync(w, "Message", error.Message);
        foreach (var (name, value) in error.Details)
            await ElementAsync(w, name, value);
        await OptionalElementAsync(w, "Resource", error.Resource);
        await ElementAsync(w, "RequestId", requestId);
        await ElementAsync(w, "HostId", hostId);
        await EndAsync(w);
    }

    public static async Task WriteListBucketsAsync(Stream destination, S3Owner owner, IEnumerable<BucketRecord> buckets)
    {
        await using var w = Create(destination);
        await StartAsync(w, "ListAllMyBucketsResult");
        await OwnerAsync(w, owner.Id, owner.DisplayName);
        await w.WriteStartElementAsync(null, "Buckets", null);
        foreach (var b in buckets)
        {
            await w.WriteStartElementAsync(null, "Bucket", null);
            await ElementAsync(w, "Name", b.Name);
            await ElementAsync(w, "CreationDate", b.CreatedAt);
            await ElementAsync(w, "BucketRegion", b.Region);
            await w.WriteEndElementAsync();
        }
        await w.WriteEndElementAsync();
        await EndAsync(w);
    }

    public static async Task WriteListObjectsAsync(Stream destination, ListObjectsPage page)
    {
        await using var w = Create(destination);
        await StartAsync(w, "ListBucketResult");
        await ElementAsync(w, "Name", page.Bucket);
        await ElementAsync(w, "Prefix", page.Prefix);
        if (page.V2)
        {
            await OptionalElementAsync(w, "ContinuationToken", page.ContinuationToken);
            await OptionalElementAsync(w, "NextContinuationToken", page.NextContinuationToken);
            await OptionalElementAsync(w, "StartAfter", page.StartAfter);
            await ElementAsync(w, "KeyCount", page.Objects.Count + page.CommonPrefixes.Count);
        }
        else
        {
            await ElementAsync(w, "Marker", page.Marker ?? "");
            await OptionalElementAsync(w, "NextMarker", page.NextMarker);
        }
        await ElementAsync(w, "MaxKeys", page.MaxKeys);
        await OptionalElementAsync(w, "Delimiter", page.Delimiter);
        await OptionalElementAsync(w, "EncodingType", page.EncodingType);
        await ElementAsync(w, "IsTruncated", page.IsTruncated);
        foreach (var o in page.Objects)
        {
            await w.WriteStartElementAsync(null, "Contents", null);
            await ElementAsync(w, "Key", page.EncodeKey(o.Key));
            await ElementAsync(w, "LastModified", o.LastModified);
            await ElementAsync(w, "ETag", o.ETag);
            await ElementAsync(w, "Size", o.Size);
            await ElementAsync(w, "StorageClass", o.StorageClass);
            if (page.Owner is { } owner)
                await OwnerAsync(w, owner.Id, owner.DisplayName);
            if (o.ChecksumAlgorithm is { } alg)
                await ElementAsync(w, "ChecksumAlgorithm", alg);
            await w.WriteEndElementAsync();
        }
        await CommonPrefixesAsync(w, page.CommonPrefixes, page.EncodeKey);
        await EndAsync(w);
    }

    public static async Task WriteTaggingAsync(Stream destination, IEnumerable<KeyValuePair<string, string>> tags)
    {
        await using var w = Create(destination);
        await StartAsync(w, "Tagging");
        await TagSetAsync(w, tags);
        await EndAsync(w);
    }

    /// <summary>LocationConstraint: empty for us-east-1, as S3.</summary>
    public static async Task WriteLocationAsync(Stream destination, string region)
    {
        await using var w = Create(destination);
        await w.WriteStartDocumentAsync();
        await w.WriteStartElementAsync(null, "LocationConstraint", Namespace);
        if (region != "us-east-1") await w.WriteStringAsync(region);
        await EndAsync(w);
    }

    public static async Task WriteVersioningAsync(Stream destination, string? status)
    {
        await using var w = Create(destination);
        await StartAsync(w, "VersioningConfiguration");
        await OptionalElementAsync(w, "Status", status);
        await EndAsync(w);
    }

    /// <param name="root">CopyObjectResult, or CopyPartResult for UploadPartCopy (same fields).</param>
    public static async Task WriteCopyObjectResultAsync(Stream destination, string etag, DateTimeOffset lastModified, string? checksumAlgorithm, string? checksumValue,
        string root = "CopyObjectResult")
    {
        await using var w = Create(destination);
        await StartAsync(w, root);
        await ElementAsync(w, "ETag", etag);
        await ElementAsync(w, "LastModified", lastModified);
        if (checksumAlgorithm is not null && checksumValue is not null)
            await ElementAsync(w, "Checksum" + ChecksumElementSuffix(checksumAlgorithm), checksumValue);
        await EndAsync(w);
    }

    /// <summary>CRC32 → CRC32, CRC32C → CRC32C, SHA256 → SHA256, CRC64NVME → CRC64NVME (element ChecksumCRC32 ...).</summary>
    internal static string ChecksumElementSuffix(string algorithm) => algorithm.ToUpperInvariant();

    /// <summary>One DeleteObjects outcome.</summary>
    internal sealed record DeleteOutcome(string Key, string? VersionId, S3Exception? Error)
    {
        /// <summary>The version removed was a delete marker.</summary>
        public bool DeleteMarker { get; init; }
        /// <summary>The delete marker this delete created.</summary>
        public string? DeleteMarkerVersionId { get; init; }
    }

    public static async Task WriteDeleteResultAsync(Stream destination, IEnumerable<DeleteOutcome> outcomes, bool quiet, Func<string, string> encodeKey)
    {
        await using var w = Create(destination);
        await StartAsync(w, "DeleteResult");
        foreach (var o in outcomes)
        {
            if (o.Error is null)
            {
                if (quiet) continue;
                await w.WriteStartElementAsync(null, "Deleted", null);
                await ElementAsync(w, "Key", encodeKey(o.Key));
                await OptionalElementAsync(w, "VersionId", o.VersionId);
                if (o.DeleteMarker || o.DeleteMarkerVersionId is not null)
                    await ElementAsync(w, "DeleteMarker", "true");
                await OptionalElementAsync(w, "DeleteMarkerVersionId", o.DeleteMarkerVersionId);
                await w.WriteEndElementAsync();
            }
            else
            {
                await w.WriteStartElementAsync(null, "Error", null);
                await ElementAsync(w, "Key", encodeKey(o.Key));
                await OptionalElementAsync(w, "VersionId", o.VersionId);
                await ElementAsync(w, "Code", o.Error.Code.Code);
                await ElementAsync(w, "Message", o.Error.Message);
                await w.WriteEndElementAsync();
            }
        }
        await EndAsync(w);
    }
}
