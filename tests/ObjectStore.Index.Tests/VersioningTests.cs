
namespace ObjectStore.Index.Tests;

public abstract class VersioningTests : IndexContract
{
    private const BucketVersioning Enabled = BucketVersioning.Enabled;
    private const BucketVersioning Suspended = BucketVersioning.Suspended;

    private static async Task<ObjectRecord> PutAsync(IndexTestContext ctx, string bucket, string key, string etag, BucketVersioning versioning)
    {
        var outcome = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key, etag), WriteCondition.None, versioning, None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        return outcome.Committed!;
    }

    private static async Task<List<VersionEntry>> AllVersionsAsync(IndexTestContext ctx, string bucket, string prefix = "", int maxKeys = 1000)
    {
        var all = new List<VersionEntry>();
        string? keyMarker = null, versionMarker = null;
        while (true)
        {
            var page = await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, prefix, null, keyMarker, versionMarker, maxKeys), None);
            Assert.True(page.Entries.Count <= maxKeys);
            all.AddRange(page.Entries);
            if (!page.IsTruncated)
                return all;
            (keyMarker, versionMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }
    }

    [Fact]
    public async Task Enabled_bucket_keeps_every_version_and_serves_each_by_id()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "model.pt", "\"one\"", Enabled);
        var second = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "model.pt", "\"two\""), WriteCondition.None, Enabled, None);

        Assert.Empty(second.Removed);
        Assert.NotEqual(VersionIds.Null, v1.VersionId);
        Assert.NotEqual(v1.VersionId, second.Committed!.VersionId);
        Assert.Equal("\"two\"", (await ctx.Index.GetObjectAsync(bucket, "model.pt", null, None))!.ETag);
        Assert.Equal("\"one\"", (await ctx.Index.GetObjectAsync(bucket, "model.pt", v1.VersionId, None))!.ETag);
        Assert.Equal("\"two\"", (await ctx.Index.GetObjectAsync(bucket, "model.pt", second.Committed.VersionId, None))!.ETag);
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "model.pt", "AAAAAAAAAAAAAAAA", None));
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "model.pt", "not a version id", None));
    }

    [Fact]
    public async Task Delete_without_version_adds_a_marker_that_hides_the_key_from_listings()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "data/a", "\"a1\"", Enabled);
        await PutAsync(ctx, bucket, "data/b", "\"b1\"", Enabled);

        var deleted = await ctx.Index.DeleteObjectAsync(bucket, "data/a", null, WriteCondition.None, Enabled, None);

        Assert.Equal(IndexWriteResult.Success, deleted.Result);
        Assert.Empty(deleted.Removed);
        var marker = deleted.Committed!;
        Assert.True(marker.IsDeleteMarker);
        Assert.True((await ctx.Index.GetObjectAsync(bucket, "data/a", null, None))!.IsDeleteMarker);
        Assert.Equal("\"a1\"", (await ctx.Index.GetObjectAsync(bucket, "data/a", v1.VersionId, None))!.ETag);

        var listing = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None);
        Assert.Equal(["data/b"], listing.Objects.Select(o => o.Key));
        var delimited = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "data/", "/", null, 1000), None);
        Assert.Equal(["data/b"], delimited.Objects.Select(o => o.Key));

        var versions = await AllVersionsAsync(ctx, bucket);
        Assert.Equal(
            [("data/a", marker.VersionId, true, true), ("data/a", v1.VersionId, false, false), ("data/b", versions[2].Version.VersionId, false, true)],
            versions.Select(v => (v.Version.Key, v.Version.VersionId, v.Version.IsDeleteMarker, v.IsLatest)));
        Assert.Equal(IndexWriteResult.NotEmpty, await ctx.Index.DeleteBucketAsync(bucket, None));
    }

    [Fact]
    public async Task Deleting_the_delete_marker_restores_the_previous_version()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await PutAsync(ctx, bucket, "k", "\"v1\"", Enabled);
        var marker = (await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, Enabled, None)).Committed!;

        var removed = await ctx.Index.DeleteObjectAsync(bucket, "k", marker.VersionId, WriteCondition.None, Enabled, None);

        Assert.Equal(IndexWriteResult.Success, removed.Result);
        Assert.True(Assert.Single(removed.Removed).IsDeleteMarker);
        var current = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        Assert.False(current!.IsDeleteMarker);
        Assert.Equal("\"v1\"", current.ETag);
        Assert.Equal(["k"], (await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 10), None)).Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Deleting_the_latest_version_promotes_the_next_and_deleting_the_last_removes_the_key()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "\"v1\"", Enabled);
        var v2 = await PutAsync(ctx, bucket, "k", "\"v2\"", Enabled);

        var first = await ctx.Index.DeleteObjectAsync(bucket, "k", v2.VersionId, WriteCondition.None, Enabled, None);
        Assert.Equal("\"v2\"", Assert.Single(first.Removed).ETag);
        Assert.Equal(v1.VersionId, (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.VersionId);

        await ctx.Index.DeleteObjectAsync(bucket, "k", v1.VersionId, WriteCondition.None, Enabled, None);
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "k", null, None));
        Assert.Empty(await AllVersionsAsync(ctx, bucket));
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.DeleteObjectAsync(bucket, "k", v1.VersionId, WriteCondition.None, Enabled, None)).Result);
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(bucket, None));
    }

    [Fact]
    public async Task Suspended_bucket_replaces_only_the_null_version()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var unversioned = await PutAsync(ctx, bucket, "k", "\"before\"", BucketVersioning.Unversioned);
        var enabled = await PutAsync(ctx, bucket, "k", "\"enabled\"", Enabled);

        var firstNull = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"s1\""), WriteCondition.None, Suspended, None);
        Assert.Equal(VersionIds.Null, firstNull.Committed!.VersionId);
        Assert.Equal("\"before\"", Assert.Single(firstNull.Removed).ETag); // the null version written before versioning

        var secondNull = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"s2\""), WriteCondition.None, Suspended, None);
        Assert.Equal("\"s1\"", Assert.Single(secondNull.Removed).ETag);

        var versions = await AllVersionsAsync(ctx, bucket);
        Assert.Equal([("\"s2\"", VersionIds.Null, true), ("\"enabled\"", enabled.VersionId, false)],
            versions.Select(v => (v.Version.ETag, v.Version.VersionId, v.IsLatest)));
        Assert.Equal(VersionIds.Null, unversioned.VersionId);

        var marker = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, Suspended, None);
        Assert.Equal(VersionIds.Null, marker.Committed!.VersionId);
        Assert.Equal("\"s2\"", Assert.Single(marker.Removed).ETag);
    }

    [Fact]
    public async Task Unversioned_overwrite_and_delete_leave_no_version_rows_behind()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await PutAsync(ctx, bucket, "k", "\"v1\"", BucketVersioning.Unversioned);
        await PutAsync(ctx, bucket, "k", "\"v2\"", BucketVersioning.Unversioned);
        Assert.Equal([("\"v2\"", true)], (await AllVersionsAsync(ctx, bucket)).Select(v => (v.Version.ETag, v.IsLatest)));

        await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Empty(await AllVersionsAsync(ctx, bucket));
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(bucket, None));
    }

    [Fact]
    public async Task Version_order_is_commit_order_even_when_the_clock_stands_still()
    {
        var ctx = await CreateContextAsync(new StoppedClock(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero)));
        var bucket = await ctx.CreateBucketAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await PutAsync(ctx, bucket, "k", $"\"v{i}\"", Enabled)).VersionId);

        var versions = await AllVersionsAsync(ctx, bucket);
        Assert.Equal(Enumerable.Reverse(ids), versions.Select(v => v.Version.VersionId));
        Assert.Equal([true, false, false, false, false], versions.Select(v => v.IsLatest));
    }

    [Fact]
    public async Task Version_listing_pages_through_keys_and_versions_and_rolls_up_prefixes()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var expected = new List<(string Key, string VersionId)>();
        foreach (var key in new[] { "a", "b/x", "b/y", "c", new string('z', 400) + "1", new string('z', 400) + "2" })
        {
            var versions = new List<string>();
            for (var i = 0; i < 3; i++)
                versions.Add((await PutAsync(ctx, bucket, key, $"\"{i}\"", Enabled)).VersionId);
            expected.AddRange(Enumerable.Reverse(versions).Select(v => (key, v)));
        }

        foreach (var pageSize in new[] { 1, 2, 4, 1000 })
        {
            var all = await AllVersionsAsync(ctx, bucket, maxKeys: pageSize);
            Assert.Equal(expected, all.Select(v => (v.Version.Key, v.Version.VersionId)));
            Assert.Equal(expected.Select((e, i) => i % 3 == 0), all.Select(v => v.IsLatest));
        }

        var delimited = await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", "/", null, null, 4), None);
        Assert.Equal(["a", "a", "a"], delimited.Entries.Select(e => e.Version.Key));
        Assert.Equal(["b/"], delimited.CommonPrefixes);
        Assert.True(delimited.IsTruncated);
        Assert.Equal("b/", delimited.NextKeyMarker);
        var rest = await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", "/", "b/", null, 100), None);
        Assert.Empty(rest.CommonPrefixes);
        Assert.Equal(expected.Skip(9).Select(e => e.Key), rest.Entries.Select(e => e.Version.Key));
    }

    [Fact]
    public async Task Tags_of_the_latest_and_of_an_older_version_update_independently()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var v1 = await PutAsync(ctx, bucket, "k", "\"v1\"", Enabled);
        await PutAsync(ctx, bucket, "k", "\"v2\"", Enabled);

        await ctx.Index.UpdateTagsAsync(bucket, "k", null, new Dictionary<string, string> { ["stage"] = "latest" }, None);
        await ctx.Index.UpdateTagsAsync(bucket, "k", v1.VersionId, new Dictionary<string, string> { ["stage"] = "old" }, None);

        Assert.Equal("latest", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Tags["stage"]);
        Assert.Equal("old", (await ctx.Index.GetObjectAsync(bucket, "k", v1.VersionId, None))!.Tags["stage"]);
        var latestId = (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.VersionId;
        Assert.Equal("latest", (await ctx.Index.GetObjectAsync(bucket, "k", latestId, None))!.Tags["stage"]);
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.UpdateTagsAsync(bucket, "missing", null, new Dictionary<string, string>(), None)).Result);
    }

    [Fact]
    public async Task A_delete_marker_takes_the_index_clock_and_the_owner_of_the_version_it_hides()
    {
        var now = new DateTimeOffset(2026, 7, 8, 9, 10, 11, TimeSpan.Zero);
        var ctx = await CreateContextAsync(new StoppedClock(now));
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k") with { Owner = "alice" }, WriteCondition.None, Enabled, None);

        var marker = (await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, Enabled, None)).Committed!;

        Assert.Equal((true, now, "alice", 0L, ""), (marker.IsDeleteMarker, marker.LastModified, marker.Owner, marker.Size, marker.ETag));
        var read = await ctx.Index.GetObjectAsync(bucket, "k", null, None);
        Assert.Equal((true, now, "alice"), (read!.IsDeleteMarker, read.LastModified, read.Owner));
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
