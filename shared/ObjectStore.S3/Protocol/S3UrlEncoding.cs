using System.Text;

namespace ObjectStore.S3.Protocol;

/// <summary>
/// <c>encoding-type=url</c> as S3 applies it to listing fields: UTF-8 percent-encoding of everything
/// but unreserved characters and '/': a space is %20 and '+' is %2B, as S3 answers (ceph's s3-tests
/// check it against AWS); form decoders (unquote_plus) and plain percent-decoders read it the same.
/// </summary>
public static class S3UrlEncoding
{
    public const string Url = "url";

    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (!IsUnreserved(c)) { needs = true; break; }
        }
        if (!needs) return value;

        var sb = new StringBuilder(value.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (IsUnreserved(c)) { sb.Append(c); continue; }
            var len = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
            var n = Encoding.UTF8.GetBytes(value.AsSpan(i, len), utf8);
            for (var j = 0; j < n; j++)
                sb.Append('%').Append(utf8[j].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            i += len - 1;
        }
        return sb.ToString();
    }

    private static bool IsUnreserved(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/';
}
