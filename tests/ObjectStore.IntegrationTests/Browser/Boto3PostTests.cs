using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Browser;

/// <summary>boto3's generate_presigned_post, posted with requests as a browser form would be.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3PostTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private const string Script = """
        import requests

        def post(presigned, data, filename, fields=None):
            r = requests.post(presigned["url"], data=fields or presigned["fields"], files={"file": (filename, data)}, allow_redirects=False, timeout=60)
            return {"status": r.status_code, "body": r.text, "location": r.headers.get("Location")}

        form = s3.generate_presigned_post(
            bucket, "uploads/${filename}",
            Fields={"Content-Type": "text/plain", "success_action_status": "201", "x-amz-meta-origin": "boto3"},
            Conditions=[["starts-with", "$Content-Type", "text/"], {"success_action_status": "201"},
                        {"x-amz-meta-origin": "boto3"}, ["content-length-range", 1, 1024]],
            ExpiresIn=300)
        out["ok"] = post(form, b"hello from boto3", "note.txt")
        got = s3.get_object(Bucket=bucket, Key="uploads/note.txt")
        out["read_back"] = got["Body"].read().decode()
        out["content_type"] = got["ContentType"]
        out["meta"] = got["Metadata"].get("origin")
        out["too_large"] = post(form, b"x" * 4096, "big.txt")
        out["too_small"] = post(form, b"", "empty.txt")
        outside = dict(form["fields"])
        outside["key"] = "elsewhere/${filename}"
        out["outside"] = post(form, b"x", "out.txt", outside)
        expired = s3.generate_presigned_post(bucket, "uploads/late.txt", ExpiresIn=-60)
        out["expired"] = post(expired, b"x", "late.txt")
        redirect = s3.generate_presigned_post(bucket, "uploads/r.txt", Fields={"success_action_redirect": args["redirect"]},
                                              Conditions=[{"success_action_redirect": args["redirect"]}], ExpiresIn=300)
        out["redirect"] = post(redirect, b"redirected", "r.txt")
        out["listed"] = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
        """;

    [Fact]
    public async Task Boto3_presigned_posts_upload_within_their_conditions_and_are_refused_outside_them()
    {
        var bucket = ClientTestData.BucketName("boto3post");
        using var root = host.CreateS3Client();
        await root.PutBucketAsync(bucket);

        var (outcome, _) = await Boto3Script.RunAsync(host, _data, Script,
            new Dictionary<string, object?> { ["bucket"] = bucket, ["redirect"] = "http://127.0.0.1:9/uploaded" });

        var ok = outcome.GetProperty("ok");
        Assert.True(ok.GetProperty("status").GetInt32() == 201, outcome.ToString());
        Assert.Contains("<Key>uploads/note.txt</Key>", ok.GetProperty("body").GetString());
        Assert.Equal("hello from boto3", outcome.GetProperty("read_back").GetString());
        Assert.Equal("text/plain", outcome.GetProperty("content_type").GetString());
        Assert.Equal("boto3", outcome.GetProperty("meta").GetString());
        AssertRefused(outcome, "too_large", 400, "EntityTooLarge");
        AssertRefused(outcome, "too_small", 400, "EntityTooSmall");
        AssertRefused(outcome, "outside", 403, "AccessDenied");
        AssertRefused(outcome, "expired", 403, "AccessDenied");
        Assert.Contains("Policy expired", outcome.GetProperty("expired").GetProperty("body").GetString());
        var redirect = outcome.GetProperty("redirect");
        Assert.Equal(303, redirect.GetProperty("status").GetInt32());
        Assert.StartsWith("http://127.0.0.1:9/uploaded?bucket=" + bucket + "&key=uploads%2Fr.txt&etag=%22", redirect.GetProperty("location").GetString());
        Assert.Equal(["uploads/note.txt", "uploads/r.txt"], outcome.GetProperty("listed").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    private static void AssertRefused(JsonElement outcome, string name, int status, string code)
    {
        var result = outcome.GetProperty(name);
        Assert.True(result.GetProperty("status").GetInt32() == status, $"{name}: {result}");
        Assert.Contains($"<Code>{code}</Code>", result.GetProperty("body").GetString());
    }
}
