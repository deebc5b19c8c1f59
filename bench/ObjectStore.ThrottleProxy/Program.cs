using System.Globalization;
using System.Runtime.InteropServices;
using ObjectStore.Testing.Throttling;
using ObjectStore.ThrottleProxy;

// The throttling Table proxy (tests/ObjectStore.Testing/Throttling) as a process, for the partitioned-bucket
// benchmark (scripts/bench-index-scale.sh, docs/benchmarks.md): a per-PartitionKey budget in front of
// Azurite's Table endpoint, shared by every host instance pointed at it.
const string Usage = """
    usage: ObjectStore.ThrottleProxy --table-endpoint URL [--ops-per-second 100] [--burst N] [--ready-file PATH] [--max-seconds 3600]
      --table-endpoint  Azurite's Table endpoint, e.g. http://127.0.0.1:10002/devstoreaccount1
      --ops-per-second  budget of each partition (entity operations/s; a transaction costs one per change)
      --burst           operations a partition may save up (default: one second's budget)
      --ready-file      written once listening: line 1 the proxy's Table endpoint, line 2 the control address
      --max-seconds     stops by itself after this long
    Control (127.0.0.1 only): GET /stats (JSON counts per partition), POST /throttle?on=false|true.
    SIGTERM or Ctrl-C stops it; it prints each partition's operations and 503s before it exits.
    """;

var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
if (!options.TryGetValue("table-endpoint", out var target))
{
    Console.Error.WriteLine(Usage);
    return 2;
}
var rate = double.Parse(options.GetValueOrDefault("ops-per-second", "100"), CultureInfo.InvariantCulture);
double? burst = options.TryGetValue("burst", out var b) ? double.Parse(b, CultureInfo.InvariantCulture) : null;
var lifetime = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("max-seconds", "3600"), CultureInfo.InvariantCulture));

using var stop = new CancellationTokenSource(lifetime);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

var budget = new PartitionBudget(rate, burst);
var proxy = ThrottlingTableProxy.Start(new Uri(target), budget);
proxy.Calls = new TableCallCounters();
await using (proxy.ConfigureAwait(false))
{
    using var control = ControlServer.Start(proxy);
    if (options.TryGetValue("ready-file", out var ready))
    {
        var temporary = ready + ".tmp";
        await File.WriteAllTextAsync(temporary, $"{proxy.Endpoint}\n{control.Address}\n");
        File.Move(temporary, ready, overwrite: true);
    }
    Console.WriteLine($"Throttling {target} at {rate} operations/s per partition (burst {budget.Burst}): Table endpoint {proxy.Endpoint}, control {control.Address}");
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Signalled or out of time.
    }
    Console.WriteLine();
    Console.WriteLine(ControlServer.Summary(proxy));
}
return 0;
