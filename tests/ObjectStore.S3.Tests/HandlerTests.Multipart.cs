using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Integrity;
using ObjectStore.S3.Tests.Fakes;

namespace ObjectStore.S3.Tests;

/// <summary>Multipart upload through the request handler, over the in-process fakes (parts of 1 KiB minimum).</summary>
public sealed class HandlerMultipartTests
{
    private const int MinPart = 1024;
    private readonly HandlerHarness _h = new(o => o.MinPartSize = MinPart);

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<string> CreateAsync(string key, IDictionary<string, string>? headers = null)
    {
        var r = await _h.SendAsync("POST", $"/bucket/{key}?uploads", [], headers);
        Assert.Equal(200, r.Status);
        Assert.Equal(key, r.XmlValue("Key"));
        return r.XmlValue("UploadId")!;
    }

    private async Task<string> PartAsync(string key, string uploadId, int number, byte[] body, IDictionary<string, string>? headers = null)
    {
        var r = await _h.SendAsync("PUT", $"/bucket/{key}?partNumber={number}&uploadId={uploadId}", body, headers);
        Assert.True(r.Status == 200, r.Text);
        return r.Header("ETag")!;
    }

    private static string CompleteXml(params (int Number, string ETag)[] parts) =>
        "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + string.Concat(parts.Select(p => $"<Part><PartNumber>{p.Number}</PartNumber><ETag>{p.ETag}</ETag></Part>"))
        + "</CompleteMultipartUpload>";

    private Task<TestResponse> CompleteAsync(string key, string uploadId, string xml, IDictionary<string, string>? headers = null) =>
        _h.SendAsync("POST", $"/bucket/{key}?uploadId={uploadId}", Encoding.UTF8.GetBytes(xml), headers);

