using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ObjectStore.S3.Auth;

/// <summary>Builds the SigV4 canonical request from what the client actually sent.</summary>
internal static class SigV4Canonical
{
    /// <summary>
    /// The path and query exactly as sent on the request line (<see cref="IHttpRequestFeature.RawTarget"/>);
    /// ASP.NET Core's <c>HttpRequest.Path</c> is already decoded and cannot be signed.
    /// </summary>
    public static (string Path, string Query) SplitRawTarget(HttpRequest request)
    {
        string? raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            // No raw target (e.g. a test host): rebuild it the way S3 clients encode paths.
            string path = UriEncode(request.PathBase.Add(request.Path).Value ?? "/", keepSlash: true);
            string query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
            return (path.Length == 0 ? "/" : path, query);
        }

        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // absolute-form request target: drop scheme and authority
            int slash = raw.IndexOf('/', raw.IndexOf("//", StringComparison.Ordinal) + 2);
            raw = slash < 0 ? "/" : raw[slash..];
        }

        int q = raw.IndexOf('?');
        return q < 0 ? (raw, "") : (raw[..q], raw[(q + 1)..]);
    }

    /// <summary>
    /// The path decoded and re-encoded the way AWS SDKs canonicalise it (RFC 3986, '/' kept). Used as a
    /// second candidate when a client sent characters unencoded that its signer encoded (or vice versa).
    /// </summary>
    public static string NormalizePath(string rawPath) => Reencode(rawPath, keepSlash: true);

    /// <summary>Query parameters as (decoded name, decoded value), in order of appearance.</summary>
    public static List<(string Name, string Value)> ParseQuery(string rawQuery)
    {
        var result = new List<(string, string)>();
        foreach (string part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=');
            string name = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add((Encoding.UTF8.GetString(PercentDecode(name)), Encoding.UTF8.GetString(PercentDecode(value))));
        }

        return result;
    }

    /// <summary>Parameters re-encoded (RFC 3986), sorted by name then value, joined by '&amp;'.</summary>
    public static string CanonicalQuery(string rawQuery, bool excludeSignature)
    {
        var pairs = new List<(string Name, string Value)>();
        foreach (string part in rawQuery.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=');
            string name = Reencode(eq < 0 ? part : part[..eq], keepSlash: false);
            if (excludeSignature && name == "X-Amz-Signature")
            {
                continue;
            }

            pairs.Add((name, Reencode(eq < 0 ? "" : part[(eq + 1)..], keepSlash: false)));
        }

        pairs.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.Name, b.Name);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var sb = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (sb.Length > 0)
            {
                sb.Append('&');
            }

            sb.Append(name).Append('=').Append(value);
        }

        return sb.ToString();
    }

    /// <summary>"name:value\n" per signed header: values trimmed, inner runs of spaces collapsed, repeats joined by ','.</summary>
    public static void AppendCanonicalHeaders(StringBuilder sb, IHeaderDictionary headers, IReadOnlyList<string> signedHeaders)
    {
        foreach (string name in signedHeaders)
        {
            sb.Append(name).Append(':');
            StringValues values = headers[name];
            for (int i = 0; i < values.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(',');
                }

                AppendTrimmed(sb, values[i]);
            }

            sb.Append('\n');
        }
    }

    public static string Build(string method, string canonicalUri, string canonicalQuery, IHeaderDictionary headers, IReadOnlyList<string> signedHeaders, string signedHeadersText, string payloadHash)
    {
        var sb = new StringBuilder(512);
        sb.Append(method).Append('\n')
            .Append(canonicalUri).Append('\n')
            .Append(canonicalQuery).Append('\n');
        AppendCanonicalHeaders(sb, headers, signedHeaders);
        sb.Append('\n').Append(signedHeadersText).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    private static void AppendTrimmed(StringBuilder sb, string? value)
    {
        ReadOnlySpan<char> v = (value ?? "").AsSpan().Trim(" \t");
        bool space = false;
        foreach (char c in v)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    sb.Append(' ');
                }

                space = true;
                continue;
            }

            space = false;
            sb.Append(c);
        }
    }

    /// <summary>RFC 3986 encoding of the UTF-8 bytes of <paramref name="text"/>: unreserved characters kept, the rest %XX.</summary>
    public static string UriEncode(string text, bool keepSlash) => Encode(Encoding.UTF8.GetBytes(text), keepSlash);

    private static string Reencode(string raw, bool keepSlash) => Encode(PercentDecode(raw), keepSlash);

    private static string Encode(ReadOnlySpan<byte> bytes, bool keepSlash)
    {
        var sb = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (keepSlash && b == (byte)'/'))
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append("0123456789ABCDEF"[b >> 4]).Append("0123456789ABCDEF"[b & 0xF]);
            }
        }

        return sb.ToString();
    }

    /// <summary>%XX sequences to bytes; anything else (including a stray '%' or '+') kept literally as UTF-8.</summary>
    private static byte[] PercentDecode(string raw)
    {
        if (!raw.Contains('%'))
        {
            return Encoding.UTF8.GetBytes(raw);
        }

        var bytes = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < raw.Length; i++)
        {
            char c = raw[i];
            if (c == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                bytes.Add((byte)((HexDigit(raw[i + 1]) << 4) | HexDigit(raw[i + 2])));
                i += 2;
                continue;
            }

            if (c < 0x80)
            {
                bytes.Add((byte)c);
                continue;
            }

            int width = char.IsHighSurrogate(c) && i + 1 < raw.Length ? 2 : 1;
            int n = Encoding.UTF8.GetBytes(raw.AsSpan(i, width), utf8);
            for (int k = 0; k < n; k++)
            {
                bytes.Add(utf8[k]);
            }

            i += width - 1;
        }

        return bytes.ToArray();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexDigit(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
