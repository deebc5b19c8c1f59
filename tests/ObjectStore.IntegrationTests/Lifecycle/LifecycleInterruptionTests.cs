using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Storage;
using ObjectStore.Testing;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// A lifecycle pass cut off at random points (its invocation cancelled mid-action, as a time limit or
/// a dying instance would) and started again until it finishes leaves the store exactly as one
/// uninterrupted pass over an identical store does: the same versions, classes and bytes, every
/// referenced shard on disk. Unreferenced shards an interruption leaves are orphans for repair.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleInterruptionTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_pass_interrupted_at_random_points_and_restarted_ends_as_an_uninterrupted_one()
    {
        var start = DateTimeOffset.UtcNow;
        var bucket = UniqueNames.Bucket("lc-crash");
        await using var steady = await LifecycleHost.StartAsync(fixture, batchSize: 4, start: start);
        await using var interrupted = await LifecycleHost.StartAsync(fixture, batchSize: 4, start: start);
        await LifecycleCrashScenario.PopulateAsync(steady.S3, steady.Host.Endpoint, bucket, () => steady.Clock.Advance(TimeSpan.FromSeconds(3)));
        await LifecycleCrashScenario.PopulateAsync(interrupted.S3, interrupted.Host.Endpoint, bucket, () => interrupted.Clock.Advance(TimeSpan.FromSeconds(3)));
        steady.AdvanceDays(3);
        interrupted.AdvanceDays(3);

        var reference = await steady.RunPassAsync();
        Assert.True(reference.Finished);
        output.WriteLine($"uninterrupted: {System.Text.Json.JsonSerializer.Serialize(reference.Totals)}");

        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var interruptions = 0;
        for (var attempt = 1; ; attempt++)
        {
            Assert.True(attempt < 300, "the interrupted pass never finished");
            using var cut = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(5, 60 + 20 * attempt)));
            try
            {
                if ((await interrupted.RunPassAsync(cut.Token)).Finished)
                    break;
            }
            catch (OperationCanceledException)
            {
                interruptions++;
            }
        }
        output.WriteLine($"interruptions before the pass finished: {interruptions}");
        Assert.True(interruptions > 0, "the pass was never interrupted");

        var expected = await LifecycleCrashScenario.StateAsync(steady.S3, bucket);
        Assert.Equal(expected, await LifecycleCrashScenario.StateAsync(interrupted.S3, bucket));
        Assert.Contains(expected, line => line.StartsWith("gl/0 ", StringComparison.Ordinal) && line.Contains("class=GLACIER", StringComparison.Ordinal));
        var uploads = await interrupted.S3.ListMultipartUploadsAsync(bucket);
        Assert.Empty(uploads.MultipartUploads ?? []);

        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var version in await interrupted.VersionsAsync(bucket))
        {
            if (version.IsDeleteMarker == true) continue;
            var record = await interrupted.RecordAsync(bucket, version.Key, version.VersionId);
            foreach (var path in interrupted.ShardFiles(DataLayout.Parse(record.DataLayout)))
            {
                Assert.True(File.Exists(path), $"{version.Key} {version.VersionId}: {path} is missing");
                referenced.Add(path);
            }
        }
        var orphans = interrupted.AllShardFiles().Count(path => !referenced.Contains(path));
        output.WriteLine($"unreferenced shard files left for the repair scan: {orphans}");
    }
}
