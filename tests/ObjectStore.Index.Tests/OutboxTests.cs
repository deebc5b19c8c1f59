using ObjectStore.Index.Events;

namespace ObjectStore.Index.Tests;

/// <summary>Outbox rows ("e") commit with the object change they describe, and only with it.</summary>
public abstract class OutboxTests : IndexContract
{
    private static readonly DateTimeOffset Far = DateTimeOffset.UtcNow.AddDays(1);

    private static IReadOnlyList<ObjectEvent> Events(string name) =>
        [new ObjectEvent(name, [new EventTarget("cfg", "arn:objectstore:webhook::w")]) { Region = "us-east-1", PrincipalId = "alice", RequestId = "R1" }];

    [Fact]
    public async Task Put_records_its_event_with_the_committed_size_etag_and_sequencer()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();

        var outcome = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "a/b.parquet", "\"e1\"", 42), WriteCondition.None,
            BucketVersioning.Enabled, None, Events(EventNames.ObjectCreatedPut));

        var recorded = Assert.Single(outcome.Events);
        var stored = Assert.Single(await ctx.Index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow, 10, None));
        Assert.Equal(recorded.EventId, stored.EventId);
        Assert.Equal(EventNames.ObjectCreatedPut, stored.EventName);
        Assert.Equal("a/b.parquet", stored.Key);
        Assert.Equal(42, stored.Size);
        Assert.Equal("\"e1\"", stored.ETag);
        Assert.Equal(outcome.Committed!.VersionId, stored.VersionId);
        Assert.Equal("alice", stored.PrincipalId);
        Assert.Equal(new EventTarget("cfg", "arn:objectstore:webhook::w"), Assert.Single(stored.Targets));
        Assert.Equal(16, stored.Sequencer.Length);
    }

    [Fact]
    public async Task A_write_whose_condition_fails_records_no_event()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Unversioned, None);

        var refused = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.MustNotExist, BucketVersioning.Unversioned, None,
            Events(EventNames.ObjectCreatedPut));
        var deleted = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.ETagMatches("\"other\""), BucketVersioning.Unversioned, None,
            Events(EventNames.ObjectRemovedDelete));

        Assert.Equal(IndexWriteResult.ConditionFailed, refused.Result);
        Assert.Equal(IndexWriteResult.ConditionFailed, deleted.Result);
        Assert.Empty(await ctx.Index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow, 10, None));
    }

    [Fact]
    public async Task Sequencers_of_one_key_increase_across_put_marker_and_version_delete()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();

        var put = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Enabled, None, Events(EventNames.ObjectCreatedPut));
        var marker = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Enabled, None, Events(EventNames.ObjectRemovedDeleteMarkerCreated));
        var removed = await ctx.Index.DeleteObjectAsync(bucket, "k", marker.Committed!.VersionId, WriteCondition.None, BucketVersioning.Enabled, None, Events(EventNames.ObjectRemovedDelete));
        var tagged = await ctx.Index.UpdateTagsAsync(bucket, "k", null, new Dictionary<string, string> { ["t"] = "1" }, None, Events(EventNames.ObjectTaggingPut));

        var rows = await ctx.Index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow, 10, None);
        Assert.Equal(4, rows.Count);
        var sequencers = new[] { put, marker, removed, tagged }.Select(o => Assert.Single(o.Events).Sequencer).ToList();
        Assert.Equal(sequencers.Order(StringComparer.Ordinal), sequencers);
        Assert.Equal(4, sequencers.Distinct().Count());
        Assert.Equal(marker.Committed.VersionId, marker.Events[0].VersionId);
        Assert.Equal(marker.Committed.VersionId, removed.Events[0].VersionId);
        Assert.Equal(put.Committed!.VersionId, tagged.Events[0].VersionId);
    }

    [Fact]
    public async Task A_claimed_row_is_skipped_by_others_until_the_claim_expires_and_a_stale_claim_loses()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Unversioned, None, Events(EventNames.ObjectCreatedPut));
        var now = DateTimeOffset.UtcNow;
        var row = Assert.Single(await ctx.Index.ListOutboxAsync(bucket, Far, now, 10, None));

        var claimed = await ctx.Index.ClaimOutboxAsync(row, now.AddMinutes(1), None);
        var second = await ctx.Index.ClaimOutboxAsync(row, now.AddMinutes(1), None);

        Assert.NotNull(claimed);
        Assert.Null(second); // the row changed since it was read
        Assert.Empty(await ctx.Index.ListOutboxAsync(bucket, Far, now, 10, None));
        Assert.Single(await ctx.Index.ListOutboxAsync(bucket, Far, now.AddMinutes(2), 10, None));
        await ctx.Index.DeleteOutboxAsync([claimed], None);
        Assert.Empty(await ctx.Index.ListOutboxAsync(bucket, Far, now.AddMinutes(2), 10, None));
        Assert.Empty(await ctx.Index.ListOutboxAsync(bucket, now.AddMinutes(-5), now, 10, None));
    }

    [Fact]
    public async Task Outbox_rows_do_not_keep_a_bucket_from_being_deleted()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Unversioned, None, Events(EventNames.ObjectCreatedPut));
        await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Unversioned, None, Events(EventNames.ObjectRemovedDelete));

        Assert.Equal(2, (await ctx.Index.ListOutboxAsync(bucket, Far, DateTimeOffset.UtcNow, 10, None)).Count);
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteBucketAsync(bucket, None));
    }
}
