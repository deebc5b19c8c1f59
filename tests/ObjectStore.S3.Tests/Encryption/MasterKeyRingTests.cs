using System.Security.Cryptography;
using ObjectStore.Objects.Encryption;

namespace ObjectStore.S3.Tests.Encryption;

public sealed class MasterKeyRingTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Owner = "bucket/key/version"u8.ToArray();

    [Fact]
    public void A_retired_key_still_unwraps_and_rewrap_moves_the_secret_to_the_current_key()
    {
        var oldKey = RandomNumberGenerator.GetBytes(32);
        var newKey = RandomNumberGenerator.GetBytes(32);
        var wrappedByOld = new MasterKeyRing(oldKey).Wrap(Secret, Owner);

        var rotated = new MasterKeyRing([newKey, oldKey]);
        Assert.False(rotated.IsCurrent(wrappedByOld));
        Assert.Equal(Secret, rotated.Unwrap(wrappedByOld, Owner));

        var rewrapped = rotated.Rewrap(wrappedByOld, Owner);
        Assert.True(rotated.IsCurrent(rewrapped));
        Assert.Equal(rotated.CurrentKeyId, MasterKeyRing.KeyIdOf(rewrapped));
        Assert.Equal(Secret, new MasterKeyRing(newKey).Unwrap(rewrapped, Owner)); // the old key is no longer needed
    }

    [Fact]
    public void Unwrap_refuses_a_key_outside_the_ring_other_associated_data_and_damaged_bytes()
    {
        var ring = new MasterKeyRing(RandomNumberGenerator.GetBytes(32));
        var wrapped = ring.Wrap(Secret, Owner);
        Assert.NotEqual(wrapped, ring.Wrap(Secret, Owner)); // a fresh nonce each time

        var stranger = new MasterKeyRing(RandomNumberGenerator.GetBytes(32));
        var refused = Assert.ThrowsAny<CryptographicException>(() => stranger.Unwrap(wrapped, Owner));
        Assert.Contains(ring.CurrentKeyId, refused.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<CryptographicException>(() => ring.Unwrap(wrapped, "bucket/other/version"u8));
        wrapped[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => ring.Unwrap(wrapped, Owner));
        Assert.ThrowsAny<CryptographicException>(() => ring.Unwrap(wrapped.AsSpan(0, 10), Owner));
        Assert.Throws<ArgumentException>(() => new MasterKeyRing(new byte[16]));
    }
}
