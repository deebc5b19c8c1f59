using Microsoft.Extensions.Time.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Object Lock as the index enforces it: a version a retention or legal hold keeps is never removed, by
/// any write, judged on the stored row and the index's clock at commit time; lock changes follow
/// GOVERNANCE / COMPLIANCE rules; lock fields survive version updates and listings.
/// </summary>
public abstract class ObjectLockTests : IndexContract
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task<(IndexTestContext Ctx, FakeTimeProvider Clock, string Bucket)> SetUpAsync()
    {
        var clock = new FakeTimeProvider(Start);
        var ctx = await CreateContextAsync(clock);
        return (ctx, clock, await ctx.CreateBucketAsync());
    }

    private static async Task<ObjectRecord> PutAsync(IndexTestContext ctx, string bucket, string key, string? mode, DateTimeOffset? until, bool? hold = null,
        BucketVersioning versioning = BucketVersioning.Enabled)
    {
        var outcome = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key) with { ObjectLockMode = mode, ObjectLockRetainUntil = until, ObjectLockLegalHold = hold },
            WriteCondition.None, versioning, None);
        Assert.Equal(IndexWriteResult.Success, outcome.Result);
        return outcome.Committed!;
    }

    private static Task<ObjectWriteOutcome> DeleteAsync(IndexTestContext ctx, string bucket, string key, string? versionId, bool bypass = false) =>
        ctx.Index.DeleteObjectAsync(bucket, key, versionId, WriteCondition.None, BucketVersioning.Enabled, None, bypassGovernance: bypass);

    [Theory]
    [InlineData(ObjectLocks.Governance)]
    [InlineData(ObjectLocks.Compliance)]
    public async Task A_retained_version_is_refused_as_Locked_until_its_date_on_the_index_clock_then_deleted(string mode)
    {
        var (ctx, clock, bucket) = await SetUpAsync();
        var older = await PutAsync(ctx, bucket, "k", mode, Start.AddMinutes(10));
        var latest = await PutAsync(ctx, bucket, "k", mode, Start.AddMinutes(10));

        Assert.Equal(IndexWriteResult.Locked, (await DeleteAsync(ctx, bucket, "k", older.VersionId)).Result);
        Assert.Equal(IndexWriteResult.Locked, (await DeleteAsync(ctx, bucket, "k", latest.VersionId)).Result);
        Assert.Equal(IndexWriteResult.Locked, (await ctx.Index.DeleteObjectAsync(bucket, "k", older.VersionId, WriteCondition.RowUnchanged(
            (await ctx.Index.GetObjectAsync(bucket, "k", older.VersionId, None))!.ConcurrencyToken!), BucketVersioning.Enabled, None)).Result);
        Assert.Empty((await ctx.Index.ListDataDeletionsAsync(bucket, null, 100, None)).Deletions);

        // A delete without a version id still adds a delete marker.
        var marker = await DeleteAsync(ctx, bucket, "k", null);
        Assert.Equal(IndexWriteResult.Success, marker.Result);
        Assert.True(marker.Committed!.IsDeleteMarker);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "k", older.VersionId)).Result);
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "k", latest.VersionId)).Result);
    }

    [Fact]
    public async Task Governance_gives_way_to_the_bypass_and_compliance_never_does()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        var governed = await PutAsync(ctx, bucket, "g", ObjectLocks.Governance, Start.AddDays(1));
        var compliant = await PutAsync(ctx, bucket, "c", ObjectLocks.Compliance, Start.AddDays(1));

        Assert.Equal(IndexWriteResult.Locked, (await DeleteAsync(ctx, bucket, "c", compliant.VersionId, bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "g", governed.VersionId, bypass: true)).Result);
    }

    [Fact]
    public async Task A_legal_hold_keeps_a_version_whatever_its_retention_and_the_bypass()
    {
        var (ctx, clock, bucket) = await SetUpAsync();
        var held = await PutAsync(ctx, bucket, "k", ObjectLocks.Governance, Start.AddMinutes(1), hold: true);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(IndexWriteResult.Locked, (await DeleteAsync(ctx, bucket, "k", held.VersionId, bypass: true)).Result);

        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.UpdateObjectLockAsync(bucket, "k", held.VersionId, new ObjectLockChange(null, false), None)).Result);
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "k", held.VersionId)).Result);
    }

    [Fact]
    public async Task A_legal_hold_reads_never_set_until_one_is_put_then_ON_and_OFF_once_lifted_in_reads_and_listings()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        var never = await PutAsync(ctx, bucket, "k", null, null);
        var writtenOff = await PutAsync(ctx, bucket, "off", null, null, hold: false);
        async Task<(bool? Read, bool? Listed)> HoldOf(string key, string versionId) =>
            ((await ctx.Index.GetObjectAsync(bucket, key, versionId, None))!.ObjectLockLegalHold,
             (await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, key, null, null, null, 10), None)).Entries.Single(e => e.Version.VersionId == versionId).Version.ObjectLockLegalHold);
        Task<ObjectWriteOutcome> Change(ObjectLockChange change) => ctx.Index.UpdateObjectLockAsync(bucket, "k", never.VersionId, change, None);

        Assert.Equal((null, null), await HoldOf("k", never.VersionId));
        Assert.Equal((false, false), await HoldOf("off", writtenOff.VersionId));

        Assert.Equal(IndexWriteResult.Success, (await Change(new ObjectLockChange(null, true))).Result);
        Assert.Equal((true, true), await HoldOf("k", never.VersionId));
        Assert.Equal(IndexWriteResult.Success, (await Change(new ObjectLockChange(null, false))).Result);
        Assert.Equal((false, false), await HoldOf("k", never.VersionId));

        // A retention change leaves the lifted hold as it is, and OFF keeps nothing.
        Assert.Equal(IndexWriteResult.Success, (await Change(new ObjectLockChange(new ObjectLockRetention(ObjectLocks.Governance, Start.AddDays(1)), null))).Result);
        Assert.Equal((false, false), await HoldOf("k", never.VersionId));
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "k", never.VersionId, bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "off", writtenOff.VersionId)).Result);
    }

    [Fact]
    public async Task Compliance_may_only_be_extended_and_governance_shortened_only_with_the_bypass()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        var c = await PutAsync(ctx, bucket, "c", ObjectLocks.Compliance, Start.AddDays(2));
        var g = await PutAsync(ctx, bucket, "g", ObjectLocks.Governance, Start.AddDays(2));
        Task<ObjectWriteOutcome> Change(string key, string version, string? mode, DateTimeOffset? until, bool bypass = false) =>
            ctx.Index.UpdateObjectLockAsync(bucket, key, version, new ObjectLockChange(new ObjectLockRetention(mode, until), null, bypass), None);

        Assert.Equal(IndexWriteResult.Locked, (await Change("c", c.VersionId, ObjectLocks.Compliance, Start.AddDays(1), bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Locked, (await Change("c", c.VersionId, ObjectLocks.Governance, Start.AddDays(3), bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Locked, (await Change("c", c.VersionId, null, null, bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Success, (await Change("c", c.VersionId, ObjectLocks.Compliance, Start.AddDays(5))).Result);
        Assert.Equal(Start.AddDays(5), (await ctx.Index.GetObjectAsync(bucket, "c", c.VersionId, None))!.ObjectLockRetainUntil);

        Assert.Equal(IndexWriteResult.Locked, (await Change("g", g.VersionId, ObjectLocks.Governance, Start.AddDays(1))).Result);
        Assert.Equal(IndexWriteResult.Success, (await Change("g", g.VersionId, ObjectLocks.Governance, Start.AddDays(1), bypass: true)).Result);
        Assert.Equal(IndexWriteResult.Success, (await Change("g", g.VersionId, null, null, bypass: true)).Result);
        var removed = await ctx.Index.GetObjectAsync(bucket, "g", null, None);
        Assert.Equal((null, null), (removed!.ObjectLockMode, removed.ObjectLockRetainUntil));
        Assert.Equal(IndexWriteResult.Success, (await DeleteAsync(ctx, bucket, "g", g.VersionId)).Result);
    }

    [Fact]
    public async Task A_lock_set_on_an_older_version_shows_in_reads_and_listings_and_survives_a_version_update()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        var older = await PutAsync(ctx, bucket, "k", null, null);
        await PutAsync(ctx, bucket, "k", null, null);
        var set = await ctx.Index.UpdateObjectLockAsync(bucket, "k", older.VersionId,
            new ObjectLockChange(new ObjectLockRetention(ObjectLocks.Compliance, Start.AddDays(1)), true), None);
        Assert.Equal(IndexWriteResult.Success, set.Result);

        var transitioned = await ctx.Index.UpdateVersionAsync(bucket, "k", older.VersionId, older.DataLayout, null,
            r => r with { StorageClass = "GLACIER", DataLayout = "moved" }, None);
        Assert.Equal(IndexWriteResult.Success, transitioned.Result);

        var read = (await ctx.Index.GetObjectAsync(bucket, "k", older.VersionId, None))!;
        var listed = (await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries.Single(e => e.Version.VersionId == older.VersionId).Version;
        foreach (var record in new[] { read, listed })
            Assert.Equal((ObjectLocks.Compliance, Start.AddDays(1), true, "GLACIER"), (record.ObjectLockMode, record.ObjectLockRetainUntil, record.ObjectLockLegalHold, record.StorageClass));
        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.UpdateVersionAsync(bucket, "k", older.VersionId, "moved", null,
            r => r with { ObjectLockLegalHold = false }, None));
        Assert.Equal(IndexWriteResult.Locked, (await DeleteAsync(ctx, bucket, "k", older.VersionId)).Result);
    }

    [Fact]
    public async Task A_locked_null_version_is_not_replaced_by_a_write_or_a_delete_marker_outside_Enabled()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        await PutAsync(ctx, bucket, "k", ObjectLocks.Governance, Start.AddDays(1), versioning: BucketVersioning.Suspended);

        var put = await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Suspended, None);
        var marker = await ctx.Index.DeleteObjectAsync(bucket, "k", null, WriteCondition.None, BucketVersioning.Suspended, None);

        Assert.Equal((IndexWriteResult.Locked, IndexWriteResult.Locked), (put.Result, marker.Result));
        Assert.Equal(ObjectLocks.Governance, (await ctx.Index.GetObjectAsync(bucket, "k", VersionIds.Null, None))!.ObjectLockMode);
        Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Enabled, None)).Result);
    }

    [Fact]
    public async Task A_bucket_holding_locked_versions_cannot_be_deleted()
    {
        var (ctx, _, bucket) = await SetUpAsync();
        await PutAsync(ctx, bucket, "k", ObjectLocks.Compliance, Start.AddDays(1));
        await DeleteAsync(ctx, bucket, "k", null);

        Assert.Equal(IndexWriteResult.NotEmpty, await ctx.Index.DeleteBucketAsync(bucket, None));
    }
}
