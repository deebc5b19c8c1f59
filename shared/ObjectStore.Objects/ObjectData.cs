using System.IO.Pipelines;
using ObjectStore.Index;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;
using ObjectStore.Storage;

namespace ObjectStore.Objects;

/// <summary>
/// The data of object versions: new data written (sealed when a key is given) and verified, stored data
/// read back as plaintext (single and multipart layouts, ranges), and copies through a bounded pipe.
/// What no version references any more is deleted through <see cref="ObjectCommitter"/>.
/// </summary>
internal sealed partial class ObjectData(IObjectIndex index, IObjectDataStore data, ObjectCommitter commits, TimeProvider time)
{
    /// <summary>A fresh, time-ordered, file-name-safe id for a piece of data (and the version it backs).</summary>
    internal string NewDataId() => Guid.CreateVersion7(time.GetUtcNow()).ToString("N");

    /// <summary>S3's ETag of a single-part object: the quoted lowercase hex MD5.</summary>
    internal static string ETagOf(byte[] md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    /// <summary>
    /// The version as a reader may see it: an archived version with a live restored copy reads from the
    /// copy; without one, InvalidObjectState. Other classes are returned unchanged.
    /// </summary>
    public ObjectRecord ReadableVersion(ObjectRecord record)
    {
        if (!StorageClasses.IsArchive(record.StorageClass) || record.IsDeleteMarker)
            return record;
        if (record.RestoreLayout is { } copy && record.RestoreExpiry > time.GetUtcNow())
            return record with { DataLayout = copy };
        throw new S3Exception(S3Errors.InvalidObjectState, resource: $"/{record.Bucket}/{record.Key}")
        {
            Details = new Dictionary<string, string> { ["StorageClass"] = record.StorageClass },
        };
    }

    /// <summary>
    /// Streams a request body into new data (sealed under <paramref name="dataKey"/> when given) and checks
    /// it: length, Content-MD5, flexible checksum, all over the plaintext. On a mismatch the data is
    /// deleted and the S3 error thrown; otherwise the caller commits it.
    /// </summary>
    internal async Task<(WrittenData Written, (string Algorithm, string Value)? Checksum)> WriteVerifiedAsync(
        ObjectBody body, string dataId, string storageClass, byte[]? dataKey, CancellationToken cancellationToken)
    {
        var written = await WriteDataAsync(body.Stream, new DataWriteRequest(dataId, storageClass), dataKey, cancellationToken);
        try
        {
            if (body.Length != ObjectBody.UnknownLength && written.Length != body.Length)
                throw new S3Exception(S3Errors.IncompleteBody);
            if (body.ExpectedMd5 is { } md5 && !md5.AsSpan().SequenceEqual(written.Md5))
                throw new S3Exception(S3Errors.BadDigest);
            return (written, body.Checksum?.Invoke());
        }
        catch
        {
            await DeleteDataQuietlyAsync(written.Stored.Layout);
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> to the data store, through an encrypting stream when
    /// <paramref name="dataKey"/> is given; the length and MD5 returned are of the plaintext either way.
    /// </summary>
    internal async Task<WrittenData> WriteDataAsync(Stream source, DataWriteRequest request, byte[]? dataKey, CancellationToken cancellationToken)
    {
        if (dataKey is null)
        {
            var plain = await data.WriteAsync(source, request, cancellationToken);
            return new WrittenData(plain, plain.Length, plain.Md5);
        }
        using var sealing = new EncryptingStream(source, dataKey);
        // The sealing stream hashes the plaintext for the ETag; an MD5 of the ciphertext would be unused.
        var stored = await data.WriteAsync(sealing, request with { ComputeMd5 = false }, cancellationToken);
        if (stored.Length != BlockFormat.CiphertextLength(sealing.PlaintextLength))
        {
            await DeleteDataQuietlyAsync(stored.Layout);
            throw new InvalidOperationException($"Encrypted write of {request.DataId} stored {stored.Length} bytes for {sealing.PlaintextLength} plaintext bytes.");
        }
        return new WrittenData(stored, sealing.PlaintextLength, sealing.PlaintextMd5);
    }

    /// <summary>
    /// Streams plaintext bytes [offset, offset + length) of an object's data to <paramref name="destination"/>:
    /// the one place object data is read, for single and multipart layouts alike. <paramref name="objectKey"/>
    /// (from <see cref="OpenObjectKey"/>) opens encrypted data: only the sealed blocks the range touches are read.
    /// </summary>
    public Task ReadDataAsync(ObjectRecord record, byte[]? objectKey, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        length == 0 ? Task.CompletedTask
        : MultipartLayout.IsMultipart(record.DataLayout) ? ReadMultipartDataAsync(MultipartLayout.Parse(record.DataLayout), objectKey, offset, length, destination, cancellationToken)
        : InlineLayout.IsInline(record.DataLayout)
            ? ReadPieceAsync((o, l, s, ct) => ReadInlineStoredAsync(record, o, l, s, ct), record.Size, objectKey, offset, length, destination, cancellationToken)
            : ReadPieceAsync(DataLayout.Parse(record.DataLayout), record.Size, objectKey, offset, length, destination, cancellationToken);

    /// <summary>Plaintext bytes [offset, offset + length) of one piece of data of <paramref name="plainLength"/> bytes (sealed under <paramref name="dataKey"/> when given).</summary>
    private Task ReadPieceAsync(DataLayout layout, long plainLength, byte[]? dataKey, long offset, long length, Stream destination, CancellationToken cancellationToken) =>
        ReadPieceAsync((o, l, s, ct) => data.ReadAsync(layout, o, l, s, ct), plainLength, dataKey, offset, length, destination, cancellationToken);

    /// <summary>The same over any reader of stored bytes (offset, length, destination): shards or an inline row.</summary>
    private static async Task ReadPieceAsync(Func<long, long, Stream, CancellationToken, Task> readStored, long plainLength, byte[]? dataKey, long offset, long length,
        Stream destination, CancellationToken cancellationToken)
    {
        if (dataKey is null)
        {
            await readStored(offset, length, destination, cancellationToken);
            return;
        }
        var range = BlockFormat.Map(plainLength, offset, length);
        await using var opening = new DecryptingStream(destination, dataKey, plainLength, range, length);
        await readStored(range.Offset, range.Length, opening, cancellationToken);
        opening.EnsureComplete();
    }

    /// <summary>
    /// The stored bytes of a version exactly as they are (ciphertext when encrypted), for moves that need
    /// no key: lifecycle transitions and restored copies. Null for an encrypted multipart object, whose
    /// parts are sealed under keys of their own and cannot become one piece of data verbatim.
    /// </summary>
    internal (Func<Stream, CancellationToken, Task> Read, long Length)? StoredBytesOf(ObjectRecord record)
    {
        if (record.Encryption is null)
            return ((s, ct) => ReadDataAsync(record, null, 0, record.Size, s, ct), record.Size);
        if (MultipartLayout.IsMultipart(record.DataLayout))
            return null;
        if (InlineLayout.IsInline(record.DataLayout))
        {
            var storedLength = InlineLayout.StoredLength(record.DataLayout);
            return ((s, ct) => ReadInlineStoredAsync(record, 0, storedLength, s, ct), storedLength);
        }
        var layout = DataLayout.Parse(record.DataLayout);
        return ((s, ct) => layout.Length == 0 ? Task.CompletedTask : data.ReadAsync(layout, 0, layout.Length, s, ct), layout.Length);
    }

    /// <summary>
    /// Copies <paramref name="length"/> bytes that <paramref name="read"/> produces into new data (sealed under
    /// <paramref name="dataKey"/> when given), through a bounded pipe; <paramref name="tap"/> (e.g. a checksum)
    /// sees the bytes as the writer reads them.
    /// </summary>
    internal async Task<WrittenData> CopyDataAsync(Func<Stream, CancellationToken, Task> read, long length, DataWriteRequest request,
        byte[]? dataKey, Func<Stream, Stream>? tap, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var produce = Task.Run(async () =>
        {
            try
            {
                await using (var writer = pipe.Writer.AsStream(leaveOpen: true))
                    await read(writer, cts.Token);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception ex)
            {
                await pipe.Writer.CompleteAsync(ex);
            }
        }, CancellationToken.None);

        WrittenData written;
        try
        {
            await using var reader = pipe.Reader.AsStream(leaveOpen: true);
            written = await WriteDataAsync(tap is null ? reader : tap(reader), request, dataKey, cts.Token);
        }
        catch
        {
            await cts.CancelAsync();
            await pipe.Reader.CompleteAsync();
            await produce;
            throw;
        }
        await pipe.Reader.CompleteAsync();
        await produce;
        if (written.Length != length)
        {
            await DeleteDataQuietlyAsync(written.Stored.Layout);
            throw new InvalidOperationException($"Copy into {request.DataId} read {written.Length} of {length} bytes.");
        }
        return written;
    }

    private Task DeleteDataQuietlyAsync(string serializedLayout) => commits.DeleteDataQuietlyAsync(serializedLayout);

    private Task DeleteDataQuietlyAsync(DataLayout? layout) => commits.DeleteDataQuietlyAsync(layout);
}

/// <param name="Stored">What the data store wrote (its length and MD5 are of ciphertext when sealed).</param>
/// <param name="Length">Plaintext bytes.</param>
/// <param name="Md5">MD5 of the plaintext.</param>
internal sealed record WrittenData(StoredData Stored, long Length, byte[] Md5);
