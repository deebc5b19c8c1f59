using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// boto3 1.43 in its default configuration (checksums, Expect: 100-continue on PUT, keep-alive), with
/// the read timeout lowered and retries off so that a stalled connection is an error, not a slow test.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3KeepAliveTests(LocalHostFixture host, ITestOutputHelper output) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Empty_put_then_non_empty_put_on_one_boto3_client_both_succeed()
    {
        var (result, elapsed) = await Boto3Script.RunAsync(host, _data, """
            client = boto3.client("s3", endpoint_url=args["endpoint"], region_name="us-east-1",
                                  aws_access_key_id=args["key"], aws_secret_access_key=args["secret"],
                                  config=Config(read_timeout=5, retries={"total_max_attempts": 1}))
            client.create_bucket(Bucket=bucket)
            out["empty"] = client.put_object(Bucket=bucket, Key="empty", Body=b"")["ResponseMetadata"]["HTTPStatusCode"]
            out["next"] = client.put_object(Bucket=bucket, Key="next", Body=b"x")["ResponseMetadata"]["HTTPStatusCode"]
            out["empty_again"] = client.put_object(Bucket=bucket, Key="empty2", Body=b"")["ResponseMetadata"]["HTTPStatusCode"]
            out["get"] = client.get_object(Bucket=bucket, Key="next")["Body"].read().decode()
            out["sizes"] = [o["Size"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]]
            """, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("boto3ka") }, TimeSpan.FromSeconds(60));
        output.WriteLine($"python3 script: {elapsed.TotalSeconds:F1} s");

        Assert.Equal(200, result.GetProperty("empty").GetInt32());
        Assert.Equal(200, result.GetProperty("next").GetInt32());
        Assert.Equal(200, result.GetProperty("empty_again").GetInt32());
        Assert.Equal("x", result.GetProperty("get").GetString());
        Assert.Equal([0, 0, 1], result.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()).Order());
    }
}
