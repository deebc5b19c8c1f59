using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    /// <summary>Layouts of completed multipart objects name their upload; their parts are checked through the part rows.</summary>
    private const string MultipartLayoutPrefix = "mp1;";

    /// <summary>
    /// Walks every bucket (name order) and its data rows (part rows, then version rows, in RowKey
    /// order) from the saved cursor, checking a batch of rows, then checkpointing the cursor after it.
    /// Cursor: bucket + '\n' + position of the last row checked ('' before the first).
    /// </summary>
    private async Task<PassStatus> WalkAsync(PassRun run, CancellationToken cancellationToken)
    {
        var (fromBucket, fromPosition) = ParseWalkCursor(run.Cursor);
        await foreach (var bucket in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (fromBucket is not null && string.CompareOrdinal(bucket.Name, fromBucket) < 0)
                continue;
            var position = bucket.Name == fromBucket ? fromPosition : null;
            while (true)
            {
                var page = await index.ListDataRowsAsync(bucket.Name, position, options.BatchSize, cancellationToken).ConfigureAwait(false);
                await CheckRowsAsync(run, page.Rows, cancellationToken).ConfigureAwait(false);
                if (page.NextAfter is null)
                    break;
                position = page.NextAfter;
                if (!await run.CheckpointAsync(bucket.Name + "\n" + position, cancellationToken).ConfigureAwait(false))
                    return PassStatus.LeaseLost;
                if (run.OutOfTime)
                    return PassStatus.OutOfTime;
            }
        }
        return PassStatus.Finished;
    }

    private static (string? Bucket, string? Position) ParseWalkCursor(string? cursor)
    {
        if (cursor is null)
            return (null, null);
        var split = cursor.IndexOf('\n', StringComparison.Ordinal);
        return split < 0 ? (cursor, null) : (cursor[..split], cursor[(split + 1)..] is { Length: > 0 } p ? p : null);
    }

    private Task CheckRowsAsync(PassRun run, IReadOnlyList<DataRow> rows, CancellationToken cancellationToken)
    {
        // The storage class of each upload whose parts this batch holds, looked up once per upload.
        var uploadClasses = new System.Collections.Concurrent.ConcurrentDictionary<(string Key, string UploadId), Lazy<Task<string?>>>();
        return Parallel.ForEachAsync(rows, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
            (row, ct) => new ValueTask(CheckRowAsync(run, row, uploadClasses, ct)));
    }

    private async Task CheckRowAsync(PassRun run, DataRow row,
        System.Collections.Concurrent.ConcurrentDictionary<(string Key, string UploadId), Lazy<Task<string?>>> uploadClasses, CancellationToken cancellationToken)
    {
        if (row.Kind == DataRowKind.Version && row.DataLayout.StartsWith(MultipartLayoutPrefix, StringComparison.Ordinal))
        {
            lock (run.SummaryLock) run.Summary.MultipartObjects++;
            return;
        }
        if (InlineLayout.IsInline(row.DataLayout))
            return; // the data is the index row itself: nothing to check or rebuild (the index skips these rows anyway)
        DataLayout layout;
        try
        {
            layout = DataLayout.Parse(row.DataLayout);
        }
        catch (FormatException e)
        {
            LogUnknownLayout(e, row.Bucket, row.Key, row.Id);
            return;
        }

        var mode = FullyVerifies(layout.DataId, run.Summary.Number) ? DataCheckMode.Full : DataCheckMode.Quick;
        DataCheckResult result;
        try
        {
            var storageClass = row.Kind == DataRowKind.Part
                ? await uploadClasses.GetOrAdd((row.Key, row.Id[..row.Id.LastIndexOf('#')]),
                    k => new Lazy<Task<string?>>(() => UploadStorageClassAsync(row.Bucket, k.Key, k.UploadId, cancellationToken))).Value.ConfigureAwait(false)
                : row.StorageClass;
            result = await _shards.VerifyAndRepairAsync(layout, mode, storageClass, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckFailed(e, row.Bucket, row.Key, row.Id, layout.DataId);
            return;
        }
        // Damage on data deleted meanwhile (an overwrite) is not damage; what was rebuilt for it is an orphan for later.
        if (result.Health != DataHealth.Healthy && !await StillOwnsAsync(row, cancellationToken).ConfigureAwait(false))
            return;
        metrics.Checked(result);
        lock (run.SummaryLock)
        {
            run.Summary.Add(result, layout.Length);
            if (row.Kind == DataRowKind.Part)
                run.Summary.Parts++;
        }
        if (result.Health != DataHealth.Healthy)
        {
            run.NoteUnrepairedDamage();
            LogStillDamaged(row.Bucket, row.Key, row.Id, layout.DataId, result.Health, result.Unrepaired);
        }
        else
        {
            if (result.Repaired > 0)
                LogRepaired(row.Bucket, row.Key, row.Id, layout.DataId, result.Repaired);
            if (layout.MissingShards.Count > 0)
                await ClearMissingShardsAsync(row, layout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when the row still exists with the same layout.</summary>
    private async Task<bool> StillOwnsAsync(DataRow row, CancellationToken cancellationToken)
    {
        if (row.Kind == DataRowKind.Version)
        {
            var record = await index.GetObjectAsync(row.Bucket, row.Key, row.Id, cancellationToken).ConfigureAwait(false);
            return record is not null && record.DataLayout == row.DataLayout;
        }
        var hash = row.Id.LastIndexOf('#');
        var uploadId = row.Id[..hash];
        var number = int.Parse(row.Id.AsSpan(hash + 1), System.Globalization.CultureInfo.InvariantCulture);
        await foreach (var part in index.ListPartsAsync(row.Bucket, uploadId, number - 1, cancellationToken).ConfigureAwait(false))
            return part.PartNumber == number && part.DataLayout == row.DataLayout;
        return false;
    }

    /// <summary>
    /// Whether this pass verifies every block of the data: a fraction f of the data per pass, chosen
    /// by hash of the data id rotated by the pass number, so every piece of data gets a full verify
    /// once every round(1/f) passes.
    /// </summary>
    private bool FullyVerifies(string dataId, long passNumber)
    {
        if (options.VerifyFraction <= 0)
            return false;
        if (options.VerifyFraction >= 1)
            return true;
        var period = (ulong)Math.Max(1, Math.Round(1 / options.VerifyFraction));
        return (XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(dataId)) + (ulong)passNumber) % period == 0;
    }

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Repaired {Bucket}/{Key} ({Id}), data {DataId}: {Shards} shards rebuilt")]
    private partial void LogRepaired(string bucket, string key, string id, string dataId, int shards);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "{Bucket}/{Key} ({Id}), data {DataId} is {Health}: {Shards} shards still bad")]
    private partial void LogStillDamaged(string bucket, string key, string id, string dataId, DataHealth health, int shards);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Repair could not check {Bucket}/{Key} ({Id}), data {DataId}")]
    private partial void LogCheckFailed(Exception e, string bucket, string key, string id, string dataId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Repair skipped {Bucket}/{Key} ({Id}): unknown data layout")]
    private partial void LogUnknownLayout(Exception e, string bucket, string key, string id);
}
