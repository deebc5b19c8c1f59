using System.Security.Cryptography;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Maps S3 keys (UTF-8 byte strings of 1 to 1024 bytes) to Table RowKey tokens whose ordinal order
/// is the keys' UTF-8 byte order, using only ASCII characters Table storage accepts in keys.
/// <para>
/// Digits: the key's bits, 6 at a time, big-endian, the last digit zero-padded, written with the
/// 64 characters <c>-0-9A-Z_a-z</c>, which are in increasing ASCII order. Packing is strictly
/// monotone: a proper prefix gives a shorter (or smaller) digit string, and the first differing
/// bit decides the first differing digit. Byte lengths map to distinct digit counts, so it is also
/// injective. ASCII makes the order the same under UTF-8, UTF-16 and code point comparison.
/// </para>
/// <para>
/// A RowKey holds 512 UTF-16 characters, so 1024 bytes (1366 digits) cannot fit. Keys longer than
/// <see cref="MaxDirectBytes"/> become "overflow" tokens: the digits of their first
/// <see cref="MaxDirectBytes"/> bytes, <see cref="OverflowMarker"/>, and 96 bits of the key's
/// SHA-256. Such keys sort correctly against every other key except those sharing the same
/// first <see cref="MaxDirectBytes"/> bytes (one "group"), which the listing reads together and
/// sorts in memory. See docs/index-schema.md.
/// </para>
/// </summary>
internal static class KeyEncoding
{
    public const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

    /// <summary>A multiple of 3, so the direct part of an overflow token ends on a digit boundary (no padding).</summary>
    public const int MaxDirectBytes = 357;
    public const int MaxDirectDigits = MaxDirectBytes / 3 * 4; // 476

    /// <summary>Sorts after every digit, so a group follows the direct key equal to its first bytes.</summary>
    public const char OverflowMarker = '~';
    private const int HashBytes = 12;
    public const int HashDigits = HashBytes * 8 / 6; // 16

    /// <summary>The longest token: 476 + 1 + 16 = 493 characters, leaving 19 of the 512 for row-kind prefixes and suffixes.</summary>
    public const int MaxTokenLength = MaxDirectDigits + 1 + HashDigits;

    public const int MaxKeyBytes = 1024;

    private static readonly sbyte[] DigitValues = BuildDigitValues();

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var length = (bytes.Length * 8 + 5) / 6;
        Span<char> chars = length <= 2048 ? stackalloc char[length] : new char[length];
        int accumulator = 0, bits = 0, written = 0;
        foreach (var b in bytes)
        {
            accumulator = (accumulator << 8) | b;
            bits += 8;
            while (bits >= 6)
            {
                bits -= 6;
                chars[written++] = Alphabet[(accumulator >> bits) & 63];
            }
            accumulator &= (1 << bits) - 1;
        }
        if (bits > 0)
            chars[written++] = Alphabet[(accumulator << (6 - bits)) & 63];
        return new string(chars[..written]);
    }

    public static byte[] Decode(ReadOnlySpan<char> digits)
    {
        var bytes = new byte[digits.Length * 6 / 8];
        int accumulator = 0, bits = 0, written = 0;
        foreach (var c in digits)
        {
            int value = c < DigitValues.Length ? DigitValues[c] : -1;
            if (value < 0)
                throw new FormatException($"'{c}' is not a key digit.");
            accumulator = (accumulator << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (written < bytes.Length)
                    bytes[written++] = (byte)(accumulator >> bits);
            }
            accumulator &= (1 << bits) - 1;
        }
        return bytes;
    }

    /// <summary>The token of a whole key; what the RowKey of its rows is built from.</summary>
    public static string Token(ReadOnlySpan<byte> key)
    {
        if (key.Length <= MaxDirectBytes)
            return Encode(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        return Encode(key[..MaxDirectBytes]) + OverflowMarker + Encode(hash[..HashBytes]);
    }

    public static bool IsOverflow(ReadOnlySpan<char> token) =>
        token.Length > MaxDirectDigits && token[MaxDirectDigits] == OverflowMarker;

    /// <summary>The part overflow tokens of one group share (digits and marker).</summary>
    public static ReadOnlySpan<char> GroupOf(ReadOnlySpan<char> token) => token[..(MaxDirectDigits + 1)];

    /// <summary>
    /// A token bound T such that every key ≥ <paramref name="bytes"/> has token ≥ T and every key
    /// below it that passes has token ≥ T only within one overflow group (filtered in memory).
    /// </summary>
    public static string LowerBoundInclusive(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= MaxDirectBytes ? Encode(bytes) : Encode(bytes[..MaxDirectBytes]) + OverflowMarker;

    /// <summary>
    /// A token bound T such that every key &lt; <paramref name="bytes"/> has token &lt; T; keys above it
    /// below T are only in one overflow group (filtered in memory).
    /// </summary>
    public static string UpperBoundExclusive(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= MaxDirectBytes ? Encode(bytes) : Encode(bytes[..MaxDirectBytes]) + OverflowMarker + OverflowMarker;

    /// <summary>
    /// The smallest byte string greater than every string starting with <paramref name="prefix"/>,
    /// or null when there is none (empty, or all 0xFF).
    /// </summary>
    public static byte[]? Successor(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF)
            end--;
        if (end == 0)
            return null;
        var next = prefix[..end].ToArray();
        next[^1]++;
        return next;
    }

    /// <summary>The smallest byte string strictly greater than <paramref name="key"/>: key + 0x00.</summary>
    public static byte[] Following(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }

    private static sbyte[] BuildDigitValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (var i = 0; i < Alphabet.Length; i++)
            values[Alphabet[i]] = (sbyte)i;
        return values;
    }
}
