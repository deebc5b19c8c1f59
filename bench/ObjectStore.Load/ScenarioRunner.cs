using System.Diagnostics;
using System.Security.Cryptography;

namespace ObjectStore.Load;

/// <summary>Runs the chosen scenarios and prints one markdown table row per measurement.</summary>
internal sealed partial class ScenarioRunner(S3LoadClient client, LoadOptions options)
{
    /// <summary>Bytes of the small scenario's objects: 4 KiB, or BENCH_SMALL_KIB KiB (measuring the inline threshold).</summary>
    private static readonly int SmallSize = (int.TryParse(Environment.GetEnvironmentVariable("BENCH_SMALL_KIB"), out var kib) && kib > 0 ? kib : 4) * 1024;
    private const long LargeSize = 64L * 1024 * 1024;
    private readonly string runId = DateTime.UtcNow.ToString("HHmmss") + "-" + Random.Shared.Next(1000, 9999);
    private readonly CpuMeter cpu = new(options.CpuProcesses.Count == 0 ? [] : [.. options.CpuProcesses, ("client", Environment.ProcessId)]);
    private double[] cpuStart = [];

    public async Task RunAsync()
    {
        Console.WriteLine($"Endpoint {string.Join(", ", options.Endpoints)}, {Environment.ProcessorCount} cores, run {runId}");
        Console.WriteLine();
        Console.WriteLine(cpu.IsEmpty ? "| Measurement | Result |" : "| Measurement | Result | CPU per operation |");
        Console.WriteLine(cpu.IsEmpty ? "|---|---|" : "|---|---|---|");
        if (options.Scenarios.Any(s => s is "small" or "large" or "list"))
            await WarmUpAsync(); // the stream scenario checks memory, not speed
        foreach (var scenario in options.Scenarios)
        {
            switch (scenario)
            {
                case "small": await SmallObjectsAsync(); break;
                case "large": await LargeObjectsAsync(); break;
                case "list": await ListingAsync(); break;
                case "multipart": await MultipartAsync(); break;
                case "stream": await StreamAsync(); break;
                case "preload": await PreloadAsync(); break;
                case "unthrottle": await ThrottleAsync(false); break;
                case "put": await ScalePutAsync(); break;
                case "get": await ScaleGetAsync(); break;
                case "listpages": await ListPagesAsync(); break;
                default: throw new ArgumentException($"Unknown scenario '{scenario}'.");
            }
        }
    }

