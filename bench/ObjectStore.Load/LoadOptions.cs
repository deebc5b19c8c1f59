namespace ObjectStore.Load;

internal sealed record LoadOptions(
    Uri Endpoint, string AccessKey, string SecretKey, string Region,
    IReadOnlyList<string> Scenarios, int Seconds, int ListKeys, int LargeObjects, long StreamBytes,
    IReadOnlyList<(string Label, int Pid)> CpuProcesses)
{
    /// <summary>Concurrencies of the small scenario (each gives PUT, GET, HEAD and DELETE rows).</summary>
    public IReadOnlyList<int> SmallClients { get; init; } = [1, 8];
    public int LargeClients { get; init; } = 2;
    public int ListClients { get; init; } = 1;
    public int MultipartClients { get; init; } = 8;
    public int MultipartMiB { get; init; } = 256;
    public int MultipartObjects { get; init; } = 2;
    /// <summary>Seconds the warm-up runs each small request type (PUT, GET, HEAD, DELETE) before any row is measured.</summary>
    public int WarmUpSeconds { get; init; } = 8;
    /// <summary>Every endpoint given (comma-separated --endpoint): requests go to them in turn, one host instance each.</summary>
    public IReadOnlyList<Uri> Endpoints { get; init; } = [Endpoint];
    /// <summary>The scale scenarios' bucket (preload, put, get, listpages), created by preload.</summary>
    public string Bucket { get; init; } = "load-scale";
    /// <summary>Keys preload writes (k/0000000...), which get reads and listpages lists.</summary>
    public int Keys { get; init; } = 5000;
    /// <summary>Concurrent clients of the scale scenarios.</summary>
    public int Clients { get; init; } = 64;
    /// <summary>Control address of bench/ObjectStore.ThrottleProxy: Table counts per measurement, budget lifted while preloading.</summary>
    public Uri? Proxy { get; init; }
    /// <summary>File the scale scenarios append one JSON object per measurement to.</summary>
    public string? Results { get; init; }

    public const string Usage = """
        usage: ObjectStore.Load [--endpoint URL] [--access-key K] [--secret-key S] [--region R]
                                [--scenarios small,large,list,multipart,stream] [--seconds N] [--list-keys N]
                                [--large-objects N] [--stream-gib N] [--cpu label=pid,...]
                                [--small-clients 1,8] [--large-clients 2] [--list-clients 1]
                                [--multipart-clients 8] [--multipart-mib 256] [--multipart-objects 2]
                                [--bucket B] [--keys 5000] [--clients 64] [--proxy URL] [--results FILE]
                                [--warmup-seconds 8]
          small      4 KiB PUT (--seconds), GET and HEAD (--seconds each) of the written keys, then DELETE of
                     every written key, ops/s, at each of --small-clients
          large      64 MiB PUT MB/s of --large-objects objects, --large-clients at a time, then GET MB/s of
                     those objects read round and round by --large-clients for --seconds
          list       ListObjectsV2 of a --list-keys bucket, objects/s (full listings by each of --list-clients
                     for --seconds after one warm-up)
          multipart  --multipart-objects uploads of --multipart-mib MiB in 16 MiB parts, --multipart-clients
                     parts at a time, MB/s
          stream  one PUT and GET of --stream-gib GiB generated on the fly (memory checks)
          preload    scale scenarios (scripts/bench-index-scale.sh): creates --bucket and writes --keys 4 KiB
                     objects k/0000000.. (--clients at a time, the proxy's budget lifted if --proxy is given)
          unthrottle lifts the --proxy budget for the scenarios after it (preload ends with the budget on)
          put, get   4 KiB PUT of new keys / GET of preloaded keys by --clients for --seconds; a 503 SlowDown
                     is counted and retried after a jittered back-off (50 ms doubling, at most 1 s)
          listpages  ListObjectsV2 of the preloaded keys (prefix k/, pages of 1000) for --seconds: time per page,
                     and, with --proxy, Table queries and rows per page
          --endpoint URL[,URL...]  several host instances: requests go to each in turn
          --proxy    control address of bench/ObjectStore.ThrottleProxy; --results FILE appends a JSON line per row
          --cpu   processes whose CPU time per operation each row reports (Linux /proc), e.g. host=123,azurite=456
          --warmup-seconds  how long the unmeasured warm-up runs each small request type at 8 clients (0: a token
                     warm-up of 50 each); large and multipart scenarios also warm up with 6 large PUT/GETs and four 16-part uploads
        """;

    public static LoadOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                return null;
            values[args[i][2..]] = args[++i];
        }
        string Get(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        var endpoints = Get("endpoint", "http://127.0.0.1:9000").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => new Uri(e)).ToArray();
        return new LoadOptions(
            endpoints[0],
            Get("access-key", Environment.GetEnvironmentVariable("OBJECTSTORE_ACCESS_KEY") ?? "objectstore"),
            Get("secret-key", Environment.GetEnvironmentVariable("OBJECTSTORE_SECRET_KEY") ?? "objectstore-secret"),
            Get("region", "us-east-1"),
            Get("scenarios", "small,large,list").Split(',', StringSplitOptions.RemoveEmptyEntries),
            int.Parse(Get("seconds", "10")),
            int.Parse(Get("list-keys", "10000")),
            int.Parse(Get("large-objects", "8")),
            (long)(double.Parse(Get("stream-gib", "5"), System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024 * 1024),
            CpuMeter.Parse(Get("cpu", "")))
        {
            SmallClients = Get("small-clients", "1,8").Split(',').Select(int.Parse).ToArray(),
            LargeClients = int.Parse(Get("large-clients", "2")),
            ListClients = int.Parse(Get("list-clients", "1")),
            MultipartClients = int.Parse(Get("multipart-clients", "8")),
            MultipartMiB = int.Parse(Get("multipart-mib", "256")),
            MultipartObjects = int.Parse(Get("multipart-objects", "2")),
            WarmUpSeconds = int.Parse(Get("warmup-seconds", "8")),
            Endpoints = endpoints,
            Bucket = Get("bucket", "load-scale"),
            Keys = int.Parse(Get("keys", "5000")),
            Clients = int.Parse(Get("clients", "64")),
            Proxy = values.TryGetValue("proxy", out var proxy) ? new Uri(proxy) : null,
            Results = values.GetValueOrDefault("results"),
        };
    }
}
