using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Encryption;

/// <summary>SSE-C (and copies between every kind of encryption) with boto3, the client ML jobs use.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3SseTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private const string Script = """
        import os, hashlib, base64

        s3.create_bucket(Bucket=bucket)
        key = os.urandom(32)
        other = os.urandom(32)
        ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}

        def error(call):
            try:
                call()
                return "ok"
            except ClientError as e:
                return "%s %s" % (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code"))

        body = os.urandom(200000)
        put = s3.put_object(Bucket=bucket, Key="c", Body=body, **ssec)
        out["put_md5"] = put["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(key).digest()).decode()
        get = s3.get_object(Bucket=bucket, Key="c", **ssec)
        out["get"] = get["Body"].read() == body and get["SSECustomerAlgorithm"] == "AES256"
        out["range"] = s3.get_object(Bucket=bucket, Key="c", Range="bytes=65530-131080", **ssec)["Body"].read() == body[65530:131081]
        out["head"] = s3.head_object(Bucket=bucket, Key="c", **ssec)["ContentLength"] == len(body)
        out["get_without_key"] = error(lambda: s3.get_object(Bucket=bucket, Key="c"))
        out["get_wrong_key"] = error(lambda: s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other))
        out["head_wrong_key"] = error(lambda: s3.head_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other))
        out["bad_md5"] = error(lambda: s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=base64.b64encode(key).decode(),
                                                     SSECustomerKeyMD5=base64.b64encode(hashlib.md5(other).digest()).decode()))
        out["short_key"] = error(lambda: s3.put_object(Bucket=bucket, Key="short", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=os.urandom(16)))

        # Multipart under SSE-C: every part with the same key; a part with another key is refused.
        mp = s3.create_multipart_upload(Bucket=bucket, Key="mp", **ssec)
        big = os.urandom(5 * 1024 * 1024 + 12345)
        p1 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=mp["UploadId"], PartNumber=1, Body=big[:5 * 1024 * 1024], **ssec)
        out["part_wrong_key"] = error(lambda: s3.upload_part(Bucket=bucket, Key="mp", UploadId=mp["UploadId"], PartNumber=2, Body=big[5 * 1024 * 1024:],
                                                             SSECustomerAlgorithm="AES256", SSECustomerKey=other))
        p2 = s3.upload_part(Bucket=bucket, Key="mp", UploadId=mp["UploadId"], PartNumber=2, Body=big[5 * 1024 * 1024:], **ssec)
        s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=mp["UploadId"],
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]})
        out["mp_whole"] = s3.get_object(Bucket=bucket, Key="mp", **ssec)["Body"].read() == big
        lo, hi = 5 * 1024 * 1024 - 100, 5 * 1024 * 1024 + 100
        out["mp_range_across_parts"] = s3.get_object(Bucket=bucket, Key="mp", Range="bytes=%d-%d" % (lo, hi), **ssec)["Body"].read() == big[lo:hi + 1]
        out["mp_part_2"] = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2, **ssec)["Body"].read() == big[5 * 1024 * 1024:]

        # Copies between every kind: SSE-C -> SSE-S3 -> SSE-C (other key) -> plain, and SSE-C onto itself under a new key.
        src = {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}
        r = s3.copy_object(Bucket=bucket, Key="s3", CopySource={"Bucket": bucket, "Key": "c"}, ServerSideEncryption="AES256", **src)
        out["c_to_s3"] = r.get("ServerSideEncryption") == "AES256" and s3.get_object(Bucket=bucket, Key="s3")["Body"].read() == body
        s3.copy_object(Bucket=bucket, Key="c2", CopySource={"Bucket": bucket, "Key": "s3"}, SSECustomerAlgorithm="AES256", SSECustomerKey=other)
        out["s3_to_c"] = s3.get_object(Bucket=bucket, Key="c2", SSECustomerAlgorithm="AES256", SSECustomerKey=other)["Body"].read() == body
        s3.copy_object(Bucket=bucket, Key="plain", CopySource={"Bucket": bucket, "Key": "c2"},
                       CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=other)
        plain = s3.get_object(Bucket=bucket, Key="plain")
        out["c_to_plain"] = plain["Body"].read() == body and "ServerSideEncryption" not in plain and "SSECustomerAlgorithm" not in plain
        out["copy_without_source_key"] = error(lambda: s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "c"}))
        s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "c"}, SSECustomerAlgorithm="AES256", SSECustomerKey=other, **src)
        out["self_rekey"] = s3.get_object(Bucket=bucket, Key="c", SSECustomerAlgorithm="AES256", SSECustomerKey=other)["Body"].read() == body
        out["old_key_after_rekey"] = error(lambda: s3.get_object(Bucket=bucket, Key="c", **ssec))
        """;

    [Fact]
    public async Task SSE_C_with_boto3_put_get_head_ranges_multipart_copies_and_errors()
    {
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, Script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("boto3ssec") });

        foreach (var check in new[] { "put_md5", "get", "range", "head", "mp_whole", "mp_range_across_parts", "mp_part_2", "c_to_s3", "s3_to_c", "c_to_plain", "self_rekey" })
            Assert.True(outcome.GetProperty(check).GetBoolean(), $"{check}: {outcome}");
        Assert.Equal("400 InvalidRequest", outcome.GetProperty("get_without_key").GetString());
        Assert.Equal("403 AccessDenied", outcome.GetProperty("get_wrong_key").GetString());
        Assert.Equal("403 403", outcome.GetProperty("head_wrong_key").GetString());
        Assert.Equal("400 InvalidArgument", outcome.GetProperty("bad_md5").GetString());
        Assert.Equal("400 InvalidArgument", outcome.GetProperty("short_key").GetString());
        Assert.Equal("400 InvalidRequest", outcome.GetProperty("part_wrong_key").GetString());
        Assert.Equal("400 InvalidRequest", outcome.GetProperty("copy_without_source_key").GetString());
        Assert.Equal("403 AccessDenied", outcome.GetProperty("old_key_after_rekey").GetString());
    }
}
