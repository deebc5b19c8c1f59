using System.Diagnostics;
using ObjectStore.Testing;
using Xunit.Abstractions;

namespace ObjectStore.Index.Tests;

/// <summary>
/// What the Table index reads to answer a listing (rows and queries on the wire) and how it pages:
/// properties of the Table layout, not of the <see cref="IObjectIndex"/> contract, so Table-only.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableListingCostTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static List<string> Utf8Sorted(IEnumerable<string> keys) => keys.Order(Utf8KeyComparer.Instance).ToList();

    private static async Task<int> CountVersionsAsync(IObjectIndex index, string bucket)
    {
        var page = await index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 1000), None);
        Assert.False(page.IsTruncated);
        return page.Entries.Count;
    }

    private static async Task PutAsync(IndexTestContext ctx, string bucket, string key, string etag, BucketVersioning versioning) =>
        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key, etag), WriteCondition.None, versioning, None)).Result);

    [Fact]
    public async Task Listing_current_objects_reads_no_old_versions()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var bucket = await ctx.CreateBucketAsync();
        for (var key = 0; key < 10; key++)
            for (var version = 0; version < 8; version++)
                await PutAsync(ctx, bucket, $"k{key}", $"\"{version}\"", BucketVersioning.Enabled);

        ctx.Counter.Reset();
        var listing = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None);

        Assert.Equal(10, listing.Objects.Count);
        Assert.All(listing.Objects, o => Assert.Equal("\"7\"", o.ETag));
        Assert.Equal(10, ctx.Counter.Entities); // one current row per key, none of the 70 older versions
        Assert.Equal(80, await CountVersionsAsync(ctx.Index, bucket));
    }

    [Fact]
    public async Task Delimiter_listing_skips_past_a_big_common_prefix_without_reading_its_keys()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var bucket = await ctx.CreateBucketAsync();
        var keys = Enumerable.Range(0, 3000).Select(i => $"big/{i:D5}").Concat(Enumerable.Range(0, 3000).Select(i => $"huge/sub/{i:D5}"))
            .Concat(["a", "big0", "c/1", "c/2", "z"]).ToList();
        await ctx.BulkInsertAsync(bucket, keys);

        ctx.Counter.Reset();
        var page = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", "/", null, 1000), None);
        Assert.Equal(["a", "big/", "big0", "c/", "huge/", "z"], IndexTestContext.Merge(page).ToList());
        Assert.False(page.IsTruncated);
        output.WriteLine($"delimiter listing over 6005 keys: {ctx.Counter.Queries} queries, {ctx.Counter.Entities} entities read; index stats {ctx.Table.LastListingStatistics}");
        Assert.True(ctx.Counter.Entities < 1000, $"read {ctx.Counter.Entities} entities");
        Assert.Equal(ctx.Counter.Entities, ctx.Table.LastListingStatistics.Rows);

        // Paging one entry at a time resumes after each common prefix without re-reading it.
        ctx.Counter.Reset();
        var (entries, pages) = await ctx.ListAllAsync(bucket, "", "/", 1);
        Assert.Equal(["a", "big/", "big0", "c/", "huge/", "z"], entries);
        Assert.Equal(6, pages);
        Assert.True(ctx.Counter.Entities < 200, $"read {ctx.Counter.Entities} entities paging one at a time");
    }

    [Fact]
    public async Task Listing_10000_keys_returns_them_all_in_order()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var bucket = await ctx.CreateBucketAsync();
        var keys = Enumerable.Range(0, 10_000).Select(i => $"datasets/shard{i % 100:D3}/sample-{i:D6}.tfrecord").ToList();
        var insert = Stopwatch.StartNew();
        await ctx.BulkInsertAsync(bucket, keys);
        insert.Stop();

        var flat = Stopwatch.StartNew();
        var (entries, pages) = await ctx.ListAllAsync(bucket, "", null, 1000);
        flat.Stop();
        Assert.Equal(Utf8Sorted(keys), entries);
        // 999 keys a page: a page of 1000 would need a 1001st row, one query more (docs/index-schema.md).
        Assert.Equal(11, pages);

        var rolled = Stopwatch.StartNew();
        var (dirs, _) = await ctx.ListAllAsync(bucket, "datasets/", "/", 1000);
        rolled.Stop();
        Assert.Equal(100, dirs.Count);

        output.WriteLine($"bulk insert 10,000 rows: {insert.ElapsedMilliseconds} ms ({10_000 / insert.Elapsed.TotalSeconds:0} rows/s)");
        output.WriteLine($"list 10,000 keys in pages of 1000: {flat.ElapsedMilliseconds} ms ({10_000 / flat.Elapsed.TotalSeconds:0} objects/s)");
        output.WriteLine($"delimiter list of 100 prefixes over 10,000 keys: {rolled.ElapsedMilliseconds} ms");
    }
    /// <summary>
    /// The merge of a partitioned bucket reads each partition about its share of a page (docs/index-schema.md,
    /// Listing, "Partitioned buckets"): rows and queries per 1000-key page at 1, 4 and 16 partitions.
    /// </summary>
    [Fact]
    public async Task A_1000_key_page_of_a_partitioned_bucket_reads_each_partition_about_its_share()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var keys = Enumerable.Range(0, 4000).Select(i => $"datasets/shard{i % 100:D3}/sample-{i:D6}.tfrecord").ToList();
        var sorted = Utf8Sorted(keys);
        foreach (var partitions in new[] { 1, 4, 16 })
        {
            var bucket = new PartitionedBucket(ctx, $"c{partitions}", partitions);
            await bucket.BulkInsertAsync(keys);

            ctx.Counter.Reset();
            var first = await bucket.ListAsync("", null, null, 1000);
            var stats = bucket.Listings.LastListingStatistics;
            Assert.Equal(sorted.Take(first.Objects.Count), first.Objects.Select(o => o.Key));
            Assert.True(first.Objects.Count >= 999 && first.IsTruncated);
            Assert.Equal(ctx.Counter.Entities, stats.Rows);
            // Each partition's share of 1001 rows plus about three standard deviations (and rounding), not 1000 rows each.
            var bound = 1001 + 3 * Math.Sqrt(1001.0 * partitions) + 3 * partitions;
            Assert.True(stats.Rows <= bound, $"{partitions} partitions: read {stats.Rows} rows for one page, more than {bound:0}");
            Assert.True(stats.Queries <= 2 * partitions, $"{partitions} partitions: {stats.Queries} queries for one page");

            ctx.Counter.Reset();
            string? startAfter = null;
            var (listed, pages) = (new List<string>(), 0);
            do
            {
                var page = await bucket.ListAsync("", null, startAfter, 1000);
                listed.AddRange(page.Objects.Select(o => o.Key));
                pages++;
                startAfter = page.NextStartAfter;
            }
            while (startAfter is not null);
            Assert.Equal(sorted, listed);
            var (allQueries, allRows) = (ctx.Counter.Queries, ctx.Counter.Entities);

            ctx.Counter.Reset();
            var dirs = await bucket.ListAllAsync("datasets/", "/", 1000);
            Assert.Equal(100, dirs.Count);
            output.WriteLine($"{partitions,2} partitions: first 1000-key page {stats.Rows} rows, {stats.Queries} queries, {stats.Pages} round trips; " +
                $"4000 keys in {pages} pages: {allRows / (double)pages:0} rows and {allQueries / (double)pages:0.0} round trips a page; " +
                $"delimiter listing of 100 prefixes: {ctx.Counter.Entities} rows, {ctx.Counter.Queries} round trips");
        }
    }
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Delimiter_listing_of_a_partitioned_bucket_skips_a_big_common_prefix_in_every_partition(int partitions)
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var bucket = new PartitionedBucket(ctx, "b", partitions);
        var keys = Enumerable.Range(0, 3000).Select(i => $"big/{i:D5}").Concat(Enumerable.Range(0, 3000).Select(i => $"huge/sub/{i:D5}"))
            .Concat(["a", "big0", "c/1", "c/2", "z"]).ToList();
        await bucket.BulkInsertAsync(keys);

        ctx.Counter.Reset();
        var page = await bucket.ListAsync("", "/", null, 1000);
        Assert.Equal(["a", "big/", "big0", "c/", "huge/", "z"], IndexTestContext.Merge(page).ToList());
        Assert.False(page.IsTruncated);
        var stats = bucket.Listings.LastListingStatistics;
        output.WriteLine($"delimiter listing over 6005 keys in {partitions} partitions: {stats.Queries} queries, {stats.Pages} round trips, {stats.Rows} rows");
        Assert.Equal(ctx.Counter.Entities, stats.Rows);
        Assert.True(stats.Rows < 1000 * Math.Sqrt(partitions), $"read {stats.Rows} rows");

        ctx.Counter.Reset();
        Assert.Equal(["a", "big/", "big0", "c/", "huge/", "z"], await bucket.ListAllAsync("", "/", 1));
        output.WriteLine($"the same in {partitions} partitions, one entry a page: {ctx.Counter.Queries} round trips, {ctx.Counter.Entities} rows");
        Assert.True(ctx.Counter.Entities < 200 * partitions, $"read {ctx.Counter.Entities} rows paging one at a time");
    }
    [Fact]
    public async Task A_partition_holding_more_than_its_share_doubles_its_pages_until_the_page_is_full()
    {
        var ctx = await TableIndexContext.CreateAsync(azurite);
        var bucket = new PartitionedBucket(ctx, "b", 4);
        // Not spread by the hash: 1,500 keys in the first partition, 30 in each of the others, interleaved.
        var dense = Enumerable.Range(0, 1500).Select(i => $"k{i:D5}").ToList();
        await ctx.BulkInsertAsync(bucket.Keys[0], dense);
        var sparse = new List<string>();
        for (var p = 1; p < 4; p++)
        {
            var keys = Enumerable.Range(0, 30).Select(i => $"k{i * 50 + p * 10:D5}x").ToList();
            await ctx.BulkInsertAsync(bucket.Keys[p], keys);
            sparse.AddRange(keys);
        }
        var sorted = Utf8Sorted(dense.Concat(sparse));

        var first = await bucket.ListAsync("", null, null, 1000);
        var stats = bucket.Listings.LastListingStatistics;
        output.WriteLine($"1000-key page, 4 partitions, one holding 94% of the keys: {stats.Rows} rows, {stats.Queries} queries, {stats.Pages} round trips");
        Assert.Equal(sorted.Take(first.Objects.Count), first.Objects.Select(o => o.Key));
        Assert.True(first.Objects.Count >= 999 && first.IsTruncated);
        // The dense partition's pages double (about 300, 600, then what the page still needs), not 1000 one-row steps.
        Assert.True(stats.Pages <= 4 + 3, $"{stats.Pages} round trips");
        Assert.True(stats.Rows <= 1001 + 3 * 300, $"{stats.Rows} rows");
        Assert.Equal(sorted, await bucket.ListAllAsync("", null, 1000));
    }
}
