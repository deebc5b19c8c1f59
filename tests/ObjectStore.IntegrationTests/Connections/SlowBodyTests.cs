using System.Net;
using Amazon.S3;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.LocalHost;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>
/// A body that trickles below the minimum data rate is cut once the grace period is over: S3's
/// RequestTimeout, the connection closed, nothing stored. The host here has a 2 s grace period
/// (the default is Kestrel's 5 s) so the test does not wait long.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class SlowBodyTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Body_trickling_below_the_minimum_rate_gets_RequestTimeout_and_the_connection_closes()
    {
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Settings = new Dictionary<string, string?>
            {
                [LocalHostApp.MinRequestBodyRateSetting] = "240",
                [LocalHostApp.MinRequestBodyGraceSetting] = "2",
            },
        });
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("slow");
        await s3.PutBucketAsync(bucket);

        await using var connection = await RawHttpConnection.OpenAsync(host.Endpoint);
        await connection.SendAsync(RawHttpConnection.SignedHead(host.Endpoint, "PUT", $"/{bucket}/trickle", ("Content-Length", "1000")));
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            // One byte a second, for longer than the test waits for the answer.
            for (var i = 0; i < 60 && !stop.IsCancellationRequested; i++)
            {
                try { await connection.SendAsync("x"); } catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException) { return; }
                await Task.Delay(1000, CancellationToken.None);
            }
        });

        var response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();

        Assert.Equal(400, response.Status);
        Assert.Contains("<Code>RequestTimeout</Code>", response.BodyText);
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(await connection.ClosedByServerAsync(TimeSpan.FromSeconds(10)), "the connection stays open after the timeout");
        await trickle;
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "trickle"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
