using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests.Lifecycle;

/// <summary>
/// Which background and subresource operations read the bucket's row through this instance's bucket cache
/// (transitions, restores, GetObjectTagging) and which read it fresh because the write depends on it (expirations,
/// under the bucket's versioning state). The cache lives an hour here so no test depends on how fast it runs.
/// </summary>
public sealed class LifecycleBucketReadTests
{
    private readonly HandlerHarness _h;
    private readonly CountingIndex _counter;

    public LifecycleBucketReadTests()
    {
        CountingIndex? counter = null;
        _h = new HandlerHarness(o => o.BucketCacheLifetime = TimeSpan.FromHours(1), inner =>
        {
            var (index, c) = CountingIndex.Wrap(inner);
            counter = c;
            return index;
        });
        _counter = counter!;
    }

    private async Task<ObjectRecord> PutAsync(string key, string? storageClass = null)
    {
        var headers = storageClass is null ? null : new Dictionary<string, string> { ["x-amz-storage-class"] = storageClass };
        Assert.Equal(200, (await _h.PutAsync("bucket", key, "bytes of " + key, headers)).Status); // a request: the bucket is now cached
        return (await _h.Index.GetObjectAsync("bucket", key, null, CancellationToken.None))!;
    }

    [Fact]
    public async Task Transitions_read_the_bucket_from_the_cache()
    {
        await _h.CreateBucketAsync();
        var first = await PutAsync("a");
        var second = await PutAsync("b");
        _counter.Reset();

        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.TransitionAsync(first, "GLACIER", CancellationToken.None));
        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.TransitionAsync(second, "GLACIER", CancellationToken.None));

        Assert.Equal(0, _counter.CountOf("GetBucketAsync"));
    }

    [Fact]
    public async Task Restore_worker_and_end_of_restore_read_the_bucket_from_the_cache()
    {
        await _h.CreateBucketAsync();
        await PutAsync("cold", "GLACIER");
        Assert.Equal(202, (await _h.SendAsync("POST", "/bucket/cold?restore", "<RestoreRequest><Days>1</Days></RestoreRequest>")).Status);
        Assert.True(_h.Restores.Jobs.TryDequeue(out var job));
        _counter.Reset();

        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.CompleteRestoreAsync(job, CancellationToken.None));
        var restored = (await _h.Index.GetObjectAsync("bucket", "cold", null, CancellationToken.None))!;
        var expired = restored with { RestoreExpiry = DateTimeOffset.UtcNow.AddDays(-1) }; // as the pass would see it once its days are over
        await _h.Index.UpdateVersionAsync("bucket", "cold", restored.VersionId, restored.DataLayout, restored.RestoreLayout, _ => expired, CancellationToken.None);
        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.EndRestoreAsync(expired, CancellationToken.None));

        Assert.Equal(0, _counter.CountOf("GetBucketAsync"));
    }

    [Fact]
    public async Task Expirations_read_the_bucket_fresh_even_when_it_is_cached()
    {
        await _h.CreateBucketAsync();
        var current = await PutAsync("old");
        _counter.Reset();

        Assert.Equal(LifecycleActionOutcome.Done, await _h.Actions.ExpireCurrentAsync(current, CancellationToken.None));

        Assert.Equal(1, _counter.CountOf("GetBucketAsync"));
    }

    [Fact]
    public async Task Object_tagging_of_a_missing_key_tells_NoSuchKey_from_the_cached_bucket()
    {
        await _h.CreateBucketAsync();
        await PutAsync("present");
        _counter.Reset();

        var r = await _h.SendAsync("GET", "/bucket/absent?tagging");

        Assert.Equal((404, "NoSuchKey"), (r.Status, r.XmlValue("Code")));
        Assert.Equal(0, _counter.CountOf("GetBucketAsync"));
    }
}
