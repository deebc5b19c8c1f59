
namespace ObjectStore.Index.Tests;

public abstract class BucketTests : IndexContract
{
    [Fact]
    public async Task Create_twice_returns_false_the_second_time_and_get_reads_it_back()
    {
        var ctx = await CreateContextAsync();
        var created = new BucketRecord("photos", new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero), "eu-west-1", "alice")
        {
            Tags = new Dictionary<string, string> { ["team"] = "ml" },
            Configuration = new Dictionary<string, string> { ["lifecycle"] = "<LifecycleConfiguration/>", ["big"] = new string('x', 70_000) },
        };
        Assert.True(await ctx.Index.TryCreateBucketAsync(created, None));
        Assert.False(await ctx.Index.TryCreateBucketAsync(created with { Owner = "bob" }, None));

        var read = await ctx.Index.GetBucketAsync("photos", None);
        Assert.NotNull(read);
        Assert.Equal("alice", read.Owner);
        Assert.Equal("eu-west-1", read.Region);
        Assert.Equal(created.CreatedAt, read.CreatedAt);
        Assert.Equal("ml", read.Tags["team"]);
        Assert.Equal("<LifecycleConfiguration/>", read.Configuration["lifecycle"]);
        Assert.Equal(70_000, read.Configuration["big"].Length);
        Assert.Null(read.Versioning);
        Assert.NotNull(read.ConcurrencyToken);
        Assert.Null(await ctx.Index.GetBucketAsync("other", None));
    }

    [Fact]
    public async Task Update_with_a_stale_token_fails_and_with_the_current_token_succeeds()
    {
        var ctx = await CreateContextAsync();
        var name = await ctx.CreateBucketAsync();
        var first = (await ctx.Index.GetBucketAsync(name, None))!;

        Assert.Equal(IndexWriteResult.Success, await ctx.Index.UpdateBucketAsync(first with { Versioning = "Enabled" }, None));
        Assert.Equal(IndexWriteResult.ConditionFailed, await ctx.Index.UpdateBucketAsync(first with { Versioning = "Suspended" }, None));
        var second = (await ctx.Index.GetBucketAsync(name, None))!;
        Assert.Equal("Enabled", second.Versioning);
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.UpdateBucketAsync(second with { Versioning = "Suspended" }, None));
        Assert.Equal(IndexWriteResult.NotFound, await ctx.Index.UpdateBucketAsync(second with { Name = "missing", ConcurrencyToken = null }, None));
    }

    [Fact]
    public async Task Delete_refuses_a_bucket_with_objects_and_removes_an_empty_one()
    {
        var ctx = await CreateContextAsync();
        var name = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(name, "a/b"), WriteCondition.None, BucketVersioning.Unversioned, None);

        Assert.Equal(IndexWriteResult.NotEmpty, await ctx.Index.DeleteBucketAsync(name, None));
        Assert.NotNull(await ctx.Index.GetBucketAsync(name, None));

        await ctx.Index.DeleteObjectAsync(name, "a/b", null, WriteCondition.None, BucketVersioning.Unversioned, None);
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(name, None));
        Assert.Null(await ctx.Index.GetBucketAsync(name, None));
        Assert.Equal(IndexWriteResult.NotFound, await ctx.Index.DeleteBucketAsync(name, None));
    }

    [Fact]
    public async Task List_returns_buckets_sorted_by_name()
    {
        var ctx = await CreateContextAsync();
        foreach (var name in new[] { "zeta", "alpha", "m.dotted", "alpha-2", "0numeric" })
            Assert.True(await ctx.Index.TryCreateBucketAsync(new BucketRecord(name, DateTimeOffset.UtcNow, "r", "o"), None));

        var names = new List<string>();
        await foreach (var bucket in ctx.Index.ListBucketsAsync(None))
            names.Add(bucket.Name);
        Assert.Equal(["0numeric", "alpha", "alpha-2", "m.dotted", "zeta"], names);
    }

    [Fact]
    public async Task Update_without_a_token_replaces_an_existing_bucket_but_never_creates_one()
    {
        var ctx = await CreateContextAsync();
        var name = await ctx.CreateBucketAsync();
        var read = (await ctx.Index.GetBucketAsync(name, None))!;

        Assert.Equal(IndexWriteResult.Success, await ctx.Index.UpdateBucketAsync(read with { Versioning = "Enabled", ConcurrencyToken = null }, None));
        Assert.Equal("Enabled", (await ctx.Index.GetBucketAsync(name, None))!.Versioning);
        Assert.Equal(IndexWriteResult.ConditionFailed, await ctx.Index.UpdateBucketAsync(read with { Versioning = "Suspended" }, None));
        Assert.Equal(IndexWriteResult.NotFound, await ctx.Index.UpdateBucketAsync(read with { Name = "never-created", ConcurrencyToken = null }, None));
        Assert.Null(await ctx.Index.GetBucketAsync("never-created", None));
    }

    [Fact]
    public async Task Delete_refuses_a_bucket_with_an_upload_in_progress()
    {
        var ctx = await CreateContextAsync();
        var name = await ctx.CreateBucketAsync();
        var upload = new UploadRecord(name, "big", UploadIds.New(DateTimeOffset.UtcNow, "big"), DateTimeOffset.UtcNow, "STANDARD");
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.CreateUploadAsync(upload, None));

        Assert.Equal(IndexWriteResult.NotEmpty, await ctx.Index.DeleteBucketAsync(name, None));
        Assert.NotNull(await ctx.Index.GetBucketAsync(name, None));
    }
}
