namespace ObjectStore.Index.Tests;

/// <summary>
/// Deleting several versions of one key at once (a DeleteObjects naming a key's delete marker and its
/// versions does exactly that): every delete succeeds once, and the current row never points at a
/// version row that is gone.
/// </summary>
public abstract class ConcurrentVersionDeleteTests : IndexContract
{
    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public async Task Deleting_a_marker_and_every_version_of_a_key_at_once_removes_the_key_and_nothing_fails(int versions)
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var ids = new List<string>();
        for (var i = 0; i < versions; i++)
            ids.Add((await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "ckpt/latest.pt", $"\"v{i}\""), WriteCondition.None, BucketVersioning.Enabled, None)).Committed!.VersionId);
        ids.Add((await ctx.Index.DeleteObjectAsync(bucket, "ckpt/latest.pt", null, WriteCondition.None, BucketVersioning.Enabled, None)).Committed!.VersionId);
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "ckpt/other.pt", "\"o\""), WriteCondition.None, BucketVersioning.Enabled, None);

        var outcomes = await Task.WhenAll(ids.Select(id => Task.Run(() =>
            ctx.Index.DeleteObjectAsync(bucket, "ckpt/latest.pt", id, WriteCondition.None, BucketVersioning.Enabled, None))));

        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "ckpt/latest.pt", null, None));
        var left = await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 1000), None);
        Assert.Equal(["ckpt/other.pt"], left.Entries.Select(e => e.Version.Key));
    }

    [Fact]
    public async Task Deleting_the_latest_and_the_next_newest_at_once_leaves_the_oldest_current()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        for (var round = 0; round < 5; round++)
        {
            var key = $"model-{round}.pt";
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
                ids.Add((await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key, $"\"v{i}\""), WriteCondition.None, BucketVersioning.Enabled, None)).Committed!.VersionId);

            await Task.WhenAll(ids.Skip(1).Select(id => Task.Run(() =>
                ctx.Index.DeleteObjectAsync(bucket, key, id, WriteCondition.None, BucketVersioning.Enabled, None))));

            var current = await ctx.Index.GetObjectAsync(bucket, key, null, None);
            Assert.Equal(ids[0], current?.VersionId);
            Assert.Equal("\"v0\"", current?.ETag);
        }
    }
}
