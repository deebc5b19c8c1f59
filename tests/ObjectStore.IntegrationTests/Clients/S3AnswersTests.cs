using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// Answers where tools expect S3's exact behaviour, each checked with boto3 or botocore-signed raw
/// requests against the local host (region us-east-1).
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class S3AnswersTests(LocalHostFixture host) : IDisposable
{
    /// <summary>raw(method, path, data, headers, sign) sends a request signed with SigV4 (UNSIGNED-PAYLOAD) or unsigned.</summary>
    private const string Raw = """
        import requests
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        def raw(method, path, data=None, headers=None, sign=True):
            headers = dict(headers or {})
            if sign:
                headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
                request = AWSRequest(method=method, url=args["endpoint"] + path, data=None, headers=headers)
                SigV4Auth(Credentials(args["key"], args["secret"]), "s3", "us-east-1").add_auth(request)
                headers = dict(request.headers)
            r = requests.request(method, args["endpoint"] + path, data=data, headers=headers)
            return [r.status_code, r.text]

        def code(result):
            import re
            m = re.search(r"<Code>([^<]*)</Code>", result[1])
            return [result[0], m.group(1) if m else None]

        s3.create_bucket(Bucket=bucket)

        """;

    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private async Task<JsonElement> RunAsync(string script, string bucketPrefix) =>
        (await Boto3Script.RunAsync(host, _data, Raw + script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName(bucketPrefix) })).Result;

    private static (int, string?) Code(JsonElement outcome, string name) => (outcome.GetProperty(name)[0].GetInt32(), outcome.GetProperty(name)[1].GetString());

    [Fact]
    public async Task Creating_your_own_bucket_again_in_us_east_1_answers_200()
    {
        var outcome = await RunAsync("""
            out["again"] = s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            """, "again");

        Assert.Equal(200, outcome.GetProperty("again").GetInt32());
    }

    [Fact]
    public async Task Deleting_a_bucket_with_only_unfinished_uploads_succeeds_and_takes_them()
    {
        var outcome = await RunAsync("""
            upload = s3.create_multipart_upload(Bucket=bucket, Key="big.bin")["UploadId"]
            s3.upload_part(Bucket=bucket, Key="big.bin", UploadId=upload, PartNumber=1, Body=b"x" * 1024)
            s3.create_multipart_upload(Bucket=bucket, Key="other.bin")
            out["delete"] = s3.delete_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            out["exists"] = bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]
            """, "uploads-only");

        Assert.Equal(204, outcome.GetProperty("delete").GetInt32());
        Assert.False(outcome.GetProperty("exists").GetBoolean());
    }

    [Fact]
    public async Task Url_encoded_listings_encode_common_prefixes_space_as_percent_20_and_plus_as_percent_2B()
    {
        var outcome = await RunAsync("""
            for key in ["run books/a.txt", "a+b/c.txt", "plain/x"]:
                s3.put_object(Bucket=bucket, Key=key, Body=b"x")
            s3.create_multipart_upload(Bucket=bucket, Key="run books/upload.bin")
            def prefixes(r):
                return sorted(p["Prefix"] for p in r.get("CommonPrefixes", []))
            out["v2"] = prefixes(s3.list_objects_v2(Bucket=bucket, Delimiter="/", EncodingType="url"))
            out["v1"] = prefixes(s3.list_objects(Bucket=bucket, Delimiter="/", EncodingType="url"))
            out["versions"] = prefixes(s3.list_object_versions(Bucket=bucket, Delimiter="/", EncodingType="url"))
            out["uploads"] = prefixes(s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", EncodingType="url"))
            out["decoded"] = prefixes(s3.list_objects_v2(Bucket=bucket, Delimiter="/"))
            """, "encoding");

        string[] encoded = ["a%2Bb/", "plain/", "run%20books/"];
        Assert.Equal(encoded, outcome.GetProperty("v2").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(encoded, outcome.GetProperty("v1").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(encoded, outcome.GetProperty("versions").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["run%20books/"], outcome.GetProperty("uploads").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["a+b/", "plain/", "run books/"], outcome.GetProperty("decoded").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Empty_continuation_token_is_treated_as_absent_and_control_character_prefixes_list_nothing()
    {
        var outcome = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            out["empty"] = raw("GET", "/" + bucket + "?list-type=2&continuation-token=")
            out["newline"] = raw("GET", "/" + bucket + "?list-type=2&prefix=%0A")
            out["tab"] = raw("GET", "/" + bucket + "?delimiter=%09&prefix=%01")
            """, "token");

        var (status, body) = Code(outcome, "empty");
        Assert.Equal(200, status);
        Assert.Contains("<Key>k</Key>", body, StringComparison.Ordinal);
        (status, body) = Code(outcome, "newline");
        Assert.True(status == 200, body);
        Assert.DoesNotContain("<Key>", body, StringComparison.Ordinal);
        (status, body) = Code(outcome, "tab");
        Assert.True(status == 200, body);
        Assert.DoesNotContain("<Key>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_part_copy_with_a_range_beyond_the_source_is_InvalidRange()
    {
        var outcome = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
            upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
            try:
                s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload, PartNumber=1,
                                    CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=5-20")
                out["code"] = "ok"
            except ClientError as e:
                out["code"] = e.response["Error"]["Code"]
            """, "copyrange");

        Assert.Equal("InvalidRange", outcome.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Completing_an_unknown_upload_is_404_NoSuchUpload()
    {
        var outcome = await RunAsync("""
            try:
                s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId="no-such-upload",
                                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0123456789abcdef0123456789abcdef"'}]})
                out["error"] = ["ok", 200]
            except ClientError as e:
                out["error"] = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
            """, "noupload");

        Assert.Equal("NoSuchUpload", outcome.GetProperty("error")[0].GetString());
        Assert.Equal(404, outcome.GetProperty("error")[1].GetInt32());
    }

    [Fact]
    public async Task Garbage_content_md5_is_InvalidDigest_and_a_wrong_sha256_checksum_is_BadDigest()
    {
        var outcome = await RunAsync("""
            out["md5"] = code(raw("PUT", "/" + bucket + "/k", data=b"payload", headers={"Content-MD5": "not base64 at all!"}))
            out["sha"] = code(raw("PUT", "/" + bucket + "/k", data=b"payload",
                                  headers={"x-amz-checksum-sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}))
            """, "digest");

        Assert.Equal((400, "InvalidDigest"), Code(outcome, "md5"));
        Assert.Equal((400, "BadDigest"), Code(outcome, "sha"));
    }

    [Fact]
    public async Task Anonymous_get_head_and_delete_in_a_missing_bucket_are_404_NoSuchBucket()
    {
        var outcome = await RunAsync("""
            missing = "/" + bucket + "-missing/k"
            out["get"] = code(raw("GET", missing, sign=False))
            out["delete"] = code(raw("DELETE", missing, sign=False))
            out["head"] = [requests.head(args["endpoint"] + missing).status_code, None]
            out["list"] = code(raw("GET", "/" + bucket + "-missing", sign=False))
            """, "nobucket");

        Assert.Equal((404, "NoSuchBucket"), Code(outcome, "get"));
        Assert.Equal((404, "NoSuchBucket"), Code(outcome, "delete"));
        Assert.Equal(404, outcome.GetProperty("head")[0].GetInt32());
        Assert.Equal((404, "NoSuchBucket"), Code(outcome, "list"));
    }

    [Fact]
    public async Task Tagging_header_with_an_empty_value_stores_the_tag_and_a_lifecycle_rule_without_id_gets_one()
    {
        var outcome = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="foo=&team=ml")
            out["tags"] = sorted([t["Key"], t["Value"]] for t in s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"])
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
                {"Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}}]})
            out["ids"] = [r.get("ID") for r in s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]]
            """, "emptytag");

        Assert.Equal(["foo=", "team=ml"], outcome.GetProperty("tags").EnumerateArray().Select(t => t[0].GetString() + "=" + t[1].GetString()));
        var id = Assert.Single(outcome.GetProperty("ids").EnumerateArray()).GetString();
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task A_part_uploaded_twice_completes_with_the_upload_that_finished_last()
    {
        var outcome = await RunAsync("""
            import threading, time
            upload = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
            release = threading.Event()
            first_started = threading.Event()
            def slow_body():
                yield b"A" * 1024
                first_started.set()
                release.wait(30)
                yield b"A" * 1024
            result = {}
            def first():
                result["first"] = raw("PUT", "/%s/k?partNumber=1&uploadId=%s" % (bucket, upload), data=slow_body())
            t = threading.Thread(target=first)
            t.start()
            first_started.wait(30)
            time.sleep(0.5)
            second = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload, PartNumber=1, Body=b"B" * 2048)["ETag"]
            release.set()
            t.join(60)
            out["first"] = result["first"][0]
            parts = s3.list_parts(Bucket=bucket, Key="k", UploadId=upload)["Parts"]
            out["listed"] = parts[0]["ETag"]
            out["second"] = second
            done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload,
                                                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": parts[0]["ETag"]}]})
            out["body"] = s3.get_object(Bucket=bucket, Key="k")["Body"].read()[:1].decode()
            """, "twice");

        Assert.Equal(200, outcome.GetProperty("first").GetInt32());
        Assert.NotEqual(outcome.GetProperty("second").GetString(), outcome.GetProperty("listed").GetString());
        Assert.Equal("A", outcome.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Put_with_transfer_encoding_chunked_and_no_content_length_is_stored()
    {
        var outcome = await RunAsync("""
            def body():
                yield b"chunked "
                yield b"body"
            out["put"] = raw("PUT", "/" + bucket + "/chunked", data=body())
            out["body"] = s3.get_object(Bucket=bucket, Key="chunked")["Body"].read().decode()
            """, "chunked");

        Assert.Equal(200, outcome.GetProperty("put")[0].GetInt32());
        Assert.Equal("chunked body", outcome.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Bucket_configurations_not_kept_here_answer_as_for_a_bucket_without_them_through_boto3()
    {
        var outcome = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            def err(call):
                try:
                    call()
                    return None
                except ClientError as e:
                    return [e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]]
            accelerate = s3.get_bucket_accelerate_configuration(Bucket=bucket)
            out["accelerate"] = [accelerate["ResponseMetadata"]["HTTPStatusCode"], accelerate.get("Status")]
            logging = s3.get_bucket_logging(Bucket=bucket)
            out["logging"] = [logging["ResponseMetadata"]["HTTPStatusCode"], "LoggingEnabled" in logging]
            out["payer"] = s3.get_bucket_request_payment(Bucket=bucket)["Payer"]
            out["website"] = err(lambda: s3.get_bucket_website(Bucket=bucket))
            out["replication"] = err(lambda: s3.get_bucket_replication(Bucket=bucket))
            out["deleteWebsite"] = s3.delete_bucket_website(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
            out["putAccelerate"] = err(lambda: s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"}))
            def listed(response, name):
                return [response["ResponseMetadata"]["HTTPStatusCode"], response["IsTruncated"], name in response]
            out["analyticsList"] = listed(s3.list_bucket_analytics_configurations(Bucket=bucket), "AnalyticsConfigurationList")
            out["metricsList"] = listed(s3.list_bucket_metrics_configurations(Bucket=bucket), "MetricsConfigurationList")
            out["inventoryList"] = listed(s3.list_bucket_inventory_configurations(Bucket=bucket), "InventoryConfigurationList")
            out["tieringList"] = listed(s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket), "IntelligentTieringConfigurationList")
            out["analytics"] = err(lambda: s3.get_bucket_analytics_configuration(Bucket=bucket, Id="a"))
            out["metrics"] = err(lambda: s3.get_bucket_metrics_configuration(Bucket=bucket, Id="m"))
            out["inventory"] = err(lambda: s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="i"))
            out["putMetrics"] = err(lambda: s3.put_bucket_metrics_configuration(Bucket=bucket, Id="m", MetricsConfiguration={"Id": "m"}))
            out["keys"] = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            """, "unkept");

        Assert.Equal(200, outcome.GetProperty("accelerate")[0].GetInt32());
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("accelerate")[1].ValueKind);
        Assert.Equal(200, outcome.GetProperty("logging")[0].GetInt32());
        Assert.False(outcome.GetProperty("logging")[1].GetBoolean());
        Assert.Equal("BucketOwner", outcome.GetProperty("payer").GetString());
        Assert.Equal((404, "NoSuchWebsiteConfiguration"), Code(outcome, "website"));
        Assert.Equal((404, "ReplicationConfigurationNotFoundError"), Code(outcome, "replication"));
        Assert.Equal(204, outcome.GetProperty("deleteWebsite").GetInt32());
        foreach (var name in new[] { "analyticsList", "metricsList", "inventoryList", "tieringList" })
        {
            var list = outcome.GetProperty(name);
            Assert.Equal((200, false, false), (list[0].GetInt32(), list[1].GetBoolean(), list[2].GetBoolean()));
        }
        foreach (var missing in new[] { "analytics", "metrics", "inventory" })
            Assert.Equal((404, "NoSuchConfiguration"), Code(outcome, missing));
        foreach (var refused in new[] { "putAccelerate", "putMetrics" })
            Assert.Equal((501, "NotImplemented"), Code(outcome, refused));
        Assert.Equal(["k"], outcome.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
    }
}
