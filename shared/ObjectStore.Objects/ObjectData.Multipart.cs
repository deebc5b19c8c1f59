using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using static ObjectStore.Objects.EncryptionKeys;
using ObjectStore.Storage;

namespace ObjectStore.Objects;

/// <summary>Reading the data of multipart objects, through their part rows (dispatched from ReadDataAsync).</summary>
internal sealed partial class ObjectData
{
    /// <summary>
    /// Streams bytes [offset, offset + length) of a multipart object: walks its part rows from the first part
    /// the range touches (found directly when parts are uniform) and reads each part's touched stripes only.
    /// </summary>
    private async Task ReadMultipartDataAsync(MultipartLayout layout, byte[]? objectKey, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        var end = offset + length;
        var index0 = layout.DirectOffsetOf(1) is null ? 0 : (int)(offset / layout.UniformPartSize);
        var position = index0 * layout.UniformPartSize;
        var selected = layout.PartNumbers?.ToHashSet();
        await foreach (var part in PartsOfAsync(layout, afterPartNumber: index0, cancellationToken))
        {
            if (selected is not null && !selected.Contains(part.PartNumber))
                continue;
            var partEnd = position + part.Size;
            if (partEnd > offset && part.Size > 0)
            {
                var from = Math.Max(offset, position) - position;
                var to = Math.Min(end, partEnd) - position;
                var partLayout = DataLayout.Parse(part.DataLayout);
                var partKey = PartKeyOf(objectKey, partLayout);
                try
                {
                    await ReadPieceAsync(partLayout, part.Size, partKey, from, to - from, destination, cancellationToken);
                }
                finally
                {
                    Zero(partKey);
                }
            }
            position = partEnd;
            if (position >= end)
                return;
        }
        throw new DataStoreException($"Multipart object of upload {layout.UploadId} in '{layout.Bucket}' is missing parts after byte {position}.");
    }

    /// <summary>The part rows of the object (and, without a selection, only 1..PartCount), in order.</summary>
    private async IAsyncEnumerable<PartRecord> PartsOfAsync(MultipartLayout layout, int afterPartNumber,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = layout.PartNumbers is { Count: > 0 } numbers ? numbers[^1] : layout.PartCount;
        await foreach (var part in index.ListPartsAsync(layout.Bucket, layout.UploadId, afterPartNumber, cancellationToken))
        {
            if (part.PartNumber > last)
                yield break;
            yield return part;
        }
    }

    /// <summary>Bytes of part <paramref name="partNumber"/> (1-based position in the object) and the object's part count; InvalidPartNumber past the end.</summary>
    public async Task<(long Offset, long Length, int PartCount)> PartRangeAsync(ObjectRecord record, int partNumber, CancellationToken cancellationToken)
    {
        if (!MultipartLayout.IsMultipart(record.DataLayout))
            return partNumber == 1 ? (0, record.Size, 1) : throw new S3Exception(S3Errors.InvalidPartNumber, resource: $"/{record.Bucket}/{record.Key}");
        var layout = MultipartLayout.Parse(record.DataLayout);
        if (partNumber > layout.PartCount)
            throw new S3Exception(S3Errors.InvalidPartNumber, resource: $"/{record.Bucket}/{record.Key}");
        if (layout.DirectOffsetOf(partNumber) is { } direct)
            return (direct, Math.Min(layout.UniformPartSize, layout.Size - direct), layout.PartCount);
        long position = 0;
        var index = 0;
        var selected = layout.PartNumbers?.ToHashSet();
        await foreach (var part in PartsOfAsync(layout, 0, cancellationToken))
        {
            if (selected is not null && !selected.Contains(part.PartNumber))
                continue;
            if (++index == partNumber)
                return (position, part.Size, layout.PartCount);
            position += part.Size;
        }
        throw new DataStoreException($"Multipart object of upload {layout.UploadId} in '{layout.Bucket}' is missing part {partNumber}.");
    }

    /// <summary>
    /// The parts of a multipart object after <paramref name="afterPartNumber"/>, at most <paramref name="maxParts"/>
    /// plus one (so the caller sees whether more follow), with the object's part count; a simple object has no parts.
    /// </summary>
    public async Task<(IReadOnlyList<PartRecord> Parts, int PartCount)> ObjectPartsAsync(ObjectRecord record, int afterPartNumber, int maxParts, CancellationToken cancellationToken)
    {
        if (!MultipartLayout.IsMultipart(record.DataLayout))
            return ([], 0);
        var layout = MultipartLayout.Parse(record.DataLayout);
        var selected = layout.PartNumbers?.ToHashSet();
        var parts = new List<PartRecord>();
        if (maxParts <= 0)
            return (parts, layout.PartCount);
        await foreach (var part in PartsOfAsync(layout, afterPartNumber, cancellationToken))
        {
            if (selected is not null && !selected.Contains(part.PartNumber))
                continue;
            parts.Add(part);
            if (parts.Count > maxParts)
                break;
        }
        return (parts, layout.PartCount);
    }
}
