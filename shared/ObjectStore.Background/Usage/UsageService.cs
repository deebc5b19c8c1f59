using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

/// <summary>
/// The usage pass: for each bucket, reads its versions, unfinished uploads (with their parts) and
/// outbox in bounded pages from a persisted cursor, and keeps the counts with the scan state
/// ("usage", bucket), so a pass cut short resumes where it stopped and a crash loses nothing. What
/// <see cref="GetReportAsync"/> answers is the last finished count of each bucket: usage is at most
/// one schedule interval plus one pass old (README, "Usage and cost"). Counting in a pass rather
/// than in every index write keeps the write path as it is (one transaction per write, no hot
/// counter row per bucket that every PUT would contend on) at the price of that staleness.
/// </summary>
public sealed partial class UsageService(
    IObjectIndex index,
    IScanStateStore state,
    UsageOptions options,
    IOptions<ErasureDataStoreOptions> storage,
    IOptions<LifecycleCostOptions> costs,
    TimeProvider time,
    ILogger<UsageService> logger)
{
    public const string PassName = "usage";
    private const string PartialKey = "partial";
    private const string ResultKey = "result";

    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly UsageSnapshot _snapshot = new();

    /// <summary>The last finished counts this process saw (the usage gauges read it).</summary>
    internal UsageSnapshot Snapshot => _snapshot;

    public async Task RunPassAsync(CancellationToken cancellationToken) => await RunAsync(null, cancellationToken).ConfigureAwait(false);

    /// <summary>One pass over every bucket, or over <paramref name="bucket"/> only; returns the buckets it finished.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(string? bucket, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var finished = new List<string>();
        var buckets = new List<string>();
        if (bucket is not null)
            buckets.Add(bucket);
        else
            await foreach (var b in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
                buckets.Add(b.Name);
        foreach (var name in buckets)
        {
            if (options.MaxPassDuration is { } limit && Stopwatch.GetElapsedTime(started) > limit)
            {
                LogPassTimeLimit(finished.Count, buckets.Count);
                break;
            }
            if (await CountBucketAsync(name, started, cancellationToken).ConfigureAwait(false))
                finished.Add(name);
        }
        LogPassDone(finished.Count, buckets.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return finished;
    }

    /// <summary>Counts one bucket from its saved cursor to the end (true), or until the time limit or a lost lease (false).</summary>
    private async Task<bool> CountBucketAsync(string bucket, long passStarted, CancellationToken cancellationToken)
    {
        var held = await state.TryAcquireAsync(PassName, bucket, _owner, options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            LogLeasedElsewhere(bucket);
            return false;
        }
        var result = held.Data.TryGetValue(ResultKey, out var r) ? r : null;
        var cursor = UsageCursor.FromJson(held.Cursor);
        var tally = cursor is null ? null : UsageTally.FromJson(held.Data.TryGetValue(PartialKey, out var p) ? p : null);
        if (cursor is null || tally is null)
            (cursor, tally) = (UsageCursor.Start, new UsageTally { StartedAt = time.GetUtcNow() });
        else
            LogResumed(bucket, cursor.Phase);

        while (cursor is not null)
        {
            if (options.MaxPassDuration is { } limit && Stopwatch.GetElapsedTime(passStarted) > limit)
            {
                await state.ReleaseAsync(held, completed: false, Data(result, tally), cancellationToken).ConfigureAwait(false);
                return false;
            }
            cursor = await StepAsync(bucket, cursor, tally, cancellationToken).ConfigureAwait(false);
            if (cursor is null)
                break;
            var next = await state.CheckpointAsync(held, cursor.ToJson(), Data(result, tally), options.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                LogLeaseLost(bucket);
                return false;
            }
            held = next;
        }

        tally.CompletedAt = time.GetUtcNow();
        var json = tally.ToJson();
        if (!await state.ReleaseAsync(held, completed: true, new Dictionary<string, string> { [ResultKey] = json }, cancellationToken).ConfigureAwait(false))
        {
            LogLeaseLost(bucket);
            return false;
        }
        _snapshot.Set(bucket, ToUsage(bucket, tally));
        return true;
    }

    private static Dictionary<string, string> Data(string? result, UsageTally tally)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { [PartialKey] = tally.ToJson() };
        if (result is not null)
            data[ResultKey] = result;
        return data;
    }

    /// <summary>Reads one page of the cursor's phase into the tally; the cursor after it, null when the bucket is done.</summary>
    private async Task<UsageCursor?> StepAsync(string bucket, UsageCursor cursor, UsageTally tally, CancellationToken cancellationToken)
    {
        switch (cursor.Phase)
        {
            case UsageCursor.Versions:
            {
                var page = await index.ListVersionsAsync(new VersionListRequest(bucket, "", null, cursor.KeyMarker, cursor.Marker, options.PageSize), cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.Entries)
                    tally.AddVersion(entry);
                return page.IsTruncated
                    ? new UsageCursor(UsageCursor.Versions, page.NextKeyMarker, page.NextVersionIdMarker)
                    : new UsageCursor(UsageCursor.Uploads, null, null);
            }
            case UsageCursor.Uploads:
            {
                var page = await index.ListUploadsAsync(new UploadListRequest(bucket, "", null, cursor.KeyMarker, cursor.Marker, options.PageSize), cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow();
                foreach (var upload in page.Uploads)
                {
                    long parts = 0, bytes = 0;
                    await foreach (var part in index.ListPartsAsync(bucket, upload.UploadId, 0, cancellationToken).ConfigureAwait(false))
                    {
                        parts++;
                        bytes += part.Size;
                    }
                    tally.AddUpload(upload, parts, bytes, now - upload.Initiated > options.StaleUploadAge);
                }
                return page.IsTruncated
                    ? new UsageCursor(UsageCursor.Uploads, page.NextKeyMarker, page.NextUploadIdMarker)
                    : new UsageCursor(UsageCursor.Outbox, null, null);
            }
            default:
            {
                var now = time.GetUtcNow();
                foreach (var row in await index.ListOutboxAsync(bucket, now, now, options.OutboxScanLimit, cancellationToken).ConfigureAwait(false))
                    tally.AddOutbox(row);
                return null;
            }
        }
    }

    [LoggerMessage(EventId = 5500, Level = LogLevel.Information, Message = "Usage pass counted {Finished} of {Buckets} buckets in {ElapsedMs:F0} ms")]
    private partial void LogPassDone(int finished, int buckets, double elapsedMs);

    [LoggerMessage(EventId = 5501, Level = LogLevel.Information, Message = "Usage pass stopped at its time limit after {Finished} of {Buckets} buckets; the next pass resumes")]
    private partial void LogPassTimeLimit(int finished, int buckets);

    [LoggerMessage(EventId = 5502, Level = LogLevel.Debug, Message = "Usage of bucket {Bucket} is being counted by another instance")]
    private partial void LogLeasedElsewhere(string bucket);

    [LoggerMessage(EventId = 5503, Level = LogLevel.Warning, Message = "Usage pass lost its lease on bucket {Bucket}; another instance continues from the last checkpoint")]
    private partial void LogLeaseLost(string bucket);

    [LoggerMessage(EventId = 5504, Level = LogLevel.Information, Message = "Usage pass resumes bucket {Bucket} in its {Phase} phase")]
    private partial void LogResumed(string bucket, string phase);
}
