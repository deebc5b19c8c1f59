
namespace ObjectStore.Index.Tests;

/// <summary>ListDataRowsAsync on Azurite: the rows that own data, in pages that resume from a position.</summary>
public abstract class DataRowTests : IndexContract
{
    [Fact]
    public async Task Every_version_and_part_row_is_listed_once_across_pages_and_delete_markers_and_upload_rows_are_not()
    {
        var context = await CreateContextAsync();
        var index = context.Index;
        var bucket = await context.CreateBucketAsync();
        // Versions: an Enabled bucket keeps both versions of "a"; "b" gets a delete marker on top of its version.
        foreach (var key in new[] { "a", "a", "b", "c/d", "\U0001F600" })
            Assert.Equal(IndexWriteResult.Success, (await index.PutObjectAsync(IndexTestContext.Record(bucket, key), WriteCondition.None, BucketVersioning.Enabled, None)).Result);
        Assert.Equal(IndexWriteResult.Success, (await index.DeleteObjectAsync(bucket, "b", null, WriteCondition.None, BucketVersioning.Enabled, None)).Result);
        var upload = new UploadRecord(bucket, "big", UploadIds.New(DateTimeOffset.UtcNow, "big"), DateTimeOffset.UtcNow, "STANDARD");
        Assert.Equal(IndexWriteResult.Success, await index.CreateUploadAsync(upload, None));
        for (var part = 1; part <= 3; part++)
            Assert.Equal(IndexWriteResult.Success, (await index.CommitPartAsync(
                new PartRecord(bucket, "big", upload.UploadId, part, 5, "\"p\"", DateTimeOffset.UtcNow, $"part-layout-{part}"), None)).Result);
        var other = await context.CreateBucketAsync();
        await index.PutObjectAsync(IndexTestContext.Record(other, "elsewhere"), WriteCondition.None, BucketVersioning.Enabled, None);

        foreach (var pageSize in new[] { 1, 2, 1000 })
        {
            var rows = new List<DataRow>();
            string? after = null;
            var pages = 0;
            do
            {
                var page = await index.ListDataRowsAsync(bucket, after, pageSize, None);
                Assert.InRange(page.Rows.Count, 0, pageSize);
                rows.AddRange(page.Rows);
                after = page.NextAfter;
                pages++;
            }
            while (after is not null && pages < 50);
            Assert.Null(after);

            Assert.Equal([1, 2, 3], rows.Where(r => r.Kind == DataRowKind.Part).Select(r => int.Parse(r.Id.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.All(rows.Where(r => r.Kind == DataRowKind.Part), r => Assert.Equal(("big", $"part-layout-{r.Id.Split('#')[1]}"), (r.Key, r.DataLayout)));
            var versions = rows.Where(r => r.Kind == DataRowKind.Version).Select(r => r.Key).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "a", "a", "b", "c/d", "\U0001F600" }.Order(StringComparer.Ordinal), versions); // the marker has no data
            Assert.Equal(rows.Count, rows.Select(r => r.Position).Distinct().Count());
            Assert.All(rows, r => Assert.Equal(bucket, r.Bucket));
        }
    }

    [Fact]
    public async Task A_part_layout_changes_only_while_the_row_still_holds_the_layout_the_scan_read()
    {
        var context = await CreateContextAsync();
        var index = context.Index;
        var bucket = await context.CreateBucketAsync();
        var upload = new UploadRecord(bucket, "big", UploadIds.New(DateTimeOffset.UtcNow, "big"), DateTimeOffset.UtcNow, "STANDARD");
        Assert.Equal(IndexWriteResult.Success, await index.CreateUploadAsync(upload, None));
        for (var part = 1; part <= 2; part++)
            await index.CommitPartAsync(new PartRecord(bucket, "big", upload.UploadId, part, 5, "\"p\"", DateTimeOffset.UtcNow, $"degraded-{part}"), None);
        var rows = (await index.ListDataRowsAsync(bucket, null, 10, None)).Rows;
        var (first, second) = (rows[0], rows[1]);

        Assert.Equal(IndexWriteResult.Success, await index.UpdatePartLayoutAsync(first, "whole-1", None));
        // Part 2 uploaded again after the scan read it: the newer upload wins.
        await index.CommitPartAsync(new PartRecord(bucket, "big", upload.UploadId, 2, 5, "\"q\"", DateTimeOffset.UtcNow, "reuploaded-2"), None);
        Assert.Equal(IndexWriteResult.ConditionFailed, await index.UpdatePartLayoutAsync(second, "whole-2", None));
        // A scan row read before the first change is stale too.
        Assert.Equal(IndexWriteResult.ConditionFailed, await index.UpdatePartLayoutAsync(first, "again-1", None));

        var parts = new List<PartRecord>();
        await foreach (var part in index.ListPartsAsync(bucket, upload.UploadId, 0, None))
            parts.Add(part);
        Assert.Equal(["whole-1", "reuploaded-2"], parts.Select(p => p.DataLayout));
        Assert.Equal(["\"p\"", "\"q\""], parts.Select(p => p.ETag));

        await index.DeletePartsAsync(parts, None);
        Assert.Equal(IndexWriteResult.NotFound, await index.UpdatePartLayoutAsync(second, "whole-2", None));
        var version = (await index.ListDataRowsAsync(await VersionBucketAsync(context), null, 10, None)).Rows.Single();
        await Assert.ThrowsAsync<ArgumentException>(() => index.UpdatePartLayoutAsync(version, "x", None));
    }

    private static async Task<string> VersionBucketAsync(IndexTestContext context)
    {
        var bucket = await context.CreateBucketAsync();
        await context.Index.PutObjectAsync(IndexTestContext.Record(bucket, "v"), WriteCondition.None, BucketVersioning.Enabled, None);
        return bucket;
    }
}
