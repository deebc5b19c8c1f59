using System.Collections.Concurrent;

namespace ObjectStore.Index.Tests;

/// <summary>Multipart upload and part rows on Azurite: round trips, part commits against seals, listings.</summary>
public abstract class UploadTests : IndexContract
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private static UploadRecord Upload(string bucket, string key, string? id = null) =>
        new(bucket, key, id ?? UploadIds.New(DateTimeOffset.UtcNow, key), T0, "STANDARD")
        {
            StateChanged = T0,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "text/plain" },
            UserMetadata = new Dictionary<string, string> { ["stage"] = "train" },
            ChecksumAlgorithm = "CRC32",
            ChecksumType = "COMPOSITE",
            Owner = "alice",
            Encryption = "sse1;SSE-C;ctx;bWQ1",
            Acl = "READ uri=http://acs.amazonaws.com/groups/global/AllUsers",
        };

    private static PartRecord Part(UploadRecord upload, int number, string etag = "\"p\"", long size = 5) =>
        new(upload.Bucket, upload.Key, upload.UploadId, number, size, etag, T0, $"layout-{number}-{etag}") { ChecksumAlgorithm = "CRC32", ChecksumValue = "AAAAAA==" };

    private static async Task<List<PartRecord>> PartsAsync(IObjectIndex index, UploadRecord upload, int after = 0)
    {
        var parts = new List<PartRecord>();
        await foreach (var p in index.ListPartsAsync(upload.Bucket, upload.UploadId, after, None))
            parts.Add(p);
        return parts;
    }

    [Fact]
    public void Upload_ids_are_16_key_digits_and_sort_by_initiation()
    {
        var ids = Enumerable.Range(0, 200).Select(i => UploadIds.New(T0.AddMilliseconds(i / 50), "k")).ToList();
        Assert.All(ids, id => Assert.True(UploadIds.IsValid(id), id));
        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.False(UploadIds.IsValid("short"));
        Assert.False(UploadIds.IsValid("0123456789abcde!"));
    }

    [Theory]
    [InlineData("plain/key.bin")]
    [InlineData("awk/ #?%\\\t\U0001F600")]
    [InlineData(null)] // a 1024-byte key: an overflow token, the longest RowKey
    public async Task Upload_round_trips_and_state_changes_are_conditional(string? key)
    {
        key ??= new string('k', 1000) + new string('é', 12);
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, key);
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.CreateUploadAsync(upload, None));
        Assert.Equal(IndexWriteResult.AlreadyExists, await ctx.Index.CreateUploadAsync(upload, None));

        var read = await ctx.Index.GetUploadAsync(bucket, key, upload.UploadId, None);
        Assert.NotNull(read);
        Assert.Equal(upload with { ConcurrencyToken = read.ConcurrencyToken, Headers = read.Headers, UserMetadata = read.UserMetadata, Tags = read.Tags }, read);
        Assert.Equal("train", read.UserMetadata["stage"]);
        Assert.Null(await ctx.Index.GetUploadAsync(bucket, key[..^1] + "x", upload.UploadId, None));
        Assert.Null(await ctx.Index.GetUploadAsync(bucket, key, "not-an-upload-id", None));

        var (sealedResult, sealedUpload) = await ctx.Index.UpdateUploadAsync(read with { State = UploadState.Completing, CompletingETag = "\"x-1\"" }, None);
        Assert.Equal(IndexWriteResult.Success, sealedResult);
        Assert.Equal(IndexWriteResult.ConditionFailed, (await ctx.Index.UpdateUploadAsync(read with { State = UploadState.Aborting }, None)).Result);
        Assert.Equal(UploadState.Completing, (await ctx.Index.GetUploadAsync(bucket, key, upload.UploadId, None))!.State);
        Assert.Equal(IndexWriteResult.ConditionFailed, await ctx.Index.DeleteUploadAsync(read, None));
        Assert.Equal(IndexWriteResult.Success, await ctx.Index.DeleteUploadAsync(sealedUpload!, None));
        Assert.Null(await ctx.Index.GetUploadAsync(bucket, key, upload.UploadId, None));
    }

    [Fact]
    public async Task Part_commits_add_replace_and_list_in_part_number_order()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, "k");
        await ctx.Index.CreateUploadAsync(upload, None);
        foreach (var n in new[] { 10, 2, 10000, 1 })
            Assert.Equal(IndexWriteResult.Success, (await ctx.Index.CommitPartAsync(Part(upload, n), None)).Result);
        var replaced = await ctx.Index.CommitPartAsync(Part(upload, 2, "\"second\"", 7), None);
        Assert.Equal("\"p\"", replaced.Replaced?.ETag);

        var parts = await PartsAsync(ctx.Index, upload);
        Assert.Equal([1, 2, 10, 10000], parts.Select(p => p.PartNumber));
        Assert.Equal(Part(upload, 2, "\"second\"", 7), parts[1]);
        Assert.Equal([10, 10000], (await PartsAsync(ctx.Index, upload, after: 2)).Select(p => p.PartNumber));

        // Another upload's parts never show, even one whose id shares a prefix.
        var other = Upload(bucket, "k", upload.UploadId[..15] + (upload.UploadId[15] == 'z' ? 'y' : 'z'));
        await ctx.Index.CreateUploadAsync(other, None);
        await ctx.Index.CommitPartAsync(Part(other, 3), None);
        Assert.Equal(4, (await PartsAsync(ctx.Index, upload)).Count);

        await ctx.Index.DeletePartsAsync([parts[0], parts[2], parts[0]], None);
        Assert.Equal([2, 10000], (await PartsAsync(ctx.Index, upload)).Select(p => p.PartNumber));
    }

    [Fact]
    public async Task Parts_of_a_sealed_aborting_or_missing_upload_are_refused()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, "k");
        await ctx.Index.CreateUploadAsync(upload, None);
        var stored = await ctx.Index.GetUploadAsync(bucket, "k", upload.UploadId, None);
        foreach (var state in new[] { UploadState.Completing, UploadState.Aborting })
        {
            var (_, changed) = await ctx.Index.UpdateUploadAsync(stored! with { State = state }, None);
            Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.CommitPartAsync(Part(upload, 1), None)).Result);
            stored = changed;
        }
        Assert.Empty(await PartsAsync(ctx.Index, upload));
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.CommitPartAsync(Part(Upload(bucket, "k"), 1), None)).Result);
    }

    [Fact]
    public async Task Concurrent_part_commits_racing_a_seal_never_commit_after_it()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, "race");
        await ctx.Index.CreateUploadAsync(upload, None);
        var succeeded = new ConcurrentBag<int>();
        List<int>? sealedSnapshot = null;

        var writers = Enumerable.Range(1, 24).Select(n => Task.Run(async () =>
        {
            if ((await ctx.Index.CommitPartAsync(Part(upload, n), None)).Result == IndexWriteResult.Success)
                succeeded.Add(n);
        })).ToList();
        var sealer = Task.Run(async () =>
        {
            await Task.Delay(30);
            while (true)
            {
                var current = await ctx.Index.GetUploadAsync(bucket, "race", upload.UploadId, None);
                var (result, _) = await ctx.Index.UpdateUploadAsync(current! with { State = UploadState.Completing }, None);
                if (result == IndexWriteResult.Success)
                    break;
            }
            // What a completion reads right after sealing.
            sealedSnapshot = (await PartsAsync(ctx.Index, upload)).Select(p => p.PartNumber).ToList();
        });
        await Task.WhenAll([.. writers, sealer]);

        var final = (await PartsAsync(ctx.Index, upload)).Select(p => p.PartNumber).ToList();
        Assert.Equal(succeeded.Order(), final);
        Assert.Equal(sealedSnapshot, final);
    }

    [Fact]
    public async Task Concurrent_uploads_of_one_part_number_each_replace_exactly_one_other()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, "k");
        await ctx.Index.CreateUploadAsync(upload, None);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => ctx.Index.CommitPartAsync(Part(upload, 7, $"\"w{i}\""), None))));
        Assert.All(outcomes, o => Assert.Equal(IndexWriteResult.Success, o.Result));
        var replaced = outcomes.Where(o => o.Replaced is not null).Select(o => o.Replaced!.ETag).ToList();
        Assert.Equal(9, replaced.Count);
        Assert.Equal(9, replaced.Distinct().Count());
        var survivor = Assert.Single(await PartsAsync(ctx.Index, upload));
        Assert.DoesNotContain(survivor.ETag, replaced);
    }

    [Fact]
    public async Task Upload_listing_orders_by_key_then_initiation_rolls_up_prefixes_and_pages_with_markers()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var longA = new string('L', 400) + "a";
        var longB = new string('L', 400) + "b";
        string[] keys = ["a", "a", "dir/x", "dir/y", "dir/y", longB, longA, "\U0001F600", "\uE000", "z"];
        var uploads = new List<UploadRecord>();
        foreach (var key in keys)
        {
            var u = Upload(bucket, key);
            uploads.Add(u);
            await ctx.Index.CreateUploadAsync(u, None);
        }
        var aborting = Upload(bucket, "aborting");
        await ctx.Index.CreateUploadAsync(aborting, None);
        var stored = await ctx.Index.GetUploadAsync(bucket, "aborting", aborting.UploadId, None);
        await ctx.Index.UpdateUploadAsync(stored! with { State = UploadState.Aborting }, None);

        var expected = uploads.OrderBy(u => u.Key, Utf8KeyComparer.Instance).ThenBy(u => u.UploadId, StringComparer.Ordinal).ToList();
        var all = await ctx.Index.ListUploadsAsync(new UploadListRequest(bucket, "", null, null, null, 1000), None);
        Assert.Equal(expected.Select(u => u.UploadId), all.Uploads.Select(u => u.UploadId));
        Assert.False(all.IsTruncated);

        // Page by 3 with NextKeyMarker / NextUploadIdMarker: every upload once, in order.
        var paged = new List<string>();
        string? keyMarker = null, idMarker = null;
        while (true)
        {
            var page = await ctx.Index.ListUploadsAsync(new UploadListRequest(bucket, "", null, keyMarker, idMarker, 3), None);
            paged.AddRange(page.Uploads.Select(u => u.UploadId));
            if (!page.IsTruncated) break;
            (keyMarker, idMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
        Assert.Equal(expected.Select(u => u.UploadId), paged);

        var grouped = await ctx.Index.ListUploadsAsync(new UploadListRequest(bucket, "", "/", null, null, 1000), None);
        Assert.Equal(["dir/"], grouped.CommonPrefixes);
        Assert.DoesNotContain(grouped.Uploads, u => u.Key.StartsWith("dir/", StringComparison.Ordinal));
        var inDir = await ctx.Index.ListUploadsAsync(new UploadListRequest(bucket, "dir/", "/", "dir/x", null, 1000), None);
        Assert.Equal(["dir/y", "dir/y"], inDir.Uploads.Select(u => u.Key));
        var firstOfY = expected.First(u => u.Key == "dir/y");
        var afterFirstY = await ctx.Index.ListUploadsAsync(new UploadListRequest(bucket, "dir/", null, "dir/y", firstOfY.UploadId, 1000), None);
        Assert.Equal([expected.Last(u => u.Key == "dir/y").UploadId], afterFirstY.Uploads.Select(u => u.UploadId));
    }

    [Fact]
    public async Task A_state_change_needs_the_token_that_was_read_and_a_part_must_name_its_upload_key()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var upload = Upload(bucket, "k");
        await ctx.Index.CreateUploadAsync(upload, None);

        await Assert.ThrowsAsync<ArgumentException>(() => ctx.Index.UpdateUploadAsync(upload with { State = UploadState.Aborting }, None));
        Assert.Equal(IndexWriteResult.NotFound, (await ctx.Index.CommitPartAsync(Part(upload with { Key = "other" }, 1), None)).Result);
        Assert.Empty(await PartsAsync(ctx.Index, upload));
        Assert.Equal(UploadState.Open, (await ctx.Index.GetUploadAsync(bucket, "k", upload.UploadId, None))!.State);
    }
}
