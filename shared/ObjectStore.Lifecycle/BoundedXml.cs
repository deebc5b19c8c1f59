using System.Xml;
using System.Xml.Linq;

namespace ObjectStore.Lifecycle;

/// <summary>
/// The one way request XML is loaded: no DTDs, no external resolution, and a streaming pre-pass that
/// refuses a document nested deeper or holding more elements than any S3 document needs, before a
/// tree is built (a deeply nested document otherwise costs far more than linear time in the code
/// that walks the tree, and deep recursion can end the process). Failures are <see cref="XmlException"/>s.
/// </summary>
public static class BoundedXml
{
    /// <summary>Deepest nesting S3 documents use is 6 (a lifecycle Rule/Filter/And/Tag/Key); generous room above it.</summary>
    public const int MaxDepth = 32;

    /// <summary>CompleteMultipartUpload's 10,000 parts take about 60,000 elements, the largest S3 document.</summary>
    public const int MaxElements = 100_000;

    /// <param name="keepWhitespace">Keep whitespace-only text (an S3 key may be " "); off drops it between elements too.</param>
    public static XElement Load(byte[] utf8, bool keepWhitespace) =>
        Load(() => XmlReader.Create(new MemoryStream(utf8, writable: false), Settings(utf8.Length * 2L + 1024, keepWhitespace)));

    /// <inheritdoc cref="Load(byte[], bool)"/>
    public static XElement Load(string text, bool keepWhitespace) =>
        Load(() => XmlReader.Create(new StringReader(text), Settings(text.Length + 1024L, keepWhitespace)));

    private static XElement Load(Func<XmlReader> open)
    {
        using (var scan = open())
        {
            var elements = 0;
            while (scan.Read())
            {
                if (scan.NodeType != XmlNodeType.Element)
                    continue;
                if (scan.Depth >= MaxDepth)
                    throw new XmlException($"The document is nested more than {MaxDepth} elements deep.");
                if (++elements > MaxElements)
                    throw new XmlException($"The document has more than {MaxElements} elements.");
            }
        }
        using var reader = open();
        return XElement.Load(reader, LoadOptions.None);
    }

    private static XmlReaderSettings Settings(long maxCharacters, bool keepWhitespace) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = !keepWhitespace,
        MaxCharactersInDocument = maxCharacters,
    };
}
