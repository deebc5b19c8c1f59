using System.Text;
using ObjectStore.Index.Tables;

namespace ObjectStore.Index.Tests;

public sealed class KeyEncodingTests
{
    private static readonly byte[] EdgeBytes = [0x00, 0x01, 0x2F, 0x3F, 0x5C, 0x7E, 0x7F, 0x80, 0xBF, 0xC0, 0xEE, 0xEF, 0xF0, 0xFE, 0xFF];

    /// <summary>Random byte strings biased to edge bytes, shared prefixes and lengths around the overflow threshold.</summary>
    private static List<byte[]> RandomByteStrings(int seed, int count, int maxLength = 1024)
    {
        var random = new Random(seed);
        var stems = Enumerable.Range(0, 4).Select(_ => RandomBytes(random, random.Next(KeyEncoding.MaxDirectBytes - 3, KeyEncoding.MaxDirectBytes + 5))).ToArray();
        var result = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(4) switch
            {
                0 => random.Next(1, 8),
                1 => random.Next(1, 64),
                2 => random.Next(KeyEncoding.MaxDirectBytes - 4, KeyEncoding.MaxDirectBytes + 6),
                _ => random.Next(1, maxLength + 1),
            };
            var bytes = RandomBytes(random, length);
            if (random.Next(3) == 0)
            {
                var stem = stems[random.Next(stems.Length)];
                stem.AsSpan(0, Math.Min(stem.Length, bytes.Length)).CopyTo(bytes);
            }
            result.Add(bytes);
        }
        return result;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = random.Next(3) == 0 ? EdgeBytes[random.Next(EdgeBytes.Length)] : (byte)random.Next(256);
        return bytes;
    }

    private static int CompareBytes(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    [Fact]
    public void Alphabet_is_in_increasing_ascii_order_and_allowed_in_table_keys()
    {
        Assert.Equal(64, KeyEncoding.Alphabet.Length);
        for (var i = 1; i < KeyEncoding.Alphabet.Length; i++)
            Assert.True(KeyEncoding.Alphabet[i - 1] < KeyEncoding.Alphabet[i]);
        Assert.DoesNotContain(KeyEncoding.Alphabet, c => c is '/' or '\\' or '#' or '?' or '\'' || char.IsControl(c) || c > 0x7E);
        Assert.True(KeyEncoding.OverflowMarker > KeyEncoding.Alphabet[^1]);
    }

    [Fact]
    public void Upload_ids_use_the_key_token_alphabet_so_they_fit_row_keys()
    {
        // UploadIds lives in the contract project, which cannot see KeyEncoding: the two copies must agree.
        Assert.Equal(KeyEncoding.Alphabet, UploadIds.Alphabet);
    }

    [Fact]
    public void Encode_then_decode_returns_the_bytes()
    {
        foreach (var bytes in RandomByteStrings(1, 2000, 1500).Append([]).Append([0]).Append([0xFF, 0xFF]))
            Assert.Equal(bytes, KeyEncoding.Decode(KeyEncoding.Encode(bytes)));
    }

    [Fact]
    public void Encoding_preserves_byte_order()
    {
        var strings = RandomByteStrings(2, 3000);
        strings.AddRange([[0x00], [0x00, 0x00], [0x00, 0x01], [0x01], [0xFF], [0xFF, 0x00], [0xFF, 0xFF, 0xFF], [0x41], [0x41, 0x00], [0x40, 0xFF]]);
        var byBytes = strings.OrderBy(s => s, Comparer<byte[]>.Create(CompareBytes)).ToList();
        var byEncoding = strings.OrderBy(s => KeyEncoding.Encode(s), StringComparer.Ordinal).ToList();
        Assert.Equal(byBytes, byEncoding);
        for (var i = 1; i < byBytes.Count; i++)
        {
            var order = Math.Sign(CompareBytes(byBytes[i - 1], byBytes[i]));
            Assert.Equal(order, Math.Sign(string.CompareOrdinal(KeyEncoding.Encode(byBytes[i - 1]), KeyEncoding.Encode(byBytes[i]))));
        }
    }

    [Fact]
    public void Tokens_order_keys_except_within_one_overflow_group()
    {
        var keys = RandomByteStrings(3, 3000).Distinct(new BytesEquality()).ToList();
        var random = new Random(4);
        for (var n = 0; n < 20000; n++)
        {
            byte[] a = keys[random.Next(keys.Count)], b = keys[random.Next(keys.Count)];
            string ta = KeyEncoding.Token(a), tb = KeyEncoding.Token(b);
            var sameGroup = KeyEncoding.IsOverflow(ta) && KeyEncoding.IsOverflow(tb) &&
                KeyEncoding.GroupOf(ta).SequenceEqual(KeyEncoding.GroupOf(tb));
            if (sameGroup)
                Assert.True(a.AsSpan(0, KeyEncoding.MaxDirectBytes).SequenceEqual(b.AsSpan(0, KeyEncoding.MaxDirectBytes)));
            else
                Assert.Equal(Math.Sign(CompareBytes(a, b)), Math.Sign(string.CompareOrdinal(ta, tb)));
        }
    }

    [Fact]
    public void Tokens_of_the_longest_keys_leave_room_in_a_512_character_row_key()
    {
        var longest = KeyEncoding.Token(Enumerable.Repeat((byte)0xFF, 1024).ToArray());
        Assert.Equal(KeyEncoding.MaxTokenLength, longest.Length);
        Assert.True(longest.Length + 1 <= 512 - 18);
        Assert.Equal(KeyEncoding.MaxDirectDigits, KeyEncoding.Token(new byte[KeyEncoding.MaxDirectBytes]).Length);
    }

    [Fact]
    public void Bounds_separate_keys_as_byte_comparison_does()
    {
        var keys = RandomByteStrings(5, 1000).Select(k => (Bytes: k, Token: KeyEncoding.Token(k))).ToList();
        var bounds = RandomByteStrings(6, 200);
        foreach (var x in bounds)
        {
            var lower = KeyEncoding.LowerBoundInclusive(x);
            var upper = KeyEncoding.UpperBoundExclusive(x);
            foreach (var (k, token) in keys)
            {
                var inBoundGroup = x.Length > KeyEncoding.MaxDirectBytes && k.Length > KeyEncoding.MaxDirectBytes &&
                    k.AsSpan(0, KeyEncoding.MaxDirectBytes).SequenceEqual(x.AsSpan(0, KeyEncoding.MaxDirectBytes));
                if (CompareBytes(k, x) >= 0)
                    Assert.True(string.CompareOrdinal(token, lower) >= 0);
                else if (!inBoundGroup)
                    Assert.True(string.CompareOrdinal(token, lower) < 0);
                if (CompareBytes(k, x) < 0)
                    Assert.True(string.CompareOrdinal(token, upper) < 0);
                else if (!inBoundGroup)
                    Assert.True(string.CompareOrdinal(token, upper) >= 0);
            }
        }
    }

    [Fact]
    public void Successor_bounds_exactly_the_strings_with_the_prefix()
    {
        Assert.Null(KeyEncoding.Successor([]));
        Assert.Null(KeyEncoding.Successor([0xFF, 0xFF]));
        Assert.Equal([0x62], KeyEncoding.Successor([0x61, 0xFF]));
        var strings = RandomByteStrings(7, 1000, 40);
        foreach (var p in RandomByteStrings(8, 200, 6))
        {
            var successor = KeyEncoding.Successor(p);
            foreach (var s in strings.Concat(strings.Select(s => p.Concat(s).ToArray())))
            {
                var hasPrefix = s.AsSpan().StartsWith(p);
                var inRange = CompareBytes(s, p) >= 0 && (successor is null || CompareBytes(s, successor) < 0);
                Assert.Equal(hasPrefix, inRange);
            }
        }
    }

    [Fact]
    public void Utf8_comparer_matches_utf8_byte_order()
    {
        var alphabet = new[] { "a", "/", "\\", "#", "?", "\t", "\u0001", "\u007F", "é", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF", "😀", "𝄞", "z", " " };
        var random = new Random(9);
        var strings = Enumerable.Range(0, 2000)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => alphabet[random.Next(alphabet.Length)])))
            .ToList();
        var expected = strings.OrderBy(s => Encoding.UTF8.GetBytes(s), Comparer<byte[]>.Create(CompareBytes)).ToList();
        var actual = strings.OrderBy(s => s, Utf8KeyComparer.Instance).ToList();
        Assert.Equal(expected, actual);
        Assert.True(Utf8KeyComparer.Instance.Compare("\uE000", "😀") < 0);
        Assert.True(string.CompareOrdinal("\uE000", "😀") > 0);
    }

    private sealed class BytesEquality : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj) => obj.Length == 0 ? 0 : HashCode.Combine(obj.Length, obj[0], obj[^1]);
    }
}
