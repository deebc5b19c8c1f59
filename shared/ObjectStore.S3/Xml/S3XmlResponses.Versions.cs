using ObjectStore.Index;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

/// <summary>One ListObjectVersions page; keys, prefixes and markers already URL-encoded if asked.</summary>
internal sealed record ListVersionsPage(
    string Bucket,
    string Prefix,
    string? Delimiter,
    string KeyMarker,
    string VersionIdMarker,
    int MaxKeys,
    string? EncodingType,
    VersionListing Listing,
    S3Owner Owner)
{
    public Func<string, string> EncodeKey { get; init; } = k => k;
}

internal static partial class S3XmlResponses
{
    public static async Task WriteListVersionsAsync(Stream destination, ListVersionsPage page)
    {
        await using var w = Create(destination);
        await StartAsync(w, "ListVersionsResult");
        await ElementAsync(w, "Name", page.Bucket);
        await ElementAsync(w, "Prefix", page.Prefix);
        await ElementAsync(w, "KeyMarker", page.KeyMarker);
        await ElementAsync(w, "VersionIdMarker", page.VersionIdMarker);
        var listing = page.Listing;
        if (listing.IsTruncated)
        {
            await OptionalElementAsync(w, "NextKeyMarker", listing.NextKeyMarker is null ? null : page.EncodeKey(listing.NextKeyMarker));
            await OptionalElementAsync(w, "NextVersionIdMarker", listing.NextVersionIdMarker);
        }
        await ElementAsync(w, "MaxKeys", page.MaxKeys);
        await OptionalElementAsync(w, "Delimiter", page.Delimiter);
        await OptionalElementAsync(w, "EncodingType", page.EncodingType);
        await ElementAsync(w, "IsTruncated", listing.IsTruncated);
        foreach (var (version, isLatest) in listing.Entries)
        {
            await w.WriteStartElementAsync(null, version.IsDeleteMarker ? "DeleteMarker" : "Version", null);
            await ElementAsync(w, "Key", page.EncodeKey(version.Key));
            await ElementAsync(w, "VersionId", version.VersionId);
            await ElementAsync(w, "IsLatest", isLatest);
            await ElementAsync(w, "LastModified", version.LastModified);
            if (!version.IsDeleteMarker)
            {
                await ElementAsync(w, "ETag", version.ETag);
                await ElementAsync(w, "Size", version.Size);
                await ElementAsync(w, "StorageClass", version.StorageClass);
            }
            await OwnerAsync(w, page.Owner.Id, page.Owner.DisplayName);
            if (!version.IsDeleteMarker && version.ChecksumAlgorithm is { } algorithm)
                await ElementAsync(w, "ChecksumAlgorithm", algorithm);
            await w.WriteEndElementAsync();
        }
        await CommonPrefixesAsync(w, listing.CommonPrefixes, page.EncodeKey);
        await EndAsync(w);
    }
}
