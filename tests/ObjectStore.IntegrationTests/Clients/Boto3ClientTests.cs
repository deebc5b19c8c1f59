using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// boto3 1.43 (pip, the python3 first on PATH) with its default checksum behaviour: plain bodies
/// with x-amz-checksum-crc32, GETs with x-amz-checksum-mode: ENABLED. Each test runs one Python
/// script; the script prints a JSON document the test asserts on.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3ClientTests(LocalHostFixture host, ITestOutputHelper output) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>What these scripts share beyond <see cref="Boto3Script"/>'s prelude; each creates its bucket.</summary>
    private const string Prelude = """
        import hashlib, urllib.request
        import botocore
        from boto3.s3.transfer import TransferConfig

        out["boto3"] = boto3.__version__

        def error_of(call):
            try:
                call()
            except ClientError as e:
                return {"code": e.response["Error"].get("Code"), "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
            return None

        def list_all(**kw):
            keys, prefixes = [], []
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, **kw):
                keys += [o["Key"] for o in page.get("Contents", [])]
                prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
            return {"keys": keys, "prefixes": prefixes}

        s3.create_bucket(Bucket=bucket)

        """;

    private async Task<JsonElement> RunAsync(string body, Dictionary<string, object?> args, TimeSpan? timeout = null)
    {
        args.TryAdd("bucket", ClientTestData.BucketName("boto3"));
        var (result, elapsed) = await Boto3Script.RunAsync(host, _data, Prelude + body, args, timeout);
        output.WriteLine($"python3 script: {elapsed.TotalSeconds:F1} s");
        return result;
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Versions_delete_markers_and_list_object_versions()
    {
        var result = await RunAsync("""
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            out["status"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            ids = [s3.put_object(Bucket=bucket, Key="ckpt/model.pt", Body=b"epoch-%d" % i)["VersionId"] for i in range(3)]
            out["ids"] = ids
            out["old"] = s3.get_object(Bucket=bucket, Key="ckpt/model.pt", VersionId=ids[0])["Body"].read().decode()
            marker = s3.delete_object(Bucket=bucket, Key="ckpt/model.pt")
            out["marker"] = {"flag": marker.get("DeleteMarker"), "id": marker.get("VersionId")}
            out["hidden"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="ckpt/model.pt"))
            out["listed"] = list_all()["keys"]
            pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, PaginationConfig={"PageSize": 2})
            out["versions"] = [[v["VersionId"], v["IsLatest"]] for p in pages for v in p.get("Versions", [])]
            out["markers"] = [[m["VersionId"], m["IsLatest"]] for p in s3.get_paginator("list_object_versions").paginate(Bucket=bucket) for m in p.get("DeleteMarkers", [])]
            s3.delete_object(Bucket=bucket, Key="ckpt/model.pt", VersionId=marker["VersionId"])
            out["restored"] = s3.get_object(Bucket=bucket, Key="ckpt/model.pt")["Body"].read().decode()
            """, new());

        Assert.Equal("Enabled", result.GetProperty("status").GetString());
        var ids = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal("epoch-0", result.GetProperty("old").GetString());
        Assert.True(result.GetProperty("marker").GetProperty("flag").GetBoolean());
        var markerId = result.GetProperty("marker").GetProperty("id").GetString();
        Assert.Equal("NoSuchKey", result.GetProperty("hidden").GetProperty("code").GetString());
        Assert.Empty(result.GetProperty("listed").EnumerateArray());
        Assert.Equal(Enumerable.Reverse(ids).Select(id => (id, false)),
            result.GetProperty("versions").EnumerateArray().Select(v => (v[0].GetString()!, v[1].GetBoolean())));
        var marker = Assert.Single(result.GetProperty("markers").EnumerateArray());
        Assert.Equal(markerId, marker[0].GetString());
        Assert.True(marker[1].GetBoolean());
        Assert.Equal("epoch-2", result.GetProperty("restored").GetString());
    }

    [Fact]
    public async Task A_GLACIER_object_restores_in_the_background_and_reads_once_the_restore_is_done()
    {
        var result = await RunAsync("""
            import time
            s3.put_object(Bucket=bucket, Key="raw/capture.bin", Body=b"archived bytes", StorageClass="GLACIER")
            out["before"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="raw/capture.bin"))
            out["status"] = s3.restore_object(Bucket=bucket, Key="raw/capture.bin", RestoreRequest={"Days": 1})["ResponseMetadata"]["HTTPStatusCode"]
            deadline, restore = time.time() + 60, None
            while time.time() < deadline:
                restore = s3.head_object(Bucket=bucket, Key="raw/capture.bin").get("Restore")
                if restore and 'ongoing-request="false"' in restore:
                    break
                time.sleep(0.2)
            out["restore"] = restore
            out["body"] = s3.get_object(Bucket=bucket, Key="raw/capture.bin")["Body"].read().decode()
            out["again"] = s3.restore_object(Bucket=bucket, Key="raw/capture.bin", RestoreRequest={"Days": 2})["ResponseMetadata"]["HTTPStatusCode"]
            """, new());

        Assert.Equal("InvalidObjectState", result.GetProperty("before").GetProperty("code").GetString());
        Assert.Equal(403, result.GetProperty("before").GetProperty("status").GetInt32());
        Assert.Equal(202, result.GetProperty("status").GetInt32());
        Assert.StartsWith("ongoing-request=\"false\", expiry-date=", result.GetProperty("restore").GetString());
        Assert.Equal("archived bytes", result.GetProperty("body").GetString());
        Assert.Equal(200, result.GetProperty("again").GetInt32()); // a live copy is extended at once
    }

    [Fact]
    public async Task Objects_of_0_1_5MiB_and_100MiB_read_back_byte_identical()
    {
        var items = ClientTestData.Payloads.Select(p => new Dictionary<string, object>
        {
            ["key"] = "sizes/" + p.Name, ["size"] = p.Size, ["source"] = _data.Payload(p.Name, p.Size), ["target"] = _data.NewFilePath(p.Name),
        }).ToList();
        var started = Stopwatch.GetTimestamp();
        var result = await RunAsync("""
            for item in args["items"]:
                with open(item["source"], "rb") as f:
                    item["putETag"] = s3.put_object(Bucket=bucket, Key=item["key"], Body=f)["ETag"]
                # download_file: a HEAD, then ranged GETs in parallel for the large object.
                s3.download_file(bucket, item["key"], item["target"])
                head = s3.head_object(Bucket=bucket, Key=item["key"])
                item["headLength"] = head["ContentLength"]
                item["headETag"] = head["ETag"]
            out["items"] = args["items"]
            out["listed"] = [[o["Key"], o["Size"]] for o in s3.list_objects_v2(Bucket=bucket, Prefix="sizes/")["Contents"]]
            """, new() { ["items"] = items });
        output.WriteLine($"4 objects up and down: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");

        foreach (var item in result.GetProperty("items").EnumerateArray())
        {
            var key = item.GetProperty("key").GetString();
            Assert.Equal(item.GetProperty("size").GetInt64(), item.GetProperty("headLength").GetInt64());
            Assert.Equal(item.GetProperty("putETag").GetString(), item.GetProperty("headETag").GetString());
            Assert.True(ClientTestData.Sha256(item.GetProperty("source").GetString()!) == ClientTestData.Sha256(item.GetProperty("target").GetString()!),
                $"{key} read back differs from what was written");
        }
        Assert.Equal(
            ClientTestData.Payloads.Select(p => $"sizes/{p.Name}={p.Size}").Order(StringComparer.Ordinal),
            result.GetProperty("listed").EnumerateArray().Select(e => $"{e[0].GetString()}={e[1].GetInt64()}"));
    }

    [Fact]
    public async Task Listing_without_delimiter_shows_every_key_and_with_delimiter_groups_common_prefixes()
    {
        var result = await RunAsync("""
            keys = ["a.txt", "dir1/x", "dir1/y", "dir2/sub/z", "z.txt"]
            for k in keys:
                s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
            out["flat"] = list_all()
            out["paged"] = list_all(PaginationConfig={"PageSize": 2})
            out["grouped"] = list_all(Delimiter="/")
            out["inDir"] = list_all(Delimiter="/", Prefix="dir2/")
            v1 = s3.list_objects(Bucket=bucket, Delimiter="/")
            out["v1"] = {"keys": [o["Key"] for o in v1.get("Contents", [])], "prefixes": [p["Prefix"] for p in v1.get("CommonPrefixes", [])]}
            """, new());

        string[] keys = ["a.txt", "dir1/x", "dir1/y", "dir2/sub/z", "z.txt"];
        Assert.Equal(keys, Strings(result.GetProperty("flat").GetProperty("keys")));
        Assert.Empty(Strings(result.GetProperty("flat").GetProperty("prefixes")));
        Assert.Equal(keys, Strings(result.GetProperty("paged").GetProperty("keys")));
        foreach (var name in new[] { "grouped", "v1" })
        {
            Assert.Equal(["a.txt", "z.txt"], Strings(result.GetProperty(name).GetProperty("keys")));
            Assert.Equal(["dir1/", "dir2/"], Strings(result.GetProperty(name).GetProperty("prefixes")));
        }
        Assert.Empty(Strings(result.GetProperty("inDir").GetProperty("keys")));
        Assert.Equal(["dir2/sub/"], Strings(result.GetProperty("inDir").GetProperty("prefixes")));
    }

    [Fact]
    public async Task Copy_then_tag_then_delete_an_object()
    {
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        var target = _data.NewFilePath("copy.bin");
        var result = await RunAsync("""
            s3.upload_file(args["source"], bucket, "original")
            s3.copy_object(Bucket=bucket, Key="copies/duplicate", CopySource={"Bucket": bucket, "Key": "original"})
            s3.download_file(bucket, "copies/duplicate", args["target"])
            s3.put_object_tagging(Bucket=bucket, Key="copies/duplicate",
                                  Tagging={"TagSet": [{"Key": "colour", "Value": "blue"}, {"Key": "size", "Value": "5 MiB"}]})
            out["tags"] = sorted(t["Key"] + "=" + t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key="copies/duplicate")["TagSet"])
            out["tagCount"] = s3.head_object(Bucket=bucket, Key="copies/duplicate").get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-tagging-count")
            s3.delete_object_tagging(Bucket=bucket, Key="copies/duplicate")
            out["tagsAfterDelete"] = s3.get_object_tagging(Bucket=bucket, Key="copies/duplicate")["TagSet"]
            out["deleteStatus"] = s3.delete_object(Bucket=bucket, Key="copies/duplicate")["ResponseMetadata"]["HTTPStatusCode"]
            out["headAfterDelete"] = error_of(lambda: s3.head_object(Bucket=bucket, Key="copies/duplicate"))
            out["left"] = list_all()["keys"]
            """, new() { ["source"] = source, ["target"] = target });

        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(target));
        Assert.Equal(["colour=blue", "size=5 MiB"], Strings(result.GetProperty("tags")));
        Assert.Equal("2", result.GetProperty("tagCount").GetString());
        Assert.Equal(0, result.GetProperty("tagsAfterDelete").GetArrayLength());
        Assert.Equal(204, result.GetProperty("deleteStatus").GetInt32());
        Assert.Equal(404, result.GetProperty("headAfterDelete").GetProperty("status").GetInt32());
        Assert.Equal(["original"], Strings(result.GetProperty("left")));
    }

    [Fact]
    public async Task Awkward_keys_including_control_characters_round_trip_and_list_in_utf8_byte_order()
    {
        var keys = AwkwardKeys.Printable.Concat(AwkwardKeys.Control).ToArray();
        var result = await RunAsync("""
            keys = args["keys"]
            for k in keys:
                s3.put_object(Bucket=bucket, Key=k, Body=("body of " + k).encode("utf-8"))
            out["bodiesMatch"] = [k for k in keys if s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode("utf-8") != "body of " + k]
            out["paged"] = list_all(Prefix="awk/", PaginationConfig={"PageSize": 3})
            out["grouped"] = list_all(Prefix="awk/", Delimiter="/")
            v1 = []
            for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix="awk/", PaginationConfig={"PageSize": 4}):
                v1 += [o["Key"] for o in page.get("Contents", [])]
            out["v1"] = v1
            dest = "copy/awk/emoji-\U0001F600 #?%+"
            s3.copy_object(Bucket=bucket, Key=dest, CopySource={"Bucket": bucket, "Key": "awk/question?mark"})
            out["copied"] = s3.get_object(Bucket=bucket, Key=dest)["Body"].read().decode("utf-8")
            deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
            out["deleted"] = [d["Key"] for d in deleted.get("Deleted", [])]
            out["errors"] = deleted.get("Errors", [])
            out["left"] = list_all()["keys"]
            """, new() { ["keys"] = keys });

        Assert.Empty(Strings(result.GetProperty("bodiesMatch")));
        var expected = AwkwardKeys.InS3Order(keys);
        Assert.Equal(expected, Strings(result.GetProperty("paged").GetProperty("keys")));
        Assert.Equal(expected, Strings(result.GetProperty("v1")));
        Assert.Equal([AwkwardKeys.Prefix + "dir/"], Strings(result.GetProperty("grouped").GetProperty("prefixes")));
        Assert.Equal(AwkwardKeys.InS3Order(keys.Where(k => !k.StartsWith(AwkwardKeys.Prefix + "dir/", StringComparison.Ordinal))),
            Strings(result.GetProperty("grouped").GetProperty("keys")));
        Assert.Equal("body of awk/question?mark", result.GetProperty("copied").GetString());
        Assert.Equal(expected, AwkwardKeys.InS3Order(Strings(result.GetProperty("deleted"))));
        Assert.Equal(0, result.GetProperty("errors").GetArrayLength());
        Assert.Equal(["copy/awk/emoji-\U0001F600 #?%+"], Strings(result.GetProperty("left")));
    }

    [Fact]
    public async Task Range_conditional_get_head_metadata_presigned_url_and_delete_objects()
    {
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        var result = await RunAsync("""
            with open(args["source"], "rb") as f:
                etag = s3.put_object(Bucket=bucket, Key="obj", Body=f, ContentType="text/x-test; charset=utf-8",
                                     Metadata={"colour": "blue", "owner-name": "Ada Lovelace"})["ETag"]
            with open(args["source"], "rb") as f:
                f.seek(3 * 1024 * 1024 - 10)
                expected = f.read(1000)
            r = s3.get_object(Bucket=bucket, Key="obj", Range="bytes=%d-%d" % (3 * 1024 * 1024 - 10, 3 * 1024 * 1024 + 989))
            out["rangeStatus"] = r["ResponseMetadata"]["HTTPStatusCode"]
            out["contentRange"] = r["ContentRange"]
            out["rangeMatches"] = r["Body"].read() == expected
            out["notModified"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch=etag))
            out["modifiedStatus"] = s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch='"0123456789abcdef0123456789abcdef"')["ResponseMetadata"]["HTTPStatusCode"]
            out["ifMatchFailed"] = error_of(lambda: s3.get_object(Bucket=bucket, Key="obj", IfMatch='"0123456789abcdef0123456789abcdef"'))
            head = s3.head_object(Bucket=bucket, Key="obj")
            out["head"] = {"type": head["ContentType"], "length": head["ContentLength"], "etag": head["ETag"], "meta": head["Metadata"]}
            out["etag"] = etag
            s3.put_object(Bucket=bucket, Key="presigned/a key+plus&amp \U0001F600", Body=b"fetched without a signature header")
            # boto3 presigns with SigV2 unless told otherwise (SignatureV2Tests covers that); this one checks a SigV4 URL.
            v4 = boto3.client("s3", endpoint_url=args["endpoint"], region_name="us-east-1",
                              config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))
            out["url"] = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "presigned/a key+plus&amp \U0001F600"}, ExpiresIn=300)
            for k in ["d/1", "d/2", "d/3"]:
                s3.put_object(Bucket=bucket, Key=k, Body=b"x")
            deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in ["d/1", "d/2", "d/3", "never-existed"]]})
            out["deleted"] = sorted(d["Key"] for d in deleted.get("Deleted", []))
            out["errors"] = deleted.get("Errors", [])
            out["left"] = list_all()["keys"]
            """, new() { ["source"] = source });

        Assert.Equal(206, result.GetProperty("rangeStatus").GetInt32());
        Assert.Equal($"bytes {3 * ClientTestData.MiB - 10}-{3 * ClientTestData.MiB + 989}/{5 * ClientTestData.MiB}", result.GetProperty("contentRange").GetString());
        Assert.True(result.GetProperty("rangeMatches").GetBoolean(), "the range GET returned other bytes");
        Assert.Equal(304, result.GetProperty("notModified").GetProperty("status").GetInt32());
        Assert.Equal(200, result.GetProperty("modifiedStatus").GetInt32());
        Assert.Equal(412, result.GetProperty("ifMatchFailed").GetProperty("status").GetInt32());
        var head = result.GetProperty("head");
        Assert.Equal("text/x-test; charset=utf-8", head.GetProperty("type").GetString());
        Assert.Equal(5 * ClientTestData.MiB, head.GetProperty("length").GetInt64());
        Assert.Equal(result.GetProperty("etag").GetString(), head.GetProperty("etag").GetString());
        Assert.Equal("{\"colour\":\"blue\",\"owner-name\":\"Ada Lovelace\"}",
            JsonSerializer.Serialize(head.GetProperty("meta").EnumerateObject().OrderBy(p => p.Name).ToDictionary(p => p.Name, p => p.Value.GetString())));

        var url = result.GetProperty("url").GetString()!;
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {(int)response.StatusCode}: {body}");
        Assert.Equal("fetched without a signature header", body);

        Assert.Equal(["d/1", "d/2", "d/3", "never-existed"], Strings(result.GetProperty("deleted")));
        Assert.Equal(0, result.GetProperty("errors").GetArrayLength());
        Assert.Equal(["obj", "presigned/a key+plus&amp \U0001F600"], Strings(result.GetProperty("left")));
    }
    [Fact]
    public async Task Upload_file_with_a_multipart_transfer_config_reads_back_byte_identical_and_an_unfinished_upload_is_listed_then_aborted()
    {
        var source = _data.Payload("twenty-three-mib.bin", 23 * ClientTestData.MiB);
        var target = _data.NewFilePath("copy.bin");
        var result = await RunAsync("""
            config = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
            s3.upload_file(args["source"], bucket, "mp/object.bin", Config=config)
            head = s3.head_object(Bucket=bucket, Key="mp/object.bin", ChecksumMode="ENABLED")
            out["etag"] = head["ETag"]
            out["length"] = head["ContentLength"]
            out["checksumType"] = head.get("ChecksumType")
            out["partsCount"] = s3.head_object(Bucket=bucket, Key="mp/object.bin", PartNumber=2).get("PartsCount")
            s3.download_file(bucket, "mp/object.bin", args["target"], Config=config)
            # get_object validates a full-object checksum as it reads (composite ones it cannot).
            out["bodyMatches"] = hashlib.sha256(s3.get_object(Bucket=bucket, Key="mp/object.bin", ChecksumMode="ENABLED")["Body"].read()).hexdigest() \
                == hashlib.sha256(open(args["source"], "rb").read()).hexdigest()

            # A client that dies mid-upload leaves this behind:
            upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mp/unfinished")["UploadId"]
            with open(args["source"], "rb") as f:
                s3.upload_part(Bucket=bucket, Key="mp/unfinished", UploadId=upload_id, PartNumber=1, Body=f.read(5 * 1024 * 1024))
            listed = s3.list_multipart_uploads(Bucket=bucket)
            out["listed"] = [[u["Key"], u["UploadId"] == upload_id] for u in listed.get("Uploads", [])]
            out["parts"] = [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="mp/unfinished", UploadId=upload_id).get("Parts", [])]
            s3.abort_multipart_upload(Bucket=bucket, Key="mp/unfinished", UploadId=upload_id)
            out["afterAbort"] = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
            out["listPartsAfterAbort"] = error_of(lambda: s3.list_parts(Bucket=bucket, Key="mp/unfinished", UploadId=upload_id))
            out["keys"] = list_all()["keys"]
            """, new() { ["source"] = source, ["target"] = target });

        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(target));
        Assert.EndsWith("-5\"", result.GetProperty("etag").GetString(), StringComparison.Ordinal);
        Assert.Equal(23 * ClientTestData.MiB, result.GetProperty("length").GetInt64());
        Assert.Equal(5, result.GetProperty("partsCount").GetInt32());
        Assert.True(result.GetProperty("bodyMatches").GetBoolean());
        output.WriteLine($"checksum type: {result.GetProperty("checksumType")}");
        Assert.Equal("[[\"mp/unfinished\",true]]", result.GetProperty("listed").GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("[1]", result.GetProperty("parts").GetRawText());
        Assert.Equal(0, result.GetProperty("afterAbort").GetArrayLength());
        Assert.Equal("NoSuchUpload", result.GetProperty("listPartsAfterAbort").GetProperty("code").GetString());
        Assert.Equal(["mp/object.bin"], Strings(result.GetProperty("keys")));
    }
}
