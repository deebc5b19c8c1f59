using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>
/// Objects at or below the inline threshold live in their index row; larger ones in the data store. Every
/// test runs over one of each (<see cref="Small"/> and <see cref="Large"/> around a 1 KiB threshold) and
/// expects the same answers, plus where the bytes went.
/// </summary>
public sealed class InlineObjectTests
{
    private const int Threshold = 1024;
    public const int Small = 700;
    public const int Large = 5000;

    private readonly HandlerHarness _h = new(o => o.InlineMaxBytes = Threshold);

    private static byte[] Payload(int size, byte seed = 7) => Enumerable.Range(0, size).Select(i => (byte)(i * 13 + seed)).ToArray();

    private static string Crc32Of(byte[] bytes)
    {
        var crc = System.IO.Hashing.Crc32.Hash(bytes);
        Array.Reverse(crc); // S3 sends the big-endian value
        return Convert.ToBase64String(crc);
    }

    private static string ETagOf(byte[] bytes) => "\"" + Convert.ToHexStringLower(MD5.HashData(bytes)) + "\"";

    private Task<TestResponse> PutAsync(string key, byte[] body, Dictionary<string, string>? headers = null) =>
        _h.SendAsync("PUT", "/bucket/" + key, body, headers);

    private Task<TestResponse> GetAsync(string target, Dictionary<string, string>? headers = null) => _h.SendAsync("GET", target, headers: headers);

    /// <summary>Inline objects leave the data store untouched; others write one piece of data.</summary>
    private void AssertStoredWhere(int size, int piecesWhenLarge = 1) =>
        Assert.Equal(size <= Threshold ? 0 : piecesWhenLarge, _h.Data.Data.Count);

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    [InlineData(0)]
    [InlineData(Threshold)]
    [InlineData(Threshold + 1)]
    public async Task Put_and_get_return_the_bytes_etag_and_content_md5_check_wherever_the_data_lives(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);

