using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ObjectStore.Load;

/// <summary>
/// The scale scenarios of scripts/bench-index-scale.sh: one bucket, 4 KiB objects, many clients over
/// several host instances behind a throttled Table endpoint. A 503 SlowDown is counted and retried
/// (as any S3 SDK does), so the rate is what the bucket sustains, and the Table counts of
/// bench/ObjectStore.ThrottleProxy (--proxy) say what each operation cost the index.
/// </summary>
internal sealed partial class ScenarioRunner
{
    private const string PreloadPrefix = "k/";

    private async Task PreloadAsync()
    {
        await client.CreateBucketAsync(options.Bucket);
        var payload = new byte[SmallSize];
        Random.Shared.NextBytes(payload);
        await ThrottleAsync(false);
        try
        {
            var before = await ProxyCountsAsync();
            StartMeasuringNow();
            var slowDowns = 0L;
            var elapsed = await TimeAsync(options.Clients, options.Keys, async i =>
                Interlocked.Add(ref slowDowns, await UntilDoneAsync(HttpMethod.Put, $"/{options.Bucket}/{PreloadKey(i)}", payload)));
            await ScaleRowAsync("preload", $"preload {options.Keys} × {SmallSize / 1024} KiB PUT (budget lifted)", options.Keys, elapsed, slowDowns, before);
            // Not measured: the GET path's first calls compile it (tiered JIT), which would land on the get row.
            await TimeAsync(options.Clients, Math.Min(options.Keys, 1000), async i =>
                await UntilDoneAsync(HttpMethod.Get, $"/{options.Bucket}/{PreloadKey(i)}", null));
        }
        finally
        {
            await ThrottleAsync(true);
        }
    }

    private async Task ScalePutAsync()
    {
        var payload = new byte[SmallSize];
        Random.Shared.NextBytes(payload);
        var before = await ProxyCountsAsync();
        StartMeasuringNow();
        var slowDowns = 0L;
        var watch = Stopwatch.StartNew();
        var (_, count) = await ForDurationAsync(options.Clients, async (worker, i) =>
            Interlocked.Add(ref slowDowns, await UntilDoneAsync(HttpMethod.Put, $"/{options.Bucket}/p/{runId}/{worker:D3}/{i:D7}", payload)));
        await ScaleRowAsync("put", $"{SmallSize / 1024} KiB PUT, {options.Clients} clients", count, watch.Elapsed, slowDowns, before);
    }

    private async Task ScaleGetAsync()
    {
        var before = await ProxyCountsAsync();
        StartMeasuringNow();
        var slowDowns = 0L;
        var watch = Stopwatch.StartNew();
        var (_, count) = await ForDurationAsync(options.Clients, async (_, _) =>
            Interlocked.Add(ref slowDowns, await UntilDoneAsync(HttpMethod.Get, $"/{options.Bucket}/{PreloadKey(Random.Shared.Next(options.Keys))}", null)));
        await ScaleRowAsync("get", $"{SmallSize / 1024} KiB GET, {options.Clients} clients", count, watch.Elapsed, slowDowns, before);
    }

