using System.Text.Json;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>The README's "secure a training job" walk-through, run with boto3 and the user's own keys.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3AccessTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private const string Script = """
        import urllib.request, urllib.error

        def code(call):
            try:
                call()
                return "ok"
            except ClientError as e:
                return e.response["Error"].get("Code")

        def http_status(url, method="GET", data=None):
            try:
                with urllib.request.urlopen(urllib.request.Request(url, method=method, data=data)) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        out["read_dataset"] = s3.get_object(Bucket=bucket, Key="datasets/train.csv")["Body"].read().decode()
        out["write_checkpoint"] = code(lambda: s3.put_object(Bucket=bucket, Key="checkpoints/epoch-1.pt", Body=b"weights"))
        out["upload_file"] = code(lambda: s3.upload_file(args["file"], bucket, "checkpoints/epoch-2.pt"))
        out["write_dataset"] = code(lambda: s3.put_object(Bucket=bucket, Key="datasets/evil.csv", Body=b"x"))
        out["read_checkpoint"] = code(lambda: s3.get_object(Bucket=bucket, Key="checkpoints/epoch-1.pt"))
        out["list"] = code(lambda: s3.list_objects_v2(Bucket=bucket))
        out["delete"] = code(lambda: s3.delete_object(Bucket=bucket, Key="datasets/train.csv"))
        out["list_buckets"] = code(lambda: s3.list_buckets())
        out["presigned_get"] = http_status(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "datasets/train.csv"}, ExpiresIn=300))
        out["presigned_get_checkpoint"] = http_status(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "checkpoints/epoch-1.pt"}, ExpiresIn=300))
        out["presigned_put_checkpoint"] = http_status(s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "checkpoints/p.pt"}, ExpiresIn=300), "PUT", b"w")
        """;

    [Fact]
    public async Task A_training_job_with_boto3_reads_datasets_writes_checkpoints_and_nothing_else()
    {
        var bucket = ClientTestData.BucketName("boto3acl");
        using var root = host.CreateS3Client();
        await root.PutBucketAsync(bucket);
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "datasets/train.csv", ContentBody = "x,y\n1,2\n" });
        var user = await CreateUserAsync(host.Shared, UniqueName("trainer"), TrainingJobPolicy(bucket));

        var dir = _data.NewDirectory("py");
        var checkpoint = Path.Combine(dir, "epoch-2.pt");
        await File.WriteAllBytesAsync(checkpoint, new byte[10 * 1024 * 1024]); // above the 8 MB threshold: multipart
        var (outcome, _) = await Boto3Script.RunAsync(host, _data, Script,
            new Dictionary<string, object?> { ["bucket"] = bucket, ["key"] = user.AccessKey, ["secret"] = user.SecretKey, ["file"] = checkpoint });

        Assert.Equal("x,y\n1,2\n", outcome.GetProperty("read_dataset").GetString());
        Assert.Equal("ok", outcome.GetProperty("write_checkpoint").GetString());
        Assert.Equal("ok", outcome.GetProperty("upload_file").GetString());
        foreach (var refused in new[] { "write_dataset", "read_checkpoint", "list", "delete", "list_buckets" })
            Assert.True(outcome.GetProperty(refused).GetString() == "AccessDenied", $"{refused}: {outcome}");
        Assert.Equal(200, outcome.GetProperty("presigned_get").GetInt32());
        Assert.Equal(403, outcome.GetProperty("presigned_get_checkpoint").GetInt32());
        Assert.Equal(200, outcome.GetProperty("presigned_put_checkpoint").GetInt32());
        Assert.Equal(10 * 1024 * 1024, (await root.GetObjectMetadataAsync(bucket, "checkpoints/epoch-2.pt")).ContentLength);
    }
}
