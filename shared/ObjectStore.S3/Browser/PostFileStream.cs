using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Browser;

/// <summary>
/// The file part of a POST form, read through: counts the bytes, refuses more than
/// <see cref="MaxLength"/> as soon as they arrive (EntityTooLarge) and fewer than <see cref="MinLength"/>
/// at the end (EntityTooSmall), and turns a broken multipart body into MalformedPOSTRequest. Throwing
/// from the stream makes the data store drop what it wrote, so a refused upload leaves nothing.
/// </summary>
internal sealed class PostFileStream(Stream inner) : Stream
{
    public long MinLength { get; set; }
    public long MaxLength { get; set; } = long.MaxValue;
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (IsMalformedBody(e))
        {
            throw PostForm.Malformed();
        }
        BytesRead += read;
        if (BytesRead > MaxLength)
            throw new S3Exception(S3Errors.EntityTooLarge, "Your proposed upload exceeds the maximum allowed size")
            {
                Details = new Dictionary<string, string> { ["MaxSizeAllowed"] = MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
        if (read == 0 && BytesRead < MinLength)
            throw new S3Exception(S3Errors.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed size")
            {
                Details = new Dictionary<string, string>
                {
                    ["ProposedSize"] = BytesRead.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["MinSizeAllowed"] = MinLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>
    /// What the multipart reader throws for a body that is not well-formed multipart/form-data (a missing
    /// boundary, an unexpected end, oversized part headers). Kestrel's own verdicts on the body stay theirs.
    /// </summary>
    public static bool IsMalformedBody(Exception e) =>
        e is InvalidDataException || (e is IOException && e is not BadHttpRequestException);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