    /// <summary>Full listings of the preloaded keys, one after another, for --seconds (at least one).</summary>
    private async Task ListPagesAsync()
    {
        // Not measured: one listing per endpoint, so every host instance has compiled its listing path.
        for (var i = 0; i < options.Endpoints.Count; i++)
            await ListAllAsync(options.Bucket, PreloadPrefix);
        var before = await ProxyCountsAsync();
        StartMeasuringNow();
        var pages = 0;
        var keys = 0L;
        var listings = 0;
        var incomplete = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            var (listed, listedPages) = await ListAllAsync(options.Bucket, PreloadPrefix);
            keys += listed;
            pages += listedPages;
            listings++;
            // The preload wrote exactly --keys keys under the prefix: a listing that finds another count is wrong.
            if (listed != options.Keys)
                incomplete++;
        } while (watch.Elapsed < TimeSpan.FromSeconds(options.Seconds));
        await ScaleRowAsync("list", $"ListObjectsV2 pages of ≤ 1000 of {options.Keys} keys ({keys} keys listed)", pages, watch.Elapsed, 0, before,
            new Dictionary<string, object>
            {
                ["keys"] = keys, ["msPerPage"] = watch.Elapsed.TotalMilliseconds / pages, ["listings"] = listings, ["wrongListings"] = incomplete,
            });
        if (incomplete > 0)
            Console.WriteLine($"WARNING: {incomplete} of {listings} listings of {options.Bucket} did not return the {options.Keys} preloaded keys ({keys} keys listed in all).");
    }

    /// <summary>Lists every key under <paramref name="prefix"/>, pages of 1000: returns the keys and pages.</summary>
    private async Task<(long Keys, int Pages)> ListAllAsync(string bucket, string prefix)
    {
        long keys = 0;
        var pages = 0;
        string? next = null;
        do
        {
            var (n, token) = await client.ListPageAsync(bucket, next, prefix);
            keys += n;
            pages++;
            next = token;
        } while (next is not null);
        return (keys, pages);
    }

    /// <summary>
    /// The CPU snapshot a scale row is measured from, taken at once: the scale script runs Azurite in memory (no
    /// LokiJS autosave to wait out, unlike StartMeasuringAsync's rows), and a sweep of 6 runs stays within its time.
    /// </summary>
    private void StartMeasuringNow() => cpuStart = cpu.Snapshot();

    private static string PreloadKey(int i) => $"{PreloadPrefix}{i:D7}";

    /// <summary>Sends the request until it is not 503 SlowDown; returns the SlowDowns it got.</summary>
    private async Task<long> UntilDoneAsync(HttpMethod method, string path, byte[]? body)
    {
        for (var attempt = 0; ; attempt++)
        {
            var status = await client.SendCountedAsync(method, path, body is null ? null : new ByteArrayContent(body));
            if (status != HttpStatusCode.ServiceUnavailable)
                return attempt;
            // Full jitter over an exponential back-off (50 ms doubling, at most 1 s): the SDKs' shape, kept short
            // so the clients keep the partitions busy.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(1000, 50 << Math.Min(attempt, 5))));
        }
    }

    private async Task ThrottleAsync(bool on)
    {
        if (options.Proxy is not null)
            await client.PostAsync(new Uri(options.Proxy, $"throttle?on={(on ? "true" : "false")}"));
    }

    /// <summary>The proxy's counts per partition of this bucket (bucket, bucket|1, ...), or null without --proxy.</summary>
    private async Task<Dictionary<string, long[]>?> ProxyCountsAsync()
    {
        if (options.Proxy is null)
            return null;
        using var document = JsonDocument.Parse(await client.GetTextAsync(new Uri(options.Proxy, "stats")));
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var p in document.RootElement.GetProperty("partitions").EnumerateArray())
        {
            var name = p.GetProperty("partition").GetString()!;
            if (name == options.Bucket || name.StartsWith(options.Bucket + "|", StringComparison.Ordinal))
                counts[name] = ProxyFields.Select(f => p.GetProperty(f).GetInt64()).ToArray();
        }
        return counts;
    }

    private static readonly string[] ProxyFields = ["granted", "refused", "pointReads", "queries", "queryRows", "writes", "transactions", "transactionChanges"];

    /// <summary>Prints the markdown row and appends the JSON line (--results): rate, SlowDowns, CPU and Table counts per operation.</summary>
    private async Task ScaleRowAsync(string phase, string measurement, double operations, TimeSpan elapsed, long slowDowns,
        Dictionary<string, long[]>? proxyBefore, Dictionary<string, object>? extra = null)
    {
        var cpuMs = cpu.IsEmpty ? new Dictionary<string, double>() : cpu.PerOperationMs(cpuStart, operations);
        var rate = operations / elapsed.TotalSeconds;
        var row = new Dictionary<string, object>
        {
            ["phase"] = phase, ["clients"] = options.Clients, ["endpoints"] = options.Endpoints.Count, ["operations"] = operations,
            ["seconds"] = elapsed.TotalSeconds, ["rate"] = rate, ["slowDowns"] = slowDowns, ["cpuMsPerOperation"] = cpuMs,
        };
        var table = "";
        if (await ProxyCountsAsync() is { } after && proxyBefore is not null)
        {
            var delta = new Dictionary<string, double>();
            for (var f = 0; f < ProxyFields.Length; f++)
                delta[ProxyFields[f]] = after.Sum(p => p.Value[f] - (proxyBefore.TryGetValue(p.Key, out var b) ? b[f] : 0)) / operations;
            row["tablePerOperation"] = delta;
            row["partitionsUsed"] = after.Count(p => p.Value[0] > (proxyBefore.TryGetValue(p.Key, out var b) ? b[0] : 0));
            table = $"; Table per operation: {delta["granted"]:F2} operations, {delta["refused"]:F2} refused, {delta["queries"]:F2} queries, {delta["queryRows"]:F1} rows, over {row["partitionsUsed"]} partitions";
        }
        foreach (var (name, value) in extra ?? [])
            row[name] = value;
        Row(measurement, $"{rate:F0}/s, {slowDowns} SlowDown{table}", operations, phase == "list" ? "page" : phase.ToUpperInvariant());
        if (options.Results is { } file)
            await File.AppendAllTextAsync(file, JsonSerializer.Serialize(row) + "\n");
    }
}
