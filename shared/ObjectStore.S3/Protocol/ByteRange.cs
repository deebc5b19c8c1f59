using System.Globalization;

namespace ObjectStore.S3.Protocol;

public enum RangeKind
{
    /// <summary>No Range header, or one S3 ignores (malformed, several ranges): send the whole object.</summary>
    None,
    /// <summary>Send bytes [Offset, Offset + Length) with 206.</summary>
    Satisfiable,
    /// <summary>416 InvalidRange.</summary>
    Unsatisfiable,
}

/// <summary>The outcome of parsing a Range header against an object size.</summary>
public readonly record struct ByteRange(RangeKind Kind, long Offset, long Length)
{
    public static readonly ByteRange None = new(RangeKind.None, 0, 0);
    public static readonly ByteRange Unsatisfiable = new(RangeKind.Unsatisfiable, 0, 0);

    /// <summary>The Content-Range value of a satisfiable range.</summary>
    public string ContentRange(long size) =>
        string.Create(CultureInfo.InvariantCulture, $"bytes {Offset}-{Offset + Length - 1}/{size}");

    /// <summary>
    /// Parses a single <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c>. Several ranges and
    /// syntactically invalid headers are ignored, as S3 does; a well-formed range that starts past the
    /// end (or any range of an empty object) is unsatisfiable.
    /// </summary>
    public static ByteRange Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header)) return None;
        var h = header.AsSpan().Trim();
        if (!h.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return None;
        var spec = h[6..].Trim();
        if (spec.IndexOf(',') >= 0) return None;
        var dash = spec.IndexOf('-');
        if (dash < 0) return None;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();

        if (first.IsEmpty)
        {
            // Suffix range: the last n bytes.
            if (!TryParseNumber(last, out var n)) return None;
            if (n == 0 || size == 0) return Unsatisfiable;
            var len = Math.Min(n, size);
            return new ByteRange(RangeKind.Satisfiable, size - len, len);
        }

        if (!TryParseNumber(first, out var start)) return None;
        long end;
        if (last.IsEmpty)
        {
            end = long.MaxValue;
        }
        else
        {
            if (!TryParseNumber(last, out end)) return None;
            if (end < start) return None;
        }
        if (start >= size) return Unsatisfiable;
        end = Math.Min(end, size - 1);
        return new ByteRange(RangeKind.Satisfiable, start, end - start + 1);
    }

    private static bool TryParseNumber(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty) return false;
        foreach (var c in s)
            if (!char.IsAsciiDigit(c)) return false;
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
