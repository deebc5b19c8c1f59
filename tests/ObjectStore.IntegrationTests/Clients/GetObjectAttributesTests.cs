using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>GetObjectAttributes with boto3: simple and multipart objects, paging the parts, versions and SSE-C.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class GetObjectAttributesTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Attributes_of_simple_and_multipart_objects_page_parts_and_follow_versions()
    {
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, """
            import base64, hashlib
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            first = s3.put_object(Bucket=bucket, Key="simple", Body=b"x" * 10, ChecksumAlgorithm="SHA256")
            s3.put_object(Bucket=bucket, Key="simple", Body=b"y" * 20)
            all_attributes = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"]
            a = s3.get_object_attributes(Bucket=bucket, Key="simple", ObjectAttributes=all_attributes)
            out["simple"] = {"size": a["ObjectSize"], "class": a["StorageClass"], "etag": a["ETag"], "parts": "ObjectParts" in a}
            old = s3.get_object_attributes(Bucket=bucket, Key="simple", VersionId=first["VersionId"], ObjectAttributes=all_attributes)
            out["old"] = {"size": old["ObjectSize"], "sha": old.get("Checksum", {}).get("ChecksumSHA256"), "version": old.get("VersionId")}
            out["firstVersion"] = first["VersionId"]
            out["firstSha"] = first["ChecksumSHA256"]

            upload = s3.create_multipart_upload(Bucket=bucket, Key="multi")["UploadId"]
            etags = []
            for n in (1, 2, 3):
                etags.append(s3.upload_part(Bucket=bucket, Key="multi", UploadId=upload, PartNumber=n, Body=bytes([n]) * (5 * 1024 * 1024 if n < 3 else 100))["ETag"])
            s3.complete_multipart_upload(Bucket=bucket, Key="multi", UploadId=upload,
                                         MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2, 3), etags)]})
            page = s3.get_object_attributes(Bucket=bucket, Key="multi", ObjectAttributes=["ObjectParts", "ObjectSize"], MaxParts=1, PartNumberMarker=1)
            parts = page["ObjectParts"]
            out["multi"] = {"total": parts["TotalPartsCount"], "truncated": parts["IsTruncated"], "next": parts.get("NextPartNumberMarker"),
                            "parts": [[p["PartNumber"], p["Size"]] for p in parts.get("Parts", [])], "size": page["ObjectSize"]}
            try:
                s3.get_object_attributes(Bucket=bucket, Key="simple", ObjectAttributes=["Colour"])
                out["bogus"] = "ok"
            except ClientError as e:
                out["bogus"] = e.response["Error"]["Code"]

            key = b"k" * 32
            sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
            s3.put_object(Bucket=bucket, Key="secret", Body=b"hidden", **sse)
            try:
                s3.get_object_attributes(Bucket=bucket, Key="secret", ObjectAttributes=["ObjectSize"])
                out["noKey"] = "ok"
            except ClientError as e:
                out["noKey"] = e.response["Error"]["Code"]
            # botocore encodes the key for GetObject but not for GetObjectAttributes: send the headers' form.
            encoded = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(key).decode(),
                       "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode()}
            out["withKey"] = s3.get_object_attributes(Bucket=bucket, Key="secret", ObjectAttributes=["ObjectSize"], **encoded)["ObjectSize"]
            """, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("attributes") });

        var simple = outcome.GetProperty("simple");
        Assert.Equal(20, simple.GetProperty("size").GetInt64());
        Assert.Equal("STANDARD", simple.GetProperty("class").GetString());
        Assert.Equal(32, simple.GetProperty("etag").GetString()!.Length);
        Assert.False(simple.GetProperty("parts").GetBoolean());
        var old = outcome.GetProperty("old");
        Assert.Equal(10, old.GetProperty("size").GetInt64());
        Assert.Equal(outcome.GetProperty("firstSha").GetString(), old.GetProperty("sha").GetString());
        Assert.Equal(outcome.GetProperty("firstVersion").GetString(), old.GetProperty("version").GetString());
        var multi = outcome.GetProperty("multi");
        Assert.Equal(3, multi.GetProperty("total").GetInt32());
        Assert.True(multi.GetProperty("truncated").GetBoolean());
        Assert.Equal(2, multi.GetProperty("next").GetInt32());
        Assert.Equal("[[2, 5242880]]", multi.GetProperty("parts").GetRawText());
        Assert.Equal(10 * 1024 * 1024 + 100, multi.GetProperty("size").GetInt64());
        Assert.Equal("InvalidArgument", outcome.GetProperty("bogus").GetString());
        Assert.Equal("InvalidRequest", outcome.GetProperty("noKey").GetString());
        Assert.Equal(6, outcome.GetProperty("withKey").GetInt64());
    }
}
