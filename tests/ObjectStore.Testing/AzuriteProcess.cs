using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ObjectStore.Testing;

/// <summary>
/// One Azurite process (blob, queue and table services) on free loopback ports, in memory.
/// Started from the repo's node_modules (installed by <c>npm ci</c> at the repo root).
/// Disposing kills the process tree it started and deletes its scratch directory.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>The well-known development account of Azurite and the storage emulator.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private const int StartAttempts = 3;

    private readonly Process _process;
    private readonly string _workspace;
    private readonly StringBuilder _output;

    private AzuriteProcess(Process process, string workspace, StringBuilder output, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        _workspace = workspace;
        _output = output;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }
    public int ProcessId => _process.Id;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{BlobPort}/{AccountName}");
    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");
    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>The full connection string with explicit blob, queue and table endpoints.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>What Azurite wrote to stdout/stderr so far (for diagnostics).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>
    /// Starts Azurite and waits until all three ports accept connections. Retries with new
    /// ports when a port we picked was taken before Azurite bound it.
    /// </summary>
    public static async Task<AzuriteProcess> StartAsync(CancellationToken cancellationToken = default)
    {
        var repoRoot = RepoRoot.Find();
        var entry = Path.Combine(repoRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(entry))
            throw new InvalidOperationException(
                $"Azurite is not installed: '{entry}' is missing. Run 'npm ci' in '{repoRoot}'.");

        Exception? last = null;
        for (var attempt = 1; attempt <= StartAttempts; attempt++)
        {
            try
            {
                return await StartOnceAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (AzuriteExitedException e) when (e.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                last = e;
            }
        }
        throw new InvalidOperationException($"Azurite failed to start after {StartAttempts} attempts (ports taken).", last);
    }

    private static async Task<AzuriteProcess> StartOnceAsync(string entry, CancellationToken cancellationToken)
    {
        int blobPort = LoopbackPort.Free(), queuePort = LoopbackPort.Free(), tablePort = LoopbackPort.Free();
        // The working directory: Azurite writes a few files there even in memory mode.
        var workspace = Path.Combine(Path.GetTempPath(), "objectstore-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workspace);

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace,
        };
        foreach (var arg in new[]
        {
            entry, "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, workspace, output, blobPort, queuePort, tablePort);
        try
        {
            await azurite.WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            return azurite;
        }
        catch
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var pending = new List<int> { BlobPort, QueuePort, TablePort };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new AzuriteExitedException(
                    $"Azurite exited with code {_process.ExitCode} before listening. Output:\n{Output}");
            if (deadline.Elapsed > StartTimeout)
                throw new TimeoutException(
                    $"Azurite did not listen on ports {string.Join(", ", pending)} within {StartTimeout.TotalSeconds:0} s. Output:\n{Output}");

            for (var i = pending.Count - 1; i >= 0; i--)
            {
                if (await AcceptsConnectionAsync(pending[i], cancellationToken).ConfigureAwait(false))
                    pending.RemoveAt(i);
            }
            if (pending.Count > 0)
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> AcceptsConnectionAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (TimeoutException)
        {
            // Left to the OS; nothing more we can do from a test.
        }
        _process.Dispose();
        try { Directory.Delete(_workspace, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed class AzuriteExitedException(string message) : Exception(message);
}
