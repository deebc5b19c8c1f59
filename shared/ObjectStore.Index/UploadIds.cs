using System.Security.Cryptography;

namespace ObjectStore.Index;

/// <summary>
/// Multipart upload ids: 16 characters of the key-token alphabet (<c>-0-9A-Z_a-z</c>, ASCII order): 10 digits
/// of 100-ns ticks since the Unix epoch (60 bits, big-endian; strictly increasing within a process), 5
/// random digits (30 bits), and one digit of the key's spreading hash (<see cref="KeySpreading"/>: the index
/// keeps the upload in its key's partition and finds it from the id). Ids sort by initiation time, so the uploads of one key list in initiation order;
/// they are URL- and RowKey-safe and fit the 17 characters an upload row has left after the kind and the
/// longest key token.
/// </summary>
public static class UploadIds
{
    public const int Length = 16;

    /// <summary>The key-token alphabet (the Table index's <c>KeyEncoding.Alphabet</c>; a test checks they agree).</summary>
    public const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    private const int TimeDigits = 10;
    private static long s_lastTicks;

    public static string New(DateTimeOffset now, string key)
    {
        var ticks = Math.Max(0, now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);
        // Two uploads started in the same tick by this process still get increasing ids.
        long last, next;
        do
        {
            last = Interlocked.Read(ref s_lastTicks);
            next = Math.Max(ticks, last + 1);
        } while (Interlocked.CompareExchange(ref s_lastTicks, next, last) != last);

        Span<char> id = stackalloc char[Length];
        var value = (ulong)next;
        for (var i = TimeDigits - 1; i >= 0; i--, value >>= 6)
            id[i] = Alphabet[(int)(value & 63)];
        Span<byte> random = stackalloc byte[Length - TimeDigits - 1];
        RandomNumberGenerator.Fill(random);
        for (var i = TimeDigits; i < Length - 1; i++)
            id[i] = Alphabet[random[i - TimeDigits] & 63];
        id[Length - 1] = Alphabet[(int)(KeySpreading.HashOf(key) & 63)];
        return new string(id);
    }

    /// <summary>The spreading bits an id carries (its last digit); for an id that is not well formed, 0.</summary>
    public static uint SpreadingBitsOf(string id) =>
        id.Length == Length && Alphabet.IndexOf(id[^1], StringComparison.Ordinal) is var value and >= 0 ? (uint)value : 0;

    /// <summary>True for a string that can be an upload id (anything else names no upload).</summary>
    public static bool IsValid(string? id) =>
        id is { Length: Length } && id.All(c => c < 128 && Alphabet.Contains(c, StringComparison.Ordinal));
}
