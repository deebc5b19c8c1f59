using Microsoft.Extensions.Time.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Pending data deletions ("g" rows) commit in the same transaction as the change that stops
/// referencing the data, and only with it; they list oldest first and never keep a bucket alive.
/// </summary>
public abstract class DataDeletionTests : IndexContract
{
    private static ObjectRecord Version(string bucket, string key, string layout, long size = 10) =>
        IndexTestContext.Record(bucket, key, "\"" + layout + "\"", size) with { DataLayout = layout };

    private static async Task<List<DataDeletion>> AllAsync(IndexTestContext ctx, string bucket) =>
        [.. (await ctx.Index.ListDataDeletionsAsync(bucket, null, 1000, None)).Deletions];

    [Fact]
    public async Task Overwrite_records_the_replaced_data_and_never_the_new_data()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;old", 7), WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Empty(await AllAsync(ctx, bucket));

        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;new"), WriteCondition.None, BucketVersioning.Unversioned, None);

        var pending = Assert.Single(await AllAsync(ctx, bucket));
        Assert.Equal("v1;old", pending.DataLayout);
        Assert.Equal(7, pending.Size);
        Assert.Equal("k", pending.Key);
        Assert.Equal(bucket, pending.Bucket);
        Assert.Equal("v1;new", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.DataLayout);
    }

    [Fact]
    public async Task Committing_the_same_layout_again_records_nothing()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "mp1;same"), WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "mp1;same"), WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Empty(await AllAsync(ctx, bucket));
    }

    [Fact]
    public async Task A_write_whose_condition_fails_records_nothing()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;a"), WriteCondition.None, BucketVersioning.Unversioned, None);

        var put = await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;b"), WriteCondition.ETagMatches("\"other\""), BucketVersioning.Unversioned, None);
        var delete = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.ETagMatches("\"other\""), BucketVersioning.Unversioned, None);

        Assert.Equal(IndexWriteResult.ConditionFailed, put.Result);
        Assert.Equal(IndexWriteResult.ConditionFailed, delete.Result);
        Assert.Empty(await AllAsync(ctx, bucket));
    }

    [Fact]
    public async Task Deletes_record_the_removed_versions_data_and_restored_copy_but_markers_record_nothing()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var first = await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;first") with { RestoreLayout = "v1;copy" }, WriteCondition.None,
            BucketVersioning.Enabled, None);
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;second"), WriteCondition.None, BucketVersioning.Enabled, None);
        await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Enabled, None); // a marker
        Assert.Empty(await AllAsync(ctx, bucket));

        await ctx.Index.DeleteObjectAsync(bucket, "k", first.Committed!.VersionId, WriteCondition.None, BucketVersioning.Enabled, None);
        await ctx.Index.PutObjectAsync(Version(bucket, "u", "v1;unversioned"), WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.DeleteObjectAsync(bucket, "u", null, WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Equal(["v1;copy", "v1;first", "v1;unversioned"], (await AllAsync(ctx, bucket)).Select(d => d.DataLayout).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_suspended_delete_marker_records_the_null_version_it_replaces()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;null"), WriteCondition.None, BucketVersioning.Suspended, None);

        await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Suspended, None);

        Assert.Equal("v1;null", Assert.Single(await AllAsync(ctx, bucket)).DataLayout);
    }

    [Fact]
    public async Task Version_update_records_only_the_named_layouts_the_record_stops_naming()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v = (await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;standard"), WriteCondition.None, BucketVersioning.Enabled, None)).Committed!;

        // A rewrite of the same data (a repair marker clear) names nothing.
        await ctx.Index.UpdateVersionAsync(bucket, "k", v.VersionId, "v1;standard", null, r => r with { DataLayout = "v1;standard;healed" }, None);
        Assert.Empty(await AllAsync(ctx, bucket));
        // A layout the record still names is never recorded, even if named.
        await ctx.Index.UpdateVersionAsync(bucket, "k", v.VersionId, "v1;standard;healed", null, r => r with { StorageClass = "GLACIER" }, None,
            unreferencedLayouts: ["v1;standard;healed"]);
        Assert.Empty(await AllAsync(ctx, bucket));

        var moved = await ctx.Index.UpdateVersionAsync(bucket, "k", v.VersionId, "v1;standard;healed", null, r => r with { DataLayout = "v1;glacier" }, None,
            unreferencedLayouts: ["v1;standard;healed"]);

        Assert.Equal(IndexWriteResult.Success, moved.Result);
        var pending = Assert.Single(await AllAsync(ctx, bucket));
        Assert.Equal("v1;standard;healed", pending.DataLayout);
        Assert.Equal(v.VersionId, pending.VersionId);
    }

    [Fact]
    public async Task Records_list_oldest_first_in_pages_and_deleting_them_twice_is_harmless()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var ctx = await CreateContextAsync(time);
        var bucket = await ctx.CreateBucketAsync();
        for (var i = 0; i < 5; i++)
        {
            await ctx.Index.PutObjectAsync(Version(bucket, "k", $"v1;{i}"), WriteCondition.None, BucketVersioning.Unversioned, None);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        var first = await ctx.Index.ListDataDeletionsAsync(bucket, null, 3, None);
        var second = await ctx.Index.ListDataDeletionsAsync(bucket, first.NextAfter, 3, None);

        Assert.Equal(["v1;0", "v1;1", "v1;2"], first.Deletions.Select(d => d.DataLayout));
        Assert.Equal(["v1;3"], second.Deletions.Select(d => d.DataLayout));
        Assert.Null(second.NextAfter);
        Assert.True(first.Deletions[0].UnreferencedAt < first.Deletions[1].UnreferencedAt);
        await ctx.Index.DeleteDataDeletionsAsync(first.Deletions, None);
        await ctx.Index.DeleteDataDeletionsAsync([.. first.Deletions, .. second.Deletions], None);
        Assert.Empty(await AllAsync(ctx, bucket));
    }

    [Fact]
    public async Task Pending_deletions_do_not_keep_a_bucket_and_the_deleted_bucket_is_noted_until_forgotten()
    {
        var ctx = await CreateContextAsync();
        var quiet = await ctx.CreateBucketAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(Version(bucket, "k", "v1;gone"), WriteCondition.None, BucketVersioning.Unversioned, None);
        await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(bucket, None));
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(quiet, None));

        Assert.Equal([bucket], await ctx.Index.ListRetiredBucketsAsync(None).ToListAsync());
        Assert.Null(await ctx.Index.GetBucketAsync(bucket, None));
        Assert.DoesNotContain(bucket, await ctx.Index.ListBucketsAsync(None).Select(b => b.Name).ToListAsync());
        Assert.Equal("v1;gone", Assert.Single(await AllAsync(ctx, bucket)).DataLayout);
        await ctx.Index.ForgetRetiredBucketAsync(bucket, None);
        await ctx.Index.ForgetRetiredBucketAsync(bucket, None);
        Assert.Empty(await ctx.Index.ListRetiredBucketsAsync(None).ToListAsync());
    }
}
