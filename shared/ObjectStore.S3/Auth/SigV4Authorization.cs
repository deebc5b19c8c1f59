using System.Globalization;

namespace ObjectStore.S3.Auth;

/// <summary>The credential scope: <c>access-key/yyyyMMdd/region/service/aws4_request</c>.</summary>
internal sealed record SigV4Credential(string AccessKey, string Date, string Region, string Service)
{
    public string Scope => $"{Date}/{Region}/{Service}/aws4_request";

    /// <summary>Splits from the end, so an access key containing '/' still parses.</summary>
    public static bool TryParse(string value, out SigV4Credential? credential)
    {
        credential = null;
        string[] parts = value.Split('/');
        if (parts.Length < 5 || parts[^1] != "aws4_request")
        {
            return false;
        }

        string accessKey = string.Join('/', parts[..^4]);
        string date = parts[^4];
        if (accessKey.Length == 0 || parts[^3].Length == 0 || parts[^2].Length == 0
            || !DateOnly.TryParseExact(date, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }

        credential = new SigV4Credential(accessKey, date, parts[^3], parts[^2]);
        return true;
    }
}

/// <summary>What a SigV4 signature claims: scope, signed header names and the signature hex.</summary>
internal sealed record SigV4Claim(SigV4Credential Credential, string[] SignedHeaders, string SignedHeadersText, string Signature);

/// <summary>Parses the Authorization header and the presigned query parameters; returns an error message on failure.</summary>
internal static class SigV4AuthorizationParser
{
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>Parses <c>AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex</c>.</summary>
    public static bool TryParseHeader(string header, out SigV4Claim? claim, out string? error)
    {
        claim = null;
        error = null;
        string rest = header[SigV4Crypto.Algorithm.Length..].Trim();
        string? credential = null, signedHeaders = null, signature = null;
        foreach (string rawPart in rest.Split(','))
        {
            string part = rawPart.Trim();
            int eq = part.IndexOf('=');
            if (eq <= 0)
            {
                error = $"The authorization header is malformed; the authorization component \"{part}\" is malformed.";
                return false;
            }

            string value = part[(eq + 1)..].Trim();
            switch (part[..eq].Trim())
            {
                case "Credential": credential = value; break;
                case "SignedHeaders": signedHeaders = value; break;
                case "Signature": signature = value; break;
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            error = "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.";
            return false;
        }

        if (!SigV4Credential.TryParse(credential, out SigV4Credential? parsed))
        {
            error = "The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
            return false;
        }

        if (!TryParseSignedHeaders(signedHeaders, out string[] names))
        {
            error = "The authorization header is malformed; the SignedHeaders component is malformed.";
            return false;
        }

        claim = new SigV4Claim(parsed!, names, signedHeaders, signature);
        return true;
    }

    /// <summary>The X-Amz-* parameters of a presigned URL (already percent-decoded).</summary>
    public static bool TryParseQuery(IReadOnlyList<(string Name, string Value)> query, out SigV4Claim? claim, out string amzDate, out long expiresSeconds, out string? error)
    {
        claim = null;
        amzDate = "";
        expiresSeconds = 0;
        string? algorithm = Find(query, "X-Amz-Algorithm"), credential = Find(query, "X-Amz-Credential"),
            date = Find(query, "X-Amz-Date"), expires = Find(query, "X-Amz-Expires"),
            signedHeaders = Find(query, "X-Amz-SignedHeaders"), signature = Find(query, "X-Amz-Signature");
        if (algorithm is null || credential is null || date is null || expires is null || signedHeaders is null || signature is null)
        {
            error = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";
            return false;
        }

        if (algorithm != SigV4Crypto.Algorithm)
        {
            error = "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"";
            return false;
        }

        if (!SigV4Credential.TryParse(credential, out SigV4Credential? parsed))
        {
            error = "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
            return false;
        }

        if (!TryParseAmzDate(date, out _))
        {
            error = "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"";
            return false;
        }

        if (!long.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out expiresSeconds))
        {
            error = "X-Amz-Expires should be a number";
            return false;
        }

        if (!TryParseSignedHeaders(signedHeaders, out string[] names))
        {
            error = "Error parsing the X-Amz-SignedHeaders parameter.";
            return false;
        }

        amzDate = date;
        claim = new SigV4Claim(parsed!, names, signedHeaders, signature);
        error = null;
        return true;
    }

    public static bool TryParseAmzDate(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);

    /// <summary>An HTTP Date header (RFC 1123, also RFC 850 and asctime as HTTP allows).</summary>
    public static bool TryParseHttpDate(string value, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(value, ["r", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowInnerWhite, out time);

    private static bool TryParseSignedHeaders(string value, out string[] names)
    {
        names = value.Split(';');
        foreach (string name in names)
        {
            if (name.Length == 0 || name.Any(c => c is <= ' ' or >= (char)0x7F || char.IsAsciiLetterUpper(c)))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Find(IReadOnlyList<(string Name, string Value)> query, string name)
    {
        foreach (var (n, v) in query)
        {
            if (n == name)
            {
                return v;
            }
        }

        return null;
    }
}
