using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace ObjectStore.Testing.Throttling;

/// <summary>
/// A loopback reverse proxy in front of Azurite's Table endpoint that enforces a <see cref="PartitionBudget"/>
/// and answers over-budget calls 503 ServerBusy in Azure's JSON error format, before they reach Azurite (so
/// a refused call is never applied, as Azure guarantees for ServerBusy). Shared by several local host
/// instances (point their connection string at it with <see cref="Rewrite"/>), so the budget is the
/// partition's, not a process's: what the partitioned-bucket benchmark needs.
/// Calls without a PartitionKey (table creation, table-wide scans) are not budgeted.
/// </summary>
public sealed partial class ThrottlingTableProxy : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly HttpClient _client;
    private readonly Uri _target;
    private readonly string _basePath;
    private readonly Task _loop;

    private ThrottlingTableProxy(HttpListener listener, Uri tableEndpoint, PartitionBudget budget, int port)
    {
        _listener = listener;
        _target = new Uri($"{tableEndpoint.Scheme}://{tableEndpoint.Authority}");
        _basePath = tableEndpoint.AbsolutePath.TrimEnd('/');
        Budget = budget;
        Port = port;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 64 });
        _loop = Task.Run(AcceptLoopAsync);
    }

    public PartitionBudget Budget { get; }
    /// <summary>False: every call passes (e.g. while a test sets up its buckets); true (the default): the budget applies.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>
    /// True: an over-budget entity-group transaction is answered as Azure answers a change set that failed,
    /// 202 Accepted with the 503 ServerBusy inside the multipart body; false (the default): a plain 503.
    /// </summary>
    public bool BusyInChangeSet { get; set; }
    /// <summary>
    /// True: every write (not GET or HEAD) to a partition is applied by Azurite and then answered 500
    /// OperationTimedOut, the answer whose outcome a client cannot know.
    /// </summary>
    public bool TimeOutAppliedWrites { get; set; }
    /// <summary>When set, every forwarded call with a PartitionKey is counted in it (for benchmarks; null by default).</summary>
    public TableCallCounters? Calls { get; set; }
    public int Port { get; }
    /// <summary>The proxy's base address (path-style, as Azurite's: http://127.0.0.1:port/devstoreaccount1).</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}{_basePath}");

    /// <summary>Starts a proxy for <paramref name="tableEndpoint"/> (e.g. http://127.0.0.1:10002/devstoreaccount1).</summary>
    public static ThrottlingTableProxy Start(Uri tableEndpoint, PartitionBudget budget)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Free();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new ThrottlingTableProxy(listener, tableEndpoint, budget, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    /// <summary>Starts a proxy for the TableEndpoint of an account connection string (Azurite's).</summary>
    public static ThrottlingTableProxy Start(string connectionString, PartitionBudget budget) => Start(TableEndpointOf(connectionString), budget);

    /// <summary>The connection string with its TableEndpoint pointed at this proxy (blobs and queues untouched).</summary>
    public string Rewrite(string connectionString) =>
        string.Join(';', connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase) ? "TableEndpoint=" + Endpoint : part));

    public static Uri TableEndpointOf(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Where(part => part.StartsWith("TableEndpoint=", StringComparison.OrdinalIgnoreCase))
            .Select(part => new Uri(part["TableEndpoint=".Length..]))
            .FirstOrDefault() ?? throw new ArgumentException("The connection string has no TableEndpoint.", nameof(connectionString));

    private async Task AcceptLoopAsync()
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
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            var request = context.Request;
            using var buffered = new MemoryStream();
            await request.InputStream.CopyToAsync(buffered).ConfigureAwait(false);
            var body = buffered.ToArray();
            var (partition, operations) = Describe(request.RawUrl ?? "", body);
            if (Enabled && partition is not null && !Budget.TryTake(partition, operations))
            {
                if (BusyInChangeSet && (request.RawUrl ?? "").Contains("/$batch", StringComparison.Ordinal))
                    await WriteChangeSetBusyAsync(context.Response).ConfigureAwait(false);
                else
                    await WriteServerBusyAsync(context.Response).ConfigureAwait(false);
                return;
            }
            var (status, answer) = await ForwardAsync(context, body, TimeOutAppliedWrites && partition is not null && request.HttpMethod is not ("GET" or "HEAD")).ConfigureAwait(false);
            if (partition is not null)
                Calls?.Record(partition, request.HttpMethod, request.RawUrl ?? "", operations, status is >= 200 and < 300, answer);
        }
        catch (Exception) when (!_listener.IsListening)
        {
            // Shutting down.
        }
        catch (Exception e)
        {
            try
            {
                context.Response.StatusCode = 502;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(e.Message)).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (Exception gone) when (gone is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
            {
                // The client is gone.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
        _client.Dispose();
    }

    /// <summary>The partition a call touches and how many entity operations it costs (a transaction: one per change).</summary>
    public static (string? Partition, int Operations) Describe(string rawUrl, byte[] body)
    {
        var url = Uri.UnescapeDataString(rawUrl.Replace('+', ' '));
        var text = body.Length > 0 ? Encoding.UTF8.GetString(body) : "";
        if (url.Contains("/$batch", StringComparison.Ordinal))
        {
            var changes = Math.Max(1, ChangePattern().Count(text));
            return (FirstPartition(text), changes);
        }
        return (FirstPartition(url) ?? FirstPartition(text), 1);
    }

    private static string? FirstPartition(string text)
    {
        var url = UrlPartitionPattern().Match(text);
        if (url.Success)
            return url.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal);
        var json = JsonPartitionPattern().Match(text);
        return json.Success ? Regex.Unescape(json.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"PartitionKey(?:\s*=\s*|\s+eq\s+)'((?:[^']|'')*)'")]
    private static partial Regex UrlPartitionPattern();

    [GeneratedRegex(@"""PartitionKey""\s*:\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonPartitionPattern();

    [GeneratedRegex(@"Content-Type:\s*application/http", RegexOptions.IgnoreCase)]
    private static partial Regex ChangePattern();

    private static string ErrorJson(string requestId) =>
        "{\"odata.error\":{\"code\":\"ServerBusy\",\"message\":{\"lang\":\"en-US\",\"value\":\"The server is busy.\\nRequestId:" + requestId
        + "\\nTime:" + DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "\"}}}";

    /// <summary>A transaction's answer when its change set failed: 202, the failed operation's status line inside.</summary>
    private static async Task WriteChangeSetBusyAsync(HttpListenerResponse response)
    {
        var requestId = Guid.NewGuid().ToString();
        var batch = "batchresponse_" + Guid.NewGuid();
        var changeSet = "changesetresponse_" + Guid.NewGuid();
        var body = Encoding.UTF8.GetBytes(
            $"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeSet}\r\n\r\n" +
            $"--{changeSet}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n" +
            "HTTP/1.1 503 Server Busy\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nDataServiceVersion: 3.0;\r\n" +
            "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\r\n\r\n" +
            ErrorJson(requestId) + "\r\n" +
            $"--{changeSet}--\r\n--{batch}--\r\n");
        response.StatusCode = 202;
        response.StatusDescription = "Accepted";
        response.ContentType = "multipart/mixed; boundary=" + batch;
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-version"] = "2019-02-02";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    private static async Task WriteOperationTimedOutAsync(HttpListenerResponse response)
    {
        var requestId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(ErrorJson(requestId).Replace("ServerBusy", "OperationTimedOut", StringComparison.Ordinal)
            .Replace("The server is busy.", "Operation could not be completed within the specified time.", StringComparison.Ordinal));
        response.StatusCode = 500;
        response.StatusDescription = "Operation could not be completed within the specified time.";
        response.ContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-error-code"] = "OperationTimedOut";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }

    /// <summary>What Azure Tables sends for a throttled call (JSON, the format the Tables SDK asks for).</summary>
    private static async Task WriteServerBusyAsync(HttpListenerResponse response)
    {
        var requestId = Guid.NewGuid().ToString();
        var body = Encoding.UTF8.GetBytes(ErrorJson(requestId));
        response.StatusCode = 503;
        response.StatusDescription = "Server Busy";
        response.ContentType = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8";
        response.Headers["x-ms-request-id"] = requestId;
        response.Headers["x-ms-version"] = "2019-02-02";
        response.Headers["x-ms-error-code"] = "ServerBusy";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        response.Close();
    }
}
