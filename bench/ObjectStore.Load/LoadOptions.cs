namespace ObjectStore.Load;

internal sealed record LoadOptions(
    Uri Endpoint, string AccessKey, string SecretKey, string Region,
    IReadOnlyList<string> Scenarios, int Seconds, int ListKeys, int LargeObjects, long StreamBytes,
    IReadOnlyList<(string Label, int Pid)> CpuProcesses)
{
    public const string Usage = """
        usage: ObjectStore.Load [--endpoint URL] [--access-key K] [--secret-key S] [--region R]
                                [--scenarios small,large,list,stream] [--seconds N] [--list-keys N]
                                [--large-objects N] [--stream-gib N] [--cpu label=pid,...]
          small   4 KiB PUT and GET ops/s at concurrency 1 and 8 (--seconds each)
          large   64 MiB PUT and GET MB/s (--large-objects objects, concurrency 2)
          list    ListObjectsV2 of a --list-keys bucket, objects/s (full listings for --seconds after one warm-up)
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
            CpuMeter.Parse(Get("cpu", "")));
    }
}
