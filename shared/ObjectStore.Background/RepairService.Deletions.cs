using Microsoft.Extensions.Logging;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    private const string PendingDeletionsKey = "pendingDeletions";
    private const int DeletionPageSize = 1000;

    /// <summary>
    /// Collects pending data deletions whose grace period is over (<see cref="RepairOptions.DataDeleteGrace"/>):
    /// in every bucket, and in every deleted bucket noted as still holding some, oldest first, at most
    /// <see cref="RepairOptions.MaxDataDeletionsPerPass"/> per run, in batches of <see cref="RepairOptions.BatchSize"/>:
    /// the data first (a multipart object's: every part's data, then the part rows), then the records. A crash
    /// in between deletes the same data again next time (deleting what is gone is a no-op): idempotent, and
    /// resumable without a cursor since a collected record is gone. Counts what stays for the report.
    /// The lease is extended after every batch; false when it was lost (another instance took over).
    /// </summary>
    private async Task<bool> CollectDataDeletionsAsync(PassRun run, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dueBefore = now - options.DataDeleteGrace;
        var budget = options.MaxDataDeletionsPerPass;
        long pendingCount = 0, pendingBytes = 0;
        DateTimeOffset? oldest = null;
        var (live, retired) = await BucketsToCollectAsync(cancellationToken).ConfigureAwait(false);
        foreach (var bucket in live.Concat(retired))
        {
            var left = false;
            string? after = null;
            do
            {
                var page = await index.ListDataDeletionsAsync(bucket, after, DeletionPageSize, cancellationToken).ConfigureAwait(false);
                var due = new List<DataDeletion>();
                foreach (var deletion in page.Deletions)
                {
                    if (deletion.UnreferencedAt <= dueBefore && due.Count < budget && !run.OutOfTime)
                        due.Add(deletion);
                }
                budget -= due.Count;
                var kept = await CollectAsync(run, due, cancellationToken).ConfigureAwait(false);
                if (kept is null)
                    return false;
                foreach (var deletion in page.Deletions.Except(due).Concat(kept))
                {
                    left = true;
                    pendingCount++;
                    pendingBytes += deletion.Size;
                    if (oldest is null || deletion.UnreferencedAt < oldest)
                        oldest = deletion.UnreferencedAt;
                }
                after = page.NextAfter;
            }
            while (after is not null);
            if (!left && retired.Contains(bucket))
                await index.ForgetRetiredBucketAsync(bucket, cancellationToken).ConfigureAwait(false);
        }
        var pending = new PendingDeletions(pendingCount, pendingBytes, oldest + options.DataDeleteGrace, now);
        run.NotePendingDeletions(pending);
        long deleted;
        lock (run.SummaryLock)
            deleted = run.Summary.DataDeleted.Objects;
        LogDeletionsCollected(deleted, pending.Count, pending.Bytes, pending.OldestDueAt);
        return true;
    }

    /// <summary>
    /// The live buckets, and the deleted ones still noted as holding pending deletions (a note on a name
    /// that is a bucket again is dropped: the live walk covers its partition).
    /// </summary>
    private async Task<(List<string> Live, List<string> Retired)> BucketsToCollectAsync(CancellationToken cancellationToken)
    {
        var live = new List<string>();
        await foreach (var bucket in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
            live.Add(bucket.Name);
        var retired = new List<string>();
        await foreach (var name in index.ListRetiredBucketsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (live.Contains(name, StringComparer.Ordinal))
                await index.ForgetRetiredBucketAsync(name, cancellationToken).ConfigureAwait(false);
            else
                retired.Add(name);
        }
        return (live, retired);
    }

    /// <summary>
    /// Deletes the data of <paramref name="due"/>, then the records of the data deleted, a batch at a time,
    /// extending the lease after each; returns the records kept (a failure is retried next run), or null
    /// when the lease was lost.
    /// </summary>
    private async Task<List<DataDeletion>?> CollectAsync(PassRun run, List<DataDeletion> due, CancellationToken cancellationToken)
    {
        var kept = new List<DataDeletion>();
        foreach (var batch in due.Chunk(options.BatchSize))
        {
            var done = new List<DataDeletion>();
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken },
                async (deletion, ct) =>
                {
                    var deleted = await DeleteDataAsync(deletion, ct).ConfigureAwait(false);
                    lock (done)
                        (deleted ? done : kept).Add(deletion);
                }).ConfigureAwait(false);
            await index.DeleteDataDeletionsAsync(done, cancellationToken).ConfigureAwait(false);
            lock (run.SummaryLock)
            {
                foreach (var deletion in done)
                    run.Summary.DataDeleted.Add(deletion.Size);
            }
            if (!await run.ExtendLeaseAsync(cancellationToken).ConfigureAwait(false))
                return null;
        }
        return kept;
    }

    /// <summary>Deletes one record's data; false when it must be retried. A layout of an unknown format is dropped (its shards become orphans).</summary>
    private async Task<bool> DeleteDataAsync(DataDeletion deletion, CancellationToken cancellationToken)
    {
        try
        {
            if (InlineLayout.IsInline(deletion.DataLayout))
                return true; // went with its row (the index records no such deletion; tolerated all the same)
            if (deletion.DataLayout.StartsWith(MultipartLayoutPrefix, StringComparison.Ordinal))
                await DeleteMultipartDataAsync(deletion.DataLayout, cancellationToken).ConfigureAwait(false);
            else
                await _data.DeleteAsync(DataLayout.Parse(deletion.DataLayout), cancellationToken).ConfigureAwait(false);
            metrics.DataDeleted();
            LogDataDeleted(deletion.Bucket, deletion.Key, deletion.VersionId, deletion.Size, deletion.UnreferencedAt);
            return true;
        }
        catch (FormatException e)
        {
            LogDeletionLayoutUnknown(e, deletion.Bucket, deletion.Key, deletion.DataLayout);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDeletionFailed(e, deletion.Bucket, deletion.Key, deletion.VersionId);
            return false;
        }
    }

    /// <summary>A multipart object's data: every part of its upload (data, then rows). Layout: <c>mp1;bucket;uploadId;...</c>.</summary>
    private async Task DeleteMultipartDataAsync(string layout, CancellationToken cancellationToken)
    {
        var fields = layout.Split(';');
        if (fields.Length < 3 || fields[1].Length == 0 || fields[2].Length == 0)
            throw new FormatException($"Unknown multipart layout format: '{layout}'.");
        var parts = new List<PartRecord>();
        await foreach (var part in index.ListPartsAsync(fields[1], fields[2], 0, cancellationToken).ConfigureAwait(false))
            parts.Add(part);
        foreach (var part in parts)
        {
            try
            {
                await _data.DeleteAsync(DataLayout.Parse(part.DataLayout), cancellationToken).ConfigureAwait(false);
            }
            catch (FormatException e)
            {
                LogDeletionLayoutUnknown(e, part.Bucket, part.Key, part.DataLayout);
            }
        }
        await index.DeletePartsAsync(parts, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 4044, Level = LogLevel.Information,
        Message = "Deferred deletions: {Deleted} pieces of data deleted by this pass so far; {Pending} pending ({PendingBytes} bytes), the oldest due {OldestDueAt:O}")]
    private partial void LogDeletionsCollected(long deleted, long pending, long pendingBytes, DateTimeOffset? oldestDueAt);

    [LoggerMessage(EventId = 4045, Level = LogLevel.Debug, Message = "Deleted the data of /{Bucket}/{Key} ({VersionId}, {Bytes} bytes), unreferenced at {UnreferencedAt:O}")]
    private partial void LogDataDeleted(string bucket, string key, string? versionId, long bytes, DateTimeOffset unreferencedAt);

    [LoggerMessage(EventId = 4046, Level = LogLevel.Warning, Message = "Could not delete the data of /{Bucket}/{Key} ({VersionId}); its record stays for the next run")]
    private partial void LogDeletionFailed(Exception e, string bucket, string key, string? versionId);

    [LoggerMessage(EventId = 4047, Level = LogLevel.Warning, Message = "Pending deletion of /{Bucket}/{Key} names a layout of unknown format, dropped (its shards are left to orphan collection): {Layout}")]
    private partial void LogDeletionLayoutUnknown(Exception e, string bucket, string key, string layout);
}
