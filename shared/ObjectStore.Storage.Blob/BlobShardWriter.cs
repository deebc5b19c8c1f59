using System.Buffers;
using System.Globalization;
using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace ObjectStore.Storage.Blob;

/// <summary>
/// A shard written as a block blob under its final name: data is staged block by block as it is
/// written (staged blocks are invisible until committed, the Blob equivalent of a temporary
/// file) and the block list is committed once, header block first, at <see cref="CommitAsync"/>
/// (the equivalent of the rename). The header arrives last (it holds the final length), so it
/// is staged last but listed first. A shard whose data fits <see cref="BlobShardStoreOptions.InlineShardBytes"/>
/// is buffered instead and uploaded in one request at commit.
/// <para>
/// Block ids: 24 ASCII characters, base64-encoded (every id of a blob must have the same
/// length): "H" and 23 zeros for the header, "D" and the block's byte offset in the shard (23
/// digits) for data, so the committed list reads in offset order.
/// </para>
/// </summary>
internal sealed class BlobShardWriter : IShardWriter
{
    private static readonly string HeaderBlockId = BlockId('H', 0);

    private readonly BlockBlobClient _blob;
    private readonly BlobShardStore _store;
    private readonly AccessTier? _tier;
    private readonly int _inlineLimit;
    private readonly byte[] _header = ArrayPool<byte>.Shared.Rent(ShardHeader.Size);
    private readonly List<string> _blocks = [];
    private byte[]? _inline;
    private int _inlineLength;
    private bool _committed;
    private bool _disposed;

    public BlobShardWriter(ShardId id, BlockBlobClient blob, BlobShardStore store, AccessTier? tier, int inlineLimit)
    {
        Id = id;
        _blob = blob;
        _store = store;
        _tier = tier;
        _inlineLimit = inlineLimit;
    }

    public ShardId Id { get; }

    public async ValueTask WriteAsync(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed || _disposed, this);
        var data = buffers;
        if (offset < ShardHeader.Size)
        {
            if (offset != 0)
                throw new ArgumentOutOfRangeException(nameof(offset), offset, "A write inside the header must start at offset 0.");
            data = SplitHeader(buffers);
            offset = ShardHeader.Size;
        }
        var length = 0L;
        foreach (var segment in data)
            length += segment.Length;
        if (length == 0)
            return;

        if (_blocks.Count == 0 && offset == ShardHeader.Size + _inlineLength && _inlineLength + length <= _inlineLimit)
        {
            AppendInline(data, (int)length);
            return;
        }
        await StageInlineAsync(cancellationToken).ConfigureAwait(false);
        await StageAsync(offset, data, cancellationToken).ConfigureAwait(false);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_committed || _disposed, this);
        if (_blocks.Count == 0)
        {
            // Small shard: header and data in one Put Blob.
            using var content = new SegmentStream([_header.AsMemory(0, ShardHeader.Size), _inline.AsMemory(0, _inlineLength)]);
            await _blob.UploadAsync(content, new BlobUploadOptions { AccessTier = _tier }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await StageInlineAsync(cancellationToken).ConfigureAwait(false);
            using (var header = new SegmentStream([_header.AsMemory(0, ShardHeader.Size)]))
                await _blob.StageBlockAsync(HeaderBlockId, header, cancellationToken: cancellationToken).ConfigureAwait(false);
            var list = new List<string>(_blocks.Count + 1) { HeaderBlockId };
            list.AddRange(_blocks);
            await _blob.CommitBlockListAsync(list, new CommitBlockListOptions { AccessTier = _tier }, cancellationToken).ConfigureAwait(false);
        }
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        ArrayPool<byte>.Shared.Return(_header);
        ReturnInline();
        if (!_committed && _blocks.Count > 0)
            await _store.DiscardStagedAsync(_blob).ConfigureAwait(false);
    }

    /// <summary>Copies the first <see cref="ShardHeader.Size"/> bytes into the header buffer; returns the rest.</summary>
    private List<ReadOnlyMemory<byte>> SplitHeader(IReadOnlyList<ReadOnlyMemory<byte>> buffers)
    {
        var rest = new List<ReadOnlyMemory<byte>>(buffers.Count);
        var copied = 0;
        foreach (var segment in buffers)
        {
            var take = Math.Min(segment.Length, ShardHeader.Size - copied);
            segment.Span[..take].CopyTo(_header.AsSpan(copied));
            copied += take;
            if (take < segment.Length)
                rest.Add(segment[take..]);
        }
        if (copied < ShardHeader.Size)
            throw new ArgumentException($"A write at offset 0 must carry the whole {ShardHeader.Size}-byte header.", nameof(buffers));
        return rest;
    }

    private void AppendInline(IReadOnlyList<ReadOnlyMemory<byte>> data, int length)
    {
        var needed = _inlineLength + length;
        if (_inline is null || _inline.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(needed);
            _inline?.AsSpan(0, _inlineLength).CopyTo(grown);
            ReturnInline();
            _inline = grown;
        }
        foreach (var segment in data)
        {
            segment.Span.CopyTo(_inline.AsSpan(_inlineLength));
            _inlineLength += segment.Length;
        }
    }

    /// <summary>The data buffered so far becomes the first staged block (the shard outgrew the inline size).</summary>
    private async Task StageInlineAsync(CancellationToken cancellationToken)
    {
        if (_inlineLength == 0)
            return;
        await StageAsync(ShardHeader.Size, [_inline.AsMemory(0, _inlineLength)], cancellationToken).ConfigureAwait(false);
        _inlineLength = 0;
        ReturnInline();
    }

    private async Task StageAsync(long offset, IReadOnlyList<ReadOnlyMemory<byte>> data, CancellationToken cancellationToken)
    {
        var id = BlockId('D', offset);
        using var content = new SegmentStream(data);
        await _blob.StageBlockAsync(id, content, cancellationToken: cancellationToken).ConfigureAwait(false);
        _blocks.Add(id);
    }

    private void ReturnInline()
    {
        if (_inline is not null)
            ArrayPool<byte>.Shared.Return(_inline);
        _inline = null;
    }

    internal static string BlockId(char kind, long offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kind}{offset:D23}")));
}
