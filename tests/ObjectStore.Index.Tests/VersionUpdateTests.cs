
namespace ObjectStore.Index.Tests;

/// <summary>
/// The conditional operations lifecycle relies on: replacing a version's data placement only while
/// it still holds what was copied, and deleting only the row that was read (RowUnchanged).
/// </summary>
public abstract class VersionUpdateTests : IndexContract
{
    private static async Task<ObjectRecord> PutAsync(IndexTestContext ctx, string bucket, string key, string layout, BucketVersioning versioning)
    {
        var outcome = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key) with { DataLayout = layout }, WriteCondition.None, versioning, None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        return outcome.Committed!;
    }

    [Fact]
    public async Task Updating_the_latest_version_changes_its_current_and_version_rows_together()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "old-layout", BucketVersioning.Enabled);

        var outcome = await ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "old-layout", null,
            r => r with { StorageClass = "STANDARD_IA", DataLayout = "new-layout" }, None);

        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        var latest = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        Assert.Equal(("STANDARD_IA", "new-layout", v1.VersionId), (latest!.StorageClass, latest.DataLayout, latest.VersionId));
        var listed = (await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries.Single().Version;
        Assert.Equal(("STANDARD_IA", "new-layout"), (listed.StorageClass, listed.DataLayout));
    }

    [Fact]
    public async Task The_encryption_record_round_trips_through_rows_and_listings_and_an_update_can_rewrap_it()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var put = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k") with { DataLayout = "layout", Encryption = "sse1;AES256;ctx;old" },
            WriteCondition.None, BucketVersioning.Enabled, None);
        var v1 = put.Committed!;
        Assert.Equal("sse1;AES256;ctx;old", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Encryption);
        Assert.Equal("sse1;AES256;ctx;old", (await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries.Single().Version.Encryption);

        var rewrapped = await ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "layout", null, r => r with { Encryption = "sse1;AES256;ctx;new" }, None);

        Assert.Equal(IndexWriteResult.Success, rewrapped.Result);
        Assert.Equal("sse1;AES256;ctx;new", (await ctx.Index.GetObjectAsync(bucket, "k", v1.VersionId, None))!.Encryption);
        Assert.Equal("sse1;AES256;ctx;new", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Encryption);
        Assert.Null((await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "plain"), WriteCondition.None, BucketVersioning.Enabled, None)).Committed!.Encryption);
        Assert.Null((await ctx.Index.GetObjectAsync(bucket, "plain", null, None))!.Encryption);
    }

    [Fact]
    public async Task An_acl_update_of_an_older_version_changes_only_that_versions_acl()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "v1-layout", BucketVersioning.Enabled);
        var v2 = await PutAsync(ctx, bucket, "k", "v2-layout", BucketVersioning.Enabled);
        Assert.Null(v1.Acl);

        var outcome = await ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "v1-layout", null, r => r with { Acl = "READ uri=all" }, None);

        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        var old = await ctx.Index.GetObjectAsync(bucket, "k", v1.VersionId, None);
        Assert.Equal(("READ uri=all", "v1-layout"), (old!.Acl, old.DataLayout));
        Assert.Null((await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Acl);
        var latest = await ctx.Index.UpdateVersionAsync(bucket, "k", v2.VersionId, "v2-layout", null, r => r with { Acl = "WRITE uri=all" }, None);
        Assert.Equal(IndexWriteResult.Success, latest.Result);
        Assert.Equal("WRITE uri=all", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Acl);
        Assert.Equal("WRITE uri=all", (await ctx.Index.GetObjectAsync(bucket, "k", v2.VersionId, None))!.Acl);
    }

    [Fact]
    public async Task An_update_from_a_stale_read_or_after_a_concurrent_write_is_refused()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await PutAsync(ctx, bucket, "k", "first", BucketVersioning.Unversioned);
        await PutAsync(ctx, bucket, "k", "second", BucketVersioning.Unversioned); // a client overwrote the null version

        var stale = await ctx.Index.UpdateVersionAsync(bucket, "k", VersionIds.Null, "first", null, r => r with { DataLayout = "copied-from-first" }, None);

        Assert.Equal(IndexWriteResult.ConditionFailed, stale.Result);
        Assert.Equal("second", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.DataLayout);
        var gone = await ctx.Index.UpdateVersionAsync(bucket, "missing", VersionIds.Null, "x", null, r => r, None);
        Assert.Equal(IndexWriteResult.NotFound, gone.Result);
    }

    [Fact]
    public async Task Updating_an_older_version_leaves_the_latest_alone_and_records_a_restored_copy()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "v1-layout", BucketVersioning.Enabled);
        var v2 = await PutAsync(ctx, bucket, "k", "v2-layout", BucketVersioning.Enabled);
        var expiry = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var outcome = await ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "v1-layout", null,
            r => r with { StorageClass = "GLACIER", DataLayout = "v1-archived", RestoreExpiry = expiry, RestoreLayout = "v1-copy" }, None);

        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        var old = await ctx.Index.GetObjectAsync(bucket, "k", v1.VersionId, None);
        Assert.Equal(("GLACIER", "v1-archived", expiry, "v1-copy"), (old!.StorageClass, old.DataLayout, old.RestoreExpiry!.Value, old.RestoreLayout));
        var latest = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        Assert.Equal((v2.VersionId, "v2-layout", (string?)null), (latest!.VersionId, latest.DataLayout, latest.RestoreLayout));

        var wrongCopy = await ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "v1-archived", "another-copy", r => r, None);
        Assert.Equal(IndexWriteResult.ConditionFailed, wrongCopy.Result);
    }

    [Fact]
    public async Task RowUnchanged_deletes_only_the_row_that_was_read()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await PutAsync(ctx, bucket, "k", "read", BucketVersioning.Unversioned);
        var read = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        await PutAsync(ctx, bucket, "k", "written-since", BucketVersioning.Unversioned);

        var refused = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.RowUnchanged(read!.ConcurrencyToken!), BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.ConditionFailed, refused.Result);
        Assert.Equal("written-since", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.DataLayout);

        var fresh = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        var deleted = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.RowUnchanged(fresh!.ConcurrencyToken!), BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, deleted.Result);
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "k", null, None));
    }

    [Fact]
    public async Task RowUnchanged_on_an_older_version_uses_that_version_rows_token()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "v1", BucketVersioning.Enabled);
        await PutAsync(ctx, bucket, "k", "v2", BucketVersioning.Enabled);
        var listed = (await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries.Single(e => !e.IsLatest).Version;
        await ctx.Index.UpdateTagsAsync(bucket, "k", v1.VersionId, new Dictionary<string, string> { ["t"] = "1" }, None); // changes the row

        var refused = await ctx.Index.DeleteObjectAsync(bucket, "k", v1.VersionId, WriteCondition.RowUnchanged(listed.ConcurrencyToken!), BucketVersioning.Enabled, None);
        Assert.Equal(IndexWriteResult.ConditionFailed, refused.Result);

        var reread = await ctx.Index.GetObjectAsync(bucket, "k", v1.VersionId, None);
        var deleted = await ctx.Index.DeleteObjectAsync(bucket, "k", v1.VersionId, WriteCondition.RowUnchanged(reread!.ConcurrencyToken!), BucketVersioning.Enabled, None);
        Assert.Equal(IndexWriteResult.Success, deleted.Result);
        Assert.Single((await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries);
    }

    [Fact]
    public async Task An_update_may_not_change_what_identifies_the_version()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "layout", BucketVersioning.Enabled);

        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "layout", null, r => r with { ETag = "\"other\"" }, None));
        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.UpdateVersionAsync(bucket, "k", v1.VersionId, "layout", null, r => r with { Size = r.Size + 1 }, None));
        Assert.Equal("layout", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.DataLayout);
    }
}
