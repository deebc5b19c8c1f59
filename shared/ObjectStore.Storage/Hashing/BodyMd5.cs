using System.Security.Cryptography;

namespace ObjectStore.Storage.Hashing;

/// <summary>
/// The MD5 of one body being written (its ETag). A body hashing alone uses the platform's MD5 (OpenSSL's
/// assembly, a third faster than <see cref="Md5Blocks.Compress"/> for one stream); a body that starts while at
/// least <see cref="LanesFrom"/> others are hashing joins the shared lanes (<see cref="Md5Lanes"/>), where eight
/// streams cost 3.6 times less CPU than on the platform (`Bench.Codec md5`). The choice is made at the first
/// full stripe and kept: an MD5 cannot move between the two midway.
/// </summary>
internal sealed class BodyMd5 : IDisposable
{
    /// <summary>Two streams in one vector already cost less than OpenSSL for one (1,274 against 1,739 ms per GiB).</summary>
    private const int LanesFrom = 1;

    private static int _hashing; // bodies that have hashed a full stripe and are not finished

    private IncrementalHash? _platform;
    private Md5Stream? _lanes;
    private bool _counted;

    /// <summary>
    /// A full stripe: hashed now on another thread (alone), or queued for the lanes, where it is hashed by
    /// <see cref="FlushAsync"/> at the latest. Either way the memory must stay untouched until the returned task
    /// and the next <see cref="FlushAsync"/> end.
    /// </summary>
    public Task AppendStripeAsync(ReadOnlyMemory<byte> data)
    {
        if (_platform is null && _lanes is null)
        {
            var others = Interlocked.Increment(ref _hashing) - 1;
            _counted = true;
            if (others >= LanesFrom && Md5Blocks.LanesSupported)
                _lanes = new Md5Stream();
        }
        if (_lanes is null)
            return Task.Run(() => Platform.AppendData(data.Span));
        Md5Lanes.Append(_lanes, data);
        return Task.CompletedTask;
    }

    /// <summary>Completes once every stripe appended is hashed (its buffer may then be reused).</summary>
    public Task FlushAsync() => _lanes is null ? Task.CompletedTask : Md5Lanes.FlushAsync(_lanes);

    /// <summary>A short stripe (a small body, or the end of one), on this thread, after a flush.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_lanes is not null)
            _lanes.Append(data);
        else
            Platform.AppendData(data);
    }

    /// <summary>Hashed in the shared lanes rather than on the platform.</summary>
    public bool InLanes => _lanes is not null;

    /// <summary>The digest, after a flush.</summary>
    public byte[] GetHash() => _lanes?.GetHashAndReset() ?? Platform.GetHashAndReset();

    private IncrementalHash Platform => _platform ??= IncrementalHash.CreateHash(HashAlgorithmName.MD5);

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
