using ObjectStore.Index;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

/// <summary>One ListMultipartUploads page, with keys and markers already URL-encoded if asked.</summary>
internal sealed record UploadsPage(
    string Bucket,
    string Prefix,
    string? Delimiter,
    string KeyMarker,
    string UploadIdMarker,
    int MaxUploads,
    string? EncodingType,
    UploadListing Listing,
    S3Owner Owner,
    Func<string, string> EncodeKey);

/// <summary>One ListParts page.</summary>
internal sealed record PartsListPage(
    string Bucket,
    string Key,
    UploadRecord Upload,
    int PartNumberMarker,
    int MaxParts,
    bool IsTruncated,
    IReadOnlyList<PartRecord> Parts,
    S3Owner Owner);

internal static partial class S3XmlResponses
{
    public static async Task WriteInitiateMultipartUploadAsync(Stream destination, string bucket, string key, string uploadId)
    {
        await using var w = Create(destination);
        await StartAsync(w, "InitiateMultipartUploadResult");
        await ElementAsync(w, "Bucket", bucket);
        await ElementAsync(w, "Key", key);
        await ElementAsync(w, "UploadId", uploadId);
        await EndAsync(w);
    }

    public static async Task WriteCompleteMultipartUploadAsync(Stream destination, string location, ObjectRecord record)
    {
        await using var w = Create(destination);
        await StartAsync(w, "CompleteMultipartUploadResult");
        await ElementAsync(w, "Location", location);
        await ElementAsync(w, "Bucket", record.Bucket);
        await ElementAsync(w, "Key", record.Key);
        await ElementAsync(w, "ETag", record.ETag);
        if (record.ChecksumAlgorithm is { } algorithm && record.ChecksumValue is { } value)
        {
            await ElementAsync(w, "Checksum" + ChecksumElementSuffix(algorithm), value);
            await ElementAsync(w, "ChecksumType", ChecksumTypeOf(value));
        }
        await EndAsync(w);
    }

    /// <summary>Multipart composite checksums end in "-N"; every other stored checksum covers the full object.</summary>
    public static string ChecksumTypeOf(string checksumValue) => checksumValue.Contains('-') ? "COMPOSITE" : "FULL_OBJECT";

    public static async Task WriteListPartsAsync(Stream destination, PartsListPage page)
    {
        await using var w = Create(destination);
        await StartAsync(w, "ListPartsResult");
        await ElementAsync(w, "Bucket", page.Bucket);
        await ElementAsync(w, "Key", page.Key);
        await ElementAsync(w, "UploadId", page.Upload.UploadId);
        await InitiatorAndOwnerAsync(w, page.Owner);
        await ElementAsync(w, "StorageClass", page.Upload.StorageClass);
        await ElementAsync(w, "PartNumberMarker", page.PartNumberMarker);
        if (page.Parts.Count > 0)
            await ElementAsync(w, "NextPartNumberMarker", page.Parts[^1].PartNumber);
        await ElementAsync(w, "MaxParts", page.MaxParts);
        await ElementAsync(w, "IsTruncated", page.IsTruncated);
        if (page.Upload.ChecksumAlgorithm is { } algorithm)
        {
            await ElementAsync(w, "ChecksumAlgorithm", algorithm);
            await OptionalElementAsync(w, "ChecksumType", page.Upload.ChecksumType);
        }
        foreach (var part in page.Parts)
        {
            await w.WriteStartElementAsync(null, "Part", null);
            await ElementAsync(w, "PartNumber", part.PartNumber);
            await ElementAsync(w, "LastModified", part.LastModified);
            await ElementAsync(w, "ETag", part.ETag);
            await ElementAsync(w, "Size", part.Size);
            if (part.ChecksumAlgorithm is { } partAlgorithm && part.ChecksumValue is { } value)
                await ElementAsync(w, "Checksum" + ChecksumElementSuffix(partAlgorithm), value);
            await w.WriteEndElementAsync();
        }
        await EndAsync(w);
    }

    public static async Task WriteListMultipartUploadsAsync(Stream destination, UploadsPage page)
    {
        var listing = page.Listing;
        await using var w = Create(destination);
        await StartAsync(w, "ListMultipartUploadsResult");
        await ElementAsync(w, "Bucket", page.Bucket);
        await ElementAsync(w, "KeyMarker", page.EncodeKey(page.KeyMarker));
        await ElementAsync(w, "UploadIdMarker", page.UploadIdMarker);
        if (listing.IsTruncated)
        {
            await ElementAsync(w, "NextKeyMarker", page.EncodeKey(listing.NextKeyMarker ?? ""));
            await ElementAsync(w, "NextUploadIdMarker", listing.NextUploadIdMarker ?? "");
        }
        await OptionalElementAsync(w, "Delimiter", page.Delimiter is null ? null : page.EncodeKey(page.Delimiter));
        await ElementAsync(w, "Prefix", page.EncodeKey(page.Prefix));
        await ElementAsync(w, "MaxUploads", page.MaxUploads);
        await OptionalElementAsync(w, "EncodingType", page.EncodingType);
        await ElementAsync(w, "IsTruncated", listing.IsTruncated);
        foreach (var upload in listing.Uploads)
        {
            await w.WriteStartElementAsync(null, "Upload", null);
            await ElementAsync(w, "Key", page.EncodeKey(upload.Key));
            await ElementAsync(w, "UploadId", upload.UploadId);
            await InitiatorAndOwnerAsync(w, page.Owner);
            await ElementAsync(w, "StorageClass", upload.StorageClass);
            await ElementAsync(w, "Initiated", upload.Initiated);
            await OptionalElementAsync(w, "ChecksumAlgorithm", upload.ChecksumAlgorithm);
            await OptionalElementAsync(w, "ChecksumType", upload.ChecksumType);
            await w.WriteEndElementAsync();
        }
        await CommonPrefixesAsync(w, listing.CommonPrefixes, page.EncodeKey);
        await EndAsync(w);
    }

    private static async Task InitiatorAndOwnerAsync(System.Xml.XmlWriter w, S3Owner owner)
    {
        await w.WriteStartElementAsync(null, "Initiator", null);
        await ElementAsync(w, "ID", owner.Id);
        await ElementAsync(w, "DisplayName", owner.DisplayName);
        await w.WriteEndElementAsync();
        await OwnerAsync(w, owner.Id, owner.DisplayName);
    }
}
