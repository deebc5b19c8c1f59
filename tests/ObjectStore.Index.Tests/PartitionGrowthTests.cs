using System.Collections.Concurrent;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Growing a bucket's index online (docs/index-schema.md, "Growing a bucket online"): every key, version,
/// delete marker and upload is where readers and writers look for it before, during and after a split,
/// whatever instance routes it, and a split cut short anywhere resumes to the same end.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionGrowthTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>
    /// Short waits: instances reread routing within 200 ms, and a split waits 2 s beyond that (an operation that read
    /// the routing commits within it, even on a loaded test machine: the split's one assumption).
    /// </summary>
    private static readonly TableIndexOptions Fast = new()
    {
        RoutingCacheLifetime = TimeSpan.FromMilliseconds(200),
        SplitFenceMargin = TimeSpan.FromSeconds(2),
        MoveLease = TimeSpan.FromSeconds(2),
    };

    [Fact]
    public async Task Growing_from_one_to_eight_partitions_keeps_every_key_version_marker_and_upload()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite, indexOptions: Fast);
        var bucket = await ctx.CreateBucketAsync();
        var uploads = await FillAsync(ctx.Index, bucket, keys: 120);
        var before = await SnapshotAsync(ctx.Index, bucket);

        var status = await GrowAsync(ctx.Table, bucket, 8);

        Assert.Equal((8, (int?)null, true), (status.Count, status.SplitTo, status.Done));
        Assert.True(status.Moved > 60, $"moved {status.Moved} of 120 keys"); // 7 of 8 keys change partition
        Assert.Equal(before, await SnapshotAsync(ctx.Index, bucket));
        await AssertNoSplitLeftoversAsync(ctx, bucket, expectedPartitions: 8);

        // Uploads started before the split go on where they were.
        foreach (var upload in uploads)
        {
            var part = new PartRecord(bucket, upload.Key, upload.UploadId, 2, 5, "\"p2\"", DateTimeOffset.UtcNow, "layout-p2");
            Assert.Equal(IndexWriteResult.Success, (await ctx.Index.CommitPartAsync(part, None)).Result);
            Assert.Equal([1, 2], await PartNumbersAsync(ctx.Index, upload));
            Assert.NotNull(await ctx.Index.GetUploadAsync(bucket, upload.Key, upload.UploadId, None));
        }
    }

    [Fact]
    public async Task A_split_cut_short_at_random_points_resumes_to_the_same_end()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite, indexOptions: Fast);
        var bucket = await ctx.CreateBucketAsync();
        await FillAsync(ctx.Index, bucket, keys: 80);
        var before = await SnapshotAsync(ctx.Index, bucket);

        // Each run is cancelled after a random few round trips, wherever it is (a crash between any two calls).
        var random = new Random(7);
        IndexPartitionStatus? status = null;
        for (var run = 0; run < 400 && status is not { Done: true }; run++)
        {
            using var crash = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(20, 400)));
            try
            {
                status = await ctx.Table.GrowPartitionsAsync(bucket, 4, TimeSpan.FromMinutes(1), crash.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Assert.True(status is { Done: true, Count: 4 }, $"status {status}");
        Assert.Equal(before, await SnapshotAsync(ctx.Index, bucket));
        await AssertNoSplitLeftoversAsync(ctx, bucket, expectedPartitions: 4);
    }

    [Fact]
    public async Task Instances_that_have_not_reread_the_routing_read_and_write_through_the_stubs()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite, indexOptions: Fast);
        var bucket = await ctx.CreateBucketAsync();
        await FillAsync(ctx.Index, bucket, keys: 40);
        // Short calls, and a cleanup wait of 5 s: the test acts while the stubs are still there.
        var splitter = ctx.Sibling(Fast with { SplitFenceMargin = TimeSpan.FromSeconds(5) });
        // One instance keeps the routing it read before the split (one partition), one what it read while keys moved.
        var before = ctx.Sibling(Fast with { RoutingCacheLifetime = TimeSpan.FromHours(1) });
        Assert.NotNull(await before.GetObjectAsync(bucket, KeyOf(0), null, None));
        var during = ctx.Sibling(Fast with { RoutingCacheLifetime = TimeSpan.FromHours(1) });
        IndexPartitionStatus? status;
        do
        {
            status = await splitter.GrowPartitionsAsync(bucket, 8, TimeSpan.FromMilliseconds(100), None);
            if (status!.Phase == "moving")
                await during.GetObjectAsync(bucket, KeyOf(0), null, None);
        }
        while (status.Phase != "cleanup");
        Assert.Equal(8, status.Count);

        foreach (var (instance, name) in new[] { (before, "before"), (during, "during") })
        {
            for (var i = 0; i < 40; i++)
            {
                var key = KeyOf(i);
                Assert.Equal(key, (await instance.GetObjectAsync(bucket, key, null, None))?.Key);
                var put = await instance.PutObjectAsync(IndexTestContext.Record(bucket, key, $"\"{name}\""), WriteCondition.None, BucketVersioning.Enabled, None);
                Assert.Equal(IndexWriteResult.Success, put.Result);
                Assert.Equal($"\"{name}\"", (await ctx.Index.GetObjectAsync(bucket, key, null, None))?.ETag);
            }
        }
        // A key created by an instance that knows of the split (through a stub in its source partition) is where every instance looks.
        var created = await during.PutObjectAsync(IndexTestContext.Record(bucket, "new/after-move"), WriteCondition.MustNotExist, BucketVersioning.Enabled, None);
        Assert.Equal(IndexWriteResult.Success, created.Result);
        Assert.NotNull(await ctx.Index.GetObjectAsync(bucket, "new/after-move", null, None));
        Assert.NotNull(await before.GetObjectAsync(bucket, "new/after-move", null, None));
        Assert.Equal(IndexWriteResult.ConditionFailed,
            (await before.PutObjectAsync(IndexTestContext.Record(bucket, "new/after-move"), WriteCondition.MustNotExist, BucketVersioning.Enabled, None)).Result);
    }

    [Fact]
    public async Task Writers_and_readers_running_through_a_split_lose_nothing()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite, indexOptions: Fast);
        var bucket = await ctx.CreateBucketAsync();
        await FillAsync(ctx.Index, bucket, keys: 60);
        // Each writer owns its keys: the model is the last write each writer saw succeed.
        var model = new ConcurrentDictionary<string, string?>();
        foreach (var record in (await ctx.ListAllAsync(bucket, "", null, 1000)).Entries)
            model[record] = (await ctx.Index.GetObjectAsync(bucket, record, null, None))!.ETag;
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() => WriteLoopAsync(ctx.Index, bucket, w, model, failures, stop.Token))).ToList();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => ReadLoopAsync(ctx.Index, bucket, model, failures, stop.Token))).ToList();

        var status = await GrowAsync(ctx.Table, bucket, 8);
        await stop.CancelAsync();
        await Task.WhenAll(writers.Concat(readers));

        Assert.Empty(failures);
        Assert.True(status.Done);
        var live = model.Where(kv => kv.Value is not null).Select(kv => kv.Key).Order(Utf8KeyComparer.Instance).ToList();
        Assert.Equal(live, (await ctx.ListAllAsync(bucket, "", null, 1000)).Entries);
        foreach (var (key, etag) in model)
            Assert.Equal(etag, (await ctx.Index.GetObjectAsync(bucket, key, null, None)) is { IsDeleteMarker: false } r ? r.ETag : null);
        await AssertNoSplitLeftoversAsync(ctx, bucket, expectedPartitions: 8);
    }

    private static async Task WriteLoopAsync(IObjectIndex index, string bucket, int writer, ConcurrentDictionary<string, string?> model,
        ConcurrentQueue<string> failures, CancellationToken stop)
    {
        var random = new Random(writer);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            // Existing keys k/NNN with NNN % 4 == writer, and new ones w{writer}/n.
            var key = random.Next(3) == 0 ? $"w{writer}/{n:0000}" : $"k/{random.Next(15) * 4 + writer:000}";
            try
            {
                if (random.Next(5) == 0)
                {
                    var deleted = await index.DeleteObjectAsync(bucket, key, null, WriteCondition.None, BucketVersioning.Enabled, CancellationToken.None);
                    if (deleted.Result == IndexWriteResult.Success)
                        model[key] = null;
                }
                else
                {
                    var etag = $"\"w{writer}-{n}\"";
                    var put = await index.PutObjectAsync(IndexTestContext.Record(bucket, key, etag), WriteCondition.None, BucketVersioning.Enabled, CancellationToken.None);
                    if (put.Result == IndexWriteResult.Success)
                        model[key] = etag;
                    else
                        failures.Enqueue($"put {key}: {put.Result}");
                }
            }
            catch (IndexBusyException)
            {
                // A key being moved answered "retry" (S3 SlowDown): allowed, and nothing changed.
            }
        }
    }

    private static async Task ReadLoopAsync(IObjectIndex index, string bucket, ConcurrentDictionary<string, string?> model, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var key in model.Keys.Where(k => k.StartsWith("k/", StringComparison.Ordinal)).Take(20))
            {
                // Keys under k/ are never absent for long: a reader must never see one missing that no writer deleted.
                var expected = model.GetValueOrDefault(key);
                var read = await index.GetObjectAsync(bucket, key, null, CancellationToken.None);
                if (expected is not null && model.GetValueOrDefault(key) is not null && read is null)
                    failures.Enqueue($"read {key}: missing");
            }
        }
    }

    private static async Task<IndexPartitionStatus> GrowAsync(TableObjectIndex index, string bucket, int count)
    {
        IndexPartitionStatus? status = null;
        for (var run = 0; run < 20 && status is not { Done: true }; run++)
            status = await index.GrowPartitionsAsync(bucket, count, TimeSpan.FromSeconds(60), None);
        return status!;
    }

    /// <summary>Key number i of <see cref="FillAsync"/>: k/000, k/001 ..., and one past 357 bytes (an overflow token).</summary>
    private static string KeyOf(int i) => i == 7 ? "k/007-" + new string('x', 400) : $"k/{i:000}";

    /// <summary>Keys k/000.. (some versioned twice, some deleted to a marker, some inline, one past 357 bytes), and two uploads with a part.</summary>
    private static async Task<List<UploadRecord>> FillAsync(IObjectIndex index, string bucket, int keys)
    {
        for (var i = 0; i < keys; i++)
        {
            var key = KeyOf(i);
            var record = IndexTestContext.Record(bucket, key) with { Tags = new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            if (i % 10 == 3)
                record = record with { DataLayout = InlineLayout.Of("d" + i, 3), InlineData = new byte[] { 1, 2, (byte)i } };
            Assert.Equal(IndexWriteResult.Success, (await index.PutObjectAsync(record, WriteCondition.None, BucketVersioning.Enabled, None)).Result);
            if (i % 3 == 0)
                await index.PutObjectAsync(record with { ETag = "\"v2\"" }, WriteCondition.None, BucketVersioning.Enabled, None);
            if (i % 11 == 5)
                await index.DeleteObjectAsync(bucket, key, null, WriteCondition.None, BucketVersioning.Enabled, None);
        }
        var uploads = new List<UploadRecord>();
        foreach (var key in new[] { "big/one", "big/two" })
        {
            var upload = new UploadRecord(bucket, key, UploadIds.New(DateTimeOffset.UtcNow, key), DateTimeOffset.UtcNow, "STANDARD");
            Assert.Equal(IndexWriteResult.Success, await index.CreateUploadAsync(upload, None));
            Assert.Equal(IndexWriteResult.Success, (await index.CommitPartAsync(new PartRecord(bucket, key, upload.UploadId, 1, 5, "\"p1\"", DateTimeOffset.UtcNow, "layout-p1"), None)).Result);
            uploads.Add(upload);
        }
        return uploads;
    }

    /// <summary>What a client can see: every listing and every version's record (tags and inline bytes included).</summary>
    private static async Task<string> SnapshotAsync(IObjectIndex index, string bucket)
    {
        var lines = new List<string>();
        string? keyMarker = null, versionMarker = null;
        do
        {
            var page = await index.ListVersionsAsync(new VersionListRequest(bucket, "", null, keyMarker, versionMarker, 37), None);
            foreach (var entry in page.Entries)
            {
                var full = await index.GetObjectAsync(bucket, entry.Version.Key, entry.Version.VersionId, None);
                lines.Add($"{entry.Version.Key} {entry.Version.VersionId} {entry.IsLatest} {entry.Version.IsDeleteMarker} {full?.ETag} {full?.Tags.GetValueOrDefault("n")} "
                    + Convert.ToHexString(full?.InlineData?.ToArray() ?? []));
            }
            (keyMarker, versionMarker) = page.IsTruncated ? (page.NextKeyMarker, page.NextVersionIdMarker) : (null, null);
        }
        while (keyMarker is not null);
        string? startAfter = null;
        do
        {
            var page = await index.ListObjectsAsync(new ListRequest(bucket, "", "/", startAfter, 3), None);
            lines.AddRange(page.Objects.Select(o => "object " + o.Key).Concat(page.CommonPrefixes.Select(p => "prefix " + p)));
            startAfter = page.IsTruncated ? page.NextStartAfter : null;
        }
        while (startAfter is not null);
        var uploads = await index.ListUploadsAsync(new UploadListRequest(bucket, "", null, null, null, 1000), None);
        lines.AddRange(uploads.Uploads.Select(u => $"upload {u.Key} {u.UploadId}"));
        return string.Join("\n", lines);
    }

    private static async Task<List<int>> PartNumbersAsync(IObjectIndex index, UploadRecord upload)
    {
        var numbers = new List<int>();
        await foreach (var part in index.ListPartsAsync(upload.Bucket, upload.UploadId, 0, None))
            numbers.Add(part.PartNumber);
        return numbers;
    }

    /// <summary>No stub, staging row or lease is left, and the keys now spread over every partition.</summary>
    private static async Task AssertNoSplitLeftoversAsync(TableIndexContext ctx, string bucket, int expectedPartitions)
    {
        var table = ctx.Service.GetTableClient(ctx.Table.ObjectsTableName);
        var partitionsWithKeys = new HashSet<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {bucket} and PartitionKey lt {bucket + "~"}")))
        {
            Assert.False(row.RowKey.StartsWith('m'), $"staging row {row.PartitionKey}/{row.RowKey}");
            Assert.Null(row.GetBoolean("Moved"));
            Assert.Null(row.GetDateTimeOffset("MoveUntil"));
            if (row.RowKey.StartsWith('o'))
            {
                partitionsWithKeys.Add(row.PartitionKey);
                var key = row.GetString("Key")!;
                Assert.Equal(IndexPartitions.PartitionKey(bucket, IndexPartitions.IndexOf(KeySpreading.HashOf(key), expectedPartitions)), row.PartitionKey);
            }
        }
        Assert.Equal(expectedPartitions, partitionsWithKeys.Count);
    }
}
