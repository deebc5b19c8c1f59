namespace ObjectStore.Index.Tests;

/// <summary>
/// Inline data (ObjectRecord.InlineData with an InlineLayout): stored and read with the version's row,
/// never returned by listings, never recorded as a pending deletion, never listed as a data row.
/// </summary>
public abstract class InlineDataTests : IndexContract
{
    private static ObjectRecord Inline(string bucket, string key, byte[] bytes) =>
        IndexTestContext.Record(bucket, key, size: bytes.Length) with { DataLayout = InlineLayout.Of(Guid.NewGuid().ToString("N"), bytes.Length), InlineData = bytes };

    private static byte[] Bytes(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed)).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(4096)]
    [InlineData(InlineLayout.MaxStoredBytes)]
    public async Task Inline_data_is_read_back_with_the_latest_version_and_by_version_id(int length)
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var first = Bytes(length, 1);
        var committed = (await ctx.Index.PutObjectAsync(Inline(bucket, "k", first), WriteCondition.None, BucketVersioning.Enabled, None)).Committed!;
        await ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(length, 2)), WriteCondition.None, BucketVersioning.Enabled, None);

        var latest = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        var older = await ctx.Index.GetObjectAsync(bucket, "k", committed.VersionId, None);

        Assert.Equal(Bytes(length, 2), latest!.InlineData!.Value.ToArray());
        Assert.Equal(first, older!.InlineData!.Value.ToArray());
        Assert.True(InlineLayout.IsInline(older.DataLayout));
    }

    [Fact]
    public async Task Listings_carry_no_inline_bytes()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(100, 3)), WriteCondition.None, BucketVersioning.Enabled, None);

        var listed = Assert.Single((await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None)).Objects);
        var version = Assert.Single((await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 1000), None)).Entries);

        Assert.Null(listed.InlineData);
        Assert.Null(version.Version.InlineData);
        Assert.True(InlineLayout.IsInline(listed.DataLayout));
    }

    [Fact]
    public async Task Replacing_or_deleting_inline_versions_records_no_pending_deletion_and_data_scans_skip_them()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(10, 1)), WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(10, 2)), WriteCondition.None, BucketVersioning.Unversioned, None); // replaces the null version
        await ctx.Index.PutObjectAsync(Inline(bucket, "gone", Bytes(10, 3)), WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.DeleteObjectAsync(bucket, "gone", null, WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "sharded"), WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Empty((await ctx.Index.ListDataDeletionsAsync(bucket, null, 1000, None)).Deletions);
        var row = Assert.Single((await ctx.Index.ListDataRowsAsync(bucket, null, 1000, None)).Rows);
        Assert.Equal("sharded", row.Key);
    }

    [Fact]
    public async Task A_version_update_moves_inline_data_out_of_the_row()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var stored = (await ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(10, 1)), WriteCondition.None, BucketVersioning.Unversioned, None)).Committed!;

        var outcome = await ctx.Index.UpdateVersionAsync(bucket, "k", stored.VersionId, stored.DataLayout, null,
            r => r with { StorageClass = "GLACIER", DataLayout = "shards-layout", InlineData = null }, None, unreferencedLayouts: [stored.DataLayout]);

        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        var moved = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        Assert.Null(moved!.InlineData);
        Assert.Equal(("GLACIER", "shards-layout"), (moved.StorageClass, moved.DataLayout));
        Assert.Empty((await ctx.Index.ListDataDeletionsAsync(bucket, null, 1000, None)).Deletions); // the old data went with the row's old value
    }

    [Fact]
    public async Task Inline_data_larger_than_one_binary_property_is_refused()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            ctx.Index.PutObjectAsync(Inline(bucket, "k", Bytes(InlineLayout.MaxStoredBytes + 1, 1)), WriteCondition.None, BucketVersioning.Unversioned, None));
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "k", null, None));
    }
}
