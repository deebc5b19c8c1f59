using System.Security.Cryptography;

namespace ObjectStore.Index.Tables;

/// <summary>
/// The suffix of a version row and the id of a version in an Enabled bucket: 11 digits of inverted
/// UTC ticks (so a key's newest version sorts first) and 5 random digits, in
/// <see cref="KeyEncoding.Alphabet"/> (ASCII in increasing order, allowed in RowKeys). 16 characters fit the
/// RowKey budget left by the longest token. A new stamp is always newer than the key's latest one,
/// so version order is commit order even when instance clocks disagree.
/// </summary>
internal static class VersionStamp
{
    public const int Length = TimeDigits + RandomDigits;
    private const int TimeDigits = 11; // 66 bits hold an inverted 63-bit tick count
    private const int RandomDigits = 5;

    /// <summary>A stamp for a version committed at <paramref name="now"/>, newer than <paramref name="latest"/> (the key's latest stamp, if any).</summary>
    public static string Next(DateTimeOffset now, string? latest)
    {
        var ticks = now.UtcTicks;
        if (latest is not null && TryGetTicks(latest, out var previous) && ticks <= previous)
            ticks = previous + 1;
        Span<char> stamp = stackalloc char[Length];
        var inverted = long.MaxValue - ticks;
        for (var i = TimeDigits - 1; i >= 0; i--)
        {
            stamp[i] = KeyEncoding.Alphabet[(int)(inverted & 63)];
            inverted >>= 6;
        }
        Span<byte> random = stackalloc byte[RandomDigits];
        RandomNumberGenerator.Fill(random);
        for (var i = 0; i < RandomDigits; i++)
            stamp[TimeDigits + i] = KeyEncoding.Alphabet[random[i] & 63];
        return new string(stamp);
    }

    public static bool IsWellFormed(string value) =>
        value.Length == Length && value.All(c => KeyEncoding.Alphabet.Contains(c, StringComparison.Ordinal));

    public static bool TryGetTicks(string stamp, out long ticks)
    {
        ticks = 0;
        if (!IsWellFormed(stamp))
            return false;
        long inverted = 0;
        for (var i = 0; i < TimeDigits; i++)
            inverted = (inverted << 6) | (long)KeyEncoding.Alphabet.IndexOf(stamp[i], StringComparison.Ordinal);
        ticks = long.MaxValue - inverted;
        return true;
    }
}