    /// <summary>
    /// Not measured: the rows compare servers in their steady state. A freshly started host compiles its request
    /// paths in tiers (tier 0, then instrumented for dynamic PGO, then optimized), and until the hot ones reach the
    /// last tier a 4 KiB PUT costs it about twice its steady CPU (docs/benchmarks.md "Warm-up"); a few hundred
    /// requests are far from enough. So each small request type runs for --warmup-seconds at 8 clients, and the
    /// large-object paths (which compile other code) run 6 large PUTs and GETs and four 16-part uploads.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var bucket = $"load-warmup-{runId}";
        await client.CreateBucketAsync(bucket);
        var payload = new byte[SmallSize];
        var warmUp = TimeSpan.FromSeconds(options.WarmUpSeconds);
        var written = new List<string>();
        await ForDurationAsync(8, warmUp, async (worker, i) =>
        {
            var key = $"w/{worker}/{i:D7}";
            await client.PutAsync(bucket, key, new ByteArrayContent(payload));
            lock (written) written.Add(key);
        }, minimum: 50);
        var keys = written.ToArray();
        await ForDurationAsync(8, warmUp, (_, _) => client.GetAsync(bucket, keys[Random.Shared.Next(keys.Length)]), minimum: 50);
        await ForDurationAsync(8, warmUp, (_, _) => client.HeadAsync(bucket, keys[Random.Shared.Next(keys.Length)]), minimum: 50);
        await client.ListPageAsync(bucket, null);
        await TimeAsync(8, keys.Length, i => client.DeleteAsync(bucket, keys[i]));
        if (options.Scenarios.Any(s => s is "large" or "multipart"))
        {
            for (var i = 0; i < 6; i++)
            {
                await client.PutAsync(bucket, $"large/{i % 3}", GeneratedContent.Of(LargeSize, (byte)i));
                await client.GetAsync(bucket, $"large/{i % 3}");
            }
        }
        if (options.Scenarios.Contains("multipart"))
        {
            // Four uploads of 16 parts: with one, the part path was still being compiled to its last tier in the
            // measured row (the JIT's thread took over a third of the host's CPU samples there).
            for (var upload = 0; upload < 4; upload++)
            {
                var uploadId = await client.CreateMultipartAsync(bucket, "multipart");
                var etags = new string[16];
                await TimeAsync(8, etags.Length, async p => etags[p] = await client.UploadPartAsync(bucket, "multipart", uploadId, p + 1, GeneratedContent.Of(PartSize, (byte)p)));
                await client.CompleteMultipartAsync(bucket, "multipart", uploadId, etags);
            }
        }
    }

    private async Task SmallObjectsAsync()
    {
        var bucket = $"load-small-{runId}";
        await client.CreateBucketAsync(bucket);
        var payload = new byte[SmallSize];
        Random.Shared.NextBytes(payload);
        foreach (var concurrency in options.SmallClients)
        {
            var written = new List<string>();
            await StartMeasuringAsync();
            var (puts, putCount) = await ForDurationAsync(concurrency, async (worker, i) =>
            {
                var key = $"c{concurrency}/w{worker}/{i:D7}";
                await client.PutAsync(bucket, key, new ByteArrayContent(payload));
                lock (written) written.Add(key);
            });
            Row($"{SmallSize / 1024} KiB PUT, concurrency {concurrency}", $"{puts:F0} ops/s", putCount, "PUT");
            var keys = written.ToArray();
            await StartMeasuringAsync();
            var (gets, getCount) = await ForDurationAsync(concurrency, async (_, i) =>
                await client.GetAsync(bucket, keys[Random.Shared.Next(keys.Length)]));
            Row($"{SmallSize / 1024} KiB GET, concurrency {concurrency}", $"{gets:F0} ops/s", getCount, "GET");
            await StartMeasuringAsync();
            var (heads, headCount) = await ForDurationAsync(concurrency, async (_, i) =>
                await client.HeadAsync(bucket, keys[Random.Shared.Next(keys.Length)]));
            Row($"{SmallSize / 1024} KiB HEAD, concurrency {concurrency}", $"{heads:F0} ops/s", headCount, "HEAD");
            await StartMeasuringAsync();
            var deleted = await TimeAsync(concurrency, keys.Length, i => client.DeleteAsync(bucket, keys[i]));
            Row($"{SmallSize / 1024} KiB DELETE, concurrency {concurrency}", $"{keys.Length / deleted.TotalSeconds:F0} ops/s", keys.Length, "DELETE");
        }
    }

    private async Task LargeObjectsAsync()
    {
        var bucket = $"load-large-{runId}";
        await client.CreateBucketAsync(bucket);
        var concurrency = options.LargeClients;
        var count = options.LargeObjects;
        await StartMeasuringAsync();
        var put = await TimeAsync(concurrency, count, i => client.PutAsync(bucket, $"large/{i}", GeneratedContent.Of(LargeSize, (byte)i)));
        Row($"64 MiB PUT ({count} objects, concurrency {concurrency})", $"{count * LargeSize / put.TotalSeconds / 1e6:F0} MB/s", count, "64 MiB");
        // The GET row reads the objects over and over for --seconds, as the small rows run: one pass over four
        // objects lasts a quarter of a second, and a stray burst of work on either side (a table database save,
        // a garbage collection) then decided the row's ratio.
        await StartMeasuringAsync();
        var (gets, getCount) = await ForDurationAsync(concurrency, (worker, i) =>
            client.GetAsync(bucket, $"large/{(worker + i * concurrency) % count}"));
        Row($"64 MiB GET ({count} objects, concurrency {concurrency})", $"{gets * LargeSize / 1e6:F0} MB/s", getCount, "64 MiB");
    }

    private async Task ListingAsync()
    {
        var bucket = $"load-list-{runId}";
        await client.CreateBucketAsync(bucket);
        var keys = options.ListKeys;
        await TimeAsync(16, keys, i => client.PutAsync(bucket, $"dataset/part-{i:D6}.bin", new ByteArrayContent([(byte)i])));
        await ListAllAsync(bucket); // warm-up: JIT and connections, not counted
        var listed = 0L;
        var rounds = 0;
        await StartMeasuringAsync();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.ListClients).Select(async _ =>
        {
            do
            {
                Interlocked.Add(ref listed, await ListAllAsync(bucket));
                Interlocked.Increment(ref rounds);
            } while (watch.Elapsed < TimeSpan.FromSeconds(options.Seconds));
        }));
        var clients = options.ListClients == 1 ? "" : $", {options.ListClients} clients";
        Row($"ListObjectsV2 of {keys} keys ({rounds} full listings{clients})", $"{listed / watch.Elapsed.TotalSeconds:F0} objects/s", listed / 1000.0, "1000 keys");
    }

    /// <summary>Lists the whole bucket page by page (1000 keys each); returns the keys seen.</summary>
    private async Task<long> ListAllAsync(string bucket)
    {
        long listed = 0;
        string? next = null;
        do
        {
            var (n, token) = await client.ListPageAsync(bucket, next);
            listed += n;
            next = token;
        } while (next is not null);
        return listed;
    }

    private async Task StreamAsync()
    {
        var bucket = $"load-stream-{runId}";
        await client.CreateBucketAsync(bucket);
        var size = options.StreamBytes;
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var watch = Stopwatch.StartNew();
        await client.PutAsync(bucket, "big", GeneratedContent.Of(size, 7, sent));
        Row($"{size / (1024.0 * 1024 * 1024):F1} GiB PUT", $"{size / watch.Elapsed.TotalSeconds / 1e6:F0} MB/s");
        watch.Restart();
        var got = await client.GetAsync(bucket, "big", received);
        if (got != size)
            throw new InvalidOperationException($"GET returned {got} bytes, expected {size}.");
        Row($"{size / (1024.0 * 1024 * 1024):F1} GiB GET", $"{size / watch.Elapsed.TotalSeconds / 1e6:F0} MB/s");
        var (put, get) = (Convert.ToHexStringLower(sent.GetHashAndReset()), Convert.ToHexStringLower(received.GetHashAndReset()));
        if (put != get)
            throw new InvalidOperationException($"GET returned other bytes: SHA-256 {get}, PUT sent {put}.");
        Row("SHA-256 of the PUT body and of the GET body", put);
    }

    /// <summary>Runs <paramref name="operation"/> in <paramref name="concurrency"/> loops for the configured time; returns ops/s and ops.</summary>
    private Task<(double Rate, int Count)> ForDurationAsync(int concurrency, Func<int, int, Task> operation) =>
        ForDurationAsync(concurrency, TimeSpan.FromSeconds(options.Seconds), operation);

    /// <summary>
    /// Runs <paramref name="operation"/>(worker, i) in <paramref name="concurrency"/> loops for <paramref name="duration"/>
    /// and at least <paramref name="minimum"/> operations in all; returns ops/s and ops.
    /// </summary>
    private static async Task<(double Rate, int Count)> ForDurationAsync(int concurrency, TimeSpan duration, Func<int, int, Task> operation, int minimum = 0)
    {
        var deadline = Stopwatch.StartNew();
        var total = 0;
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (var i = 0; deadline.Elapsed < duration || Volatile.Read(ref total) < minimum; i++)
            {
                await operation(worker, i);
                Interlocked.Increment(ref total);
            }
        });
        await Task.WhenAll(workers);
        return (total / deadline.Elapsed.TotalSeconds, total);
    }

    /// <summary>Runs operation(0..count-1) with the given concurrency and returns the elapsed time.</summary>
    private static async Task<TimeSpan> TimeAsync(int concurrency, int count, Func<int, Task> operation)
    {
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                await operation(i);
        }));
        return watch.Elapsed;
    }

    /// <summary>Lets the previous row's leftover work finish (6 s, then until idle, up to 20 s), then takes the CPU snapshot the row is measured from.</summary>
    private async Task StartMeasuringAsync()
    {
        if (!cpu.IsEmpty)
            await cpu.SettleAsync(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(20));
        cpuStart = cpu.Snapshot();
    }

    private void Row(string measurement, string result, double operations = 0, string per = "") =>
        Console.WriteLine(cpu.IsEmpty || operations <= 0
            ? $"| {measurement} | {result} |"
            : $"| {measurement} | {result} | {cpu.PerOperation(cpuStart, operations)} per {per} |");
}
