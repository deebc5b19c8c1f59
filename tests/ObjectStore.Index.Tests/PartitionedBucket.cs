using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ObjectStore.Index.Tables;

namespace ObjectStore.Index.Tests;

/// <summary>
/// A bucket whose index spans several Table partitions, for listing tests: partition 0 is the bucket name,
/// partition i the bucket name, <c>|</c> and i. Rows land in a partition by writing records whose Bucket is that
/// partition key (the index's PartitionKey is the record's bucket); keys are spread by a hash of the key, as a
/// partitioned bucket spreads them. Listings go straight to <see cref="TableListings"/> with every partition key.
/// </summary>
internal sealed class PartitionedBucket
{
    public PartitionedBucket(TableIndexContext ctx, string bucket, int partitions)
    {
        Context = ctx;
        Bucket = bucket;
        Keys = PartitionKeys(bucket, partitions);
        Objects = ctx.Service.GetTableClient(ctx.Table.ObjectsTableName);
        Listings = new TableListings(Objects);
    }

    public TableIndexContext Context { get; }
    public string Bucket { get; }
    public IReadOnlyList<string> Keys { get; }
    public TableClient Objects { get; }
    public TableListings Listings { get; }

    public static IReadOnlyList<string> PartitionKeys(string bucket, int partitions) =>
        [bucket, .. Enumerable.Range(1, partitions - 1).Select(i => $"{bucket}|{i}")];

    /// <summary>The partition key (of <paramref name="partitionKeys"/>) a key's rows live in.</summary>
    public static string PartitionOf(IReadOnlyList<string> partitionKeys, string key) =>
        partitionKeys[SHA256.HashData(Encoding.UTF8.GetBytes(key))[0] % partitionKeys.Count];

    public string PartitionOf(string key) => PartitionOf(Keys, key);

    /// <summary>A record of <paramref name="key"/> addressed to its partition.</summary>
    public ObjectRecord Record(string key, string etag = "\"e1\"") => IndexTestContext.Record(PartitionOf(key), key, etag);

    /// <summary>Writes every key through <see cref="TableObjectIndex.PutObjectAsync"/> into its partition (unversioned).</summary>
    public async Task PutAsync(IEnumerable<string> keys)
    {
        foreach (var key in keys)
            Assert.Equal(IndexWriteResult.Success,
                (await Context.Index.PutObjectAsync(Record(key), WriteCondition.None, BucketVersioning.Unversioned, CancellationToken.None)).Result);
    }

    /// <summary>Writes current rows straight into their partitions (100 per transaction), for large fixtures.</summary>
    public async Task BulkInsertAsync(IEnumerable<string> keys)
    {
        foreach (var partition in keys.GroupBy(PartitionOf))
            await Context.BulkInsertAsync(partition.Key, partition);
    }

    public Task<ObjectListing> ListAsync(string prefix, string? delimiter, string? startAfter, int maxKeys,
        Func<TableEntity, CancellationToken, Task<TableEntity?>>? resolveStub = null) =>
        Listings.ListObjectsAsync(new ListRequest(Bucket, prefix, delimiter, startAfter, maxKeys), Keys, resolveStub, CancellationToken.None);

    /// <summary>Entries (keys and common prefixes) of every page, following NextStartAfter.</summary>
    public async Task<List<string>> ListAllAsync(string prefix, string? delimiter, int maxKeys,
        Func<TableEntity, CancellationToken, Task<TableEntity?>>? resolveStub = null)
    {
        var entries = new List<string>();
        string? startAfter = null;
        while (true)
        {
            var page = await ListAsync(prefix, delimiter, startAfter, maxKeys, resolveStub);
            entries.AddRange(IndexTestContext.Merge(page));
            if (!page.IsTruncated)
                return entries;
            startAfter = page.NextStartAfter;
        }
    }

    /// <summary>
    /// Lists every page from <paramref name="startAfter"/>, checking each against <see cref="ListingTests.Reference"/>
    /// from the same start: the next entries in S3 order, max-keys of them (or one fewer on a truncated page of at least
    /// 1000, docs/index-schema.md), truncated exactly when more follow, NextStartAfter the last entry. Returns the pages.
    /// </summary>
    public async Task<int> AssertPagesAsync(List<string> sortedKeys, string prefix, string? delimiter, string? startAfter, int maxKeys)
    {
        var pages = 0;
        while (true)
        {
            var expected = ListingTests.Reference(sortedKeys, prefix, delimiter, startAfter);
            var page = await ListAsync(prefix, delimiter, startAfter, maxKeys);
            pages++;
            var actual = IndexTestContext.Merge(page).ToList();
            var context = $"prefix '{prefix}', delimiter '{delimiter}', start-after '{startAfter}', max {maxKeys}, page {pages}";
            var full = Math.Min(maxKeys, expected.Count);
            Assert.True(actual.Count == full || (maxKeys >= 1000 && page.IsTruncated && actual.Count == full - 1),
                $"{context}: {actual.Count} entries, expected {full}");
            Assert.True(expected.Take(actual.Count).SequenceEqual(actual),
                $"{context}: expected [{string.Join(", ", expected.Take(actual.Count))}] got [{string.Join(", ", actual)}]");
            Assert.Equal(expected.Count > actual.Count, page.IsTruncated);
            Assert.All(page.Objects, o => Assert.Equal(Bucket, o.Bucket));
            if (!page.IsTruncated)
            {
                Assert.Null(page.NextStartAfter);
                return pages;
            }
            Assert.Equal(actual[^1], page.NextStartAfter);
            startAfter = page.NextStartAfter;
        }
    }

    /// <summary>A moved-key stub of <paramref name="key"/> in <paramref name="partition"/>, as a partition split leaves one.</summary>
    public Task AddStubAsync(string partition, string key) =>
        Objects.UpsertEntityAsync(new TableEntity(partition, TableObjectIndex.RowKeyOf(key)) { ["Key"] = key, [EntityMapping.MovedColumn] = true });
}
