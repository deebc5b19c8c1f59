using System.Globalization;
using System.Xml.Linq;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Integrity;
using ObjectStore.Objects;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlRequest
{
    /// <summary>
    /// Parses <c>&lt;CompleteMultipartUpload&gt;&lt;Part&gt;&lt;PartNumber/&gt;&lt;ETag/&gt;&lt;ChecksumCRC32/&gt;...</c>
    /// in document order. A part without a number or ETag, a number that is not an integer, or no part at
    /// all is MalformedXML; order and ETag values are checked by the object service.
    /// </summary>
    public static IReadOnlyList<CompletedPart> ParseCompleteMultipartUpload(XElement? root, int maxParts)
    {
        var complete = ExpectRoot(root, "CompleteMultipartUpload");
        var parts = new List<CompletedPart>();
        foreach (var part in Children(complete, "Part"))
        {
            var numberText = ChildValue(part, "PartNumber")?.Trim();
            var etag = ChildValue(part, "ETag")?.Trim();
            if (etag is null || !int.TryParse(numberText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                throw new S3Exception(S3Errors.MalformedXML);
            string? algorithm = null, value = null;
            foreach (var candidate in ChecksumAlgorithms.All)
            {
                if (ChildValue(part, "Checksum" + candidate.Name()) is { } v)
                    (algorithm, value) = (candidate.Name(), v.Trim());
            }
            parts.Add(new CompletedPart(number, etag, algorithm, value));
            if (parts.Count > maxParts)
                throw new S3Exception(S3Errors.MalformedXML, $"The request may not contain more than {maxParts} parts.");
        }
        if (parts.Count == 0)
            throw new S3Exception(S3Errors.MalformedXML);
        return parts;
    }
}
