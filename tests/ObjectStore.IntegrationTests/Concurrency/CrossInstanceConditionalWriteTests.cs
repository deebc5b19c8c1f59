using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Concurrency;

/// <summary>
/// Conditional writes are atomic across gateway instances: two local hosts on the same index and
/// zone directories, requests spread over both, as the Gateway scales out in Azure.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class CrossInstanceConditionalWriteTests(LocalHostFixture fixture)
{
    private const int Writers = 50;

    private static AmazonS3Client Client(LocalHostInstance host) =>
        host.CreateS3Client(configure: c => c.MaxErrorRetry = 0);

    [Fact]
    public async Task Of_50_concurrent_create_only_puts_over_two_instances_exactly_one_wins()
    {
        await using var first = await fixture.StartHostAsync(new LocalHostOptions { Background = false });
        await using var second = await fixture.StartHostAsync(LocalHostOptions.SharingStateWith(first) with { Background = false });
        using var a = Client(first);
        using var b = Client(second);
        var bucket = ClientTestData.BucketName("cond");
        await a.PutBucketAsync(bucket);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? a : b;
            try
            {
                var put = await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = "manifest.json", ContentBody = $"{{\"writer\":{i}}}", IfNoneMatch = "*",
                });
                return (Writer: i, Status: put.HttpStatusCode, put.ETag);
            }
            catch (AmazonS3Exception e)
            {
                return (Writer: i, Status: e.StatusCode, ETag: (string?)null);
            }
        })));

        var winner = Assert.Single(outcomes, o => o.Status == HttpStatusCode.OK);
        Assert.All(outcomes.Where(o => o.Writer != winner.Writer), o => Assert.Equal(HttpStatusCode.PreconditionFailed, o.Status));
        foreach (var client in new[] { a, b })
        {
            using var get = await client.GetObjectAsync(bucket, "manifest.json");
            Assert.Equal(winner.ETag, get.ETag);
            Assert.Equal($"{{\"writer\":{winner.Writer}}}", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }
    }

    [Fact]
    public async Task Fifty_if_match_updates_chained_on_the_last_etag_over_two_instances_lose_no_update()
    {
        await using var first = await fixture.StartHostAsync(new LocalHostOptions { Background = false });
        await using var second = await fixture.StartHostAsync(LocalHostOptions.SharingStateWith(first) with { Background = false });
        using var a = Client(first);
        using var b = Client(second);
        var bucket = ClientTestData.BucketName("chain");
        await a.PutBucketAsync(bucket);
        await a.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "manifest.json", ContentBody = "[]" });

        var conflicts = 0;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? a : b;
            // Read, append this writer's id, write back only if nobody wrote in between; else start over.
            while (true)
            {
                using var get = await client.GetObjectAsync(bucket, "manifest.json");
                var ids = JsonSerializer.Deserialize<List<int>>(await new StreamReader(get.ResponseStream).ReadToEndAsync())!;
                ids.Add(i);
                try
                {
                    await client.PutObjectAsync(new PutObjectRequest
                    {
                        BucketName = bucket, Key = "manifest.json", ContentBody = JsonSerializer.Serialize(ids), IfMatch = get.ETag,
                    });
                    return;
                }
                catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        using var final = await b.GetObjectAsync(bucket, "manifest.json");
        var written = JsonSerializer.Deserialize<List<int>>(await new StreamReader(final.ResponseStream).ReadToEndAsync())!;
        Assert.Equal(Enumerable.Range(0, Writers), written.Order());
        Assert.True(conflicts > 0, "50 concurrent writers should have collided at least once; the test did not exercise the race");
    }
}
