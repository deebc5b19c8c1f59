
namespace ObjectStore.Index.Tests;

public abstract class ObjectWriteTests : IndexContract
{
    [Fact]
    public async Task Put_then_get_returns_every_field()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var record = IndexTestContext.Record(bucket, "dir/file.bin", "\"abc\"", 12345) with
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/octet-stream" },
            UserMetadata = new Dictionary<string, string> { ["owner"] = "ünïcode ✓" },
            Tags = new Dictionary<string, string> { ["stage"] = "train" },
            ChecksumAlgorithm = "CRC32C",
            ChecksumValue = "AAAAAA==",
            Owner = "alice",
        };
        record = record with { DataLayout = new string('L', 100_000) };

        var outcome = await ctx.Index.PutObjectAsync(record, WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        Assert.Empty(outcome.Removed);

        var read = await ctx.Index.GetObjectAsync(bucket, "dir/file.bin", null, None);
        Assert.NotNull(read);
        Assert.Equal(record with { ConcurrencyToken = read.ConcurrencyToken, Headers = read.Headers, UserMetadata = read.UserMetadata, Tags = read.Tags }, read);
        Assert.Equal(record.Headers, read.Headers);
        Assert.Equal(record.UserMetadata, read.UserMetadata);
        Assert.Equal(record.Tags, read.Tags);
        Assert.NotNull(read.ConcurrencyToken);
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "dir/other", null, None));
    }

    [Fact]
    public async Task Overwrite_returns_the_replaced_record()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v1\""), WriteCondition.None, BucketVersioning.Unversioned, None);
        var outcome = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v2\""), WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        Assert.Equal("\"v1\"", outcome.Removed.SingleOrDefault()?.ETag);
        Assert.Equal("\"v2\"", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))?.ETag);
    }

    [Fact]
    public async Task If_none_match_star_fails_when_the_key_exists()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v1\""), WriteCondition.MustNotExist, BucketVersioning.Unversioned, None)).Result);
        Assert.Equal(IndexWriteResult.ConditionFailed, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v2\""), WriteCondition.MustNotExist, BucketVersioning.Unversioned, None)).Result);
        Assert.Equal("\"v1\"", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))?.ETag);
    }

    [Fact]
    public async Task If_match_compares_the_s3_etag()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.ETagMatches("\"e1\""), BucketVersioning.Unversioned, None)).Result);
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v1\""), WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Equal(IndexWriteResult.ConditionFailed, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v2\""), WriteCondition.ETagMatches("\"nope\""), BucketVersioning.Unversioned, None)).Result);
        var matched = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v2\""), WriteCondition.ETagMatches("v1"), BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, matched.Result);
        Assert.Equal("\"v1\"", matched.Removed.SingleOrDefault()?.ETag);
        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v3\""), WriteCondition.ETagMatches("*"), BucketVersioning.Unversioned, None)).Result);
    }

    [Fact]
    public async Task Of_two_concurrent_if_match_writers_exactly_one_wins()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        for (var round = 0; round < 20; round++)
        {
            var key = "race" + round;
            await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key, "\"base\""), WriteCondition.None, BucketVersioning.Unversioned, None);
            var writers = Enumerable.Range(0, 2).Select(i => Task.Run(() =>
                ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key, $"\"w{i}\""), WriteCondition.ETagMatches("\"base\""), BucketVersioning.Unversioned, None))).ToArray();
            var results = await Task.WhenAll(writers);
            Assert.Equal(1, results.Count(r => r.Result == IndexWriteResult.Success));
            Assert.Equal(1, results.Count(r => r.Result == IndexWriteResult.ConditionFailed));
            var winner = Array.FindIndex(results, r => r.Result == IndexWriteResult.Success);
            Assert.Equal($"\"w{winner}\"", (await ctx.Index.GetObjectAsync(bucket, key, null, None))?.ETag);
        }
    }

    [Fact]
    public async Task Concurrent_unconditional_writers_each_replace_a_distinct_version()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "hot", $"\"w{i}\""), WriteCondition.None, BucketVersioning.Unversioned, None))));

        Assert.All(results, r => Assert.Equal(IndexWriteResult.Success, r.Result));
        var final = (await ctx.Index.GetObjectAsync(bucket, "hot", null, None))!.ETag;
        // Every version but the survivor was replaced exactly once: no lost update, no double delete.
        var replaced = results.SelectMany(r => r.Removed).Select(r => r.ETag).ToList();
        Assert.Equal(11, replaced.Count);
        Assert.Equal(12, replaced.Append(final).Distinct().Count());
    }

    [Fact]
    public async Task Delete_returns_the_removed_record_and_honours_if_match()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Unversioned, None)).Result);
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v1\""), WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Equal(IndexWriteResult.ConditionFailed, (await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.ETagMatches("\"v0\""), BucketVersioning.Unversioned, None)).Result);
        var deleted = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.ETagMatches("\"v1\""), BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, deleted.Result);
        Assert.Equal("\"v1\"", deleted.Removed.SingleOrDefault()?.ETag);
        Assert.Null(await ctx.Index.GetObjectAsync(bucket, "k", null, None));
    }

    [Fact]
    public async Task Keys_outside_1_to_1024_utf8_bytes_are_refused()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, ""), WriteCondition.None, BucketVersioning.Unversioned, None));
        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, new string('é', 513)), WriteCondition.None, BucketVersioning.Unversioned, None));
        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, new string('é', 512)), WriteCondition.None, BucketVersioning.Unversioned, None)).Result);
    }

    [Fact]
    public async Task A_committed_record_names_its_version_but_carries_no_token_so_callers_read_it_back()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var put = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k", "\"v1\""), WriteCondition.None, BucketVersioning.Enabled, None);

        Assert.Null(put.Committed!.ConcurrencyToken);
        var read = await ctx.Index.GetObjectAsync(bucket, "k", put.Committed.VersionId, None);
        Assert.Equal(("\"v1\"", put.Committed.VersionId), (read!.ETag, read.VersionId));
        Assert.NotNull(read.ConcurrencyToken);
    }
}
