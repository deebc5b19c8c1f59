using System.Buffers;
using System.Security.Cryptography;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;
using ObjectStore.Storage;

namespace ObjectStore.Objects;

/// <summary>
/// Small objects in the index row (docs/index-schema.md, "Inline data"): a body of at most the inline
/// threshold is kept in the version's row (sealed when encrypted) instead of shard files, so its PUT is one
/// index transaction and its GET one index read. The body is still streamed: at most threshold + 1 bytes
/// are buffered, and a longer body continues into the shard writer from what was buffered.
/// </summary>
internal sealed partial class ObjectData
{
    /// <summary>
    /// Whether a version of <paramref name="storageClass"/> may live in its row: the warm classes (STANDARD,
    /// REDUCED_REDUNDANCY, INTELLIGENT_TIERING). Colder classes exist to put data on cheaper storage, which
    /// the index row is not, so their data is always in shards (a lifecycle transition moves it there).
    /// </summary>
    internal static bool MayInline(string storageClass) =>
        StorageClasses.Temperature(storageClass) < StorageClasses.Temperature(StorageClasses.StandardIA);

    /// <summary>
    /// <see cref="WriteVerifiedAsync"/>, but a body of at most <paramref name="inlineMax"/> bytes (in a class that
    /// <see cref="MayInline"/>) becomes inline data instead of shards, with the same checks (length, Content-MD5,
    /// flexible checksum over the plaintext).
    /// </summary>
    internal async Task<(NewData Written, (string Algorithm, string Value)? Checksum)> WriteBodyAsync(
        ObjectBody body, string dataId, string storageClass, byte[]? dataKey, int inlineMax, CancellationToken cancellationToken)
    {
        if (inlineMax <= 0 || !MayInline(storageClass) || body.Length > inlineMax)
            return ToNewData(await WriteVerifiedAsync(body, dataId, storageClass, dataKey, cancellationToken));

        var buffer = ArrayPool<byte>.Shared.Rent(inlineMax + 1);
        try
        {
            var filled = await FillAsync(body.Stream, buffer.AsMemory(0, inlineMax + 1), cancellationToken);
            if (filled > inlineMax)
            {
                // Longer than the threshold: the shard writer takes over, starting with the buffered bytes.
                await using var joined = new PrefixedStream(buffer.AsMemory(0, filled), body.Stream);
                return ToNewData(await WriteVerifiedAsync(body with { Stream = joined }, dataId, storageClass, dataKey, cancellationToken));
            }
            var plain = buffer.AsMemory(0, filled);
            if (body.Length != ObjectBody.UnknownLength && filled != body.Length)
                throw new S3Exception(S3Errors.IncompleteBody);
            var md5 = MD5.HashData(plain.Span);
            if (body.ExpectedMd5 is { } expected && !expected.AsSpan().SequenceEqual(md5))
                throw new S3Exception(S3Errors.BadDigest);
            var checksum = body.Checksum?.Invoke();
            return (await InlineAsync(plain, md5, dataId, dataKey, cancellationToken), checksum);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: dataKey is not null);
        }

        static (NewData, (string, string)?) ToNewData((WrittenData Written, (string Algorithm, string Value)? Checksum) shards) =>
            (NewData.InShards(shards.Written), shards.Checksum);
    }

    /// <summary>
    /// CopyObject's data: a source of at most <paramref name="inlineMax"/> bytes copied into a class that
    /// <see cref="MayInline"/> becomes inline data (whatever the source's layout); anything larger goes
    /// through <see cref="CopyDataAsync"/> into shards.
    /// </summary>
    internal async Task<NewData> CopyObjectDataAsync(ObjectRecord source, byte[]? sourceKey, string dataId, string storageClass, byte[]? dataKey,
        int inlineMax, CancellationToken cancellationToken)
    {
        if (inlineMax <= 0 || !MayInline(storageClass) || source.Size > inlineMax)
            return NewData.InShards(await CopyDataAsync((s, ct) => ReadDataAsync(source, sourceKey, 0, source.Size, s, ct), source.Size,
                new DataWriteRequest(dataId, storageClass), dataKey, null, cancellationToken));
        var plain = new byte[source.Size];
        using (var target = new MemoryStream(plain))
            await ReadDataAsync(source, sourceKey, 0, source.Size, target, cancellationToken);
        try
        {
            return await InlineAsync(plain, MD5.HashData(plain), dataId, dataKey, cancellationToken);
        }
        finally
        {
            if (dataKey is not null || sourceKey is not null)
                CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The bytes to keep in the row: a copy of <paramref name="plain"/>, or its sealed form under <paramref name="dataKey"/>.</summary>
    private static async Task<NewData> InlineAsync(ReadOnlyMemory<byte> plain, byte[] md5, string dataId, byte[]? dataKey, CancellationToken cancellationToken)
    {
        byte[] stored;
        if (dataKey is null)
        {
            stored = plain.ToArray();
        }
        else
        {
            stored = new byte[BlockFormat.CiphertextLength(plain.Length)];
            await using var sealing = new EncryptingStream(new ReadOnlyMemoryStream(plain), dataKey);
            await sealing.ReadExactlyAsync(stored, cancellationToken);
        }
        return new NewData(InlineLayout.Of(dataId, stored.Length), plain.Length, md5, Shards: null, Inline: stored);
    }

    /// <summary>Stored bytes [offset, offset + length) of an inline version, from its record or, for a listed record (which carries none), from its row.</summary>
    private async Task ReadInlineStoredAsync(ObjectRecord record, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        var bytes = record.InlineData
            ?? (await index.GetObjectAsync(record.Bucket, record.Key, record.VersionId, cancellationToken) is { } full && full.DataLayout == record.DataLayout ? full.InlineData : null)
            ?? throw new DataStoreException($"The inline data of /{record.Bucket}/{record.Key} ({record.VersionId}) is gone.");
        await destination.WriteAsync(bytes.Slice(checked((int)offset), checked((int)length)), cancellationToken);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; the bytes read.</summary>
    private static async Task<int> FillAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await source.ReadAsync(buffer[filled..], cancellationToken);
            if (n == 0)
                break;
            filled += n;
        }
        return filled;
    }
}

/// <summary>
/// New data of a version: in shards (<paramref name="Shards"/>, deleted if the commit is refused) or inline
/// (<paramref name="Inline"/>, the row's bytes; nothing to delete). <paramref name="Length"/> and
/// <paramref name="Md5"/> are of the plaintext.
/// </summary>
internal sealed record NewData(string Layout, long Length, byte[] Md5, DataLayout? Shards, byte[]? Inline)
{
    public static NewData InShards(WrittenData written) =>
        new(written.Stored.Layout.Serialize(), written.Length, written.Md5, written.Stored.Layout, null);
}

/// <summary>A read-only stream over memory (a MemoryStream needs an array segment; this takes any memory).</summary>
internal sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> bytes) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, bytes.Length - _position);
        bytes.Span.Slice(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A read-only stream that yields <paramref name="prefix"/> (bytes already read from <paramref name="rest"/>) and then the rest of <paramref name="rest"/>.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_prefix.IsEmpty)
            return rest.Read(buffer);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer);
        _prefix = _prefix[n..];
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
            return rest.ReadAsync(buffer, cancellationToken);
        var n = Math.Min(buffer.Length, _prefix.Length);
        _prefix.Span[..n].CopyTo(buffer.Span);
        _prefix = _prefix[n..];
        return ValueTask.FromResult(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
