using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    /// <summary>GetBucketRequestPayment: the bucket owner always pays here.</summary>
    public static async Task WriteRequestPaymentAsync(Stream destination)
    {
        await using var w = Create(destination);
        await StartAsync(w, "RequestPaymentConfiguration");
        await ElementAsync(w, "Payer", "BucketOwner");
        await EndAsync(w);
    }

    /// <summary>An empty document of a bucket configuration never set: AccelerateConfiguration, BucketLoggingStatus.</summary>
    public static async Task WriteEmptyAsync(Stream destination, string rootElement)
    {
        await using var w = Create(destination);
        await StartAsync(w, rootElement);
        await EndAsync(w);
    }

    /// <summary>
    /// An empty list of a bucket's configurations kept by id (ListBucketAnalyticsConfigurations and its kin): not
    /// truncated, and the continuation token echoed when one was sent, as S3 answers a bucket that has none.
    /// </summary>
    public static async Task WriteEmptyConfigurationListAsync(Stream destination, string rootElement, string? continuationToken)
    {
        await using var w = Create(destination);
        await StartAsync(w, rootElement);
        await ElementAsync(w, "IsTruncated", false);
        await OptionalElementAsync(w, "ContinuationToken", continuationToken);
        await EndAsync(w);
    }

    /// <summary>GetObjectAttributesResponse with the asked attributes; the ETag without quotes, as S3 writes it there.</summary>
    public static async Task WriteObjectAttributesAsync(Stream destination, IReadOnlySet<string> wanted, ObjectStore.Index.ObjectRecord record, ObjectPartsPage? parts)
    {
        await using var w = Create(destination);
        await StartAsync(w, "GetObjectAttributesResponse");
        if (wanted.Contains("ETag"))
            await ElementAsync(w, "ETag", record.ETag.Trim('"'));
        if (wanted.Contains("Checksum") && record.ChecksumAlgorithm is { } algorithm && record.ChecksumValue is { } value)
        {
            await w.WriteStartElementAsync(null, "Checksum", null);
            await ElementAsync(w, "Checksum" + ChecksumElementSuffix(algorithm), value);
            await ElementAsync(w, "ChecksumType", value.Contains('-', StringComparison.Ordinal) ? "COMPOSITE" : "FULL_OBJECT");
            await w.WriteEndElementAsync();
        }
        if (parts is not null)
        {
            await w.WriteStartElementAsync(null, "ObjectParts", null);
            await ElementAsync(w, "PartsCount", parts.TotalPartsCount); // TotalPartsCount on the wire is PartsCount
            await ElementAsync(w, "PartNumberMarker", parts.PartNumberMarker);
            if (parts.NextPartNumberMarker is { } next)
                await ElementAsync(w, "NextPartNumberMarker", next);
            await ElementAsync(w, "MaxParts", parts.MaxParts);
            await ElementAsync(w, "IsTruncated", parts.IsTruncated);
            foreach (var part in parts.Parts)
            {
                await w.WriteStartElementAsync(null, "Part", null);
                await ElementAsync(w, "PartNumber", part.PartNumber);
                await ElementAsync(w, "Size", part.Size);
                if (part.ChecksumAlgorithm is { } partAlgorithm && part.ChecksumValue is { } partValue)
                    await ElementAsync(w, "Checksum" + ChecksumElementSuffix(partAlgorithm), partValue);
                await w.WriteEndElementAsync();
            }
            await w.WriteEndElementAsync();
        }
        if (wanted.Contains("StorageClass"))
            await ElementAsync(w, "StorageClass", record.StorageClass);
        if (wanted.Contains("ObjectSize"))
            await ElementAsync(w, "ObjectSize", record.Size);
        await EndAsync(w);
    }
}

/// <summary>GetObjectAttributes' ObjectParts page (original part numbers, as ListParts shows them).</summary>
internal sealed record ObjectPartsPage(int TotalPartsCount, int PartNumberMarker, int? NextPartNumberMarker, int MaxParts, bool IsTruncated,
    IReadOnlyList<ObjectStore.Index.PartRecord> Parts);