        var put = await PutAsync("k", body, new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(body)) });
        var get = await GetAsync("/bucket/k");
        var head = await _h.SendAsync("HEAD", "/bucket/k");

        Assert.Equal(200, put.Status);
        Assert.Equal(ETagOf(body), put.Header("ETag"));
        Assert.Equal(body, get.Body);
        Assert.Equal(ETagOf(body), get.Header("ETag"));
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Header("Content-Length"));
        AssertStoredWhere(size);
        var record = await _h.Index.GetObjectAsync("bucket", "k", null, CancellationToken.None);
        Assert.Equal(size <= Threshold, InlineLayout.IsInline(record!.DataLayout));
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task A_wrong_content_md5_or_checksum_stores_nothing(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);

        var badMd5 = await PutAsync("k", body, new() { ["Content-MD5"] = Convert.ToBase64String(MD5.HashData(Payload(size, 1))) });
        var badChecksum = await PutAsync("k", body, new() { ["x-amz-checksum-crc32"] = Crc32Of(Payload(size, 1)) });

        Assert.Equal("BadDigest", badMd5.XmlValue("Code"));
        Assert.Equal("BadDigest", badChecksum.XmlValue("Code"));
        Assert.Equal(404, (await GetAsync("/bucket/k")).Status);
        Assert.Empty(_h.Data.Data);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task Flexible_checksum_ranges_and_conditions_answer_alike(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);
        var crc = Crc32Of(body);
        Assert.Equal(200, (await PutAsync("k", body, new() { ["x-amz-checksum-crc32"] = crc })).Status);

        var checksum = await GetAsync("/bucket/k", new() { ["x-amz-checksum-mode"] = "ENABLED" });
        var range = await GetAsync("/bucket/k", new() { ["Range"] = "bytes=10-409" });
        var suffix = await GetAsync("/bucket/k", new() { ["Range"] = "bytes=-5" });
        var notModified = await GetAsync("/bucket/k", new() { ["If-None-Match"] = ETagOf(body) });
        var failed = await GetAsync("/bucket/k", new() { ["If-Match"] = "\"other\"" });
        var conditionalPut = await PutAsync("k", body, new() { ["If-None-Match"] = "*" });

        Assert.Equal(crc, checksum.Header("x-amz-checksum-crc32"));
        Assert.Equal(206, range.Status);
        Assert.Equal(body[10..410], range.Body);
        Assert.Equal(body[^5..], suffix.Body);
        Assert.Equal(304, notModified.Status);
        Assert.Equal(412, failed.Status);
        Assert.Equal(412, conditionalPut.Status);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task Encrypted_objects_are_sealed_where_they_live_and_read_back_with_their_key(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);
        var customerKey = RandomNumberGenerator.GetBytes(32);
        var ssec = new Dictionary<string, string>
        {
            ["x-amz-server-side-encryption-customer-algorithm"] = "AES256",
            ["x-amz-server-side-encryption-customer-key"] = Convert.ToBase64String(customerKey),
            ["x-amz-server-side-encryption-customer-key-MD5"] = Convert.ToBase64String(MD5.HashData(customerKey)),
        };

        Assert.Equal(200, (await PutAsync("s3", body, new() { ["x-amz-server-side-encryption"] = "AES256" })).Status);
        Assert.Equal(200, (await PutAsync("c", body, ssec)).Status);

        var sse = await GetAsync("/bucket/s3");
        var ranged = await GetAsync("/bucket/c", new(ssec) { ["Range"] = "bytes=3-99" });
        var withoutKey = await GetAsync("/bucket/c");
        Assert.Equal(body, sse.Body);
        Assert.Equal("AES256", sse.Header("x-amz-server-side-encryption"));
        Assert.Equal(body[3..100], ranged.Body);
        Assert.Equal(400, withoutKey.Status);
        AssertStoredWhere(size, piecesWhenLarge: 2);
        var stored = (await _h.Index.GetObjectAsync("bucket", "s3", null, CancellationToken.None))!;
        if (stored.InlineData is { } inline)
        {
            Assert.Equal(size + 16, inline.Length); // one sealed block: ciphertext and its tag
            Assert.False(inline.Span.IndexOf(body.AsSpan(0, 64)) >= 0);
        }
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task Versions_delete_markers_and_tags_behave_alike(int size)
    {
        await _h.CreateBucketAsync();
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket?versioning",
            "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")).Status);
        var first = Payload(size, 1);
        var v1 = (await PutAsync("k", first)).Header("x-amz-version-id");
        Assert.Equal(200, (await PutAsync("k", Payload(size, 2))).Status);
        Assert.Equal(200, (await _h.SendAsync("PUT", "/bucket/k?tagging",
            "<Tagging><TagSet><Tag><Key>team</Key><Value>ml</Value></Tag></TagSet></Tagging>")).Status);

        Assert.Equal(Payload(size, 2), (await GetAsync("/bucket/k")).Body);
        Assert.Equal("ml", (await GetAsync("/bucket/k?tagging")).XmlValue("Value"));
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket/k")).Status);
        Assert.Equal(404, (await GetAsync("/bucket/k")).Status);
        Assert.Equal(first, (await GetAsync($"/bucket/k?versionId={v1}")).Body);
        Assert.Equal(204, (await _h.SendAsync("DELETE", $"/bucket/k?versionId={v1}")).Status);
        Assert.Equal(404, (await GetAsync($"/bucket/k?versionId={v1}")).Status);
        // The removed version's data is a pending deletion only when it was in the data store.
        Assert.Equal(size <= Threshold ? 0 : 1, _h.Index.PendingDeletions.Count);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task Copy_stays_inline_when_the_copy_is_small_and_reads_back_the_same_bytes(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);
        Assert.Equal(200, (await PutAsync("src", body)).Status);

        var copy = await _h.SendAsync("PUT", "/bucket/dst", headers: new Dictionary<string, string> { ["x-amz-copy-source"] = "/bucket/src" });

        Assert.Equal(200, copy.Status);
        Assert.Equal(body, (await GetAsync("/bucket/dst")).Body);
        Assert.Equal(ETagOf(body), (await _h.SendAsync("HEAD", "/bucket/dst")).Header("ETag"));
        AssertStoredWhere(size, piecesWhenLarge: 2);
    }

    [Fact]
    public async Task A_shard_backed_object_copied_under_the_threshold_becomes_inline()
    {
        await _h.CreateBucketAsync();
        var big = new HandlerHarness(o => o.InlineMaxBytes = 0); // writes shards only
        await big.CreateBucketAsync();
        var body = Payload(Small);
        Assert.Equal(200, (await big.SendAsync("PUT", "/bucket/src", body)).Status);
        Assert.Single(big.Data.Data);
        var source = (await big.Index.GetObjectAsync("bucket", "src", null, CancellationToken.None))!;
        Assert.False(InlineLayout.IsInline(source.DataLayout));

        // The same record and data in this harness: the copy reads the shards and writes the row.
        await _h.Index.PutObjectAsync(source, WriteCondition.None, BucketVersioning.Unversioned, CancellationToken.None);
        foreach (var (id, bytes) in big.Data.Data) _h.Data.Data[id] = bytes;
        var copy = await _h.SendAsync("PUT", "/bucket/dst", headers: new Dictionary<string, string> { ["x-amz-copy-source"] = "/bucket/src" });

        Assert.Equal(200, copy.Status);
        var copied = (await _h.Index.GetObjectAsync("bucket", "dst", null, CancellationToken.None))!;
        Assert.True(InlineLayout.IsInline(copied.DataLayout));
        Assert.Equal(body, (await GetAsync("/bucket/dst")).Body);
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task A_lifecycle_transition_to_a_cold_class_moves_the_data_into_the_data_store(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);
        Assert.Equal(200, (await PutAsync("k", body)).Status);
        var listed = Assert.Single((await _h.Index.ListObjectsAsync(new ListRequest("bucket", "", null, null, 10), CancellationToken.None)).Objects);

        var outcome = await _h.Actions.TransitionAsync(listed, "GLACIER_IR", CancellationToken.None); // a listed record: no inline bytes on it

        Assert.Equal(ObjectStore.Lifecycle.LifecycleActionOutcome.Done, outcome);
        var moved = (await _h.Index.GetObjectAsync("bucket", "k", null, CancellationToken.None))!;
        Assert.Equal("GLACIER_IR", moved.StorageClass);
        Assert.Null(moved.InlineData);
        Assert.False(InlineLayout.IsInline(moved.DataLayout));
        Assert.Equal(body, (await GetAsync("/bucket/k")).Body);
        Assert.Equal(size <= Threshold ? 0 : 1, _h.Index.PendingDeletions.Count); // the old shards wait for the collector
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(Large)]
    public async Task A_body_that_ends_early_stores_nothing(int size)
    {
        await _h.CreateBucketAsync();
        var body = Payload(size);

        var r = await _h.SendAsync("PUT", "/bucket/k", body[..(size / 2)], new Dictionary<string, string> { ["Content-Length"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(400, r.Status);
        Assert.Equal("IncompleteBody", r.XmlValue("Code"));
        Assert.Empty(_h.Data.Data);
        Assert.Null(await _h.Index.GetObjectAsync("bucket", "k", null, CancellationToken.None));
    }

    [Fact]
    public async Task An_inline_put_whose_index_write_fails_leaves_nothing_behind()
    {
        await _h.CreateBucketAsync();
        _h.Index.FailNextPut = new IOException("index unreachable");

        var r = await PutAsync("k", Payload(Small));

        Assert.Equal(500, r.Status);
        Assert.Empty(_h.Data.Data); // no shard was ever written: nothing for repair to collect
        Assert.Null(await _h.Index.GetObjectAsync("bucket", "k", null, CancellationToken.None));
    }

    [Fact]
    public async Task Storage_classes_colder_than_intelligent_tiering_are_never_inline()
    {
        await _h.CreateBucketAsync();

        Assert.Equal(200, (await PutAsync("ia", Payload(Small), new() { ["x-amz-storage-class"] = "STANDARD_IA" })).Status);
        Assert.Equal(200, (await PutAsync("it", Payload(Small), new() { ["x-amz-storage-class"] = "INTELLIGENT_TIERING" })).Status);

        Assert.False(InlineLayout.IsInline((await _h.Index.GetObjectAsync("bucket", "ia", null, CancellationToken.None))!.DataLayout));
        Assert.True(InlineLayout.IsInline((await _h.Index.GetObjectAsync("bucket", "it", null, CancellationToken.None))!.DataLayout));
        Assert.Single(_h.Data.Data);
    }
}
