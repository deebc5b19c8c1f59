using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>
/// <c>Expect: 100-continue</c> on the wire: every request that asked for it gets exactly one interim
/// 100 Continue before its final answer, and the connection goes on serving. These also guard the
/// local host's use of Kestrel (it writes the 100 for empty bodies itself, next to Kestrel's own).
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ExpectContinueTests(LocalHostFixture host)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private async Task<string> BucketAsync()
    {
        var bucket = ClientTestData.BucketName("expect");
        using var s3 = host.CreateS3Client();
        await s3.PutBucketAsync(bucket);
        return bucket;
    }

    [Fact]
    public async Task Empty_put_with_expect_continue_gets_100_continue_then_200_and_the_connection_serves_the_next_request()
    {
        var bucket = await BucketAsync();
        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);

        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "PUT", $"/{bucket}/empty",
            ("Content-Length", "0"), ("Expect", "100-continue")));
        var interim = await connection.ReadResponseAsync(Timeout);
        Assert.Equal("HTTP/1.1 100 Continue", interim.StatusLine);
        Assert.Empty(interim.Headers);
        var final = await connection.ReadResponseAsync(Timeout);
        Assert.Equal(200, final.Status);
        Assert.NotNull(final.Header("x-amz-request-id"));

        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "PUT", $"/{bucket}/one", ("Content-Length", "1")) + "x");
        var next = await connection.ReadResponseAsync(Timeout);
        Assert.Equal(200, next.Status);

        using var s3 = host.CreateS3Client();
        Assert.Equal(0, (await s3.GetObjectMetadataAsync(bucket, "empty")).ContentLength);
        Assert.Equal(1, (await s3.GetObjectMetadataAsync(bucket, "one")).ContentLength);
    }

    [Fact]
    public async Task Refused_empty_put_with_expect_continue_gets_100_continue_before_the_error()
    {
        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);
        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "PUT", $"/{ClientTestData.BucketName("missing")}/k",
            ("Content-Length", "0"), ("Expect", "100-continue")));

        Assert.Equal(100, (await connection.ReadResponseAsync(Timeout)).Status);
        var final = await connection.ReadResponseAsync(Timeout);
        Assert.Equal(404, final.Status);
        Assert.Contains("<Code>NoSuchBucket</Code>", final.BodyText);
    }

    [Fact]
    public async Task Put_with_a_body_and_expect_continue_gets_exactly_one_100_continue()
    {
        var bucket = await BucketAsync();
        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);

        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "PUT", $"/{bucket}/five",
            ("Content-Length", "5"), ("Expect", "100-continue")));
        Assert.Equal(100, (await connection.ReadResponseAsync(Timeout)).Status);
        await connection.SendAsync("hello");
        Assert.Equal(200, (await connection.ReadResponseAsync(Timeout)).Status);

        // A second 100 would be read here as the answer to the next request.
        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "HEAD", $"/{bucket}/five"));
        var head = await connection.ReadResponseAsync(Timeout, head: true);
        Assert.Equal(200, head.Status);
        Assert.Equal("5", head.Header("Content-Length"));
    }
}
