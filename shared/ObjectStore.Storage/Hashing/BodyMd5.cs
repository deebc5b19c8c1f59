using System.Security.Cryptography;

namespace ObjectStore.Storage.Hashing;

/// <summary>
/// The MD5 of one body being written (its ETag). A body hashing alone uses the platform's MD5 (OpenSSL's
/// assembly, a third faster than <see cref="Md5Blocks.Compress"/> for one stream); a body that starts while
/// another is hashing joins the shared lanes (<see cref="Md5Lanes"/>): it queues each piece of a stripe as it
/// arrives and flushes a stripe only when its buffer is needed again. The choice is made at the first piece or
/// full stripe and kept: an MD5 cannot move between the two midway.
/// </summary>
internal sealed class BodyMd5 : IDisposable
{
    /// <summary>Two streams in one vector already cost less than OpenSSL for one (`Bench.Codec md5`).</summary>
    private const int LanesFrom = 1;

    private static int _hashing; // bodies that have hashed a full stripe and are not finished

    private IncrementalHash? _platform;
    private Md5Stream? _lanes;
    private bool _counted;
    private Md5Lanes.Job? _handedOver; // the last job of the stripe handed over most recently

    /// <summary>
    /// A piece of a stripe still being received, whole blocks at a block boundary of the body: queued for the
    /// lanes now, or (false) left for <see cref="AppendStripeAsync"/> when this body hashes on the platform.
    /// </summary>
    public bool TryAppendPiece(ReadOnlyMemory<byte> piece)
    {
        Decide();
        if (_lanes is null)
            return false;
        Md5Lanes.Append(_lanes, piece);
        return true;
    }

    /// <summary>
    /// A stripe handed over, of which the first <paramref name="taken"/> bytes went in as pieces: hashed now on
    /// another thread (alone), or queued for the lanes. Its memory must stay untouched until the returned task
    /// ends and, in the lanes, until <see cref="FlushHandedOverAsync"/> (or <see cref="FlushAsync"/>) after the next one.
    /// </summary>
    public Task AppendStripeAsync(ReadOnlyMemory<byte> stripe, int taken)
    {
        Decide();
        if (_lanes is null)
            return Task.Run(() => Platform.AppendData(stripe.Span));
        if (taken < stripe.Length)
            Md5Lanes.Append(_lanes, stripe[taken..]);
        _handedOver = _lanes.Last;
        return Task.CompletedTask;
    }

    /// <summary>Completes once the stripes handed over are hashed; pieces of the stripe being received may still wait.</summary>
    public Task FlushHandedOverAsync() => Md5Lanes.FlushAsync(_handedOver);

    /// <summary>Completes once everything appended is hashed.</summary>
    public Task FlushAsync() => _lanes is null ? Task.CompletedTask : Md5Lanes.FlushAsync(_lanes);

    /// <summary>A short stripe (a small body, or the end of one), on this thread, after <see cref="FlushAsync"/>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_lanes is not null)
            _lanes.Append(data);
        else
            Platform.AppendData(data);
    }

    /// <summary>Hashed in the shared lanes rather than on the platform.</summary>
    public bool InLanes => _lanes is not null;

    /// <summary>The digest, after <see cref="FlushAsync"/>.</summary>
    public byte[] GetHash() => _lanes?.GetHashAndReset() ?? Platform.GetHashAndReset();

    private IncrementalHash Platform => _platform ??= IncrementalHash.CreateHash(HashAlgorithmName.MD5);

    private void Decide()
    {
        if (_counted)
            return;
        _counted = true;
        var others = Interlocked.Increment(ref _hashing) - 1;
        if (others >= LanesFrom && Md5Blocks.LanesSupported)
            _lanes = new Md5Stream();
    }

    public void Dispose()
    {
        if (_counted)
        {
            _counted = false;
            Interlocked.Decrement(ref _hashing);
        }
        _platform?.Dispose();
    }
}
