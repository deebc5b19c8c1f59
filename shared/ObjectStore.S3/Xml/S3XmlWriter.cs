using System.Globalization;
using System.Text;
using System.Xml;

namespace ObjectStore.S3.Xml;

/// <summary>Low-level helpers for writing S3 response XML asynchronously to a stream.</summary>
internal static class S3XmlWriter
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlWriterSettings Settings = new()
    {
        Async = true,
        Encoding = new UTF8Encoding(false),
        Indent = false,
        CloseOutput = false,
        // S3 keys may hold control characters XML 1.0 cannot carry raw; unchecked, the writer emits
        // them as character references (&#x1;), as S3 does.
        CheckCharacters = false,
    };

    public static XmlWriter Create(Stream destination) => XmlWriter.Create(destination, Settings);

    /// <summary>ISO 8601 with milliseconds, UTC: 2009-10-12T17:50:30.000Z.</summary>
    public static string Timestamp(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Starts the document and its root element, in the S3 namespace unless <paramref name="withNamespace"/> is false.</summary>
    public static async Task StartAsync(XmlWriter w, string root, bool withNamespace = true)
    {
        await w.WriteStartDocumentAsync();
        await w.WriteStartElementAsync(null, root, withNamespace ? Namespace : null);
    }

    public static async Task EndAsync(XmlWriter w)
    {
        await w.WriteEndElementAsync();
        await w.WriteEndDocumentAsync();
        await w.FlushAsync();
    }

    public static Task ElementAsync(XmlWriter w, string name, string value) =>
        w.WriteElementStringAsync(null, name, null, value);

    public static Task ElementAsync(XmlWriter w, string name, long value) =>
        w.WriteElementStringAsync(null, name, null, value.ToString(CultureInfo.InvariantCulture));

    public static Task ElementAsync(XmlWriter w, string name, bool value) =>
        w.WriteElementStringAsync(null, name, null, value ? "true" : "false");

    public static Task ElementAsync(XmlWriter w, string name, DateTimeOffset value) =>
        w.WriteElementStringAsync(null, name, null, Timestamp(value));

    public static async Task OptionalElementAsync(XmlWriter w, string name, string? value)
    {
        if (value is not null) await ElementAsync(w, name, value);
    }

    public static async Task OwnerAsync(XmlWriter w, string id, string displayName)
    {
        await w.WriteStartElementAsync(null, "Owner", null);
        await ElementAsync(w, "ID", id);
        await ElementAsync(w, "DisplayName", displayName);
        await w.WriteEndElementAsync();
    }

    /// <summary>The CommonPrefixes elements of a delimiter listing.</summary>
    public static async Task CommonPrefixesAsync(XmlWriter w, IEnumerable<string> prefixes, Func<string, string> encode)
    {
        foreach (var prefix in prefixes)
        {
            await w.WriteStartElementAsync(null, "CommonPrefixes", null);
            await ElementAsync(w, "Prefix", encode(prefix));
            await w.WriteEndElementAsync();
        }
    }

    public static async Task TagSetAsync(XmlWriter w, IEnumerable<KeyValuePair<string, string>> tags)
    {
        await w.WriteStartElementAsync(null, "TagSet", null);
        foreach (var (key, value) in tags)
        {
            await w.WriteStartElementAsync(null, "Tag", null);
            await ElementAsync(w, "Key", key);
            await ElementAsync(w, "Value", value);
            await w.WriteEndElementAsync();
        }
        await w.WriteEndElementAsync();
    }
}
