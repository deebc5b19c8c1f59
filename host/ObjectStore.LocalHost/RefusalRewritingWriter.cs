using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using ObjectStore.S3.Xml;

namespace ObjectStore.LocalHost;

/// <summary>
/// The connection's output as Kestrel sees it. While the handler answers a request, every call
/// goes straight through. Otherwise Kestrel is writing on its own, which it does only to refuse a
/// request it could not parse (400, 414, 431, 408): those bytes are held until the flush, and an
/// empty refusal (<c>Content-Length: 0</c>, no <c>x-amz-request-id</c>) is replaced by the same
/// status with the S3 error XML of <see cref="ServerRefusals"/>. Anything else is passed on as it was.
/// </summary>
internal sealed partial class RefusalRewritingWriter(PipeWriter inner, ConnectionEdge edge, ILogger logger) : PipeWriter
{
    private ArrayBufferWriter<byte>? _held;
    private bool _lastBufferHeld;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        _lastBufferHeld = HoldWrites();
        return _lastBufferHeld ? Held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        _lastBufferHeld = HoldWrites();
        return _lastBufferHeld ? Held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);
    }

    public override void Advance(int bytes)
    {
        if (_lastBufferHeld)
            Held.Advance(bytes);
        else
            inner.Advance(bytes);
    }

    public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (!HoldWrites())
            return inner.WriteAsync(source, cancellationToken);
        Held.Write(source.Span);
        return FlushAsync(cancellationToken);
    }

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        await ReleaseHeldAsync();
        return await inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    public override void Complete(Exception? exception = null)
    {
        if (_held is { WrittenCount: > 0 } held)
            inner.Write(held.WrittenSpan); // no flush came: pass the bytes on as they are
        _held = null;
        inner.Complete(exception);
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        await ReleaseHeldAsync();
        await inner.CompleteAsync(exception);
    }

    private ArrayBufferWriter<byte> Held => _held ??= new ArrayBufferWriter<byte>(256);

    /// <summary>Hold Kestrel's own writes; never split what is already held.</summary>
    private bool HoldWrites() => _held is { WrittenCount: > 0 } || !edge.HandlerAnswering;

    private async ValueTask ReleaseHeldAsync()
    {
        if (_held is not { WrittenCount: > 0 } held)
            return;
        _held = null;
        var replacement = await RewriteAsync(held.WrittenMemory);
        inner.Write(replacement.Span);
    }

    private async ValueTask<ReadOnlyMemory<byte>> RewriteAsync(ReadOnlyMemory<byte> written)
    {
        if (ParseEmptyRefusal(written.Span) is not { } refusal || await ServerRefusals.RenderAsync(refusal.Status) is not { } rendered)
            return written;
        Log.RefusalRewritten(logger, refusal.Status, rendered.Code.Code, rendered.RequestId);
        var head = new StringBuilder(refusal.StatusLine).Append("\r\n");
        foreach (var line in refusal.Headers)
            head.Append(line).Append("\r\n");
        head.Append("Content-Type: application/xml\r\n")
            .Append("Content-Length: ").Append(rendered.Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("x-amz-request-id: ").Append(rendered.RequestId).Append("\r\n")
            .Append("x-amz-id-2: ").Append(rendered.HostId).Append("\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString()).Concat(rendered.Body).ToArray();
    }

    private sealed record EmptyRefusal(string StatusLine, int Status, IReadOnlyList<string> Headers);

    /// <summary>
    /// A complete response head with no body, status 4xx or 5xx, <c>Content-Length: 0</c> and no
    /// request id (every answer of the handler has one); null for anything else. The headers
    /// returned are the ones to keep (all but Content-Length).
    /// </summary>
    private static EmptyRefusal? ParseEmptyRefusal(ReadOnlySpan<byte> written)
    {
        var end = written.IndexOf("\r\n\r\n"u8);
        if (!written.StartsWith("HTTP/1.1 "u8) || end < 0 || end + 4 != written.Length)
            return null;
        var lines = Encoding.ASCII.GetString(written[..end]).Split("\r\n");
        if (lines[0].Length < 12 || !int.TryParse(lines[0].AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 400)
            return null;
        var headers = lines.Skip(1).ToList();
        if (headers.RemoveAll(h => h.Replace(" ", "", StringComparison.Ordinal).Equals("Content-Length:0", StringComparison.OrdinalIgnoreCase)) != 1
            || headers.Any(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase) || h.StartsWith("x-amz-request-id:", StringComparison.OrdinalIgnoreCase)))
            return null;
        return new EmptyRefusal(lines[0], status, headers);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7501, Level = LogLevel.Information,
            Message = "Kestrel refused a request before the handler saw it: {Status} answered with {Code} id={RequestId}")]
        public static partial void RefusalRewritten(ILogger logger, int status, string code, string requestId);
    }
}
