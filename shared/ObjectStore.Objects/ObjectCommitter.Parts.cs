using ObjectStore.Index;

namespace ObjectStore.Objects;

/// <summary>Deleting the data of multipart objects and uploads, through their part rows (dispatched from DeleteDataQuietlyAsync).</summary>
internal sealed partial class ObjectCommitter
{
    private const int PartDeleteParallelism = 4;

    private Task DeleteMultipartDataQuietlyAsync(MultipartLayout layout) =>
        DeleteUploadPartsQuietlyAsync(layout.Bucket, layout.UploadId);

    /// <summary>Deletes every part of an upload (those the object uses and any it left out): data first, then rows.</summary>
    internal async Task DeleteUploadPartsQuietlyAsync(string bucket, string uploadId)
    {
        var parts = new List<PartRecord>();
        try
        {
            await foreach (var part in index.ListPartsAsync(bucket, uploadId, 0, CancellationToken.None))
                parts.Add(part);
        }
        catch (Exception ex)
        {
            Log.DataDeleteFailed(logger, $"upload {uploadId} in '{bucket}'", ex);
            return;
        }
        await DeletePartsQuietlyAsync(parts);
    }

    /// <summary>Deletes parts' data, then their rows; a failure leaves rows (or shards) the repair scan can identify.</summary>
    internal async Task DeletePartsQuietlyAsync(IReadOnlyList<PartRecord> parts)
    {
        if (parts.Count == 0)
            return;
        await Parallel.ForEachAsync(parts, new ParallelOptions { MaxDegreeOfParallelism = PartDeleteParallelism },
            async (part, _) => await DeleteDataQuietlyAsync(part.DataLayout));
        try
        {
            await index.DeletePartsAsync(parts, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.DataDeleteFailed(logger, $"part rows of upload {parts[0].UploadId} in '{parts[0].Bucket}'", ex);
        }
    }
}