    private static string ExpectedETag(params byte[][] parts) =>
        "\"" + Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(MD5.HashData).ToArray())) + "-" + parts.Length + "\"";

    [Fact]
    public async Task Parts_complete_into_one_object_with_the_multipart_etag_and_read_back_whole_ranged_and_by_part()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("big", new Dictionary<string, string> { ["Content-Type"] = "text/x-parts", ["x-amz-meta-stage"] = "train" });
        byte[][] parts = [Bytes(2000, 1), Bytes(2000, 2), Bytes(700, 3)];
        var etags = new List<string>();
        for (var i = 0; i < parts.Length; i++)
            etags.Add(await PartAsync("big", id, i + 1, parts[i]));
        Assert.Equal("\"" + Convert.ToHexStringLower(MD5.HashData(parts[0])) + "\"", etags[0]);

        var done = await CompleteAsync("big", id, CompleteXml((1, etags[0]), (2, etags[1]), (3, etags[2])));
        Assert.Equal(200, done.Status);
        Assert.Equal(ExpectedETag(parts), done.XmlValue("ETag"));
        Assert.Equal("bucket", done.XmlValue("Bucket"));
        Assert.EndsWith("/bucket/big", done.XmlValue("Location"), StringComparison.Ordinal);

        var whole = parts.SelectMany(p => p).ToArray();
        var get = await _h.SendAsync("GET", "/bucket/big");
        Assert.Equal(whole, get.Body);
        Assert.Equal(ExpectedETag(parts), get.Header("ETag"));
        Assert.Equal("text/x-parts", get.Header("Content-Type"));
        Assert.Equal("train", get.Header("x-amz-meta-stage"));

        var range = await _h.SendAsync("GET", "/bucket/big", headers: new Dictionary<string, string> { ["Range"] = "bytes=1990-4009" });
        Assert.Equal(206, range.Status);
        Assert.Equal(whole[1990..4010], range.Body);

        var part2 = await _h.SendAsync("GET", "/bucket/big?partNumber=2");
        Assert.Equal(206, part2.Status);
        Assert.Equal(parts[1], part2.Body);
        Assert.Equal("bytes 2000-3999/4700", part2.Header("Content-Range"));
        Assert.Equal("3", part2.Header("x-amz-mp-parts-count"));
        var head3 = await _h.SendAsync("HEAD", "/bucket/big?partNumber=3");
        Assert.Equal("700", head3.Header("Content-Length"));
        Assert.Equal(416, (await _h.SendAsync("GET", "/bucket/big?partNumber=4")).Status);
        Assert.Equal("InvalidRequest", (await _h.SendAsync("GET", "/bucket/big?partNumber=1", headers: new Dictionary<string, string> { ["Range"] = "bytes=0-1" })).XmlValue("Code"));

        Assert.Empty(_h.Index.AllUploads);
        Assert.Equal(3, _h.Index.AllParts.Count);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10001")]
    [InlineData("x")]
    public async Task Part_number_outside_1_to_10000_is_InvalidArgument(string number)
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        var r = await _h.SendAsync("PUT", $"/bucket/k?partNumber={number}&uploadId={id}", [1]);
        Assert.Equal(400, r.Status);
        Assert.Equal("InvalidArgument", r.XmlValue("Code"));
    }

    [Fact]
    public async Task Completion_list_errors_are_reported_and_leave_the_upload_usable()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(MinPart, 1));
        var e2 = await PartAsync("k", id, 2, Bytes(10, 2));
        var e3 = await PartAsync("k", id, 3, Bytes(10, 3));

        Assert.Equal("InvalidPartOrder", (await CompleteAsync("k", id, CompleteXml((2, e2), (1, e1)))).XmlValue("Code"));
        Assert.Equal("InvalidPartOrder", (await CompleteAsync("k", id, CompleteXml((1, e1), (1, e1)))).XmlValue("Code"));
        Assert.Equal("InvalidPart", (await CompleteAsync("k", id, CompleteXml((1, e1), (2, e1)))).XmlValue("Code"));
        Assert.Equal("InvalidPart", (await CompleteAsync("k", id, CompleteXml((1, e1), (7, e1)))).XmlValue("Code"));
        Assert.Equal("InvalidPart", (await CompleteAsync("k", id, CompleteXml((1, "\"not-an-md5\"")))).XmlValue("Code"));
        var small = await CompleteAsync("k", id, CompleteXml((1, e1), (2, e2), (3, e3)));
        Assert.Equal(400, small.Status);
        Assert.Equal("EntityTooSmall", small.XmlValue("Code"));
        Assert.Equal("2", small.XmlValue("PartNumber"));
        Assert.Equal("MalformedXML", (await CompleteAsync("k", id, "<CompleteMultipartUpload></CompleteMultipartUpload>")).XmlValue("Code"));
        Assert.Equal("MalformedXML", (await CompleteAsync("k", id, "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>")).XmlValue("Code"));
        Assert.Equal("MalformedXML", (await CompleteAsync("k", id, "<Complete")).XmlValue("Code"));

        // Still open: a part can be replaced and the upload completed with parts 1 and 3 (2 is dropped).
        var done = await CompleteAsync("k", id, CompleteXml((1, e1), (3, e3)));
        Assert.Equal(200, done.Status);
        Assert.Equal(Bytes(MinPart, 1).Concat(Bytes(10, 3)), (await _h.SendAsync("GET", "/bucket/k")).Body);
        Assert.Equal([1, 3], _h.Index.AllParts.Select(p => p.PartNumber).Order());
        Assert.Equal(2, _h.Data.Data.Count);
        Assert.Equal("2", (await _h.SendAsync("HEAD", "/bucket/k?partNumber=2")).Header("x-amz-mp-parts-count"));
        Assert.Equal(Bytes(10, 3), (await _h.SendAsync("GET", "/bucket/k?partNumber=2")).Body);
    }

    [Fact]
    public async Task Completing_twice_with_the_same_list_answers_the_same_etag_and_another_list_NoSuchUpload()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(MinPart, 1));
        var e2 = await PartAsync("k", id, 2, Bytes(5, 2));
        var first = await CompleteAsync("k", id, CompleteXml((1, e1), (2, e2)));
        var second = await CompleteAsync("k", id, CompleteXml((1, e1), (2, e2)));
        Assert.Equal(200, second.Status);
        Assert.Equal(first.XmlValue("ETag"), second.XmlValue("ETag"));
        var other = await CompleteAsync("k", id, CompleteXml((1, e1)));
        Assert.Equal(404, other.Status);
        Assert.Equal("NoSuchUpload", other.XmlValue("Code"));
        Assert.Equal("NoSuchUpload", (await _h.SendAsync("PUT", $"/bucket/k?partNumber=3&uploadId={id}", [1])).XmlValue("Code"));
    }

    [Fact]
    public async Task Reuploading_a_part_replaces_it_and_deletes_the_old_data()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        await PartAsync("k", id, 1, Bytes(100, 1));
        var again = await PartAsync("k", id, 1, Bytes(50, 9));
        Assert.Single(_h.Data.Data);
        var list = await _h.SendAsync("GET", $"/bucket/k?uploadId={id}");
        Assert.Equal(["50"], list.XmlValues("Size"));
        Assert.Equal([again], list.XmlValues("ETag"));
    }

    [Fact]
    public async Task Delete_bucket_holding_only_unfinished_uploads_aborts_them_and_leaves_no_part_data()
    {
        await _h.CreateBucketAsync();
        var a = await CreateAsync("a");
        await PartAsync("a", a, 1, Bytes(100, 1));
        var b = await CreateAsync("dir/b");
        await PartAsync("dir/b", b, 1, Bytes(100, 2));

        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket")).Status);

        Assert.Equal("NoSuchBucket", (await _h.SendAsync("GET", "/bucket?uploads")).XmlValue("Code"));
        Assert.Empty(_h.Data.Data);
        Assert.Empty(_h.Index.AllParts);
        Assert.Empty(_h.Index.AllUploads);
    }

    [Fact]
    public async Task Delete_bucket_with_an_object_and_an_upload_is_BucketNotEmpty_and_keeps_the_upload()
    {
        await _h.CreateBucketAsync();
        await _h.PutAsync("bucket", "kept", "data");
        var id = await CreateAsync("k");
        await PartAsync("k", id, 1, Bytes(100, 1));

        Assert.Equal("BucketNotEmpty", (await _h.SendAsync("DELETE", "/bucket")).XmlValue("Code"));

        Assert.Equal([id], (await _h.SendAsync("GET", "/bucket?uploads")).XmlValues("UploadId"));
    }

    [Fact]
    public async Task Abort_removes_every_part_and_row_and_unknown_uploads_are_NoSuchUpload()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        await PartAsync("k", id, 1, Bytes(100, 1));
        await PartAsync("k", id, 2, Bytes(100, 2));
        Assert.Equal(204, (await _h.SendAsync("DELETE", $"/bucket/k?uploadId={id}")).Status);
        Assert.Empty(_h.Data.Data);
        Assert.Empty(_h.Index.AllParts);
        Assert.Empty(_h.Index.AllUploads);
        Assert.Equal("NoSuchUpload", (await _h.SendAsync("DELETE", $"/bucket/k?uploadId={id}")).XmlValue("Code"));
        Assert.Equal("NoSuchUpload", (await _h.SendAsync("GET", $"/bucket/k?uploadId={id}")).XmlValue("Code"));
        Assert.Equal("NoSuchUpload", (await _h.SendAsync("DELETE", "/bucket/k?uploadId=garbage")).XmlValue("Code"));
        Assert.Equal("NoSuchBucket", (await _h.SendAsync("DELETE", $"/nobucket/k?uploadId={id}")).XmlValue("Code"));
    }

    [Fact]
    public async Task ListParts_pages_with_part_number_marker_and_max_parts()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        foreach (var n in new[] { 1, 2, 3, 5, 8 })
            await PartAsync("k", id, n, Bytes(n, n));
        var first = await _h.SendAsync("GET", $"/bucket/k?uploadId={id}&max-parts=2");
        Assert.Equal(["1", "2"], first.XmlValues("PartNumber"));
        Assert.Equal("true", first.XmlValue("IsTruncated"));
        Assert.Equal("2", first.XmlValue("NextPartNumberMarker"));
        var second = await _h.SendAsync("GET", $"/bucket/k?uploadId={id}&max-parts=2&part-number-marker=2");
        Assert.Equal(["3", "5"], second.XmlValues("PartNumber"));
        var last = await _h.SendAsync("GET", $"/bucket/k?uploadId={id}&part-number-marker=5");
        Assert.Equal(["8"], last.XmlValues("PartNumber"));
        Assert.Equal("false", last.XmlValue("IsTruncated"));
        Assert.Equal(id, last.XmlValue("UploadId"));
        Assert.Equal("STANDARD", last.XmlValue("StorageClass"));
    }

    [Fact]
    public async Task ListMultipartUploads_filters_rolls_up_and_pages_by_key_and_upload_id()
    {
        await _h.CreateBucketAsync();
        var a1 = await CreateAsync("a");
        var a2 = await CreateAsync("a");
        var b = await CreateAsync("dir/b");
        await CreateAsync("dir/c");
        var z = await CreateAsync("z z");

        var all = await _h.SendAsync("GET", "/bucket?uploads");
        Assert.Equal(["a", "a", "dir/b", "dir/c", "z z"], all.XmlValues("Key"));
        Assert.Equal([a1, a2], all.XmlValues("UploadId").Take(2));

        var grouped = await _h.SendAsync("GET", "/bucket?uploads&delimiter=/");
        Assert.Equal(["a", "a", "z z"], grouped.XmlValues("Key"));
        Assert.Equal(["dir/"], grouped.Xml.Descendants().Where(e => e.Name.LocalName == "CommonPrefixes").Select(e => e.Value));

        var page = await _h.SendAsync("GET", "/bucket?uploads&max-uploads=1");
        Assert.Equal("true", page.XmlValue("IsTruncated"));
        Assert.Equal("a", page.XmlValue("NextKeyMarker"));
        Assert.Equal(a1, page.XmlValue("NextUploadIdMarker"));
        var next = await _h.SendAsync("GET", $"/bucket?uploads&max-uploads=2&key-marker=a&upload-id-marker={a1}");
        Assert.Equal([a2, b], next.XmlValues("UploadId"));
        var afterKey = await _h.SendAsync("GET", "/bucket?uploads&key-marker=dir/c");
        Assert.Equal([z], afterKey.XmlValues("UploadId"));
        var prefixed = await _h.SendAsync("GET", "/bucket?uploads&prefix=dir/&encoding-type=url");
        Assert.Equal(["dir/b", "dir/c"], prefixed.XmlValues("Key"));
        Assert.Equal(["z%20z"], (await _h.SendAsync("GET", "/bucket?uploads&prefix=z&encoding-type=url")).XmlValues("Key"));
    }

    [Fact]
    public async Task Composite_checksum_covers_the_parts_checksums_and_a_mismatched_algorithm_is_refused()
    {
        await _h.CreateBucketAsync();
        var created = await _h.SendAsync("POST", "/bucket/k?uploads", [], new Dictionary<string, string> { ["x-amz-checksum-algorithm"] = "CRC32" });
        Assert.Equal("COMPOSITE", created.Header("x-amz-checksum-type"));
        var id = created.XmlValue("UploadId")!;
        byte[][] parts = [Bytes(MinPart, 1), Bytes(10, 2)];
        var crcs = parts.Select(p => Convert.ToBase64String(Crc32.Hash(p).Reverse().ToArray())).ToArray();
        var e1 = await PartAsync("k", id, 1, parts[0], new Dictionary<string, string> { ["x-amz-checksum-crc32"] = crcs[0] });
        var e2 = await PartAsync("k", id, 2, parts[1]); // no checksum sent: computed anyway
        var wrong = await _h.SendAsync("PUT", $"/bucket/k?partNumber=3&uploadId={id}", [1], new Dictionary<string, string> { ["x-amz-checksum-crc32c"] = "AAAAAA==" });
        Assert.Equal("InvalidRequest", wrong.XmlValue("Code"));

        var done = await CompleteAsync("k", id, CompleteXml((1, e1), (2, e2)));
        var expected = Convert.ToBase64String(Crc32.Hash(crcs.SelectMany(Convert.FromBase64String).ToArray()).Reverse().ToArray()) + "-2";
        Assert.Equal(expected, done.XmlValue("ChecksumCRC32"));
        Assert.Equal("COMPOSITE", done.XmlValue("ChecksumType"));
        var get = await _h.SendAsync("GET", "/bucket/k", headers: new Dictionary<string, string> { ["x-amz-checksum-mode"] = "ENABLED" });
        Assert.Equal(expected, get.Header("x-amz-checksum-crc32"));
        Assert.Equal("COMPOSITE", get.Header("x-amz-checksum-type"));
    }

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public async Task Full_object_checksum_is_the_crc_of_the_whole_object(string algorithm)
    {
        await _h.CreateBucketAsync();
        var created = await _h.SendAsync("POST", "/bucket/k?uploads", [], new Dictionary<string, string>
        {
            ["x-amz-checksum-algorithm"] = algorithm, ["x-amz-checksum-type"] = "FULL_OBJECT",
        });
        var id = created.XmlValue("UploadId")!;
        byte[][] parts = [Bytes(MinPart + 17, 1), Bytes(3000, 2), Bytes(1, 3)];
        var etags = new List<(int, string)>();
        for (var i = 0; i < parts.Length; i++)
            etags.Add((i + 1, await PartAsync("k", id, i + 1, parts[i])));
        Assert.True(ChecksumAlgorithms.TryParse(algorithm, out var parsed));
        var whole = ChecksumCalculator.Compute(parsed, parts.SelectMany(p => p).ToArray());
        var done = await CompleteAsync("k", id, CompleteXml([.. etags]), new Dictionary<string, string> { [parsed.HeaderName()] = whole });
        Assert.True(done.Status == 200, done.Text);
        Assert.Equal(whole, done.XmlValue("Checksum" + algorithm));
        Assert.Equal("FULL_OBJECT", done.XmlValue("ChecksumType"));
    }

    [Fact]
    public async Task Upload_part_copy_into_an_upload_with_a_checksum_algorithm_stores_the_checksum_of_the_copied_range()
    {
        await _h.CreateBucketAsync();
        var source = Bytes(5000, 7);
        await _h.SendAsync("PUT", "/bucket/src", source);
        var created = await _h.SendAsync("POST", "/bucket/k?uploads", [], new Dictionary<string, string> { ["x-amz-checksum-algorithm"] = "CRC32" });
        var id = created.XmlValue("UploadId")!;

        var copy = await _h.SendAsync("PUT", $"/bucket/k?partNumber=1&uploadId={id}", [], new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/src", ["x-amz-copy-source-range"] = "bytes=100-1299",
        });

        Assert.Equal(200, copy.Status);
        var expected = Convert.ToBase64String(Crc32.Hash(source[100..1300]).Reverse().ToArray());
        Assert.Equal(expected, (await _h.SendAsync("GET", $"/bucket/k?uploadId={id}")).XmlValue("ChecksumCRC32"));
    }

    [Fact]
    public async Task Upload_part_copy_takes_a_range_of_another_object()
    {
        await _h.CreateBucketAsync();
        var source = Bytes(5000, 7);
        await _h.SendAsync("PUT", "/bucket/src", source);
        var id = await CreateAsync("k");
        var copy = await _h.SendAsync("PUT", $"/bucket/k?partNumber=1&uploadId={id}", [], new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/src", ["x-amz-copy-source-range"] = "bytes=100-1299",
        });
        Assert.Equal(200, copy.Status);
        Assert.Equal("CopyPartResult", copy.Xml.Name.LocalName);
        var e2 = await PartAsync("k", id, 2, Bytes(3, 3));
        Assert.Equal(200, (await CompleteAsync("k", id, CompleteXml((1, copy.XmlValue("ETag")!), (2, e2)))).Status);
        Assert.Equal(source[100..1300].Concat(Bytes(3, 3)), (await _h.SendAsync("GET", "/bucket/k")).Body);

        var id2 = await CreateAsync("k2");
        var bad = await _h.SendAsync("PUT", $"/bucket/k2?partNumber=1&uploadId={id2}", [], new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/src", ["x-amz-copy-source-range"] = "bytes=100-5000",
        });
        Assert.Equal("InvalidRange", bad.XmlValue("Code"));
        var failed = await _h.SendAsync("PUT", $"/bucket/k2?partNumber=1&uploadId={id2}", [], new Dictionary<string, string>
        {
            ["x-amz-copy-source"] = "/bucket/src", ["x-amz-copy-source-if-match"] = "\"0123\"",
        });
        Assert.Equal(412, failed.Status);
    }

    [Fact]
    public async Task Overwriting_or_deleting_a_multipart_object_removes_its_parts_once_collected()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(MinPart, 1));
        await CompleteAsync("k", id, CompleteXml((1, e1)));
        await _h.SendAsync("PUT", "/bucket/k", [1, 2, 3]);
        Assert.Single(_h.Index.AllParts); // a GET that started on the multipart object still reads it
        Assert.StartsWith("mp1;", Assert.Single(_h.Index.PendingDeletions).DataLayout, StringComparison.Ordinal);
        await _h.CollectPendingDeletionsAsync();
        Assert.Empty(_h.Index.AllParts);
        Assert.Single(_h.Data.Data);

        var id2 = await CreateAsync("k");
        await CompleteAsync("k", id2, CompleteXml((1, await PartAsync("k", id2, 1, Bytes(10, 1)))));
        await _h.CollectPendingDeletionsAsync();
        Assert.Single(_h.Data.Data);
        Assert.Equal(204, (await _h.SendAsync("DELETE", "/bucket/k")).Status);
        await _h.CollectPendingDeletionsAsync();
        Assert.Empty(_h.Index.AllParts);
        Assert.Empty(_h.Data.Data);
    }

    [Fact]
    public async Task Completion_honours_if_none_match_and_if_match_and_a_refused_upload_stays_open()
    {
        await _h.CreateBucketAsync();
        var put = await _h.SendAsync("PUT", "/bucket/k", [1]);
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(10, 1));
        var exists = await CompleteAsync("k", id, CompleteXml((1, e1)), new Dictionary<string, string> { ["If-None-Match"] = "*" });
        Assert.Equal(412, exists.Status);
        var stale = await CompleteAsync("k", id, CompleteXml((1, e1)), new Dictionary<string, string> { ["If-Match"] = "\"0123456789abcdef0123456789abcdef\"" });
        Assert.Equal(412, stale.Status);
        Assert.Equal(id, (await _h.SendAsync("GET", "/bucket?uploads")).XmlValue("UploadId"));
        var matching = await CompleteAsync("k", id, CompleteXml((1, e1)), new Dictionary<string, string> { ["If-Match"] = put.Header("ETag")! });
        Assert.Equal(200, matching.Status);
    }

    [Fact]
    public void Crc_combine_matches_the_crc_of_the_concatenation()
    {
        var random = new Random(5);
        foreach (var algorithm in new[] { ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme })
        {
            foreach (var (la, lb) in new[] { (0, 1), (1, 0), (7, 9), (1000, 4096), (65537, 3) })
            {
                var a = new byte[la];
                var b = new byte[lb];
                random.NextBytes(a);
                random.NextBytes(b);
                ulong Crc(byte[] data) => Convert.FromBase64String(ChecksumCalculator.Compute(algorithm, data)).Aggregate(0UL, (v, x) => (v << 8) | x);
                Assert.Equal(Crc([.. a, .. b]), CrcCombine.Combine(algorithm, Crc(a), Crc(b), lb));
            }
        }
    }
    /// <summary>Leaves the upload as a completion that died would: sealed for <paramref name="etag"/>.</summary>
    private async Task SealAsync(string key, string uploadId, string etag, TimeSpan age)
    {
        var upload = await _h.Index.GetUploadAsync("bucket", key, uploadId, CancellationToken.None);
        var (result, _) = await _h.Index.UpdateUploadAsync(upload! with
        {
            State = ObjectStore.Index.UploadState.Completing, CompletingETag = etag, StateChanged = DateTimeOffset.UtcNow - age,
        }, CancellationToken.None);
        Assert.Equal(ObjectStore.Index.IndexWriteResult.Success, result);
    }

    [Fact]
    public async Task A_sealed_upload_refuses_parts_and_aborts_until_stale_but_the_same_list_takes_the_completion_over()
    {
        await _h.CreateBucketAsync();
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(MinPart, 1));
        var e2 = await PartAsync("k", id, 2, Bytes(10, 2));
        await SealAsync("k", id, ExpectedETag(Bytes(MinPart, 1), Bytes(10, 2)), TimeSpan.FromMinutes(1));

        Assert.Equal("NoSuchUpload", (await _h.SendAsync("PUT", $"/bucket/k?partNumber=3&uploadId={id}", [1])).XmlValue("Code"));
        Assert.Equal("OperationAborted", (await _h.SendAsync("DELETE", $"/bucket/k?uploadId={id}")).XmlValue("Code"));
        Assert.Equal("OperationAborted", (await CompleteAsync("k", id, CompleteXml((1, e1)))).XmlValue("Code"));
        var done = await CompleteAsync("k", id, CompleteXml((1, e1), (2, e2)));
        Assert.Equal(200, done.Status);
        Assert.Empty(_h.Index.AllUploads);
        Assert.Equal(Bytes(MinPart, 1).Concat(Bytes(10, 2)), (await _h.SendAsync("GET", "/bucket/k")).Body);
    }

    [Fact]
    public async Task A_stale_seal_can_be_aborted_and_a_seal_whose_object_exists_is_finished_not_aborted()
    {
        await _h.CreateBucketAsync();
        var stale = await CreateAsync("stale");
        await PartAsync("stale", stale, 1, Bytes(10, 1));
        await SealAsync("stale", stale, "\"0123456789abcdef0123456789abcdef-1\"", TimeSpan.FromHours(1));
        Assert.Equal(204, (await _h.SendAsync("DELETE", $"/bucket/stale?uploadId={stale}")).Status);
        Assert.Empty(_h.Index.AllParts);
        Assert.Empty(_h.Data.Data);

        // The completion committed the object, then died before dropping its upload row.
        var id = await CreateAsync("k");
        var e1 = await PartAsync("k", id, 1, Bytes(10, 1));
        Assert.Equal(200, (await CompleteAsync("k", id, CompleteXml((1, e1)))).Status);
        await _h.Index.CreateUploadAsync(new ObjectStore.Index.UploadRecord("bucket", "k", id, DateTimeOffset.UtcNow, "STANDARD")
        {
            State = ObjectStore.Index.UploadState.Completing, StateChanged = DateTimeOffset.UtcNow,
        }, CancellationToken.None);
        Assert.Equal("NoSuchUpload", (await _h.SendAsync("DELETE", $"/bucket/k?uploadId={id}")).XmlValue("Code"));
        Assert.Empty(_h.Index.AllUploads);
        Assert.Equal(Bytes(10, 1), (await _h.SendAsync("GET", "/bucket/k")).Body);
    }
}
