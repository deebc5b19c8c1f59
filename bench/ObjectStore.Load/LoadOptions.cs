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

    public const string Usage = """
        usage: ObjectStore.Load [--endpoint URL] [--access-key K] [--secret-key S] [--region R]
                                [--scenarios small,large,list,multipart,stream] [--seconds N] [--list-keys N]
                                [--large-objects N] [--stream-gib N] [--cpu label=pid,...]
                                [--small-clients 1,8] [--large-clients 2] [--list-clients 1]
                                [--multipart-clients 8] [--multipart-mib 256] [--multipart-objects 2]
          small      4 KiB PUT (--seconds), GET and HEAD (--seconds each) of the written keys, then DELETE of
                     every written key, ops/s, at each of --small-clients
          large      64 MiB PUT and GET MB/s (--large-objects objects, --large-clients at a time)
          list       ListObjectsV2 of a --list-keys bucket, objects/s (full listings by each of --list-clients
                     for --seconds after one warm-up)
          multipart  --multipart-objects uploads of --multipart-mib MiB in 16 MiB parts, --multipart-clients
                     parts at a time, MB/s
          stream  one PUT and GET of --stream-gib GiB generated on the fly (memory checks)
          --cpu   processes whose CPU time per operation each row reports (Linux /proc), e.g. host=123,azurite=456
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
        return new LoadOptions(
            new Uri(Get("endpoint", "http://127.0.0.1:9000")),
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
        };
    }
}
