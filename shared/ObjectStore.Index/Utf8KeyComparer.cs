namespace ObjectStore.Index;

/// <summary>
/// Orders strings as S3 does: by the bytes of their UTF-8 encoding, which is code point order.
/// <see cref="StringComparer.Ordinal"/> compares UTF-16 code units and puts U+E000..U+FFFF after
/// supplementary characters (emoji), unlike S3.
/// </summary>
public sealed class Utf8KeyComparer : IComparer<string>
{
    public static Utf8KeyComparer Instance { get; } = new();

    private Utf8KeyComparer() { }

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            char a = x[i], b = y[i];
            if (a != b)
                return CodePointOrder(a) - CodePointOrder(b);
        }
        return x.Length - y.Length;
    }

    /// <summary>Moves surrogates above U+E000..U+FFFF so code units compare like code points.</summary>
    private static int CodePointOrder(char c) =>
        c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
