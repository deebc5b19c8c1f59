using System.Globalization;
using System.Text;
using System.Xml.Linq;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3.Browser;

/// <summary>One CORSRule: who (origins, one '*' each) may do what (methods) sending which headers.</summary>
internal sealed record CorsRule(
    string? Id,
    IReadOnlyList<string> AllowedMethods,
    IReadOnlyList<string> AllowedOrigins,
    IReadOnlyList<string> AllowedHeaders,
    IReadOnlyList<string> ExposeHeaders,
    int? MaxAgeSeconds)
{
    /// <summary>The origin matched the rule through a bare "*": the response says "*" and no credentials.</summary>
    public bool AllowsAnyOrigin => AllowedOrigins.Contains("*");

    public bool Matches(string origin, string method, IEnumerable<string> requestHeaders) =>
        AllowedMethods.Contains(method, StringComparer.Ordinal)
        && AllowedOrigins.Any(o => CorsConfiguration.IsMatch(o, origin, ignoreCase: false))
        && requestHeaders.All(h => AllowedHeaders.Any(a => CorsConfiguration.IsMatch(a, h, ignoreCase: true)));
}

/// <summary>
/// A bucket's CORS configuration (?cors): parsed and validated as S3 does, kept in the bucket record's
/// Configuration as its XML, and matched against preflight and actual requests (first matching rule wins).
/// </summary>
internal sealed record CorsConfiguration(IReadOnlyList<CorsRule> Rules)
{
    public const string ConfigurationName = "cors";
    public const int MaxRules = 100;
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "PUT", "POST", "DELETE", "HEAD" };

    /// <summary>The stored configuration of a bucket, or null when it has none.</summary>
    public static CorsConfiguration? Of(IReadOnlyDictionary<string, string> bucketConfiguration) =>
        bucketConfiguration.TryGetValue(ConfigurationName, out var xml) ? Parse(S3XmlRequest.Parse(Encoding.UTF8.GetBytes(xml))) : null;

    /// <summary>The first rule that allows <paramref name="method"/> from <paramref name="origin"/> with every one of the headers.</summary>
    public CorsRule? Match(string origin, string method, IReadOnlyList<string> requestHeaders) =>
        Rules.FirstOrDefault(r => r.Matches(origin, method, requestHeaders));

    /// <summary>A CORSConfiguration document; MalformedXML or InvalidRequest (with S3's messages) when invalid.</summary>
    public static CorsConfiguration Parse(XElement? root)
    {
        var configuration = S3XmlRequest.ExpectRoot(root, "CORSConfiguration");
        var rules = new List<CorsRule>();
        foreach (var element in S3XmlRequest.Children(configuration, "CORSRule"))
        {
            if (rules.Count == MaxRules)
                throw new S3Exception(S3Errors.MalformedXML, $"The CORS configuration may not have more than {MaxRules} rules.");
            rules.Add(ParseRule(element));
        }
        if (rules.Count == 0)
            throw new S3Exception(S3Errors.MalformedXML);
        return new CorsConfiguration(rules);
    }

    private static CorsRule ParseRule(XElement rule)
    {
        var id = S3XmlRequest.ChildValue(rule, "ID");
        if (id is { Length: > 255 })
            throw new S3Exception(S3Errors.InvalidArgument, "The ID of a CORSRule can not be longer than 255 characters.");
        var methods = Values(rule, "AllowedMethod");
        var origins = Values(rule, "AllowedOrigin");
        if (methods.Count == 0 || origins.Count == 0)
            throw new S3Exception(S3Errors.MalformedXML);
        if (methods.FirstOrDefault(m => !Methods.Contains(m)) is { } unsupported)
            throw new S3Exception(S3Errors.InvalidRequest, $"Found unsupported HTTP method in CORS config. Unsupported method is {unsupported}");
        if (origins.FirstOrDefault(o => o.Count(c => c == '*') > 1) is { } origin)
            throw new S3Exception(S3Errors.InvalidRequest, $"AllowedOrigin \"{origin}\" can not have more than one wildcard.");
        var headers = Values(rule, "AllowedHeader");
        if (headers.FirstOrDefault(h => h.Count(c => c == '*') > 1) is { } header)
            throw new S3Exception(S3Errors.InvalidRequest, $"AllowedHeader \"{header}\" can not have more than one wildcard.");
        int? maxAge = null;
        if (S3XmlRequest.ChildValue(rule, "MaxAgeSeconds") is { } maxAgeText)
        {
            if (!int.TryParse(maxAgeText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
                throw new S3Exception(S3Errors.MalformedXML);
            maxAge = seconds;
        }
        return new CorsRule(id, methods, origins, headers, Values(rule, "ExposeHeader"), maxAge);
    }

    private static List<string> Values(XElement rule, string name) =>
        S3XmlRequest.Children(rule, name).Select(e => e.Value.Trim()).Where(v => v.Length > 0).ToList();

    /// <summary>The configuration as GetBucketCors returns it (and as it is stored).</summary>
    public string Serialize()
    {
        var root = new XElement(S3 + "CORSConfiguration");
        foreach (var rule in Rules)
        {
            var element = new XElement(S3 + "CORSRule");
            if (rule.Id is not null)
                element.Add(new XElement(S3 + "ID", rule.Id));
            element.Add(rule.AllowedHeaders.Select(h => new XElement(S3 + "AllowedHeader", h)));
            element.Add(rule.AllowedMethods.Select(m => new XElement(S3 + "AllowedMethod", m)));
            element.Add(rule.AllowedOrigins.Select(o => new XElement(S3 + "AllowedOrigin", o)));
            element.Add(rule.ExposeHeaders.Select(h => new XElement(S3 + "ExposeHeader", h)));
            if (rule.MaxAgeSeconds is { } maxAge)
                element.Add(new XElement(S3 + "MaxAgeSeconds", maxAge));
            root.Add(element);
        }
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root).Declaration + root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>A pattern with at most one '*' (any run of characters); everything else literal.</summary>
    public static bool IsMatch(string pattern, string value, bool ignoreCase)
    {
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var star = pattern.IndexOf('*');
        if (star < 0)
            return string.Equals(pattern, value, comparison);
        var prefix = pattern.AsSpan(0, star);
        var suffix = pattern.AsSpan(star + 1);
        return value.Length >= prefix.Length + suffix.Length
            && value.AsSpan().StartsWith(prefix, comparison) && value.AsSpan().EndsWith(suffix, comparison);
    }
}
