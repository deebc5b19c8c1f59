using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ObjectStore.Tools;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>One HTTP/1.1 response as it came off the socket: status line, headers, body.</summary>
public sealed record RawResponse(int Status, string StatusLine, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public override string ToString() => StatusLine + "\n" + string.Join("\n", Headers.Select(h => $"{h.Key}: {h.Value}")) + "\n\n" + BodyText;
}

/// <summary>
/// A plain TCP connection to a local host for tests that need what no HTTP client does: exact bytes
/// on the wire (interim responses, malformed requests), half a body, a reset, a trickle. Requests are
/// SigV4-signed with the root key (UNSIGNED-PAYLOAD) by <see cref="SignedHead"/>.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start, _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> OpenAsync(Uri endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, endpoint.Port);
        return new RawHttpConnection(socket);
    }

    /// <summary>
    /// The request line and headers (ending with the blank line) of a signed request to
    /// <paramref name="pathAndQuery"/>, with <paramref name="extraHeaders"/> (unsigned, e.g. Content-Length, Expect).
    /// </summary>
    public static string SignedHead(Uri endpoint, string method, string pathAndQuery, params (string Name, string Value)[] extraHeaders)
    {
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(endpoint, pathAndQuery));
        new S3Signer(LocalHostFixture.AccessKey, LocalHostFixture.SecretKey, "us-east-1").Sign(message);
        var head = new StringBuilder($"{method} {pathAndQuery} HTTP/1.1\r\n");
        foreach (var (name, values) in message.Headers)
            head.Append(name).Append(": ").Append(string.Join(", ", values)).Append("\r\n");
        foreach (var (name, value) in extraHeaders)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        return head.Append("\r\n").ToString();
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var n = await _socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[n..];
        }
    }

    /// <summary>Ends the connection with a TCP reset (linger 0), as a killed client does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    /// <summary>True when the server closed the connection (a read returns 0) within <paramref name="timeout"/>.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        try
        {
            return await FillAsync(timeout) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>
    /// Reads one response (a 1xx too: call again for the final one). The body is read by chunks or
    /// Content-Length (none for 1xx, 204, 304 and <paramref name="head"/> requests).
    /// </summary>
    public async Task<RawResponse> ReadResponseAsync(TimeSpan timeout, bool head = false)
    {
        using var cts = new CancellationTokenSource(timeout);
        var statusLine = await ReadLineAsync(cts.Token);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await ReadLineAsync(cts.Token); line.Length > 0; line = await ReadLineAsync(cts.Token))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var parts = statusLine.Split(' ', 3);
        var status = int.Parse(parts[1], CultureInfo.InvariantCulture);
        if (status < 200 || status is 204 or 304 || head)
            return new RawResponse(status, statusLine, headers, []);
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var chunks = new MemoryStream();
            for (var size = ChunkSize(await ReadLineAsync(cts.Token)); size > 0; size = ChunkSize(await ReadLineAsync(cts.Token)))
            {
                chunks.Write(await ReadBytesAsync(size, cts.Token));
                await ReadLineAsync(cts.Token);
            }
            await ReadLineAsync(cts.Token); // the empty trailer
            return new RawResponse(status, statusLine, headers, chunks.ToArray());
        }
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, CultureInfo.InvariantCulture) : 0;
        var body = await ReadBytesAsync(length, cts.Token);
        return new RawResponse(status, statusLine, headers, body);
    }

    private static int ChunkSize(string line) => int.Parse(line.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private async Task<byte[]> ReadBytesAsync(int length, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        for (var read = 0; read < length;)
        {
            if (_start == _end && await FillAsync(cancellationToken) == 0)
                throw new IOException($"Connection closed after {read} of {length} body bytes.");
            var n = Math.Min(length - read, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(body.AsSpan(read));
            _start += n;
            read += n;
        }
        return body;
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && await FillAsync(cancellationToken) == 0)
                throw new IOException("Connection closed before a complete response head: " + line);
            var b = _buffer[_start++];
            if (b == '\n')
                return line.ToString().TrimEnd('\r');
            line.Append((char)b);
        }
    }

    private async Task<int> FillAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await FillAsync(cts.Token);
    }

    private async Task<int> FillAsync(CancellationToken cancellationToken)
    {
        if (_start < _end)
            return _end - _start;
        _start = 0;
        _end = await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, cancellationToken);
        return _end;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
