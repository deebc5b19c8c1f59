using System.Buffers;
using System.Xml;
using System.Xml.Linq;
using ObjectStore.Lifecycle;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

/// <summary>
/// Reads request XML safely: a size cap, DTDs prohibited, no external resolution. Anything that is
/// not well-formed (or too big) is MalformedXML. Elements are matched by local name, so bodies with
/// or without the S3 namespace are accepted, as S3 does.
/// </summary>
internal static partial class S3XmlRequest
{
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>Reads the whole body (at most <paramref name="maxBytes"/>) and parses it; null for an empty body.</summary>
    public static async Task<XElement?> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var bytes = await ReadCappedAsync(body, maxBytes, cancellationToken);
        if (bytes.Length == 0) return null;
        return Parse(bytes);
    }

    /// <summary>Reads up to <paramref name="maxBytes"/> bytes; more is MalformedXML.</summary>
    public static async Task<byte[]> ReadCappedAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var ms = new MemoryStream();
            int n;
            while ((n = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (ms.Length + n > maxBytes)
                    throw new S3Exception(S3Errors.MalformedXML, $"The XML you provided was larger than the maximum of {maxBytes} bytes allowed.");
                ms.Write(buffer, 0, n);
            }
            return ms.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static XElement Parse(byte[] bytes)
    {
        try
        {
            return BoundedXml.Load(bytes, keepWhitespace: true);
        }
        catch (XmlException)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }
    }

    /// <summary>The root, which must have the given local name.</summary>
    public static XElement ExpectRoot(XElement? root, string name)
    {
        if (root is null || root.Name.LocalName != name)
            throw new S3Exception(S3Errors.MalformedXML);
        return root;
    }

    public static IEnumerable<XElement> Children(XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name);

    public static XElement? Child(XElement parent, string name) => Children(parent, name).FirstOrDefault();

    public static string? ChildValue(XElement parent, string name) => Child(parent, name)?.Value;

    /// <summary>Parses <c>&lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;</c> into (key, value) pairs in order.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseTagging(XElement? root)
    {
        var tagging = ExpectRoot(root, "Tagging");
        var tagSet = Child(tagging, "TagSet") ?? throw new S3Exception(S3Errors.MalformedXML);
        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in Children(tagSet, "Tag"))
        {
            var key = ChildValue(tag, "Key") ?? throw new S3Exception(S3Errors.MalformedXML);
            var value = ChildValue(tag, "Value") ?? "";
            tags.Add(new(key, value));
        }
        return tags;
    }

    /// <summary>Parses a DeleteObjects body.</summary>
    public static (bool Quiet, IReadOnlyList<(string Key, string? VersionId)> Objects) ParseDelete(XElement? root, int maxObjects)
    {
        var delete = ExpectRoot(root, "Delete");
        var quietText = ChildValue(delete, "Quiet")?.Trim();
        var quiet = quietText is not null && quietText.Equals("true", StringComparison.OrdinalIgnoreCase);
        var objects = new List<(string, string?)>();
        foreach (var o in Children(delete, "Object"))
        {
            var key = ChildValue(o, "Key") ?? throw new S3Exception(S3Errors.MalformedXML);
            objects.Add((key, ChildValue(o, "VersionId")));
            if (objects.Count > maxObjects)
                throw new S3Exception(S3Errors.MalformedXML, $"The request may not contain more than {maxObjects} objects.");
        }
        if (objects.Count == 0)
            throw new S3Exception(S3Errors.MalformedXML);
        return (quiet, objects);
    }

    /// <summary>The LocationConstraint of a CreateBucketConfiguration body, or null.</summary>
    public static string? ParseLocationConstraint(XElement? root)
    {
        if (root is null) return null;
        var config = ExpectRoot(root, "CreateBucketConfiguration");
        var location = ChildValue(config, "LocationConstraint")?.Trim();
        return string.IsNullOrEmpty(location) ? null : location;
    }

    /// <summary>
    /// The Status of a VersioningConfiguration body: "Enabled" or "Suspended", or null when absent (no
    /// change). MfaDelete Enabled is refused: MFA is not supported.
    /// </summary>
    public static string? ParseVersioning(XElement? root)
    {
        var config = ExpectRoot(root, "VersioningConfiguration");
        if (ChildValue(config, "MfaDelete")?.Trim() is "Enabled")
            throw new S3Exception(S3Errors.NotImplemented, "MFA Delete is not supported.");
        var status = ChildValue(config, "Status")?.Trim();
        return status switch
        {
            null => null,
            "Enabled" or "Suspended" => status,
            _ => throw new S3Exception(S3Errors.IllegalVersioningConfiguration),
        };
    }
}
