using ObjectStore.Objects.Errors;
using ObjectStore.S3.Auth;

namespace ObjectStore.S3;

/// <summary>
/// A body of unknown length (plain <c>Transfer-Encoding: chunked</c>, no Content-Length) read up to a cap:
/// one byte past <paramref name="maxLength"/> is EntityTooLarge, so memory and storage stay bounded.
/// </summary>
internal sealed class MaxLengthStream(Stream inner, long maxLength, string resource) : ReadOnlyStream
{
    private long _read;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        _read += n;
        if (_read > maxLength)
            throw new S3Exception(S3Errors.EntityTooLarge, resource: resource);
        return n;
    }
}
