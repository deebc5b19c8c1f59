using Azure.Data.Tables;
using ObjectStore.Index.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Current-object listings of a bucket whose index spans four Table partitions (<see cref="PartitionedBucket"/>):
/// the merge returns every page the reference model of <see cref="ListingTests"/> does, and moved-key stubs
/// of a partition split are never listed. Table-only: partitions are a property of the Table layout.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionedListingTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>
    /// The generated keys of <see cref="ListingTests"/>, plus keys sharing short prefixes ("shared/…") and a
    /// 357-byte prefix (one overflow group), which the hash spreads over every partition.
    /// </summary>
    private static List<string> Keys() =>
        ListingTests.GeneratedKeys()
            .Concat(Enumerable.Range(0, 40).Select(i => $"shared/{i:D2}"))
            .Concat(Enumerable.Range(0, 12).Select(i => new string('x', 400) + (char)('a' + i)))
            .Distinct().Order(Utf8KeyComparer.Instance).ToList();

    private async Task<PartitionedBucket> BucketAsync(int partitions) =>
        new(await TableIndexContext.CreateAsync(azurite), "b", partitions);

    [Fact]
    public void The_fixture_spreads_keys_and_one_overflow_group_over_every_partition()
    {
        var partitions = PartitionedBucket.PartitionKeys("b", 4);
        string PartitionOf(string key) => PartitionedBucket.PartitionOf(partitions, key);
        var keys = Keys();
        Assert.Equal(["b", "b|1", "b|2", "b|3"], partitions);
        Assert.All(keys.GroupBy(PartitionOf), g => Assert.True(g.Count() > keys.Count / 8, $"{g.Key}: {g.Count()} keys"));
        Assert.Equal(4, keys.Where(k => k.StartsWith(new string('x', 400), StringComparison.Ordinal)).Select(PartitionOf).Distinct().Count());
        Assert.Equal(4, keys.Where(k => k.StartsWith("shared/", StringComparison.Ordinal)).Select(PartitionOf).Distinct().Count());
    }

    [Fact]
    public async Task Partitioned_listing_matches_the_reference_model_page_by_page()
    {
        var bucket = await BucketAsync(4);
        var keys = Keys();
        await bucket.PutAsync(keys);

        foreach (var prefix in ListingTests.ReferencePrefixes.Append("shared/"))
        foreach (var delimiter in ListingTests.ReferenceDelimiters)
        foreach (var maxKeys in new[] { 1, 7, 1000 })
            await bucket.AssertPagesAsync(keys, prefix, delimiter, null, maxKeys);
    }

    [Fact]
    public async Task Start_after_anywhere_resumes_every_partition_at_that_key()
    {
        var bucket = await BucketAsync(4);
        var keys = Keys();
        await bucket.BulkInsertAsync(keys);

        // Every 7th key, between keys, past the end, at and inside common prefixes, inside the overflow group.
        var markers = keys.Where((_, i) => i % 7 == 0)
            .Concat(["", "a", "a/", "a/a", "ab/", "ab/zz", "shared/", "shared/05", "shared/05!", "x/", "\uFFFF",
                new string('x', 400), new string('x', 400) + "c", new string('x', 400) + "c!", new string('x', 357)]);
        foreach (var startAfter in markers)
        foreach (var delimiter in new[] { null, "/", "ab/" })
        foreach (var maxKeys in new[] { 7, 1000 })
            await bucket.AssertPagesAsync(keys, "", delimiter, startAfter, maxKeys);
        foreach (var startAfter in new[] { "shared/", "shared/1", "shared/19", "shared/39" })
            await bucket.AssertPagesAsync(keys, "shared/", null, startAfter, 1);
    }

    [Fact]
    public async Task Listed_records_carry_the_bucket_name_not_the_partition_key()
    {
        var bucket = await BucketAsync(4);
        var keys = Enumerable.Range(0, 20).Select(i => $"k{i:D2}").ToList();
        await bucket.PutAsync(keys);
        Assert.True(keys.Select(bucket.PartitionOf).Distinct().Count() > 1);

        var page = await bucket.ListAsync("", null, null, 1000);
        Assert.Equal(keys, page.Objects.Select(o => o.Key).ToList());
        Assert.All(page.Objects, o => Assert.Equal("b", o.Bucket));
        Assert.All(page.Objects, o => Assert.Equal("layout:3", o.DataLayout));
    }

    [Fact]
    public async Task A_moved_key_stub_is_never_listed_and_its_live_row_is_listed_once()
    {
        var bucket = await BucketAsync(4);
        await bucket.PutAsync(["a", "d/1", "m", "z"]);
        // "m" lives in its own partition; stubs of it in every other partition (the merge meets them next to it).
        var home = bucket.PartitionOf("m");
        foreach (var partition in bucket.Keys.Where(p => p != home))
            await bucket.AddStubAsync(partition, "m");
        // "gone" and "d/2" have only stubs: a split moved them after their new partition was read, or they were deleted.
        await bucket.AddStubAsync(bucket.Keys[1], "gone");
        await bucket.AddStubAsync(bucket.Keys[2], "d/2");
        await bucket.AddStubAsync(bucket.Keys[3], "e/1");

        List<string> expected = ["a", "d/1", "m", "z"];
        Assert.Equal(expected, (await bucket.ListAsync("", null, null, 1000)).Objects.Select(o => o.Key).ToList());
        Assert.Equal(expected, await bucket.ListAllAsync("", null, 1));
        // Without a live row, a stub does not make a common prefix either.
        Assert.Equal(["a", "d/", "m", "z"], IndexTestContext.Merge(await bucket.ListAsync("", "/", null, 1000)).ToList());
        Assert.Equal(["d/1"], (await bucket.ListAsync("d/", null, null, 1000)).Objects.Select(o => o.Key).ToList());
    }

    [Fact]
    public async Task A_stub_without_a_live_row_in_any_partition_is_listed_as_the_resolver_reads_it()
    {
        var bucket = await BucketAsync(4);
        await bucket.PutAsync(["a", "m", "z"]);
        foreach (var partition in bucket.Keys.Where(p => p != bucket.PartitionOf("m")))
            await bucket.AddStubAsync(partition, "m");
        await bucket.AddStubAsync(bucket.Keys[1], "gone");
        await bucket.AddStubAsync(bucket.Keys[2], "moved");
        await bucket.AddStubAsync(bucket.Keys[3], "moved");
        await bucket.AddStubAsync(bucket.Keys[3], "deleted");
        await bucket.AddStubAsync(bucket.Keys[1], "e/1");
        // The live rows the resolver finds: in a partition the listing does not read (moved there after it read it).
        var elsewhere = "b|9";
        Assert.Equal(IndexWriteResult.Success, (await bucket.Context.Index.PutObjectAsync(IndexTestContext.Record(elsewhere, "moved", "\"moved\""), WriteCondition.None, BucketVersioning.Unversioned, None)).Result);
        Assert.Equal(IndexWriteResult.Success, (await bucket.Context.Index.PutObjectAsync(IndexTestContext.Record(elsewhere, "e/1", "\"e\""), WriteCondition.None, BucketVersioning.Unversioned, None)).Result);
        await bucket.Context.Index.PutObjectAsync(IndexTestContext.Record(elsewhere, "deleted"), WriteCondition.None, BucketVersioning.Enabled, None);
        await bucket.Context.Index.DeleteObjectAsync(elsewhere, "deleted", null, WriteCondition.None, BucketVersioning.Enabled, None);

        var resolved = new List<string>();
        async Task<TableEntity?> ResolveAsync(TableEntity stub, CancellationToken cancellationToken)
        {
            var key = stub.GetString("Key")!;
            lock (resolved)
                resolved.Add(key);
            var row = await bucket.Objects.GetEntityIfExistsAsync<TableEntity>(elsewhere, TableObjectIndex.RowKeyOf(key), cancellationToken: cancellationToken);
            return row.HasValue ? row.Value : null;
        }

        var page = await bucket.ListAsync("", null, null, 1000, ResolveAsync);
        Assert.Equal(["a", "e/1", "m", "moved", "z"], page.Objects.Select(o => o.Key).ToList());
        Assert.Equal("\"moved\"", page.Objects.Single(o => o.Key == "moved").ETag);
        Assert.All(page.Objects, o => Assert.Equal("b", o.Bucket));
        // Once per stub with no live row beside it: never for "m", once for "moved" (two stubs).
        Assert.Equal(["deleted", "e/1", "gone", "moved"], resolved);

        // One entry a page; and with a delimiter, the resolved key makes its common prefix.
        Assert.Equal(["a", "e/1", "m", "moved", "z"], await bucket.ListAllAsync("", null, 1, ResolveAsync));
        Assert.Equal(["a", "e/", "m", "moved", "z"], IndexTestContext.Merge(await bucket.ListAsync("", "/", null, 1000, ResolveAsync)).ToList());
    }

    [Fact]
    public async Task Staging_rows_of_a_split_lie_outside_every_listed_range()
    {
        var bucket = await BucketAsync(4);
        await bucket.PutAsync(["a", "z"]);
        foreach (var partition in bucket.Keys)
            await bucket.Objects.UpsertEntityAsync(new TableEntity(partition, "m" + TableObjectIndex.RowKeyOf("k")) { ["Key"] = "k", ["VersionId"] = "null" });

        Assert.Equal(["a", "z"], (await bucket.ListAsync("", null, null, 1000)).Objects.Select(o => o.Key).ToList());
        var versions = await bucket.Listings.ListVersionsAsync(new VersionListRequest("b", "", null, null, null, 1000), bucket.Keys, None);
        Assert.Equal(["a", "z"], versions.Entries.Select(e => e.Version.Key).ToList());
        var uploads = await bucket.Listings.ListUploadsAsync(new UploadListRequest("b", "", null, null, null, 1000), bucket.Keys, None);
        Assert.Empty(uploads.Uploads);
    }
}
