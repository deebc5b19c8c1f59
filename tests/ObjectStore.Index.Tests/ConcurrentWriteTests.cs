namespace ObjectStore.Index.Tests;

/// <summary>
/// Writers of one bucket at the same moment (the Table index commits them in shared transactions,
/// see TableGroupCommit): each keeps its own condition and gets its own outcome.
/// </summary>
public abstract class ConcurrentWriteTests : IndexContract
{
    [Theory]
    [InlineData(BucketVersioning.Unversioned)]
    [InlineData(BucketVersioning.Enabled)]
    public async Task Of_many_must_not_exist_puts_to_one_key_exactly_one_wins(BucketVersioning versioning)
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        const int writers = 16;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() =>
            ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "labels/train.json", $"\"w{i}\""), WriteCondition.MustNotExist, versioning, None))));

        var winners = outcomes.Select((o, i) => (o.Result, i)).Where(o => o.Result == IndexWriteResult.Success).ToList();
        Assert.Single(winners);
        Assert.All(outcomes, o => Assert.Contains(o.Result, new[] { IndexWriteResult.Success, IndexWriteResult.ConditionFailed }));
        Assert.Equal($"\"w{winners[0].i}\"", (await ctx.Index.GetObjectAsync(bucket, "labels/train.json", null, None))?.ETag);
        var versions = await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 1000), None);
        Assert.Single(versions.Entries);
    }

    [Theory]
    [InlineData(WriteConditionKind.None)]
    [InlineData(WriteConditionKind.MustNotExist)]
    public async Task Many_writers_to_as_many_keys_all_succeed(WriteConditionKind kind)
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        const int writers = 48;
        var condition = kind == WriteConditionKind.MustNotExist ? WriteCondition.MustNotExist : WriteCondition.None;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() =>
            ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, $"images/{i:D3}.jpg", $"\"e{i}\""), condition, BucketVersioning.Unversioned, None))));

        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        var listed = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None);
        Assert.Equal(Enumerable.Range(0, writers).Select(i => $"images/{i:D3}.jpg"), listed.Objects.Select(o => o.Key));
        Assert.Equal(Enumerable.Range(0, writers).Select(i => $"\"e{i}\""), listed.Objects.Select(o => o.ETag));
    }

    [Fact]
    public async Task Many_deletes_of_as_many_keys_all_remove_their_key_while_other_keys_are_written()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        const int keys = 32;
        for (var i = 0; i < keys; i++)
            await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, $"old/{i:D3}", "\"o\""), WriteCondition.None, BucketVersioning.Unversioned, None);

        var deletes = Enumerable.Range(0, keys).Select(i => Task.Run(() =>
            ctx.Index.DeleteObjectAsync(bucket, $"old/{i:D3}", null, WriteCondition.None, BucketVersioning.Unversioned, None)));
        var puts = Enumerable.Range(0, keys).Select(i => Task.Run(() =>
            ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, $"new/{i:D3}", "\"n\""), WriteCondition.None, BucketVersioning.Unversioned, None)));
        var outcomes = await Task.WhenAll(deletes.Concat(puts));

        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        var listed = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None);
        Assert.Equal(Enumerable.Range(0, keys).Select(i => $"new/{i:D3}"), listed.Objects.Select(o => o.Key));
    }
}
