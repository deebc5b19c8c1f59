using System.Net;
using System.Text;
using System.Text.Json;
using ObjectStore.Testing;
using ObjectStore.Testing.Throttling;

namespace ObjectStore.ThrottleProxy;

/// <summary>
/// A loopback HTTP endpoint beside the proxy: <c>GET /stats</c> answers the budget's and the calls' counts
/// per partition as JSON (the load tool reads it around each measurement); <c>POST /throttle?on=false</c>
/// lifts the budget (preloading a bucket), <c>on=true</c> puts it back.
/// </summary>
internal sealed class ControlServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly ThrottlingTableProxy _proxy;

    private ControlServer(HttpListener listener, ThrottlingTableProxy proxy, int port)
    {
        _listener = listener;
        _proxy = proxy;
        Address = new Uri($"http://127.0.0.1:{port}/");
        _ = Task.Run(LoopAsync);
    }

    public Uri Address { get; }

    public static ControlServer Start(ThrottlingTableProxy proxy)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new ControlServer(listener, proxy, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            var (status, body) = Answer(context.Request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    private (int Status, string Body) Answer(HttpListenerRequest request)
    {
        switch (request.HttpMethod, request.Url?.AbsolutePath)
        {
            case ("GET", "/stats"):
                return (200, Stats(_proxy));
            case ("POST", "/throttle"):
                if (!bool.TryParse(request.QueryString["on"], out var on))
                    return (400, "{\"error\":\"on=true or on=false\"}");
                _proxy.Enabled = on;
                return (200, Stats(_proxy));
            default:
                return (404, "{\"error\":\"GET /stats or POST /throttle?on=\"}");
        }
    }

    /// <summary>The counts as JSON: the budget, its totals, and one object per partition.</summary>
    public static string Stats(ThrottlingTableProxy proxy)
    {
        var budget = proxy.Budget;
        var refused = budget.ByPartition().ToDictionary(p => p.Partition, p => (p.Granted, p.Refused), StringComparer.Ordinal);
        var calls = proxy.Calls?.Snapshot() ?? [];
        var partitions = calls.Select(c => c.Partition).Union(refused.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(partition =>
            {
                var call = calls.FirstOrDefault(c => c.Partition == partition) ?? new PartitionCalls(partition, 0, 0, 0, 0, 0, 0);
                var (granted, refusedOps) = refused.GetValueOrDefault(partition);
                return new
                {
                    partition,
                    granted,
                    refused = refusedOps,
                    pointReads = call.PointReads,
                    queries = call.Queries,
                    queryRows = call.QueryRows,
                    writes = call.Writes,
                    transactions = call.Transactions,
                    transactionChanges = call.TransactionChanges,
                };
            });
        return JsonSerializer.Serialize(new
        {
            operationsPerSecond = budget.OperationsPerSecond,
            burst = budget.Burst,
            enabled = proxy.Enabled,
            granted = budget.Granted,
            refused = budget.Refused,
            partitions,
        });
    }

    /// <summary>A markdown table of every partition's counts, printed when the proxy stops.</summary>
    public static string Summary(ThrottlingTableProxy proxy)
    {
        var text = new StringBuilder();
        text.AppendLine($"Budget {proxy.Budget.OperationsPerSecond} operations/s per partition: {proxy.Budget.Granted} operations let through, {proxy.Budget.Refused} refused (503 ServerBusy)");
        text.AppendLine();
        text.AppendLine("| Partition | Operations | 503 ServerBusy | Point reads | Queries | Rows queried | Writes | Transactions (changes) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        using var document = JsonDocument.Parse(Stats(proxy));
        foreach (var p in document.RootElement.GetProperty("partitions").EnumerateArray())
        {
            long N(string name) => p.GetProperty(name).GetInt64();
            text.AppendLine($"| {p.GetProperty("partition").GetString()} | {N("granted")} | {N("refused")} | {N("pointReads")} | {N("queries")} | {N("queryRows")} | {N("writes")} | {N("transactions")} ({N("transactionChanges")}) |");
        }
        return text.ToString();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
