using System.Text;

namespace ObjectStore.S3.Protocol;

/// <summary>
/// Header values that are not plain ASCII, as S3 treats user metadata: an RFC 2047 encoded word
/// (<c>=?UTF-8?B?...?=</c>) sent by a client is decoded before storing, and a stored value holding
/// anything but printable ASCII (non-ASCII text, control characters) is returned as one, so a
/// response header never carries bytes HTTP cannot (which the server would refuse to send at all).
/// </summary>
internal static class HeaderText
{
    private const string Prefix = "=?UTF-8?B?";
    private const string Suffix = "?=";

    /// <summary>The value to send: as stored when printable ASCII (or tab), else one base64 encoded word of its UTF-8.</summary>
    public static string ToWire(string value) =>
        IsPlainAscii(value) ? value : Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + Suffix;

    /// <summary>The value to store: RFC 2047 encoded words (B or Q, UTF-8 or ISO-8859-1) decoded; anything else as sent.</summary>
    public static string FromWire(string value)
    {
        if (!value.StartsWith("=?", StringComparison.Ordinal) || !value.EndsWith(Suffix, StringComparison.Ordinal))
            return value;
        var decoded = new StringBuilder();
        foreach (var word in value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryDecodeWord(word) is not { } text)
                return value;
            decoded.Append(text);
        }
        return decoded.ToString();
    }

    private static bool IsPlainAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
                return false;
        }
        return true;
    }

    /// <summary><c>=?charset?B|Q?text?=</c>, or null when it is not an encoded word this server reads.</summary>
    private static string? TryDecodeWord(string word)
    {
        if (word.Length < 8 || !word.StartsWith("=?", StringComparison.Ordinal) || !word.EndsWith(Suffix, StringComparison.Ordinal))
            return null;
        var parts = word[2..^2].Split('?');
        if (parts.Length != 3)
            return null;
        Encoding encoding;
        try
        {
            encoding = parts[0].ToUpperInvariant() switch
            {
                "UTF-8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
                "ISO-8859-1" => Encoding.Latin1,
                "US-ASCII" => Encoding.ASCII,
                _ => throw new FormatException(),
            };
            var bytes = parts[1].ToUpperInvariant() switch
            {
                "B" => Convert.FromBase64String(parts[2]),
                "Q" => QDecode(parts[2]),
                _ => throw new FormatException(),
            };
            return encoding.GetString(bytes);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static byte[] QDecode(string text)
    {
        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '_')
                bytes.Add((byte)' ');
            else if (c == '=' && i + 2 < text.Length)
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c is > ' ' and <= '~')
                bytes.Add((byte)c);
            else
                throw new FormatException();
        }
        return bytes.ToArray();
    }
}
